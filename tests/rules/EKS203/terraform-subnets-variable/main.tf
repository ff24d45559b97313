variable "subnet_ids" {}
resource "aws_eks_cluster" "c" {
  name = "c"
  version = "1.33"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config { subnet_ids = var.subnet_ids }
}
