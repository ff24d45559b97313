"""Kubernetes objects declared in Terraform (typed kubernetes_* resources, kubernetes_manifest,
kubectl_manifest): the same documents YAML manifests give, at their lines, bound to the module's cluster."""

from __future__ import annotations

import textwrap
from pathlib import Path

from eksguard.model import KubeObject
from eksguard.sources import collect

CLUSTER = """\
    module "eks" {
      source          = "terraform-aws-modules/eks/aws"
      version         = "~> 20.0"
      cluster_name    = "shop"
      cluster_version = "1.30"
      vpc_id          = "vpc-1"
      subnet_ids      = ["subnet-a", "subnet-b"]
    }
    """


def _objects(tmp_path: Path, text: str, extra: str = "") -> dict[str, KubeObject]:
    (tmp_path / "main.tf").write_text(textwrap.dedent(extra) + textwrap.dedent(text))
    estate = collect([str(tmp_path)], {})
    assert not estate.problems
    return {obj.target: obj for scope in estate.kube_scopes for obj in scope.objects}


def test_typed_deployment_becomes_the_api_object_with_lines_and_address(tmp_path: Path) -> None:
    objects = _objects(tmp_path, """\
        resource "kubernetes_deployment_v1" "web" {
          metadata {
            name      = "web"
            namespace = kubernetes_namespace_v1.shop.metadata[0].name
          }
          spec {
            template {
              spec {
                host_pid = true
                container {
                  name  = "web"
                  image = "nginx"
                  port {
                    container_port = 80
                    host_port      = "8080"
                  }
                  security_context {
                    allow_privilege_escalation = false
                    run_as_user                = "1000"
                    capabilities {
                      drop = ["ALL"]
                    }
                  }
                }
                init_container {
                  name  = "setup"
                  image = "busybox"
                }
              }
            }
          }
        }

        resource "kubernetes_namespace_v1" "shop" {
          metadata {
            name = "shop"
          }
        }
        """, CLUSTER)
    web = objects["kubernetes/shop/shop/Deployment/web"]  # bound to the module's cluster, in the namespace referred to
    assert (web.kind, web.api_version) == ("Deployment", "apps/v1")
    spec = web.doc["spec"]["template"]["spec"]
    container = spec["containers"][0]
    assert spec["hostPID"] is True and spec["initContainers"][0]["name"] == "setup"
    assert container["ports"] == [{"containerPort": 80, "hostPort": 8080}]
    assert container["securityContext"] == {"allowPrivilegeEscalation": False, "runAsUser": 1000,
                                             "capabilities": {"drop": ["ALL"]}}
    # the provider sends automount_service_account_token = true when the pod spec leaves it out
    assert spec["automountServiceAccountToken"] is True
    origin = web.origin_at("spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation")
    assert (origin.path, origin.line, origin.resource) == (str(tmp_path / "main.tf"), 26,
                                                            "kubernetes_deployment_v1.web")
    assert web.origin_at("spec.template.spec.hostPID").line == 17
    assert web.unknown_fields == {}


def test_values_not_known_before_apply_are_unknown_fields_not_absent_values(tmp_path: Path) -> None:
    objects = _objects(tmp_path, """\
        variable "privileged" {
          type = bool
        }

        resource "kubernetes_pod_v1" "debug" {
          metadata {
            name = "debug"
            labels = {
              app  = "debug"
              team = data.external.owner.result.team
            }
          }
          spec {
            container {
              name = "shell"
              security_context {
                privileged = var.privileged
              }
            }
          }
        }
        """)
    debug = objects["kubernetes/default/Pod/debug"]
    assert "privileged" not in debug.doc["spec"]["containers"][0]["securityContext"]
    assert debug.doc["metadata"]["labels"] == {"app": "debug"}
    assert set(debug.unknown_fields) == {"spec.containers[0].securityContext.privileged", "metadata.labels.team"}
    why = debug.unknown_fields["spec.containers[0].securityContext.privileged"]
    assert "var.privileged" in why.en and "var.privileged" in why.ja


