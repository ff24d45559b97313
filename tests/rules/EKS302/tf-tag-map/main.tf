# A self-managed group whose tags come from a map with a templated key
# ("kubernetes.io/cluster/${var.cluster_name}"): the key is the cluster's name, so the group is
# that cluster's
variable "cluster_name" {
  default = "prod"
}

locals {
  node_tags = {
    "kubernetes.io/cluster/${var.cluster_name}" = "owned"
    "eks:nodegroup-name"                        = "workers"
  }
}

resource "aws_eks_cluster" "this" {
  name     = var.cluster_name
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids = ["subnet-a", "subnet-b"]
  }
}

resource "aws_launch_template" "nodes" {
  name          = "nodes"
  instance_type = "m6i.large"
  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 2
  }
}

resource "aws_autoscaling_group" "nodes" {
  max_size            = 3
  min_size            = 1
  vpc_zone_identifier = ["subnet-a", "subnet-b"]
  launch_template {
    id      = aws_launch_template.nodes.id
    version = "$Latest"
  }
  dynamic "tag" {
    for_each = local.node_tags
    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }
}
