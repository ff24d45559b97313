"""Suggested CloudFormation and Terraform changes per finding.

`annotate(report)` adds to each failing finding of a CloudFormation or Terraform cluster:

- `extra["fix_snippet"]`: `{"language": "yaml"|"json"|"hcl", "text": ..., "note": ...}`, the block to
  put in place (always, when the rule has one);
- `extra["fix_replacement"]`: the exact text replacement of report/common.py's convention (SARIF
  `fixes`), only where the edit is certain: a written scalar changed in place (CloudFormation YAML or
  JSON, Terraform), or a property added to a CloudFormation YAML resource by a minimal edit. Never for
  choices only the user can make (endpoint CIDRs, subnets, the admin role).

Call it on a `ScanReport` before rendering (SARIF, JSON `details`, Markdown/HTML suggestions).
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eksguard.engine import ScanReport
from eksguard.findings import Finding, Status
from eksguard.fixes import ADMIN_POLICY_ARN, REQUIRED_LOG_TYPES, FixOptions
from eksguard.model import EKS_API, Cluster, Text
from eksguard.sources.cloudformation import CLUSTER_TYPES, QUICKSTART_CLUSTER

SNIPPET_KEY = "fix_snippet"
REPLACEMENT_KEY = "fix_replacement"
_MAX_FILE = 10 * 1024 * 1024
PLACEHOLDER_CIDR = "203.0.113.10/32"


@dataclass(frozen=True, slots=True)
class Snippet:
    language: str  # "yaml" | "json" | "hcl"
    text: str
    note: Text | None = None

    def as_dict(self, lang: str = "en") -> dict[str, Any]:
        return {"language": self.language, "text": self.text, "note": self.note.get(lang) if self.note else None}


# --- CloudFormation -------------------------------------------------------------------------


def _logical_id(finding: Finding) -> str | None:
    pointer = finding.origin.pointer if finding.origin else ""
    parts = pointer.split(".")
    if len(parts) >= 2 and parts[0] == "Resources":
        return parts[1]
    return parts[0] or None


def _cfn_yaml(data: Any) -> str:
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's emitter: the same text, faster
    return str(yaml.dump(data, Dumper=dumper, sort_keys=False, default_flow_style=False, allow_unicode=True))


def _cfn_data(rule: str, logical_id: str, options: FixOptions, quickstart: bool = False) -> tuple[Any, Text | None] | None:
    """`quickstart`: the cluster is an AWSQS::EKS::Cluster, whose logging and OIDC names differ and which has
    no access configuration (awsqs-eks-cluster.json)."""
    if quickstart and rule in ("EKS107", "EKS108"):
        return None  # no property sets them: only a move to AWS::EKS::Cluster would (the rule's fix says how)
    cidrs = list(options.allow_cidrs) or [PLACEHOLDER_CIDR]
    placeholder = Text(f"{PLACEHOLDER_CIDR} stands for your own address(es); never 0.0.0.0/0.",
                       f"{PLACEHOLDER_CIDR} は自分のアドレスに置き換えてください。0.0.0.0/0 は使いません。") \
        if not options.allow_cidrs else None
    if rule == "EKS101":
        if options.private_endpoint:
            return {"ResourcesVpcConfig": {"EndpointPublicAccess": False, "EndpointPrivateAccess": True}}, None
        return {"ResourcesVpcConfig": {"EndpointPublicAccess": True, "EndpointPrivateAccess": True,
                                       "PublicAccessCidrs": cidrs}}, placeholder
    if rule == "EKS103":
        return {"ResourcesVpcConfig": {"EndpointPrivateAccess": True}}, None
    if rule == "EKS104" and quickstart:
        return {"EnabledClusterLoggingTypes": list(REQUIRED_LOG_TYPES)}, None
    if rule == "EKS104":
        return {"Logging": {"ClusterLogging": {"EnabledTypes": [{"Type": t} for t in REQUIRED_LOG_TYPES]}}}, None
    if rule == "EKS105":
        key = options.kms_key or {"Fn::GetAtt": ["SecretsKey", "Arn"]}
        return {"EncryptionConfig": [{"Provider": {"KeyArn": key}, "Resources": ["secrets"]}]}, Text(
            "A customer-managed KMS key; the change is one-way and the key must never be disabled or deleted.",
            "カスタマー管理の KMS キーを指定します。元に戻せず、キーは無効化も削除もしてはいけません。")
    if rule == "EKS107":
        return {"AccessConfig": {"AuthenticationMode": "API"}}, Text(
            "One-way: move every aws-auth mapping to an AWS::EKS::AccessEntry first.",
            "元に戻せません。先に aws-auth のマッピングをすべて AWS::EKS::AccessEntry へ移してください。")
    if rule == "EKS108":
        role = options.admin_role_arn or "arn:aws:iam::111122223333:role/eks-admin"
        return {"AccessConfig": {"BootstrapClusterCreatorAdminPermissions": False},
                "ClusterAdminAccessEntry": {"Type": "AWS::EKS::AccessEntry", "Properties": {
                    "ClusterName": {"Ref": logical_id}, "PrincipalArn": role,
                    "AccessPolicies": [{"PolicyArn": ADMIN_POLICY_ARN, "AccessScope": {"Type": "cluster"}}]}}}, Text(
            "Set the property on the cluster, and add the access entry as a new resource for a dedicated admin role.",
            "プロパティはクラスターに設定し、アクセスエントリーは専用の管理者ロール用の新しいリソースとして追加してください。")
    if rule == "EKS201":
        return {"Subnets": [{"Ref": "PrivateSubnet1"}, {"Ref": "PrivateSubnet2"}]}, Text(
            "Private subnets whose route table sends 0.0.0.0/0 to a NAT gateway. A node group's subnets cannot "
            "change in place: CloudFormation replaces the node group.",
            "0.0.0.0/0 を NAT ゲートウェイへ向けるルートテーブルのプライベートサブネットを指定します。ノードグループの"
            "サブネットはその場で変更できず、CloudFormation はノードグループを置き換えます。")
    if rule == "EKS208":
        return {"RemoteAccess": {"Ec2SshKey": {"Ref": "KeyName"},
                                 "SourceSecurityGroups": [{"Ref": "BastionSecurityGroup"}]}}, Text(
            "Or remove `RemoteAccess` and use SSM Session Manager.",
            "または `RemoteAccess` を削除して SSM Session Manager を使います。")
    if rule in ("EKS301", "EKS302"):
        options_data: dict[str, Any] = {"HttpTokens": "required"}
        if rule == "EKS302":
            options_data["HttpPutResponseHopLimit"] = 1
        return {"LaunchTemplateData": {"MetadataOptions": options_data}}, Text(
            "In the node group's launch template (a managed node group without one gets EKS's default template "
            "with hop limit 2: add a launch template).",
            "ノードグループの起動テンプレートに設定します（起動テンプレートのないマネージドノードグループは EKS 既定の"
            "ホップ数上限 2 のテンプレートになるため、起動テンプレートを追加してください）。")
    if rule == "EKS401":
        return {"ClusterOIDCProvider": {"Type": "AWS::IAM::OIDCProvider", "Properties": {
            "Url": {"Fn::GetAtt": [logical_id, "OIDCIssuerURL" if quickstart else "OpenIdConnectIssuerUrl"]}, "ClientIdList": ["sts.amazonaws.com"]}}}, \
            Text("A new resource: the IAM OIDC provider IRSA roles trust.",
                 "新しいリソース: IRSA のロールが信頼する IAM OIDC プロバイダーです。")
    return None


def cfn_snippet(finding: Finding, options: FixOptions, cluster_type: str | None = None) -> Snippet | None:
    """`cluster_type`: the CloudFormation type of the finding's cluster (`Cluster.cloudformation_type`)."""
    path = finding.origin.path if finding.origin else ""
    return _cfn_snippet(finding.rule, _logical_id(finding) or "Cluster", options, path.lower().endswith(".json"),
                        cluster_type == QUICKSTART_CLUSTER)