def test_rbac_network_policy_and_service_account_blocks_become_lists(tmp_path: Path) -> None:
    objects = _objects(tmp_path, """\
        resource "kubernetes_cluster_role" "reader" {
          metadata {
            name = "reader"
          }
          rule {
            api_groups        = [""]
            resources         = ["pods"]
            verbs             = ["get", "list"]
          }
          rule {
            non_resource_urls = ["/healthz"]
            verbs             = ["get"]
          }
        }

        resource "kubernetes_network_policy_v1" "deny" {
          metadata {
            name      = "deny-imds"
            namespace = "shop"
          }
          spec {
            pod_selector {}
            policy_types = ["Egress"]
            egress {
              to {
                ip_block {
                  cidr   = "0.0.0.0/0"
                  except = ["169.254.169.254/32"]
                }
              }
            }
          }
        }

        resource "kubernetes_service_account_v1" "app" {
          metadata {
            name      = "app"
            namespace = "shop"
          }
          automount_service_account_token = false
          secret {
            name = "app-token"
          }
        }
        """)
    reader = objects["kubernetes/ClusterRole/reader"]
    assert reader.api_version == "rbac.authorization.k8s.io/v1"
    assert reader.doc["rules"] == [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]},
                                   {"nonResourceURLs": ["/healthz"], "verbs": ["get"]}]
    policy = objects["kubernetes/shop/NetworkPolicy/deny-imds"]
    assert policy.doc["spec"]["egress"] == [{"to": [{"ipBlock": {"cidr": "0.0.0.0/0",
                                                                  "except": ["169.254.169.254/32"]}}]}]
    assert policy.doc["spec"]["podSelector"] == {}
    account = objects["kubernetes/shop/ServiceAccount/app"]
    assert account.doc["automountServiceAccountToken"] is False and account.doc["secrets"] == [{"name": "app-token"}]


