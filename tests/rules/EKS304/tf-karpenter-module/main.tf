module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 20.24"

  cluster_name    = "rkarp"
  cluster_version = "1.34"
  vpc_id          = "vpc-1"
  subnet_ids      = ["subnet-a", "subnet-b"]

  fargate_profiles = {
    karpenter = { selectors = [{ namespace = "karpenter" }] }
  }
}

module "karpenter" {
  source  = "terraform-aws-modules/eks/aws//modules/karpenter"
  version = "~> 20.24"

  cluster_name = module.eks.cluster_name
}
