variable "ns" {
  type = string
}

# meets restricted wherever it lands: the namespace not known does not change that
resource "kubernetes_pod_v1" "tight" {
  metadata {
    name      = "tight"
    namespace = var.ns
  }
  spec {
    automount_service_account_token = false
    security_context {
      run_as_non_root = true
      seccomp_profile {
        type = "RuntimeDefault"
      }
    }
    container {
      name  = "c"
      image = "nginx"
      security_context {
        allow_privilege_escalation = false
        capabilities {
          drop = ["ALL"]
        }
      }
    }
  }
}
