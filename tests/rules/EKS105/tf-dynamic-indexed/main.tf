# A key of a counted aws_kms_key taken by index (`aws_kms_key.secrets[0].arn`) in the object a dynamic
# block iterates over: the count is known (1), so the for_each is one block with that key
variable "encrypt" {
  default = true
}

locals {
  encryption = {
    resources = ["secrets"]
    key_arn   = var.encrypt ? aws_kms_key.secrets[0].arn : null
  }
}

resource "aws_kms_key" "secrets" {
  count       = var.encrypt ? 1 : 0
  description = "EKS secrets"
}

resource "aws_eks_cluster" "indexed" {
  name     = "indexed"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  version  = "1.33"
  vpc_config {
    subnet_ids = ["subnet-1", "subnet-2"]
  }
  dynamic "encryption_config" {
    for_each = var.encrypt ? [local.encryption] : []
    content {
      resources = encryption_config.value.resources
      provider {
        key_arn = encryption_config.value.key_arn
      }
    }
  }
}
