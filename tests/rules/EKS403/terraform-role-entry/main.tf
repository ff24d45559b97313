resource "aws_iam_role" "deployer" {
  name               = "deployer"
  assume_role_policy = "{}"
}

module "eks" {
  source             = "terraform-aws-modules/eks/aws"
  version            = "~> 21.6"
  name               = "k"
  kubernetes_version = "1.34"
  vpc_id             = "vpc-1"
  subnet_ids         = ["subnet-1", "subnet-2"]
  access_entries = {
    deployer = {
      principal_arn = aws_iam_role.deployer.arn
      policy_associations = {
        edit = {
          policy_arn   = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy"
          access_scope = { type = "cluster" }
        }
      }
    }
  }
}