@functools.lru_cache(maxsize=256)
def _cfn_snippet(rule: str, logical_id: str, options: FixOptions, as_json: bool, quickstart: bool) -> Snippet | None:
    """Made once per rule and logical id: stacks reuse logical ids (`Cluster`, `LaunchTemplate`)."""
    made = _cfn_data(rule, logical_id, options, quickstart)
    if made is None:
        return None
    data, note = made
    if as_json:
        return Snippet("json", json.dumps(data, indent=2), note)
    return Snippet("yaml", _cfn_yaml(data), note)


# --- Terraform -------------------------------------------------------------------------------


def _tf_flavour(finding: Finding, module_major: int | None) -> str:
    """"resource", "module-v19", "module-v20" or "module-v21" (terraform-aws-modules/eks input names): the
    version the source found, else the one the finding's input name shows."""
    pointer = finding.origin.pointer if finding.origin else ""
    if not pointer.startswith("module."):
        return "resource"
    if module_major is not None:
        return f"module-v{min(max(module_major, 19), 21)}"
    attribute = pointer.split(".")[2] if pointer.count(".") >= 2 else ""
    return "module-v20" if attribute.startswith("cluster_") else "module-v21"


def _hcl_list(items: list[str]) -> str:
    return "[" + ", ".join(json.dumps(i) for i in items) + "]"


