# `instance_types = var.instance_types` whose default is null: as if not set, EKS uses t3.medium
variable "instance_types" {
  type    = list(string)
  default = null
}

resource "aws_eks_cluster" "this" {
  name     = "nulltypes"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids = ["subnet-a", "subnet-b"]
  }
}

resource "aws_eks_node_group" "this" {
  cluster_name    = aws_eks_cluster.this.name
  node_group_name = "workers"
  node_role_arn   = "arn:aws:iam::111122223333:role/node"
  subnet_ids      = ["subnet-a"]
  instance_types  = var.instance_types
  scaling_config {
    desired_size = 1
    max_size     = 2
    min_size     = 1
  }
}
