variable "user" {
  type = string
}

resource "kubernetes_role_v1" "reader" {
  metadata {
    name      = "reader"
    namespace = "kube-system"
  }
  rule {
    api_groups = [""]
    resources  = ["configmaps"]
    verbs      = ["get", "list"]
  }
}

# whom it binds is not known; EKS409 reads only which role a binding binds
resource "kubernetes_role_binding_v1" "reader" {
  metadata {
    name      = "reader"
    namespace = "kube-system"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = kubernetes_role_v1.reader.metadata[0].name
  }
  subject {
    kind = "User"
    name = var.user
  }
}