# terraform-aws-eks v19 has no access entries: authentication mode and the creator's admin access are set
# from v20 on (its docs/UPGRADE-20.0.md)
V19_ACCESS_NOTE = Text(
    "terraform-aws-eks v19 has no `authentication_mode` or access entries: upgrade the module to v20 first "
    "(docs/UPGRADE-20.0.md), then set this.",
    "terraform-aws-eks v19 には `authentication_mode` もアクセスエントリーもありません。先にモジュールを v20 に"
    "上げてから（docs/UPGRADE-20.0.md）これを設定してください。")


def tf_snippet(finding: Finding, options: FixOptions, module_major: int | None = None) -> Snippet | None:
    flavour = _tf_flavour(finding, module_major)
    v19 = flavour == "module-v19"
    v20 = flavour in ("module-v19", "module-v20")  # v19 and v20 share the cluster_ input names
    module = flavour != "resource"
    cidrs = list(options.allow_cidrs) or [PLACEHOLDER_CIDR]
    rule = finding.rule
    prefix = "cluster_" if v20 else ""
    text: str | None = None
    note: Text | None = None
    if rule == "EKS101":
        if not options.allow_cidrs and not options.private_endpoint:
            note = Text(f"{PLACEHOLDER_CIDR} stands for your own address(es); never 0.0.0.0/0.",
                        f"{PLACEHOLDER_CIDR} は自分のアドレスに置き換えてください。0.0.0.0/0 は使いません。")
        if module:
            text = (f"{prefix}endpoint_public_access = false\n{prefix}endpoint_private_access = true\n"
                    if options.private_endpoint else
                    f"{prefix}endpoint_public_access       = true\n{prefix}endpoint_private_access      = true\n"
                    f"{prefix}endpoint_public_access_cidrs = {_hcl_list(cidrs)}\n")
        else:
            text = ("vpc_config {\n  endpoint_public_access  = false\n  endpoint_private_access = true\n}\n"
                    if options.private_endpoint else
                    "vpc_config {\n  endpoint_public_access  = true\n  endpoint_private_access = true\n"
                    f"  public_access_cidrs     = {_hcl_list(cidrs)}\n}}\n")
    elif rule == "EKS103":
        text = (f"{prefix}endpoint_private_access = true\n" if module
                else "vpc_config {\n  endpoint_private_access = true\n}\n")
    elif rule == "EKS104":
        name = ("cluster_enabled_log_types" if v20 else "enabled_log_types") if module else "enabled_cluster_log_types"
        text = f"{name} = {_hcl_list(list(REQUIRED_LOG_TYPES))}\n"
    elif rule == "EKS105":
        key = json.dumps(options.kms_key) if options.kms_key else "aws_kms_key.eks.arn"
        if module:
            text = ("create_kms_key = true\n" + (f"{prefix}encryption_config = {{\n  resources = [\"secrets\"]\n}}\n"))
        else:
            text = f"encryption_config {{\n  provider {{\n    key_arn = {key}\n  }}\n  resources = [\"secrets\"]\n}}\n"
    elif rule == "EKS107":
        text = ('authentication_mode = "API"\n' if module
                else 'access_config {\n  authentication_mode = "API"\n}\n')
        note = V19_ACCESS_NOTE if v19 else Text(
            "One-way: move every aws-auth mapping to an access entry first.",
            "元に戻せません。先に aws-auth のマッピングをすべてアクセスエントリーへ移してください。")
    elif rule == "EKS108":
        role = json.dumps(options.admin_role_arn or "arn:aws:iam::111122223333:role/eks-admin")
        if module:
            text = ("enable_cluster_creator_admin_permissions = false\naccess_entries = {\n  admin = {\n"
                    f"    principal_arn = {role}\n    policy_associations = {{\n      admin = {{\n"
                    f"        policy_arn   = \"{ADMIN_POLICY_ARN}\"\n        access_scope = {{ type = \"cluster\" }}\n"
                    "      }\n    }\n  }\n}\n")
            note = V19_ACCESS_NOTE if v19 else None
        else:
            text = ("access_config {\n  bootstrap_cluster_creator_admin_permissions = false\n}\n\n"
                    "resource \"aws_eks_access_entry\" \"admin\" {\n  cluster_name  = aws_eks_cluster.this.name\n"
                    f"  principal_arn = {role}\n}}\n\nresource \"aws_eks_access_policy_association\" \"admin\" {{\n"
                    "  cluster_name  = aws_eks_cluster.this.name\n  principal_arn = aws_eks_access_entry.admin.principal_arn\n"
                    f"  policy_arn    = \"{ADMIN_POLICY_ARN}\"\n  access_scope {{\n    type = \"cluster\"\n  }}\n}}\n")
    elif rule == "EKS106":
        current = re.fullmatch(r"version=(\d+)\.(\d+)", finding.observed or "")
        if current is not None:
            name = ("cluster_version" if v20 else "kubernetes_version") if module else "version"
            text = f'{name} = "{current.group(1)}.{int(current.group(2)) + 1}"\n'
            note = Text("One minor version per apply, until the version is in standard support; then the node "
                        "groups and add-ons.",
                        "適用 1 回につきマイナーバージョン 1 つずつ、標準サポート内のバージョンになるまで上げ、その後ノードグループと"
                        "アドオンを上げてください。")
    elif rule == "EKS304" and "AmazonEKS_CNI_Policy" in (finding.observed or ""):
        addons = ("cluster_addons" if v20 else "addons") if module else ""
        text = (f"# the node group:\niam_role_attach_cni_policy = false\n\n# the module:\n{addons} = {{\n"
                "  vpc-cni = {\n    service_account_role_arn = module.vpc_cni_irsa.iam_role_arn\n  }\n}\n" if module else
                "resource \"aws_eks_addon\" \"vpc_cni\" {\n  cluster_name             = aws_eks_cluster.this.name\n"
                "  addon_name               = \"vpc-cni\"\n  service_account_role_arn = aws_iam_role.vpc_cni.arn\n}\n")
        note = Text("First give aws-node its own role with AmazonEKS_CNI_Policy (IRSA, e.g. terraform-aws-modules/iam "
                    "`iam-role-for-service-accounts-eks` with `attach_vpc_cni_policy = true`, or Pod Identity); then "
                    "drop the policy from the node role"
                    + ("." if module else " (its `aws_iam_role_policy_attachment`)."),
                    "先に aws-node に AmazonEKS_CNI_Policy を持つ専用ロールを与えてください（IRSA。例: terraform-aws-modules/iam "
                    "の `iam-role-for-service-accounts-eks` で `attach_vpc_cni_policy = true`、または Pod Identity）。その後で"
                    "ノードロールからポリシーを外します" + ("。" if module else "（その `aws_iam_role_policy_attachment`）。"))
    elif rule == "EKS201":
        text = "subnet_ids = module.vpc.private_subnets # route 0.0.0.0/0 to a NAT gateway\n"
        note = Text("Changing a node group's subnets replaces it.", "ノードグループのサブネットを変えると置き換えになります。")
    elif rule == "EKS208":
        text = ("remote_access {\n  ec2_ssh_key               = var.key_name\n"
                "  source_security_group_ids = [aws_security_group.bastion.id]\n}\n")
        note = Text("Or remove `remote_access` and use SSM Session Manager.",
                    "または `remote_access` を削除して SSM Session Manager を使います。")
    elif rule in ("EKS301", "EKS302"):
        hop = 1 if rule == "EKS302" else 2
        options_text = ("  http_endpoint               = \"enabled\"\n  http_tokens                 = \"required\"\n"
                        f"  http_put_response_hop_limit = {hop}\n}}\n")
        # a value EKS defaulted: the node group runs on EKS's own launch template, which takes no metadata options
        eks_template = finding.provenance == f"defaulted by {EKS_API}"
        if module:
            text = ("use_custom_launch_template = true\n" if eks_template else "") + "metadata_options = {\n" + options_text
            if eks_template:
                note = Text("`use_custom_launch_template = false` puts the node group on EKS's default launch template, "
                            "which ignores `metadata_options`: let the module make its own template.",
                            "`use_custom_launch_template = false` ではノードグループが EKS 既定の起動テンプレートを使い、"
                            "`metadata_options` は無視されます。モジュールに起動テンプレートを作らせてください。")
        else:
            text = "metadata_options {\n" + options_text
            note = Text("In the node group's `aws_launch_template`; an `aws_eks_node_group` without `launch_template` "
                        "gets EKS's default template (hop limit 2), so add one.",
                        "ノードグループの `aws_launch_template` に設定します。`launch_template` のない `aws_eks_node_group` "
                        "は EKS 既定のテンプレート（ホップ数上限 2）になるため、起動テンプレートを追加してください。")
    elif rule == "EKS401":
        text = ("enable_irsa = true\n" if module else
                "data \"tls_certificate\" \"eks\" {\n  url = aws_eks_cluster.this.identity[0].oidc[0].issuer\n}\n\n"
                "resource \"aws_iam_openid_connect_provider\" \"eks\" {\n  url             = "
                "aws_eks_cluster.this.identity[0].oidc[0].issuer\n  client_id_list  = [\"sts.amazonaws.com\"]\n"
                "  thumbprint_list = [data.tls_certificate.eks.certificates[0].sha1_fingerprint]\n}\n")
    return Snippet("hcl", text, note) if text else None


