variable "ns" {
  type = string
}

resource "kubernetes_pod_v1" "maybe" {
  metadata {
    name      = "maybe"
    namespace = var.ns
  }
  spec {
    host_network = true
    container {
      name  = "c"
      image = "nginx"
    }
  }
}
