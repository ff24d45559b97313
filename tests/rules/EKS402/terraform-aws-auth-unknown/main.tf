variable "map_roles" {
  type = list(object({ rolearn = string, username = string, groups = list(string) }))
}

resource "kubernetes_config_map" "aws_auth" {
  metadata {
    name      = "aws-auth"
    namespace = "kube-system"
  }
  data = {
    mapRoles = yamlencode(var.map_roles)
  }
}
