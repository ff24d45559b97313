# Two clusters of one module use the same control-plane security group.
resource "aws_security_group" "control_plane" {
  name   = "shared-control-plane"
  vpc_id = "vpc-0123"
}

resource "aws_eks_cluster" "blue" {
  name     = "blue"
  role_arn = "arn:aws:iam::111122223333:role/eks"

  vpc_config {
    subnet_ids         = ["subnet-0aaa", "subnet-0bbb"]
    security_group_ids = [aws_security_group.control_plane.id]
  }
}

resource "aws_eks_cluster" "green" {
  name     = "green"
  role_arn = "arn:aws:iam::111122223333:role/eks"

  vpc_config {
    subnet_ids         = ["subnet-0aaa", "subnet-0bbb"]
    security_group_ids = [aws_security_group.control_plane.id]
  }
}
