locals {
  app_name = "app-2048"
}

resource "kubernetes_namespace_v1" "this" {
  metadata {
    name = local.app_name
  }
}

resource "kubernetes_namespace" "enforced" {
  metadata {
    name = "payments"
    labels = {
      "pod-security.kubernetes.io/enforce" = "restricted"
    }
  }
}

variable "labels" {
  type = map(string)
}

resource "kubernetes_namespace_v1" "from_variable" {
  metadata {
    name   = "team"
    labels = var.labels
  }
}

resource "kubectl_manifest" "heredoc" {
  yaml_body = <<-YAML
    apiVersion: v1
    kind: Namespace
    metadata:
      name: batch
      labels:
        pod-security.kubernetes.io/enforce: privileged
  YAML
}

resource "kubernetes_manifest" "hcl" {
  manifest = {
    apiVersion = "v1"
    kind       = "Namespace"
    metadata = {
      name = "reports"
      labels = {
        "pod-security.kubernetes.io/enforce" = "baseline"
      }
    }
  }
}
