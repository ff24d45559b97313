# the course pattern: aws-auth mapUsers from yamlencode() of users whose ARNs are known only after apply
resource "aws_iam_user" "admin_user" {
  name = "admin"
}

resource "aws_eks_cluster" "this" {
  name     = "auth"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids = ["subnet-a", "subnet-b"]
  }
}

locals {
  users = [
    {
      userarn  = aws_iam_user.admin_user.arn
      username = aws_iam_user.admin_user.name
      groups   = ["system:masters"]
    },
  ]
}

resource "kubernetes_config_map_v1" "aws_auth" {
  metadata {
    name      = "aws-auth"
    namespace = "kube-system"
  }
  data = {
    mapUsers = yamlencode(local.users)
  }
}
