"""Live audit of running EKS clusters: AWS and Kubernetes APIs, read-only by construction.

`permissions` is the one table of every call the audit makes; the botocore and Kubernetes
request guards (`guard`), the shipped IAM policy and ClusterRole (docs/permissions/) all come
from it. `api` records responses (snapshots) and replays them; `aws` and `kube` turn responses
into the model; `audit` runs targets concurrently; `drift` compares declared and live models.

boto3, botocore and the Kubernetes client are imported only inside this package, and only
when a live command runs.
"""
