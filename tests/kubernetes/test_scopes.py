"""Tying manifests to clusters of the same scan, aws-auth, EKS302, Pod Security versions, suppressions."""

from __future__ import annotations

from pathlib import Path

from kubekit import Kube

from eksguard.config import Config
from eksguard.engine import evaluate
from eksguard.findings import Status
from eksguard.model import Cluster, IdentityMapping, KubeScope, Origin
from eksguard.rules import RuleContext, all_rules
from eksguard.sources import collect

CLUSTER = """
    apiVersion: eksctl.io/v1alpha5
    kind: ClusterConfig
    metadata:
      name: {name}
      region: ap-northeast-1
      version: "1.29"
    {addons}
    managedNodeGroups:
      - name: apps
        privateNetworking: true
"""
ENFORCED = """addons:
      - name: vpc-cni
        configurationValues: '{"enableNetworkPolicy": "true"}'"""
WORKLOAD = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      namespace: shop
    spec:
      template:
        metadata:
          labels: {app: web}
        spec:
          containers:
            - name: web
              image: nginx
"""
DENY_IMDS = """
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata:
      name: deny-imds
      namespace: shop
    spec:
      podSelector: {}
      policyTypes: [Egress]
      egress:
        - to:
            - ipBlock: {cidr: 0.0.0.0/0, except: [169.254.169.254/32]}
"""
AWS_AUTH = """
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: aws-auth
      namespace: kube-system
    data:
      mapRoles: |
        - rolearn: arn:aws:iam::111122223333:role/ops
          groups: [system:masters]
"""


def cluster_file(name: str, enforced: bool = False) -> str:
    return CLUSTER.format(name=name, addons=ENFORCED if enforced else "")


def scopes(kube: Kube, **kwargs: object) -> dict[str, KubeScope]:
    estate = kube.collect(**kwargs)  # type: ignore[arg-type]
    return {s.target: s for s in estate.kube_scopes}


def test_a_single_cluster_takes_every_manifest(kube: Kube) -> None:
    kube.write({"cluster.yaml": cluster_file("shop"), "k8s/web.yaml": WORKLOAD})
    found = scopes(kube)
    assert list(found) == ["kubernetes/shop"]
    scope = found["kubernetes/shop"]
    assert scope.cluster is not None and scope.cluster.name == "shop"
    assert [o.target for o in scope.objects] == ["kubernetes/shop/shop/Deployment/web"]
    # `latest` means the cluster's own version
    assert scope.pss_version is not None and scope.pss_version.value == "v1.29"


TERRAFORM_CLUSTER = """
    resource "aws_eks_cluster" "this" {
      name     = "shop"
      role_arn = "arn:aws:iam::111122223333:role/eks"
      vpc_config {
        subnet_ids = ["subnet-1", "subnet-2"]
      }
    }
