# the cloudposse terraform-aws-eks-cluster layout: the key of a counted aws_kms_key taken with one()
resource "aws_kms_key" "counted" {
  count       = 1
  description = "EKS secrets"
}

resource "aws_eks_cluster" "counted" {
  name     = "counted"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  version  = "1.31"
  vpc_config {
    subnet_ids = ["subnet-1", "subnet-2"]
  }
  dynamic "encryption_config" {
    for_each = [{ resources = ["secrets"], key_arn = one(aws_kms_key.counted[*].arn) }]
    content {
      resources = encryption_config.value.resources
      provider {
        key_arn = encryption_config.value.key_arn
      }
    }
  }
}
