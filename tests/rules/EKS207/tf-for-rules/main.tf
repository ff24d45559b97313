# Cluster security group rules made like terraform-aws-eks's main.tf: a for expression over merge() of a
# local and a variable, `try()` for attributes a rule does not set. Known before apply, so a verdict.
variable "additional_rules" {
  type    = any
  default = {}
}

locals {
  create_sg = true
  default_rules = { for k, v in {
    ingress_nodes_443 = {
      protocol                 = "tcp"
      from_port                = 443
      to_port                  = 443
      type                     = "ingress"
      source_security_group_id = "sg-0123456789abcdef0"
    }
  } : k => v if local.create_sg }
}

resource "aws_eks_cluster" "this" {
  name     = "forrules"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids         = ["subnet-a", "subnet-b"]
    security_group_ids = [aws_security_group.cluster.id]
  }
}

resource "aws_security_group" "cluster" {
  name = "cluster"
}

resource "aws_security_group_rule" "cluster" {
  for_each = { for k, v in merge(local.default_rules, var.additional_rules) : k => v if local.create_sg }

  security_group_id        = aws_security_group.cluster.id
  protocol                 = each.value.protocol
  from_port                = each.value.from_port
  to_port                  = each.value.to_port
  type                     = each.value.type
  cidr_blocks              = try(each.value.cidr_blocks, null)
  source_security_group_id = try(each.value.source_security_group_id, null)
}
