# `dynamic "encryption_config"` blocks read like literal blocks: expanded over a known for_each,
# unknown when for_each is not known before apply
variable "encryption_config" {
  default = {
    resources        = ["secrets"]
    provider_key_arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd"
  }
}

variable "encrypt" {
  type = bool
}

locals {
  enable_encryption_config = var.encryption_config != null
}

resource "aws_eks_cluster" "known" {
  name     = "known"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids = ["subnet-a", "subnet-b"]
  }
  dynamic "encryption_config" {
    for_each = local.enable_encryption_config ? [var.encryption_config] : []
    content {
      provider {
        key_arn = encryption_config.value.provider_key_arn
      }
      resources = encryption_config.value.resources
    }
  }
}

resource "aws_eks_cluster" "off" {
  name     = "off"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids = ["subnet-a", "subnet-b"]
  }
  dynamic "encryption_config" {
    for_each = []
    content {
      provider {
        key_arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd"
      }
      resources = ["secrets"]
    }
  }
}

resource "aws_eks_cluster" "undecided" {
  name     = "undecided"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids = ["subnet-a", "subnet-b"]
  }
  dynamic "encryption_config" {
    for_each = var.encrypt ? [1] : []
    iterator = config
    content {
      provider {
        key_arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd"
      }
      resources = ["secrets"]
    }
  }
}
