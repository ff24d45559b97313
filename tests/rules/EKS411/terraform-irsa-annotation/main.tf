# the IRSA role ARN is known only after apply; it has nothing to do with token automount
resource "aws_iam_role" "app" {
  name               = "app"
  assume_role_policy = "{}"
}

resource "kubernetes_service_account_v1" "app" {
  metadata {
    name = "app"
    annotations = {
      "eks.amazonaws.com/role-arn" = aws_iam_role.app.arn
    }
  }
}

resource "kubernetes_job_v1" "job" {
  metadata {
    name = "job"
  }
  spec {
    template {
      metadata {}
      spec {
        service_account_name = kubernetes_service_account_v1.app.metadata.0.name
        container {
          name  = "c"
          image = "amazon/aws-cli"
        }
      }
    }
  }
}
