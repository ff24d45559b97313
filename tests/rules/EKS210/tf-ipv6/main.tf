# IPv6 clusters in Terraform: the VPC CNI assigns prefixes (EKS user guide cni-ipv6), so a t3.medium holds 110
# pods, not the 17 of its secondary IPs
resource "aws_eks_cluster" "six" {
  name     = "six"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids = ["subnet-a", "subnet-b"]
  }
  kubernetes_network_config {
    ip_family = "ipv6"
  }
}

resource "aws_eks_node_group" "medium" {
  cluster_name    = aws_eks_cluster.six.name
  node_group_name = "medium"
  node_role_arn   = "arn:aws:iam::111122223333:role/node"
  subnet_ids      = ["subnet-a"]
  instance_types  = ["t3.medium"]
}

module "eks" {
  source             = "terraform-aws-modules/eks/aws"
  version            = "~> 21.0"
  name               = "sixmod"
  kubernetes_version = "1.34"
  ip_family          = "ipv6"
  subnet_ids         = ["subnet-a", "subnet-b"]
  eks_managed_node_groups = {
    medium = { instance_types = ["t3.medium"] }
  }
}

resource "aws_eks_cluster" "four" {
  name     = "four"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids = ["subnet-a", "subnet-b"]
  }
}

resource "aws_eks_node_group" "small" {
  cluster_name    = aws_eks_cluster.four.name
  node_group_name = "small"
  node_role_arn   = "arn:aws:iam::111122223333:role/node"
  subnet_ids      = ["subnet-a"]
  instance_types  = ["t3.medium"]
}
