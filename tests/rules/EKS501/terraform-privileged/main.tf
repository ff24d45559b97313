variable "image_tag" {
  type = string
}

resource "kubernetes_daemon_set_v1" "agent" {
  metadata {
    name      = "node-agent"
    namespace = "monitoring"
  }
  spec {
    selector {
      match_labels = { app = "node-agent" }
    }
    template {
      metadata {
        labels = { app = "node-agent" }
      }
      spec {
        host_network = true
        container {
          name  = "agent"
          image = "example/agent:${var.image_tag}"
          security_context {
            privileged = true
          }
        }
      }
    }
  }
}

resource "kubernetes_deployment_v1" "web" {
  metadata {
    name      = "web"
    namespace = "shop"
  }
  spec {
    template {
      spec {
        container {
          name  = "web"
          image = "example/web:${var.image_tag}"
        }
      }
    }
  }
}
