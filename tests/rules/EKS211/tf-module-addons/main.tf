# terraform-aws-eks v21 `addons` (v20: `cluster_addons`) with the engine on
module "eks" {
  source             = "terraform-aws-modules/eks/aws"
  version            = "~> 21.0"
  name               = "shop"
  kubernetes_version = "1.33"
  addons = {
    vpc-cni = {
      before_compute = true
      configuration_values = jsonencode({
        enableNetworkPolicy = "true"
      })
    }
  }
  eks_managed_node_groups = {
    apps = { instance_types = ["m5.large"] }
  }
}
