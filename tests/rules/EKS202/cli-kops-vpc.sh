# eksctl userdocs/src/usage/vpc-configuration.md:27
eksctl create cluster --name=cluster-2 --region=us-west-2 --vpc-from-kops-cluster=cluster-1.k8s.local
