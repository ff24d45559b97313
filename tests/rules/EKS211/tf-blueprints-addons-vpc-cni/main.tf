# aws-ia/eks-blueprints-addons `eks_addons`: the vpc-cni addon turns the engine on
module "eks" {
  source          = "terraform-aws-modules/eks/aws"
  version         = "~> 20.11"
  cluster_name    = "shop"
  cluster_version = "1.30"
  eks_managed_node_groups = {
    apps = { instance_types = ["m5.large"] }
  }
}

module "addons" {
  source       = "aws-ia/eks-blueprints-addons/aws"
  version      = "~> 1.16"
  cluster_name = module.eks.cluster_name

  eks_addons = {
    coredns = {}
    vpc-cni = {
      most_recent = true
      configuration_values = jsonencode({
        enableNetworkPolicy : "true",
      })
    }
  }
}
