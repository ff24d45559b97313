resource "kubernetes_default_service_account_v1" "tools" {
  metadata {
    namespace = "tools"
  }
  automount_service_account_token = false
}

resource "kubernetes_manifest" "agent" {
  manifest = {
    apiVersion = "v1"
    kind       = "Pod"
    metadata   = { name = "agent", namespace = "tools" }
    spec = {
      containers = [{ name = "c", image = "nginx" }]
    }
  }
}

# the provider sends automount_service_account_token = true for a typed pod that leaves it out,
# which wins over the ServiceAccount's false
resource "kubernetes_pod_v1" "typed" {
  metadata {
    name      = "typed"
    namespace = "tools"
  }
  spec {
    container {
      name  = "c"
      image = "nginx"
    }
  }
}