# --- exact replacements ----------------------------------------------------------------------


def _read(path: str) -> str | None:
    try:
        file = Path(path)
        if file.stat().st_size > _MAX_FILE:
            return None
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _line_replacement(path: str, line_no: int, line: str, old: str, new: str) -> dict[str, Any]:
    return {"path": path, "line": line_no, "old": old, "new": new, "column": line.index(old) + 1}


_TF_ATTRIBUTE = re.compile(r"^(?P<indent>\s*)(?P<name>[A-Za-z_][A-Za-z0-9_-]*)(?P<eq>\s*=\s*)(?P<value>.+?)"
                           r"(?P<comment>\s*(#|//).*)?$")
_TF_SCALARS: dict[str, dict[str, str]] = {
    "EKS103": {"endpoint_private_access": "true", "cluster_endpoint_private_access": "true"},
    "EKS107": {"authentication_mode": '"API"'},
    "EKS301": {"http_tokens": '"required"'},
    "EKS302": {"http_put_response_hop_limit": "1"},
    "EKS401": {"enable_irsa": "true"},
}


def _edit_rule(finding: Finding) -> str:
    """Whose one-value edit clears the finding: EKS302 on IMDSv1 (hop limit already 1) is cleared by requiring
    IMDSv2 (EKS301's edit); a hop limit above 1 by the hop limit only where IMDSv2 is already required, else
    by no single edit (the snippet sets both)."""
    if finding.rule != "EKS302":
        return finding.rule
    hops = finding.extra.get("hop_limit")
    if isinstance(hops, int) and hops <= 1:
        return "EKS301"  # only IMDSv1 is left to close
    return "EKS302" if finding.extra.get("http_tokens") == "required" else ""


