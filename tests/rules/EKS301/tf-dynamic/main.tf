# Node groups and launch templates whose blocks come from `dynamic` blocks (as in
# terraform-aws-modules/eks//modules/eks-managed-node-group): read like literal blocks over a known
# for_each, unknown when for_each is not known before apply
variable "metadata_options" {
  default = {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }
}

variable "use_custom_launch_template" {
  default = true
}

variable "imds" {
  type = any
}

variable "ssh_key" {
  type = string
}

resource "aws_eks_cluster" "this" {
  name     = "dyn"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids = ["subnet-a", "subnet-b"]
  }
}

resource "aws_launch_template" "custom" {
  name          = "custom"
  instance_type = "m6i.large"
  dynamic "metadata_options" {
    for_each = [var.metadata_options]
    content {
      http_endpoint               = metadata_options.value.http_endpoint
      http_tokens                 = metadata_options.value.http_tokens
      http_put_response_hop_limit = metadata_options.value.http_put_response_hop_limit
    }
  }
  dynamic "block_device_mappings" {
    for_each = { xvda = { device_name = "/dev/xvda", encrypted = true } }
    iterator = disk
    content {
      device_name = disk.value.device_name
      dynamic "ebs" {
        for_each = [disk.value]
        content {
          encrypted = ebs.value.encrypted
        }
      }
    }
  }
}

resource "aws_launch_template" "undecided" {
  name          = "undecided"
  instance_type = "m6i.large"
  dynamic "metadata_options" {
    for_each = var.imds == null ? [] : [var.imds]
    content {
      http_tokens                 = "required"
      http_put_response_hop_limit = 1
    }
  }
}

resource "aws_eks_node_group" "custom" {
  cluster_name    = aws_eks_cluster.this.name
  node_group_name = "custom"
  node_role_arn   = "arn:aws:iam::111122223333:role/node"
  subnet_ids      = ["subnet-a"]
  dynamic "launch_template" {
    for_each = var.use_custom_launch_template ? [1] : []
    content {
      id      = aws_launch_template.custom.id
      version = aws_launch_template.custom.latest_version
    }
  }
}

resource "aws_eks_node_group" "undecided" {
  cluster_name    = aws_eks_cluster.this.name
  node_group_name = "undecided"
  node_role_arn   = "arn:aws:iam::111122223333:role/node"
  subnet_ids      = ["subnet-a"]
  launch_template {
    id      = aws_launch_template.undecided.id
    version = "$Latest"
  }
}

resource "aws_eks_node_group" "ssh" {
  cluster_name    = aws_eks_cluster.this.name
  node_group_name = "ssh"
  node_role_arn   = "arn:aws:iam::111122223333:role/node"
  subnet_ids      = ["subnet-a"]
  dynamic "remote_access" {
    for_each = [1]
    content {
      ec2_ssh_key = "mykey"
    }
  }
}

resource "aws_eks_node_group" "maybe_ssh" {
  cluster_name    = aws_eks_cluster.this.name
  node_group_name = "maybe-ssh"
  node_role_arn   = "arn:aws:iam::111122223333:role/node"
  subnet_ids      = ["subnet-a"]
  dynamic "remote_access" {
    for_each = var.ssh_key == null ? [] : [var.ssh_key]
    content {
      ec2_ssh_key = remote_access.value
    }
  }
}
