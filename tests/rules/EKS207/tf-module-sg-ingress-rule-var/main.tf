module "eks" {
  source = "terraform-aws-modules/eks/aws"
  version = "~> 19.9"
  cluster_name = "demo"
  cluster_version = "1.34"
  vpc_id = "vpc-1"
  subnet_ids = ["subnet-1","subnet-2"]
  eks_managed_node_groups = { one = { instance_types = ["m5.large"] } }
}
resource "aws_vpc_security_group_ingress_rule" "admin" {
  from_port = 443
  to_port = 443
  ip_protocol = "tcp"
  cidr_ipv4 = var.admin_cidr
  security_group_id = module.eks.cluster_security_group_id
}
variable "admin_cidr" {}
