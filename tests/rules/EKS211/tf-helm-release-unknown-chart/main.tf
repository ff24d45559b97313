# a helm_release whose chart is not known before apply may be an engine: unknown, not a fail
variable "cni_chart" {
  type = string
}

module "eks" {
  source       = "terraform-aws-modules/eks/aws"
  version      = "~> 20.11"
  cluster_name = "shop"
  eks_managed_node_groups = {
    apps = { instance_types = ["m5.large"] }
  }
}

resource "helm_release" "cni" {
  name  = "cni"
  chart = var.cni_chart
}

resource "helm_release" "ingress" {
  name  = "ingress"
  chart = "ingress-nginx"
}