def tf_replacement(finding: Finding) -> dict[str, Any] | None:
    """A written Terraform attribute set to the secure value in place (one line)."""
    origin = finding.origin
    if origin is None or origin.line is None or finding.provenance != "declared":
        return None
    wanted = _TF_SCALARS.get(_edit_rule(finding))
    text = _read(origin.path) if wanted else None
    if text is None or wanted is None:
        return None
    lines = text.splitlines()
    if origin.line > len(lines):
        return None
    line = lines[origin.line - 1]
    match = _TF_ATTRIBUTE.match(line)
    if not match or match.group("name") not in wanted:
        return None
    value = match.group("value").strip()
    new = wanted[match.group("name")]
    if value == new or not re.fullmatch(r'(true|false|"[A-Za-z_]*"|\d+)', value):
        return None  # an expression (var.x, local.y ...): the value is decided elsewhere
    old = f"{match.group('name')}{match.group('eq')}{value}"
    return _line_replacement(origin.path, origin.line, line, old, f"{match.group('name')}{match.group('eq')}{new}")


# rule -> (the resource types that have the property, its path under Properties, the value that fixes it)
_CFN_EDITS: dict[str, tuple[tuple[str, ...], tuple[str, ...], Any]] = {
    "EKS103": (CLUSTER_TYPES, ("ResourcesVpcConfig", "EndpointPrivateAccess"), True),
    "EKS107": (("AWS::EKS::Cluster",), ("AccessConfig", "AuthenticationMode"), "API"),
    "EKS301": (("AWS::EC2::LaunchTemplate",), ("LaunchTemplateData", "MetadataOptions", "HttpTokens"), "required"),
    "EKS302": (("AWS::EC2::LaunchTemplate",), ("LaunchTemplateData", "MetadataOptions", "HttpPutResponseHopLimit"), 1),
}


