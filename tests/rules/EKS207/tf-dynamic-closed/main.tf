# A dynamic block whose every rule admits only private ranges
variable "rules" {
  default = { https = "10.0.0.0/8", kubelet = "172.16.0.0/12" }
}

resource "aws_eks_cluster" "this" {
  name     = "closed"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids         = ["subnet-a", "subnet-b"]
    security_group_ids = [aws_security_group.private.id]
  }
}

resource "aws_security_group" "private" {
  name = "private"
  dynamic "ingress" {
    for_each = var.rules
    content {
      description = ingress.key
      from_port   = 443
      to_port     = 443
      protocol    = "tcp"
      cidr_blocks = [ingress.value]
    }
  }
}
