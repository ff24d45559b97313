module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 21.0"
  name               = "r8"
  kubernetes_version = "1.34"
  vpc_id             = "vpc-1"
  subnet_ids         = ["subnet-a", "subnet-b"]
  ip_family                  = "ipv6"
  create_cni_ipv6_iam_policy = true
  eks_managed_node_groups = {
    dflt = {
      use_custom_launch_template = false
    }
  }
}
