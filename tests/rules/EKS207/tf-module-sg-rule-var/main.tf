module "eks" {
  source = "terraform-aws-modules/eks/aws"
  version = "~> 19.9"
  cluster_name = "demo"
  cluster_version = "1.34"
  vpc_id = "vpc-1"
  subnet_ids = ["subnet-1","subnet-2"]
  eks_managed_node_groups = { one = { instance_types = ["m5.large"] } }
}
resource "aws_security_group_rule" "ssh" {
  type = "ingress"
  from_port = 22
  to_port = 22
  protocol = "tcp"
  cidr_blocks = [var.vpc_cidr]
  security_group_id = module.eks.node_security_group_id
}
variable "vpc_cidr" {}
