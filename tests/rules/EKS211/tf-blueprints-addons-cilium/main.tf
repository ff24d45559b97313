# aws-ia/eks-blueprints-addons `helm_releases`: Cilium enforces NetworkPolicies
module "eks" {
  source       = "terraform-aws-modules/eks/aws"
  version      = "~> 20.11"
  cluster_name = "shop"
  eks_managed_node_groups = {
    apps = { instance_types = ["m5.large"] }
  }
}

module "eks_blueprints_addons" {
  source       = "aws-ia/eks-blueprints-addons/aws"
  version      = "~> 1.16"
  cluster_name = module.eks.cluster_name

  helm_releases = {
    cilium = {
      name       = "cilium"
      chart      = "cilium"
      version    = "1.14.1"
      repository = "https://helm.cilium.io/"
      namespace  = "kube-system"
    }
  }
}
