# labels on a namespace made elsewhere (by eksctl, another module): the namespace exists with them
resource "kubernetes_labels" "tools_pss" {
  api_version = "v1"
  kind        = "Namespace"
  metadata {
    name = "tools"
  }
  labels = {
    "pod-security.kubernetes.io/enforce" = "baseline"
  }
}

resource "kubernetes_pod_v1" "agent" {
  metadata {
    name      = "agent"
    namespace = "tools"
  }
  spec {
    host_pid = true
    container {
      name  = "c"
      image = "busybox"
    }
  }
}
