# node groups made by modules this tool does not model, given the cluster's name
resource "aws_eks_cluster" "this" {
  name     = "modnodes"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids = ["subnet-a", "subnet-b"]
  }
}

module "eks_node_group" {
  source       = "cloudposse/eks-node-group/aws"
  version      = "3.2.0"
  cluster_name = one(aws_eks_cluster.this[*].name)
  subnet_ids   = ["subnet-a"]
}

module "eks" {
  source       = "terraform-aws-modules/eks/aws"
  version      = "~> 20.0"
  cluster_name = "viamodule"
  subnet_ids   = ["subnet-a", "subnet-b"]
}

module "managed" {
  source       = "terraform-aws-modules/eks/aws//modules/eks-managed-node-group"
  version      = "~> 20.0"
  name         = "workers"
  cluster_name = module.eks.cluster_name
}

# modules given other things of a cluster, or that make no node groups: the cluster has no node groups
resource "aws_eks_cluster" "alone" {
  name     = "alone"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids = ["subnet-a", "subnet-b"]
  }
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "~> 5.0"
  name    = "vpc"
  cidr    = "10.0.0.0/16"
}

module "karpenter" {
  source       = "terraform-aws-modules/eks/aws//modules/karpenter"
  version      = "~> 20.0"
  cluster_name = aws_eks_cluster.alone.name
}

module "irsa" {
  source   = "terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts-eks"
  role_name = "ebs-csi"
  oidc_providers = {
    main = {
      provider_arn               = "arn:aws:iam::111122223333:oidc-provider/example"
      namespace_service_accounts = ["kube-system:ebs-csi-controller-sa"]
    }
  }
}

module "pod_identity" {
  source = "terraform-aws-modules/eks-pod-identity/aws"
  name   = "ebs-csi"
  associations = {
    one = {
      cluster_name    = aws_eks_cluster.alone.name
      namespace       = "kube-system"
      service_account = "ebs-csi-controller-sa"
    }
  }
}

# a role named after the cluster is not given the cluster (HashiCorp's EKS tutorial)
module "irsa-ebs-csi" {
  source       = "terraform-aws-modules/iam/aws//modules/iam-assumable-role-with-oidc"
  version      = "5.39.0"
  create_role  = true
  role_name    = "AmazonEKSTFEBSCSIRole-${aws_eks_cluster.alone.name}"
  provider_url = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE"
}
