# Self-managed node groups whose Auto Scaling groups name their launch template inside
# mixed_instances_policy: launch_template_specification names it by launch_template_id or
# launch_template_name (not id/name as a plain launch_template block does)
resource "aws_eks_cluster" "this" {
  name     = "mixed"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids = ["subnet-a", "subnet-b"]
  }
}

resource "aws_launch_template" "hop2" {
  name          = "hop2"
  instance_type = "m6i.large"
  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 2
  }
}

resource "aws_launch_template" "hop1" {
  name          = "hop1"
  instance_type = "m6i.large"
  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }
}

resource "aws_autoscaling_group" "spot" {
  max_size            = 3
  min_size            = 1
  vpc_zone_identifier = ["subnet-a", "subnet-b"]
  mixed_instances_policy {
    launch_template {
      launch_template_specification {
        launch_template_id = aws_launch_template.hop2.id
        version            = aws_launch_template.hop2.latest_version
      }
    }
  }
  tag {
    key                 = "kubernetes.io/cluster/mixed"
    value               = "owned"
    propagate_at_launch = true
  }
}

resource "aws_autoscaling_group" "ondemand" {
  max_size            = 3
  min_size            = 1
  vpc_zone_identifier = ["subnet-a", "subnet-b"]
  mixed_instances_policy {
    launch_template {
      launch_template_specification {
        launch_template_name = aws_launch_template.hop1.name
      }
    }
  }
  tag {
    key                 = "kubernetes.io/cluster/mixed"
    value               = "owned"
    propagate_at_launch = true
  }
}
