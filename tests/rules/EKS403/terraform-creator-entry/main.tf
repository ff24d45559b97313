module "eks" {
  source = "terraform-aws-modules/eks/aws"
  version = "~> 21.6"
  name = "k"
  kubernetes_version = "1.34"
  vpc_id = "vpc-1"
  subnet_ids = ["subnet-1","subnet-2"]
  enable_cluster_creator_admin_permissions = true
}
