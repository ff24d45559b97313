#!/bin/sh
# stacksimplify's course: the OIDC provider is associated after the cluster exists, so aws-node has no IRSA role
# and `create nodegroup` still attaches AmazonEKS_CNI_Policy (eksctl create.go DoesAWSNodeUseIRSA)
eksctl create cluster --name later --without-nodegroup
eksctl utils associate-iam-oidc-provider --cluster later --approve
eksctl create nodegroup --cluster later --name ng --managed

# created with OIDC: eksctl gives aws-node its own role, later node groups go without the CNI policy
eksctl create cluster --name from-start --with-oidc --without-nodegroup
eksctl create nodegroup --cluster from-start --name ng --managed
