# `version` from a variable whose default is "": the provider leaves it out of CreateCluster, so EKS
# picks its default version
variable "kubernetes_version" {
  type    = string
  default = ""
}

resource "aws_eks_cluster" "this" {
  name     = "empty"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  version  = var.kubernetes_version
  vpc_config {
    subnet_ids = ["subnet-a", "subnet-b"]
  }
}
