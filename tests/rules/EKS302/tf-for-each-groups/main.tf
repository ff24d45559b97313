# Auto Scaling groups made by for_each, with no name tag: each instance is its own node group,
# named with its key
resource "aws_eks_cluster" "this" {
  name     = "fe"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids = ["subnet-a", "subnet-b"]
  }
}

resource "aws_launch_template" "lt" {
  for_each = toset(["a", "b"])
  name     = "lt-${each.key}"
  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = each.key == "a" ? 1 : 2
  }
}

resource "aws_autoscaling_group" "ng" {
  for_each            = toset(["a", "b"])
  max_size            = 3
  min_size            = 1
  vpc_zone_identifier = ["subnet-a"]
  launch_template {
    id = aws_launch_template.lt[each.key].id
  }
}
