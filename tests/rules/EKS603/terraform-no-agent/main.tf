# no chart that runs an agent: what runs in the cluster is not visible to Terraform alone
resource "aws_eks_cluster" "this" {
  name     = "no-agent"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids = ["subnet-a", "subnet-b"]
  }
}

