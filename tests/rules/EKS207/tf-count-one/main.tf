# a cluster with `count`, its EKS-made security group taken with one() of a splat (the cloudposse
# terraform-aws-eks-cluster layout), opened to the internet by a separate rule
variable "allowed_cidr_blocks" {
  type    = list(string)
  default = ["0.0.0.0/0"]
}

resource "aws_eks_cluster" "this" {
  count    = 1
  name     = "counted"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  version  = "1.31"
  vpc_config {
    subnet_ids = ["subnet-1", "subnet-2"]
  }
}

locals {
  cluster_security_group_id = one(aws_eks_cluster.this[*].vpc_config[0].cluster_security_group_id)
}

resource "aws_vpc_security_group_ingress_rule" "cidr_blocks" {
  count             = length(var.allowed_cidr_blocks)
  ip_protocol       = "-1"
  cidr_ipv4         = var.allowed_cidr_blocks[count.index]
  security_group_id = local.cluster_security_group_id
}