def _single_hunk(path: str, before: str, after: str) -> dict[str, Any] | None:
    a, b = before.splitlines(), after.splitlines()
    changes = [op for op in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes() if op[0] != "equal"]
    if len(changes) != 1:
        return None
    _, i1, i2, j1, j2 = changes[0]
    start = i1
    if i1 == i2:  # an insertion: replace the non-blank line before it with itself plus the new lines
        start = i1 - 1
        while start >= 0 and not a[start].strip():
            start -= 1
        if start < 0:
            return None
    old = "\n".join(a[start:i2])
    new = "\n".join([*a[start:i1], *b[j1:j2]])
    return {"path": path, "line": start + 1, "old": old, "new": new, "column": 1}


def cfn_replacement(finding: Finding) -> dict[str, Any] | None:
    """The property set on the CloudFormation YAML resource in place (one hunk), or None."""
    from eksguard.fixes.yamlset import block_entry, set_scalar

    origin = finding.origin
    logical_id = _logical_id(finding)
    rule = _edit_rule(finding)
    if origin is None or logical_id is None or rule not in _CFN_EDITS:
        return None
    if not origin.path.lower().endswith((".yaml", ".yml", ".template")):
        return json_replacement(finding)
    text = _read(origin.path)
    if text is None:
        return None
    kinds, pointer, value = _CFN_EDITS[rule]
    keys: tuple[str, ...] = ("Resources", logical_id, "Properties", *pointer)
    entry = block_entry(text, "Resources", logical_id)
    if entry is not None:  # the resource's own lines: edited and checked without the rest of the template
        documents: list[Any] | None = [entry]
        resources: Any = entry
        keys = keys[1:]
    else:
        documents = _yaml_documents(text)
        if not documents or not isinstance(documents[0], Mapping):
            return None
        resources = documents[0].get("Resources")
    resource = resources.get(logical_id) if isinstance(resources, Mapping) else None
    if not isinstance(resource, Mapping) or resource.get("Type") not in kinds:
        return None
    edited = set_scalar(text, keys, value, documents)
    return _single_hunk(origin.path, text, edited) if edited is not None and edited != text else None


@functools.lru_cache(maxsize=8)
def _yaml_documents(text: str) -> list[Any] | None:
    """The documents of a template, parsed once however many of its findings get a replacement
    (keyed by the text itself, so never stale)."""
    from eksguard.sources.loading import InputError, Limits, load_yaml_documents

    try:
        return load_yaml_documents(text, Limits())
    except InputError:
        return None


