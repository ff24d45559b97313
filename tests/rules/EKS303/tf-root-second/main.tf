module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 20.0"

  cluster_name    = "r303"
  cluster_version = "1.34"
  vpc_id          = "vpc-1"
  subnet_ids      = ["subnet-a", "subnet-b"]

  eks_managed_node_groups = {
    ng = {
      instance_types = ["m5.large"]
      block_device_mappings = {
        xvdb = {
          device_name = "/dev/xvdb"
          ebs = { encrypted = true }
        }
        xvda = {
          device_name = "/dev/xvda"
          ebs = { encrypted = false }
        }
      }
    }
  }
}