"""


def test_manifests_bind_to_a_cluster_that_terraform_builds_when_it_finishes(kube: Kube) -> None:
    # Terraform makes its clusters in its finisher; the Kubernetes finisher must run after it, whichever
    # reader loaded first (here the manifest, read before main.tf)
    kube.write({"a-web.yaml": WORKLOAD, "main.tf": TERRAFORM_CLUSTER})
    found = scopes(kube)
    assert list(found) == ["kubernetes/shop"]
    assert found["kubernetes/shop"].cluster is not None and found["kubernetes/shop"].cluster.source == "terraform"


def test_config_maps_paths_to_clusters_and_the_rest_stays_unbound(kube: Kube) -> None:
    kube.write({"prod.yaml": cluster_file("prod"), "dev.yaml": cluster_file("dev"),
                "k8s/prod/web.yaml": WORKLOAD, "k8s/dev/web.yaml": WORKLOAD, "other/web.yaml": WORKLOAD})
    config = Config(raw={"kubernetes": {"clusters": {f"{kube.root}/k8s/prod/**": "prod",
                                                     "*/k8s/dev/*": "dev"}}})
    found = scopes(kube, config=config)
    assert set(found) == {"kubernetes/prod", "kubernetes/dev", "kubernetes"}
    assert found["kubernetes/prod"].cluster is not None and found["kubernetes/prod"].cluster.name == "prod"
    assert found["kubernetes"].cluster is None
    assert [o.origin.path.endswith("other/web.yaml") for o in found["kubernetes"].objects] == [True]


def test_two_clusters_without_mapping_leave_manifests_unbound(kube: Kube) -> None:
    kube.write({"prod.yaml": cluster_file("prod"), "dev.yaml": cluster_file("dev"), "web.yaml": WORKLOAD})
    assert list(scopes(kube)) == ["kubernetes"]


def test_mapping_to_a_cluster_not_in_the_scan_warns(kube: Kube) -> None:
    kube.write({"web.yaml": WORKLOAD})
    estate = kube.collect(config=Config(raw={"kubernetes": {"clusters": {"*": "ghost"}}}))
    assert [s.target for s in estate.kube_scopes] == ["kubernetes/ghost"]
    assert any("ghost" in w.message for w in estate.warnings)


OTHER_POLICY = DENY_IMDS.replace("namespace: shop", "namespace: other")


def test_unbound_manifests_say_which_binding_is_missing(kube: Kube) -> None:
    # EKS505 and EKS211 need the cluster's settings: "not in this scan" would be wrong with clusters in it
    kube.write({"prod.yaml": cluster_file("prod"), "dev.yaml": cluster_file("dev"), "web.yaml": WORKLOAD,
                "policy.yaml": OTHER_POLICY})
    report = kube.scan()
    [imds] = kube.results(report, "EKS505", "unknown")
    [engine] = kube.results(report, "EKS211", "unknown")
    for finding in (imds, engine):
        assert finding.message is not None
        assert "the scan has 2 clusters and nothing says which one these manifests belong to" in finding.message.en
        assert "`kubernetes.clusters`" in finding.message.en and "`kubernetes.clusters`" in finding.message.ja
    assert engine.message is not None and "no Calico or Cilium manifests" in engine.message.en


def test_unbound_reason_for_patterns_that_match_nothing_and_unknown_names(kube: Kube) -> None:
    kube.write({"prod.yaml": cluster_file("prod"), "k8s/web.yaml": WORKLOAD})
    unmatched = scopes(kube, config=Config(raw={"kubernetes": {"clusters": {"elsewhere/**": "prod"}}}))
    assert unmatched["kubernetes"].unbound is not None
    assert "no `kubernetes.clusters` pattern" in unmatched["kubernetes"].unbound.en
    ghost = scopes(kube, config=Config(raw={"kubernetes": {"clusters": {"*": "ghost"}}}))["kubernetes/ghost"]
    assert ghost.unbound is not None and "binds them to `ghost`, which is not a cluster of this scan" in ghost.unbound.en
    bound = scopes(kube, config=Config(raw={"kubernetes": {"clusters": {"*": "prod"}}}))["kubernetes/prod"]
    assert bound.unbound is None


def test_aws_auth_alone_is_no_cluster_definition_for_imds(kube: Kube) -> None:
    # aws-auth gives the scope a minimal cluster that holds no node groups: its IMDS settings are not
    # "described as none", there is no cluster definition at all
    kube.write({"web.yaml": WORKLOAD, "aws-auth.yaml": AWS_AUTH})
    [imds] = kube.results(kube.scan(), "EKS505", "unknown")
    assert imds.message is not None and "no cluster definition is in this scan" in imds.message.en


def test_pss_version_from_option_then_config(kube: Kube) -> None:
    kube.write({"web.yaml": WORKLOAD})
    config = Config(raw={"kubernetes": {"pss_version": "v1.30"}})
    assert scopes(kube, config=config)["kubernetes"].pss_version.value == "v1.30"  # type: ignore[union-attr]
    chosen = scopes(kube, config=config, pss_version="v1.27")["kubernetes"].pss_version
    assert chosen is not None and chosen.value == "v1.27" and chosen.origin.path == "--pss-version"
    report = kube.scan(config=config)
    assert {f.extra.get("pss_version") for f in kube.results(report, "EKS502", "fail")} == {"v1.30"}


def test_aws_auth_joins_the_bound_clusters_mappings(kube: Kube) -> None:
    kube.write({"cluster.yaml": cluster_file("shop") + """
    iamIdentityMappings:
      - arn: arn:aws:iam::111122223333:role/viewer
        groups: [viewer]
    """, "aws-auth.yaml": AWS_AUTH})
    report = kube.scan()
    assert [c.name for c in report.estate.clusters] == ["shop"]
    [cluster] = report.estate.clusters
    assert cluster.identity_mappings is not None
    assert {m.arn for m in cluster.identity_mappings} == {"arn:aws:iam::111122223333:role/viewer",
                                                          "arn:aws:iam::111122223333:role/ops"}
    [masters] = kube.results(report, "EKS402", "fail")
    assert masters.target == "cluster/shop/aws-auth/arn:aws:iam::111122223333:role/ops"
    assert masters.origin is not None and masters.origin.path.endswith("aws-auth.yaml") and masters.origin.line == 8


def test_minimal_cluster_from_aws_auth_is_not_applicable_to_every_other_rule() -> None:
    mapping = IdentityMapping("role", "arn:aws:iam::111122223333:role/x", ["viewer"], Origin("aws-auth.yaml", 8))
    cluster = Cluster(name="kubernetes", source="kubernetes", origin=Origin("aws-auth.yaml", 1),
                      identity_mappings=[mapping])
    ctx = RuleContext(Config(), None)
    judging = {"EKS402", "EKS403", "EKS404"}
    for rule in all_rules():
        if rule.subject != "cluster":
            continue
        statuses = {r.status for r in rule.check(cluster, ctx)} or {Status.NOT_APPLICABLE}
        if rule.id in judging:
            assert statuses == {Status.PASS}, rule.id
        else:
            assert statuses == {Status.NOT_APPLICABLE}, (rule.id, statuses)


def test_aws_auth_without_a_cluster_gives_a_minimal_one(kube: Kube) -> None:
    kube.write({"aws-auth.yaml": AWS_AUTH})
    report = kube.scan()
    [cluster] = report.estate.clusters
    assert (cluster.name, cluster.source, cluster.version, cluster.node_groups) == ("kubernetes", "kubernetes", None, [])
    assert not [f for f in report.results if f.status is Status.ERROR]
    assert [f.rule for f in report.results if f.status is Status.FAIL] == ["EKS402"]


def test_aws_auth_edge_cases_do_not_crash(kube: Kube) -> None:
    kube.write({"aws-auth.json": '{"apiVersion": "v1", "kind": "ConfigMap",\n'
                                 ' "metadata": {"name": "aws-auth", "namespace": "kube-system"},\n'
                                 ' "data": {"mapRoles": "- rolearn: [unclosed\\n",\n'
                                 '          "mapUsers": "{not: a list}", "mapAccounts": "- [nested]"}}'})
    report = kube.scan()
    errors = {(f.rule, f.target.rsplit("/", 1)[-1]): f for f in report.results if f.status is Status.ERROR}
    assert set(errors) == {("EKS402", "mapRoles"), ("EKS402", "mapUsers"), ("EKS403", "mapUsers"),
                           ("EKS404", "mapAccounts")}
    # JSON strings have no inner lines: the key's line
    assert {key: f.origin.line for key, f in errors.items() if f.origin} == {
        ("EKS402", "mapRoles"): 3, ("EKS402", "mapUsers"): 4, ("EKS403", "mapUsers"): 4, ("EKS404", "mapAccounts"): 4}
    assert "not valid YAML" in (errors[("EKS402", "mapRoles")].message.en if errors[("EKS402", "mapRoles")].message else "")


def test_imds_blocked_by_enforced_policies_passes_eks302(kube: Kube) -> None:
    kube.write({"cluster.yaml": cluster_file("shop", enforced=True), "web.yaml": WORKLOAD, "np.yaml": DENY_IMDS})
    report = kube.scan()
    cluster = report.estate.clusters[0]
    assert cluster.imds_blocked_by_network_policy is not None and cluster.imds_blocked_by_network_policy.value
    assert [f.status for f in kube.results(report, "EKS302")] == [Status.PASS]
    assert [f.status for f in kube.results(report, "EKS505")] == [Status.PASS]


def test_unenforced_policies_do_not_pass_eks302(kube: Kube) -> None:
    kube.write({"cluster.yaml": cluster_file("shop"), "web.yaml": WORKLOAD, "np.yaml": DENY_IMDS})
    report = kube.scan()
    assert report.estate.clusters[0].imds_blocked_by_network_policy is None
    assert [f.status for f in kube.results(report, "EKS302")] == [Status.FAIL]
    assert [f.status for f in kube.results(report, "EKS211")] == [Status.FAIL]


def test_policies_missing_a_namespace_do_not_pass_eks302(kube: Kube) -> None:
    kube.write({"cluster.yaml": cluster_file("shop", enforced=True), "web.yaml": WORKLOAD, "np.yaml": DENY_IMDS,
                "api.yaml": WORKLOAD.replace("namespace: shop", "namespace: api")})
    report = kube.scan()
    assert [f.status for f in kube.results(report, "EKS302")] == [Status.FAIL]
    assert {f.target: f.status for f in kube.results(report, "EKS505")} == {
        "kubernetes/shop/Namespace/api": Status.FAIL, "kubernetes/shop/Namespace/shop": Status.PASS}


def test_ignore_annotation_suppresses_only_the_named_rules(kube: Kube) -> None:
    kube.write({"agent.yaml": """
        apiVersion: v1
        kind: Pod
        metadata:
          name: agent
          annotations:
            eksguard.io/ignore: "EKS501, eks411"
        spec:
          hostNetwork: true
          containers:
            - name: agent
              image: busybox
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: other
        spec:
          hostNetwork: true
          containers:
            - name: other
              image: busybox
    """})
    report = kube.scan()
    suppressed = {(f.rule, f.target.rsplit("/", 1)[-1]): f.suppressed for f in report.results if f.status is Status.FAIL}
    assert suppressed[("EKS501", "agent")] == "annotation eksguard.io/ignore"
    assert suppressed[("EKS411", "agent")] == "annotation eksguard.io/ignore"
    assert suppressed[("EKS501", "other")] is None
    assert suppressed[("EKS411", "other")] is None
    assert not [f for f in report.failures if f.target.endswith("/agent") and f.rule in ("EKS501", "EKS411")]


def test_rules_of_this_issue_have_texts_in_both_languages() -> None:
    ids = {"EKS211", "EKS403", "EKS406", "EKS407", "EKS408", "EKS409", "EKS411",
           "EKS501", "EKS502", "EKS503", "EKS504", "EKS505", "EKS506"}
    found = {r.id: r for r in all_rules() if r.id in ids}
    assert set(found) == ids
    for rule in found.values():
        for text in (rule.title, rule.risk, rule.fix):
            assert text.en and text.ja and text.en != text.ja
            assert any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text.ja), rule.id


def test_evaluate_accepts_an_estate_without_manifests() -> None:
    from eksguard.model import Estate

    report = evaluate(Estate(), Config())
    assert not [f for f in report.results if f.rule.startswith("EKS5")]


def test_unreadable_pss_versions_are_ignored_with_a_warning(kube: Kube) -> None:
    kube.write({"web.yaml": WORKLOAD})
    config = Config(raw={"kubernetes": {"pss_version": 1.30}})  # unquoted YAML: the float 1.3
    estate = kube.collect(config=config, pss_version="1.x")
    [scope] = estate.kube_scopes
    assert scope.pss_version is not None and scope.pss_version.value == "latest"
    assert len([w for w in estate.warnings if "pss_version" in w.message or "--pss-version" in w.path]) == 2


def test_ignore_annotation_never_reaches_the_next_item_of_a_list(kube: Kube) -> None:
    kube.write({"list.yaml": """
        apiVersion: v1
        kind: List
        items:
          - apiVersion: policy/v1beta1
            kind: PodSecurityPolicy
            metadata:
              name: first
              annotations: {eksguard.io/ignore: EKS506}
          - apiVersion: policy/v1beta1
            kind: PodSecurityPolicy
            metadata:
              name: second
    """})
    report = kube.scan()
    suppressed = {f.target.rsplit("/", 1)[-1]: (f.suppressed, f.origin.line if f.origin else None)
                  for f in kube.results(report, "EKS506", "fail")}
    assert suppressed == {"first": ("annotation eksguard.io/ignore", 4), "second": (None, 9)}


def test_two_clusters_of_one_name_keep_their_own_terraform_objects(tmp_path: Path) -> None:
    # two roots whose cluster names are not known before apply both fall back to the module label `eks`
    for folder, version in (("a", "1.34"), ("b", "1.33")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "main.tf").write_text(
            'variable "env" {}\nmodule "eks" {\n  source  = "terraform-aws-modules/eks/aws"\n  version = "~> 20.0"\n'
            f'  cluster_name    = "app-${{var.env}}"\n  cluster_version = "{version}"\n  vpc_id = "vpc-1"\n'
            '  subnet_ids = ["subnet-a", "subnet-b"]\n}\n'
            + (f'resource "kubernetes_namespace_v1" "team" {{\n  metadata {{ name = "team-{folder}" }}\n}}\n'))
    estate = collect([str(tmp_path / "a"), str(tmp_path / "b")], {})
    bound = {obj.name: scope.cluster.version.value for scope in estate.kube_scopes if scope.cluster is not None
             and scope.cluster.version is not None for obj in scope.objects}
    assert bound == {"team-a": "1.34", "team-b": "1.33"}
