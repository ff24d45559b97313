data "aws_caller_identity" "current" {}

resource "kubernetes_role" "r" {
  metadata {
    name      = "pod-reader"
    namespace = "ui"
  }
  rule {
    api_groups = [""]
    resources  = ["pods"]
    verbs      = ["get", "list", "watch"]
  }
}

resource "kubernetes_role_binding" "rb" {
  metadata {
    name      = "rb"
    namespace = "ui"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = kubernetes_role.r.metadata[0].name
  }
  subject {
    kind      = "User"
    name      = data.aws_caller_identity.current.arn
  }
}