def test_manifests_in_hcl_and_yaml_and_the_ones_not_read(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(textwrap.dedent("""\
        resource "kubectl_manifest" "role" {
          yaml_body = <<-YAML
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: editor
              namespace: shop
            rules:
              - apiGroups: ["*"]
                resources: ["*"]
                verbs: ["*"]
          YAML
        }

        resource "kubernetes_manifest" "ns" {
          manifest = {
            apiVersion = "v1"
            kind       = "Namespace"
            metadata = {
              name = "shop"
            }
          }
        }

        variable "body" {
          type = string
        }

        resource "kubectl_manifest" "unknown" {
          yaml_body = var.body
        }

        resource "kubectl_manifest" "from_file" {
          yaml_body = file("${path.module}/app.yaml")
        }
        """))
    estate = collect([str(tmp_path)], {})
    objects = {obj.target: obj for scope in estate.kube_scopes for obj in scope.objects}
    assert set(objects) == {"kubernetes/shop/Role/editor", "kubernetes/Namespace/shop"}
    role = objects["kubernetes/shop/Role/editor"]
    assert role.origin_at("rules[0].verbs").line == 11 and role.origin.resource == "kubectl_manifest.role"
    assert objects["kubernetes/Namespace/shop"].origin_at("metadata.name").line == 20
    # a body not known before apply is said (file(): that file is a manifest of the scan on its own)
    [warning] = [w for w in estate.warnings if w.kind == "terraform-kubernetes"]
    assert warning.line == 30 and "kubectl_manifest.unknown" in warning.message and "var.body" in warning.message


def test_annotations_resource_annotates_the_object_it_names_and_nothing_else(tmp_path: Path) -> None:
    objects = _objects(tmp_path, """\
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
                  image = "nginx"
                }
              }
            }
          }
        }

        resource "kubernetes_annotations" "web" {
          api_version = "apps/v1"
          kind        = "Deployment"
          metadata {
            name      = "web"
            namespace = "shop"
          }
          template_annotations = {
            "container.apparmor.security.beta.kubernetes.io/web" = "unconfined"
          }
        }

        resource "kubernetes_annotations" "elsewhere" {
          api_version = "apps/v1"
          kind        = "Deployment"
          metadata {
            name      = "other"
            namespace = "shop"
          }
          annotations = { owner = "team" }
        }
        """)
    assert set(objects) == {"kubernetes/shop/Deployment/web"}  # a Deployment is not made of annotations alone
    template = objects["kubernetes/shop/Deployment/web"].doc["spec"]["template"]
    assert template["metadata"]["annotations"] == {"container.apparmor.security.beta.kubernetes.io/web": "unconfined"}
    assert objects["kubernetes/shop/Deployment/web"].origin_at("spec.template.metadata.annotations").line == 25


def test_kubectl_heredoc_is_dedented_and_an_unknown_interpolation_leaves_out_only_its_field(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(textwrap.dedent("""\
        variable "image" {
          type = string
        }

        resource "kubectl_manifest" "agent" {
          yaml_body = <<-YAML
            apiVersion: v1
            kind: Namespace
            metadata:
              name: agents
            ---
            apiVersion: apps/v1
            kind: DaemonSet
            metadata:
              name: agent
              namespace: agents
            spec:
              template:
                spec:
                  hostPID: true
                  containers:
                  - name: agent
                    image: ${var.image}
          YAML
        }

        resource "kubectl_manifest" "broken" {
          yaml_body = <<-YAML
            apiVersion: v1
            kind: Pod
            metadata:
            ${var.image}
          YAML
        }
        """))
    estate = collect([str(tmp_path)], {})
    objects = {obj.target: obj for scope in estate.kube_scopes for obj in scope.objects}
    # `<<-` takes off the common indentation, so the indented `---` separates two documents
    assert set(objects) == {"kubernetes/Namespace/agents", "kubernetes/agents/DaemonSet/agent"}
    agent = objects["kubernetes/agents/DaemonSet/agent"]
    assert agent.doc["spec"]["template"]["spec"]["hostPID"] is True
    assert agent.doc["spec"]["template"]["spec"]["containers"] == [{"name": "agent"}]
    [(field, why)] = agent.unknown_fields.items()
    assert field == "spec.template.spec.containers[0].image" and "var.image" in why.en and "var.image" in why.ja
    # lines and columns are those of the .tf file
    origin = agent.origin_at("spec.template.spec.hostPID")
    assert (origin.line, origin.column) == (20, 11)
    # a body the unknown value breaks is not checked; the warning is one line naming the expression
    [warning] = [w for w in estate.warnings if w.kind == "terraform-kubernetes"]
    assert warning.line == 28 and "kubectl_manifest.broken" in warning.message
    assert "${var.image}" in warning.message and "\n" not in warning.message and "apiVersion" not in warning.message


def test_reasons_name_the_function_that_is_not_evaluated(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(textwrap.dedent("""\
        resource "kubernetes_manifest" "template" {
          manifest = yamldecode(templatefile("${path.module}/pod.yaml", { namespace = "a" }))
        }

        resource "kubernetes_manifest" "multi" {
          manifest = provider::kubernetes::manifest_decode_multi(file("pods.yaml"))[0]
        }

        resource "kubectl_manifest" "each" {
          for_each  = data.kubectl_file_documents.docs.manifests
          yaml_body = yamlencode(each.value)
        }

        resource "kubernetes_pod_v1" "pod" {
          metadata {
            name      = "pod"
            namespace = data.aws_caller_identity.current.account_id
          }
        }
        """))
    estate = collect([str(tmp_path)], {})
    warnings = {w.line: w.message for w in estate.warnings if w.kind == "terraform-kubernetes"}
    assert "templatefile() is not evaluated" in warnings[2] and "yamldecode" not in warnings[2]
    assert "manifest_decode_multi() is not evaluated" in warnings[6]
    assert "yamlencode() of values not known" in warnings[11]
    [pod] = [obj for scope in estate.kube_scopes for obj in scope.objects]
    why = pod.unknown_fields["metadata.namespace"]
    assert why.en.startswith("not known before Terraform runs (data.aws_caller_identity is known only when "
                             "Terraform runs (plan or apply)")
    assert "plan time" not in why.en and "apply 前" not in why.ja


def test_fields_of_encoded_bodies_and_of_list_elements_sit_at_their_hcl_lines(tmp_path: Path) -> None:
    objects = _objects(tmp_path, """\
        resource "kubectl_manifest" "c" {
          yaml_body = yamlencode({
            apiVersion = "v1"
            kind       = "Pod"
            metadata = {
              name      = "c"
              namespace = "x"
            }
            spec = {
              hostIPC = true
              containers = [{
                name  = "c"
                image = "nginx"
                securityContext = {
                  privileged = true
                }
              }]
            }
          })
        }

        resource "kubernetes_manifest" "d" {
          manifest = {
            apiVersion = "v1"
            kind       = "Pod"
            metadata   = { name = "d", namespace = "x" }
            spec = {
              containers = [
                {
                  name  = "c"
                  image = "nginx"
                },
                {
                  name  = "e"
                  image = "nginx"
                  securityContext = {
                    privileged = true
                  }
                }
              ]
            }
          }
        }
        """)
    encoded = objects["kubernetes/x/Pod/c"]
    assert encoded.doc["spec"]["containers"][0]["securityContext"] == {"privileged": True}
    assert encoded.origin_at("spec.hostIPC").line == 10  # not the yaml_body line with a column into its JSON
    assert encoded.origin_at("spec.containers[0].securityContext.privileged").line == 15
    listed = objects["kubernetes/x/Pod/d"]
    assert listed.origin_at("spec.containers[1].securityContext.privileged").line == 37
    assert listed.origin_at("spec.containers[1]").line == 33


def test_templatefile_body_is_rendered_with_its_known_variables(tmp_path: Path) -> None:
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "pod.yaml").write_text(textwrap.dedent("""\
        apiVersion: v1
        kind: Pod
        metadata:
          name: ${name}
          namespace: ${namespace}
        spec:
          hostPID: true
          containers:
          - name: c
            image: ${image}
        """))
    (tmp_path / "manifests" / "looped.yaml").write_text("%{ for n in names ~}\nkind: Namespace\n%{ endfor ~}\n")
    (tmp_path / "main.tf").write_text(textwrap.dedent("""\
        variable "image" {
          type = string
        }

        locals {
          teams = { a = "team-a", b = "team-b" }
        }

        resource "kubectl_manifest" "pods" {
          for_each  = local.teams
          yaml_body = templatefile("${path.module}/manifests/pod.yaml", {
            name      = "agent"
            namespace = each.value
            image     = var.image
          })
        }

        resource "kubectl_manifest" "looped" {
          yaml_body = templatefile("${path.module}/manifests/looped.yaml", { names = ["x"] })
        }
        """))
    estate = collect([str(tmp_path / "main.tf")], {})
    objects = {obj.target: obj for scope in estate.kube_scopes for obj in scope.objects}
    assert set(objects) == {"kubernetes/team-a/Pod/agent", "kubernetes/team-b/Pod/agent"}
    pod = objects["kubernetes/team-a/Pod/agent"]
    assert pod.doc["spec"]["hostPID"] is True and pod.origin.resource == 'kubectl_manifest.pods["a"]'
    assert set(pod.unknown_fields) == {"spec.containers[0].image"} and "var.image" in pod.unknown_fields[
        "spec.containers[0].image"].en
    # the fields are at their lines in the template
    origin = pod.origin_at("spec.hostPID")
    assert (origin.path, origin.line) == (str(tmp_path / "manifests" / "pod.yaml"), 7)
    [warning] = [w for w in estate.warnings if w.kind == "terraform-kubernetes"]
    assert "kubectl_manifest.looped" in warning.message and "directives are not rendered" in warning.message
    # scanning the folder reads the template too: only rendered, its `${name}` no placeholder of the scan's
    whole = collect([str(tmp_path)], {})
    assert whole.problems == []
    assert sorted(obj.target for scope in whole.kube_scopes for obj in scope.objects) == [
        "kubernetes/team-a/Pod/agent", "kubernetes/team-b/Pod/agent"]


def test_a_template_terraform_renders_elsewhere_is_not_read_raw(tmp_path: Path) -> None:
    # data-on-eks: manifest_decode_multi(templatefile(...)) in a local, which this scan does not render
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "zookeeper.yaml").write_text(
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: zookeeper\n  namespace: ${namespace}\n")
    (tmp_path / "main.tf").write_text(textwrap.dedent("""\
        locals {
          zookeeper = provider::kubernetes::manifest_decode_multi(
            templatefile("${path.module}/manifests/zookeeper.yaml", { namespace = "pinot" }))
        }
        """))
    estate = collect([str(tmp_path)], {})
    assert estate.problems == [] and estate.kube_scopes == []
    [warning] = [w for w in estate.warnings if w.kind == "terraform-template"]
    assert warning.path == str(tmp_path / "manifests" / "zookeeper.yaml") and "main.tf" in warning.message
