# Security groups whose rules come from `dynamic` blocks and from variables without defaults
variable "ssh_cidrs" {
  type = list(string)
}

variable "extra_rules" {
  type = list(object({ port = number, cidr = string }))
}

variable "web_rules" {
  default = [{ port = 443, cidr = "0.0.0.0/0" }, { port = 80, cidr = "10.0.0.0/8" }]
}

resource "aws_eks_cluster" "this" {
  name     = "dynamic"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids = ["subnet-a", "subnet-b"]
    security_group_ids = [aws_security_group.web.id, aws_security_group.ssh.id,
    aws_security_group.extra.id, aws_security_group.any_port.id]
  }
}

resource "aws_security_group" "web" {
  name = "web"
  dynamic "ingress" {
    for_each = var.web_rules
    iterator = rule
    content {
      from_port   = rule.value.port
      to_port     = rule.value.port
      protocol    = "tcp"
      cidr_blocks = [rule.value.cidr]
    }
  }
}

resource "aws_security_group" "ssh" {
  name = "ssh"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = var.ssh_cidrs
  }
}

resource "aws_security_group" "extra" {
  name = "extra"
  dynamic "ingress" {
    for_each = var.extra_rules
    content {
      from_port   = ingress.value.port
      to_port     = ingress.value.port
      protocol    = "tcp"
      cidr_blocks = [ingress.value.cidr]
    }
  }
}

resource "aws_security_group" "any_port" {
  name = "any-port"
  dynamic "ingress" {
    for_each = var.extra_rules
    content {
      from_port   = ingress.value.port
      to_port     = ingress.value.port
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}
