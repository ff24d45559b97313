resource "kubernetes_pod_v1" "many" {
  for_each = toset(["a", "b"])
  metadata {
    name      = "many-${each.key}"
    namespace = "fixed"
  }
  spec {
    host_pid = true
    container {
      name  = "c"
      image = "nginx"
    }
  }
}
