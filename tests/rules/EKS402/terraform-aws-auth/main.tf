locals {
  admin_role = "arn:aws:iam::111122223333:role/admin"
}

resource "kubernetes_config_map_v1_data" "aws_auth" {
  metadata {
    name      = "aws-auth"
    namespace = "kube-system"
  }
  data = {
    mapRoles = yamlencode([
      {
        rolearn  = local.admin_role
        username = "admin"
        groups   = ["system:masters"]
      },
    ])
  }
  force = true
}
