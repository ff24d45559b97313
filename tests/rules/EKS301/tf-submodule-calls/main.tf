# terraform-aws-eks's node group submodules called on their own, given the cluster of module.eks: their groups
# are that cluster's node groups, with the submodules' defaults (IMDSv2 required, hop limit 1 in v21)
module "eks" {
  source             = "terraform-aws-modules/eks/aws"
  version            = "~> 21.0"
  name               = "sub"
  kubernetes_version = "1.34"
  endpoint_public_access = false
  subnet_ids         = ["subnet-a", "subnet-b"]
  vpc_id             = "vpc-1"
}

module "workers" {
  source  = "terraform-aws-modules/eks/aws//modules/eks-managed-node-group"
  version = "~> 21.0"

  name                              = "workers"
  cluster_name                      = module.eks.cluster_name
  cluster_primary_security_group_id = module.eks.cluster_primary_security_group_id
  vpc_security_group_ids            = [module.eks.node_security_group_id]
  subnet_ids                        = ["subnet-a", "subnet-b"]
  instance_types                    = ["m6i.large"]

  metadata_options = {
    http_tokens                 = "optional"
    http_put_response_hop_limit = 2
  }
}

module "legacy" {
  source  = "terraform-aws-modules/eks/aws//modules/self-managed-node-group"
  version = "~> 21.0"

  name         = "legacy"
  cluster_name = module.eks.cluster_name
  subnet_ids   = ["subnet-a"]
}
