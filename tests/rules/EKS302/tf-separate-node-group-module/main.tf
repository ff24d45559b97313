module "eks" {
  source             = "terraform-aws-modules/eks/aws"
  version            = "~> 21.0"
  name               = "r5"
  kubernetes_version = "1.34"
  vpc_id             = "vpc-1"
  subnet_ids         = ["subnet-a", "subnet-b"]
  eks_managed_node_groups = {
    main = { iam_role_attach_cni_policy = false }
  }
}

module "extra" {
  source               = "terraform-aws-modules/eks/aws//modules/eks-managed-node-group"
  version              = "~> 21.0"
  name                 = "extra"
  cluster_name         = module.eks.cluster_name
  cluster_service_cidr = module.eks.cluster_service_cidr
  subnet_ids           = ["subnet-a"]
  metadata_options     = { http_put_response_hop_limit = 2 }
}

module "more" {
  source       = "cloudposse/eks-node-group/aws"
  version      = "3.2.0"
  cluster_name = module.eks.cluster_name
  subnet_ids   = ["subnet-a"]
}
