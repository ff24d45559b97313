module "vpc" {
  source             = "terraform-aws-modules/vpc/aws"
  version            = "~> 6.0"
  name               = "x"
  cidr               = "10.0.0.0/16"
  azs                = ["us-west-2a", "us-west-2b"]
  private_subnets    = ["10.0.0.0/20", "10.0.16.0/20"]
  public_subnets     = ["10.0.48.0/24", "10.0.49.0/24"]
  enable_nat_gateway = true
}
module "eks" {
  source                 = "terraform-aws-modules/eks/aws"
  version                = "~> 21.0"
  name                   = "x"
  kubernetes_version     = "1.34"
  vpc_id                 = module.vpc.vpc_id
  subnet_ids             = module.vpc.private_subnets
  eks_managed_node_groups = {
    a = {
      instance_types = ["m6a.large"]
      subnet_ids     = sort(module.vpc.public_subnets)   # public subnets
    }
  }
}
