resource "aws_eks_cluster" "green" {
  name     = "green"
  role_arn = "arn:aws:iam::111122223333:role/eks"

  vpc_config {
    subnet_ids         = ["subnet-0aaa", "subnet-0bbb"]
    security_group_ids = ["sg-0123456789abcdef0"]
  }
}
