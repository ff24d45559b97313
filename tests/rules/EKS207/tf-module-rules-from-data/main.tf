# Additional cluster SG rules from a data source (the privatelink-access pattern of
# terraform-aws-eks-blueprints): their peers are known only at apply.
data "dns_a_record_set" "nlb" {
  host = "nlb.example.com"
}

module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 20.0"

  cluster_name    = "fromdata"
  cluster_version = "1.35"
  vpc_id          = "vpc-0123456789abcdef0"
  subnet_ids      = ["subnet-a", "subnet-b"]

  cluster_security_group_additional_rules = {
    for ip_addr in data.dns_a_record_set.nlb.addrs : "nlb_ingress_${replace(ip_addr, ".", "")}" => {
      type        = "ingress"
      from_port   = 443
      to_port     = 443
      protocol    = "tcp"
      cidr_blocks = ["${ip_addr}/32"]
    }
  }
}
