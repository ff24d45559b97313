"""The one table of every API call the live audit makes.

From it come: the allow-list the request guards enforce inside the AWS and Kubernetes clients
(`guard.py`), the least-privilege IAM policy and the read-only ClusterRole shipped in
`docs/permissions/`, and the "what could not be seen" notes (which rules a missing call
affects). `python -m eksguard.live.permissions docs/permissions` rewrites the shipped files;
a test checks they match this table and cover every call recorded in the integration tests.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class AwsOperation:
    service: str  # botocore service name: "eks", "ec2", "iam", "sts", "guardduty"
    operation: str  # API operation name, as botocore names it: "DescribeCluster"
    iam_action: str  # the IAM action that allows it
    rules: tuple[str, ...]  # rules that read its result ("discovery" when it only finds targets)
    result_key: str | None = None  # the list to merge across pages, when the operation paginates


AWS_OPERATIONS: tuple[AwsOperation, ...] = (
    # identity and discovery
    AwsOperation("sts", "GetCallerIdentity", "sts:GetCallerIdentity", ("EKS405", "discovery")),
    AwsOperation("ec2", "DescribeRegions", "ec2:DescribeRegions", ("discovery",)),
    AwsOperation("eks", "ListClusters", "eks:ListClusters", ("discovery",), "clusters"),
    # the control plane
    AwsOperation("eks", "DescribeCluster", "eks:DescribeCluster",
                 ("EKS101", "EKS102", "EKS103", "EKS104", "EKS105", "EKS106", "EKS107", "EKS202", "EKS209",
                  "EKS401")),
    AwsOperation("eks", "DescribeClusterVersions", "eks:DescribeClusterVersions", ("EKS106",), "clusterVersions"),
    AwsOperation("eks", "ListNodegroups", "eks:ListNodegroups",
                 ("EKS201", "EKS208", "EKS210", "EKS301", "EKS302", "EKS303", "EKS304"), "nodegroups"),
    AwsOperation("eks", "DescribeNodegroup", "eks:DescribeNodegroup",
                 ("EKS201", "EKS208", "EKS210", "EKS301", "EKS302", "EKS303", "EKS304")),
    AwsOperation("eks", "ListFargateProfiles", "eks:ListFargateProfiles", ("EKS201",), "fargateProfileNames"),
    AwsOperation("eks", "DescribeFargateProfile", "eks:DescribeFargateProfile", ("EKS201",)),
    AwsOperation("eks", "ListAccessEntries", "eks:ListAccessEntries", ("EKS403", "EKS405"), "accessEntries"),
    AwsOperation("eks", "DescribeAccessEntry", "eks:DescribeAccessEntry", ("EKS403", "EKS405")),
    AwsOperation("eks", "ListAssociatedAccessPolicies", "eks:ListAssociatedAccessPolicies", ("EKS403", "EKS405"),
                 "associatedAccessPolicies"),
    AwsOperation("eks", "ListAddons", "eks:ListAddons", ("EKS210", "EKS211", "EKS401", "EKS603"), "addons"),
    AwsOperation("eks", "DescribeAddon", "eks:DescribeAddon", ("EKS210", "EKS211", "EKS401", "EKS603")),
    AwsOperation("eks", "ListPodIdentityAssociations", "eks:ListPodIdentityAssociations", ("EKS401",),
                 "associations"),
    # nodes
    AwsOperation("ec2", "DescribeInstances", "ec2:DescribeInstances",
                 ("EKS201", "EKS207", "EKS208", "EKS301", "EKS302", "EKS303"), "Reservations"),
    AwsOperation("ec2", "DescribeLaunchTemplateVersions", "ec2:DescribeLaunchTemplateVersions",
                 ("EKS210", "EKS301", "EKS302", "EKS303"), "LaunchTemplateVersions"),
    AwsOperation("ec2", "DescribeVolumes", "ec2:DescribeVolumes", ("EKS303",), "Volumes"),
    AwsOperation("ec2", "GetEbsEncryptionByDefault", "ec2:GetEbsEncryptionByDefault", ("EKS303",)),
    # the network
    AwsOperation("ec2", "DescribeVpcs", "ec2:DescribeVpcs", ("EKS203", "EKS204"), "Vpcs"),
    AwsOperation("ec2", "DescribeVpcAttribute", "ec2:DescribeVpcAttribute", ("EKS203",)),
    AwsOperation("ec2", "DescribeSubnets", "ec2:DescribeSubnets",
                 ("EKS201", "EKS202", "EKS205", "EKS208", "EKS209"), "Subnets"),
    AwsOperation("ec2", "DescribeRouteTables", "ec2:DescribeRouteTables", ("EKS201", "EKS204", "EKS208", "EKS209"),
                 "RouteTables"),
    AwsOperation("ec2", "DescribeInternetGateways", "ec2:DescribeInternetGateways", ("EKS204",),
                 "InternetGateways"),
    AwsOperation("ec2", "DescribeNatGateways", "ec2:DescribeNatGateways", ("EKS204",), "NatGateways"),
    AwsOperation("ec2", "DescribeVpcEndpoints", "ec2:DescribeVpcEndpoints", ("EKS204",), "VpcEndpoints"),
    AwsOperation("ec2", "DescribeSecurityGroups", "ec2:DescribeSecurityGroups", ("EKS206", "EKS207", "EKS208"),
                 "SecurityGroups"),
    AwsOperation("ec2", "DescribeSecurityGroupRules", "ec2:DescribeSecurityGroupRules",
                 ("EKS206", "EKS207", "EKS208"), "SecurityGroupRules"),
    # IAM
    AwsOperation("iam", "ListOpenIDConnectProviders", "iam:ListOpenIDConnectProviders", ("EKS401", "EKS410")),
    AwsOperation("iam", "ListRoles", "iam:ListRoles", ("EKS410",), "Roles"),
    AwsOperation("iam", "ListAttachedRolePolicies", "iam:ListAttachedRolePolicies", ("EKS304",),
                 "AttachedPolicies"),
    AwsOperation("iam", "ListRolePolicies", "iam:ListRolePolicies", ("EKS304",), "PolicyNames"),
    AwsOperation("iam", "GetInstanceProfile", "iam:GetInstanceProfile", ("EKS304",)),
    # threat detection
    AwsOperation("guardduty", "ListDetectors", "guardduty:ListDetectors", ("EKS604",), "DetectorIds"),
    AwsOperation("guardduty", "GetDetector", "guardduty:GetDetector", ("EKS604",)),
)

AWS_BY_KEY: dict[tuple[str, str], AwsOperation] = {(op.service, op.operation): op for op in AWS_OPERATIONS}


@dataclass(frozen=True, slots=True)
class KubeRead:
    key: str  # name of the result in the collected objects and in snapshots
    path: str  # the exact request path (no query); only these are ever sent, and only with GET
    group: str | None  # API group ("" core); None for a non-resource URL
    resource: str
    verb: str  # "list" | "get"
    rules: tuple[str, ...]
    resource_name: str | None = None  # RBAC resourceNames restriction for a single-object get
    optional: bool = False  # 404 means "not served by this API server" (e.g. PSP on 1.25+)


KUBE_READS: tuple[KubeRead, ...] = (
    # server and kubelet versions: kept in the estate (`extras["live.kubernetes.versions"]`) and the snapshot
    KubeRead("version", "/version", None, "/version", "get", ()),
    KubeRead("nodes", "/api/v1/nodes", "", "nodes", "list", ()),
    KubeRead("namespaces", "/api/v1/namespaces", "", "namespaces", "list", ("EKS503", "EKS504")),
    KubeRead("pods", "/api/v1/pods", "", "pods", "list", ("EKS501", "EKS502", "EKS504", "EKS411")),
    KubeRead("serviceaccounts", "/api/v1/serviceaccounts", "", "serviceaccounts", "list", ("EKS411", "EKS410")),
    KubeRead("aws-auth", "/api/v1/namespaces/kube-system/configmaps/aws-auth", "", "configmaps", "get",
             ("EKS402", "EKS403", "EKS404"), resource_name="aws-auth", optional=True),
    KubeRead("deployments", "/apis/apps/v1/deployments", "apps", "deployments", "list",
             ("EKS501", "EKS502", "EKS504", "EKS411", "EKS603")),
    KubeRead("daemonsets", "/apis/apps/v1/daemonsets", "apps", "daemonsets", "list",
             ("EKS501", "EKS502", "EKS504", "EKS411", "EKS211", "EKS603")),
    KubeRead("statefulsets", "/apis/apps/v1/statefulsets", "apps", "statefulsets", "list",
             ("EKS501", "EKS502", "EKS504", "EKS411", "EKS603")),
    KubeRead("jobs", "/apis/batch/v1/jobs", "batch", "jobs", "list", ("EKS501", "EKS502", "EKS504")),
    KubeRead("cronjobs", "/apis/batch/v1/cronjobs", "batch", "cronjobs", "list", ("EKS501", "EKS502", "EKS504")),
    KubeRead("roles", "/apis/rbac.authorization.k8s.io/v1/roles", "rbac.authorization.k8s.io", "roles", "list",
             ("EKS408", "EKS409")),
    KubeRead("rolebindings", "/apis/rbac.authorization.k8s.io/v1/rolebindings", "rbac.authorization.k8s.io",
             "rolebindings", "list", ("EKS406", "EKS407")),
    KubeRead("clusterroles", "/apis/rbac.authorization.k8s.io/v1/clusterroles", "rbac.authorization.k8s.io",
             "clusterroles", "list", ("EKS408", "EKS409")),
    KubeRead("clusterrolebindings", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
             "rbac.authorization.k8s.io", "clusterrolebindings", "list", ("EKS406", "EKS407")),
    KubeRead("networkpolicies", "/apis/networking.k8s.io/v1/networkpolicies", "networking.k8s.io",
             "networkpolicies", "list", ("EKS211", "EKS302", "EKS505")),
    KubeRead("podsecuritypolicies", "/apis/policy/v1beta1/podsecuritypolicies", "policy", "podsecuritypolicies",
             "list", ("EKS506",), optional=True),
    KubeRead("apiservices", "/apis/apiregistration.k8s.io/v1/apiservices", "apiregistration.k8s.io", "apiservices",
             "list", ("EKS603",)),
)

KUBE_BY_KEY: dict[str, KubeRead] = {read.key: read for read in KUBE_READS}
KUBE_PATHS: frozenset[str] = frozenset(read.path for read in KUBE_READS)

POLICY_FILE = "eksguard-audit-policy.json"
CLUSTER_ROLE_FILE = "eksguard-audit-clusterrole.yaml"
CLUSTER_ROLE_NAME = "eksguard-audit"


def allowed_aws(service: str, operation: str) -> bool:
    return (service, operation) in AWS_BY_KEY


def iam_action(service: str, operation: str) -> str:
    op = AWS_BY_KEY.get((service, operation))
    return op.iam_action if op else f"{service}:{operation}"


def iam_policy() -> dict[str, Any]:
    """The least-privilege IAM policy for `eksguard audit` (read-only; no data-plane reads)."""
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "EksguardAuditReadOnly",
            "Effect": "Allow",
            "Action": sorted({op.iam_action for op in AWS_OPERATIONS}),
            "Resource": "*",
        }],
    }


def cluster_role() -> dict[str, Any]:
    """The read-only ClusterRole for the Kubernetes side of the audit."""
    grouped: dict[tuple[str, str, str | None], list[str]] = {}
    rules: list[dict[str, Any]] = []
    for read in KUBE_READS:
        if read.group is None:
            continue
        grouped.setdefault((read.group, read.verb, read.resource_name), []).append(read.resource)
    for (group, verb, name), resources in grouped.items():
        rule: dict[str, Any] = {"apiGroups": [group], "resources": sorted(resources), "verbs": [verb]}
        if name:
            rule["resourceNames"] = [name]
        rules.append(rule)
    urls = sorted(read.path for read in KUBE_READS if read.group is None)
    rules.append({"nonResourceURLs": urls, "verbs": ["get"]})
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": {"name": CLUSTER_ROLE_NAME, "labels": {"app.kubernetes.io/name": "eksguard"}},
        "rules": rules,
    }


def cluster_role_binding() -> dict[str, Any]:
    """Binds the ClusterRole to the group an EKS access entry (or aws-auth) gives the audit role."""
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRoleBinding",
        "metadata": {"name": CLUSTER_ROLE_NAME, "labels": {"app.kubernetes.io/name": "eksguard"}},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": CLUSTER_ROLE_NAME},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": CLUSTER_ROLE_NAME}],
    }


def policy_text() -> str:
    return json.dumps(iam_policy(), indent=2) + "\n"


def cluster_role_text() -> str:
    import yaml

    header = ("# Read-only access for `eksguard audit` (generated from eksguard/live/permissions.py).\n"
              "# Give the audit's IAM role the Kubernetes group `eksguard-audit`, e.g.:\n"
              "#   aws eks create-access-entry --cluster-name NAME --principal-arn ROLE_ARN "
              "--kubernetes-groups eksguard-audit\n")
    return header + yaml.safe_dump_all([cluster_role(), cluster_role_binding()], sort_keys=False)


def write(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / POLICY_FILE, folder / CLUSTER_ROLE_FILE]
    written[0].write_text(policy_text(), encoding="utf-8")
    written[1].write_text(cluster_role_text(), encoding="utf-8")
    return written


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    for path in write(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/permissions")):
        print(path)
