resource "aws_eks_cluster" "restricted" {
  name     = "restricted"
  role_arn = "arn:aws:iam::111122223333:role/eks"

  vpc_config {
    subnet_ids              = ["subnet-0aaa", "subnet-0bbb"]
    endpoint_private_access = true
    public_access_cidrs     = ["203.0.113.10/32"]
  }
}
