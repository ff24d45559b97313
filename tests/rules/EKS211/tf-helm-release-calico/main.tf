# a plain helm_release of Calico's Tigera operator enforces NetworkPolicies
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

resource "helm_release" "calico" {
  name       = "calico"
  repository = "https://docs.tigera.io/calico/charts"
  chart      = "tigera-operator"
  namespace  = "tigera-operator"
}
