# the user's group is the subject of a binding made in the same apply: what it grants is not known here
resource "aws_iam_user" "dev" {
  name = "dev"
}

resource "kubernetes_role_binding_v1" "dev" {
  metadata {
    name      = "dev"
    namespace = "apps"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = "dev"
  }
  subject {
    kind      = "Group"
    name      = var.group
    api_group = "rbac.authorization.k8s.io"
  }
}

variable "group" {
  type = string
}

resource "kubernetes_config_map_v1" "aws_auth" {
  metadata {
    name      = "aws-auth"
    namespace = "kube-system"
  }
  data = {
    mapUsers = yamlencode([{
      userarn  = aws_iam_user.dev.arn
      username = "dev"
      groups   = [kubernetes_role_binding_v1.dev.subject[0].name]
    }])
  }
}