_JSON_SCALAR = re.compile(r'"(?P<key>[A-Za-z]+)"(?P<colon>\s*:\s*)(?P<value>true|false|"[A-Za-z_]*"|\d+)')


def json_replacement(finding: Finding) -> dict[str, Any] | None:
    """A written scalar of a CloudFormation JSON template changed in place (one line)."""
    origin = finding.origin
    rule = _edit_rule(finding)
    if origin is None or origin.line is None or finding.provenance != "declared" or rule not in _CFN_EDITS:
        return None
    _, pointer, value = _CFN_EDITS[rule]
    text = _read(origin.path)
    if text is None:
        return None
    lines = text.splitlines()
    if origin.line > len(lines):
        return None
    line = lines[origin.line - 1]
    matches = [m for m in _JSON_SCALAR.finditer(line) if m.group("key") == pointer[-1]]
    if len(matches) != 1:
        return None
    match = matches[0]
    new_value = json.dumps(value)
    if match.group("value") == new_value:
        return None
    old = f'"{match.group("key")}"{match.group("colon")}{match.group("value")}'
    return _line_replacement(origin.path, origin.line, line, old, f'"{match.group("key")}"{match.group("colon")}{new_value}')


# --- per finding ---------------------------------------------------------------------------------


def snippet_for(finding: Finding, cluster: Cluster | None, options: FixOptions | None = None) -> Snippet | None:
    options = options or FixOptions()
    source = cluster.source if cluster is not None else ""
    if source == "cloudformation":
        return cfn_snippet(finding, options, cluster.cloudformation_type if cluster is not None else None)
    if source == "terraform":
        return tf_snippet(finding, options, cluster.eks_module_major if cluster is not None else None)
    return None


def replacement_for(finding: Finding, cluster: Cluster | None) -> dict[str, Any] | None:
    source = cluster.source if cluster is not None else ""
    if source == "cloudformation":
        return cfn_replacement(finding)
    if source == "terraform":
        return tf_replacement(finding)
    return None


def _cluster_of(clusters: Mapping[str, list[Cluster]], finding: Finding) -> Cluster | None:
    matches = clusters.get("/".join(finding.target.split("/")[:2]), [])
    path = finding.origin.path if finding.origin else None
    same_file = [c for c in matches if c.origin.path == path]
    found = same_file or matches
    return found[0] if found else None


def annotate(report: ScanReport, options: FixOptions | None = None, lang: str = "en") -> int:
    """Add `fix_snippet` and, where exact, `fix_replacement` to the failing findings of CloudFormation and
    Terraform clusters. Returns how many findings got a snippet. Existing entries are kept."""
    clusters: dict[str, list[Cluster]] = {}
    for each in report.estate.clusters:
        clusters.setdefault(each.target, []).append(each)
    return sum(_annotate_finding(finding, cluster, options, lang) for finding in report.results
               if finding.status is Status.FAIL and (cluster := _cluster_of(clusters, finding)) is not None)


def annotate_cluster(cluster: Cluster, findings: list[Finding], options: FixOptions | None = None,
                     lang: str = "en") -> int:
    """`annotate` for the findings of one cluster, as the engine makes them (`evaluate(after_cluster=)`)."""
    return sum(_annotate_finding(finding, cluster, options, lang) for finding in findings
               if finding.status is Status.FAIL)


def _annotate_finding(finding: Finding, cluster: Cluster, options: FixOptions | None, lang: str) -> bool:
    """Whether the finding got a snippet."""
    if cluster.source not in ("cloudformation", "terraform"):
        return False
    added = False
    snippet = snippet_for(finding, cluster, options)
    if snippet is not None and SNIPPET_KEY not in finding.extra:
        finding.extra = {**finding.extra, SNIPPET_KEY: snippet.as_dict(lang)}
        added = True
    if REPLACEMENT_KEY not in finding.extra:
        try:
            replacement = replacement_for(finding, cluster)
        except Exception:  # a suggestion must never break a report
            replacement = None
        if replacement is not None:
            finding.extra = {**finding.extra, REPLACEMENT_KEY: replacement}
    return added
