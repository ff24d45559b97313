# terraform-aws-modules/eks node groups: the `unknown` notes name the module's inputs, not eksctl's
module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 21.0"
  name    = "mod"

  eks_managed_node_groups = {
    encrypted = {
      block_device_mappings = {
        xvda = {
          device_name = "/dev/xvda"
          ebs = {
            encrypted = true
          }
        }
      }
    }
    plain = {}
    eks_template = {
      use_custom_launch_template = false
    }
  }
}
