# aws_eks_addon with configuration_values as a heredoc JSON string
resource "aws_eks_cluster" "shop" {
  name     = "shop"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids = ["subnet-a", "subnet-b"]
  }
}

resource "aws_eks_node_group" "apps" {
  cluster_name  = aws_eks_cluster.shop.name
  node_role_arn = "arn:aws:iam::111122223333:role/node"
  subnet_ids    = ["subnet-a", "subnet-b"]
  scaling_config {
    desired_size = 1
    max_size     = 1
    min_size     = 1
  }
}

resource "aws_eks_addon" "vpc_cni" {
  cluster_name         = aws_eks_cluster.shop.name
  addon_name           = "vpc-cni"
  configuration_values = <<-EOT
    {"enableNetworkPolicy": "true"}
  EOT
}
