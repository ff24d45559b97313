data "aws_caller_identity" "current" {}

resource "kubernetes_cluster_role_binding" "admin" {
  metadata {
    name = "deployer-admin"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "cluster-admin"
  }
  subject {
    kind = "User"
    name = data.aws_caller_identity.current.arn
  }
}
