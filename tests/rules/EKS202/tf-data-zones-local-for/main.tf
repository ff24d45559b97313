# subnets made per zone of the local: the module puts subnet i in azs[i]
data "aws_availability_zones" "available" {}
locals {
  vpc_cidr = "10.0.0.0/16"
  azs = slice(data.aws_availability_zones.available.names, 0, 3)
}
module "vpc" {
  source = "terraform-aws-modules/vpc/aws"
  version = "6.5.1"
  cidr = local.vpc_cidr
  azs = local.azs
  private_subnets = [for k, v in local.azs : cidrsubnet(local.vpc_cidr, 4, k)]
}
module "eks" {
  source = "terraform-aws-modules/eks/aws"
  version = "~> 21.6"
  name = "az"
  kubernetes_version = "1.34"
  vpc_id = module.vpc.vpc_id
  subnet_ids = module.vpc.private_subnets
}
