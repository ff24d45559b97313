module "eks" {
  source = "terraform-aws-modules/eks/aws"
  version = "~> 19.9"
  cluster_name = "demo"
  cluster_version = "1.34"
  vpc_id = "vpc-1"
  subnet_ids = ["subnet-1","subnet-2"]
  eks_managed_node_groups = { one = { instance_types = ["m5.large"] } }
}
resource "aws_vpc_security_group_ingress_rule" "ssh" {
  from_port = 22
  to_port = 22
  ip_protocol = "tcp"
  cidr_ipv4 = "0.0.0.0/0"
  security_group_id = module.eks.node_security_group_id
}
