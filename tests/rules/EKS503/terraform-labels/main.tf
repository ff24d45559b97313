resource "kubernetes_namespace_v1" "tools" {
  metadata {
    name = "tools"
  }
}

# labels set on the namespace above by another resource
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

# labels on a namespace made elsewhere: the namespace exists with them
resource "kubernetes_labels" "jobs_pss" {
  api_version = "v1"
  kind        = "Namespace"
  metadata {
    name = "jobs"
  }
  labels = {
    "pod-security.kubernetes.io/enforce" = "privileged"
  }
}
