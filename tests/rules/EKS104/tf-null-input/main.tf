# An input written as null passes null to terraform-aws-eks (its variables are nullable), and main.tf hands
# it to aws_eks_cluster as is: EKS's own defaults apply, not the module's (public endpoint on, 0.0.0.0/0).
module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 21.0"

  name                   = "nulls"
  kubernetes_version     = "1.34"
  endpoint_public_access = null
  authentication_mode    = var.mode
  enabled_log_types      = null
  vpc_id                 = "vpc-123"
  subnet_ids             = ["subnet-a", "subnet-b"]
}

variable "mode" {
  type    = string
  default = null
}
