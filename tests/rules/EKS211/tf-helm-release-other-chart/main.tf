# a helm_release of another chart installs no engine
module "eks" {
  source       = "terraform-aws-modules/eks/aws"
  version      = "~> 20.11"
  cluster_name = "shop"
  eks_managed_node_groups = {
    apps = { instance_types = ["m5.large"] }
  }
}

resource "helm_release" "ingress" {
  name  = "ingress"
  chart = "ingress-nginx"
}
