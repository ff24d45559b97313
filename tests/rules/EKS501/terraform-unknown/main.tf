variable "privileged" {
  type = bool
}

resource "kubernetes_pod_v1" "debug" {
  metadata {
    name = "debug"
  }
  spec {
    container {
      name  = "shell"
      image = "busybox"
      security_context {
        privileged = var.privileged
      }
    }
  }
}
