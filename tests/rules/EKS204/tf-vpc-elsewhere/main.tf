# the cluster's subnets come from the caller: its VPC is described elsewhere
variable "subnet_ids" {
  type = list(string)
}

resource "aws_eks_cluster" "this" {
  name     = "vpc-elsewhere"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids              = var.subnet_ids
    endpoint_private_access = true
  }
}

resource "aws_eks_node_group" "workers" {
  cluster_name    = aws_eks_cluster.this.name
  node_group_name = "workers"
  node_role_arn   = "arn:aws:iam::111122223333:role/node"
  subnet_ids      = var.subnet_ids
  scaling_config {
    desired_size = 2
    max_size     = 3
    min_size     = 1
  }
}
