module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 21.0"
  name               = "r7"
  kubernetes_version = "1.34"
  vpc_id             = "vpc-1"
  subnet_ids         = ["subnet-a", "subnet-b"]
  eks_managed_node_groups = {
    main = {
      iam_role_attach_cni_policy = false
      iam_role_policy_statements = [{
        sid       = "All"
        actions   = ["*"]
        resources = ["*"]
      }]
    }
  }
  self_managed_node_groups = {
    self = {
      iam_role_attach_cni_policy = false
      iam_role_policy_statements = [{
        actions   = ["*"]
        resources = ["*"]
      }]
    }
  }
}
