"""Runs a live (or snapshot) audit: targets → concurrent collection → one Estate.

Targets come from `--cluster`/`--region`/`--all-regions`/`--profile` (ListClusters per region when
needed), from `--targets FILE`, or from a snapshot; `--shard K/N` keeps every N-th target (sorted,
so N processes split any target list the same way). Clusters are collected on a bounded thread pool;
every region- or account-level call (ListClusters, DescribeClusterVersions, GuardDuty, IAM) is made
once and shared. What could not be read becomes `unknown` values and is listed in the notices.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eksguard.analysis.versions import SupportWindow
from eksguard.live.api import AwsApi, Gap, LiveAws, Recording, SnapshotAws, load_snapshot
from eksguard.live.aws import ClusterCollector, Target
from eksguard.live.guard import CallCounter, WriteRefused
from eksguard.model import Cluster, Estate, InputProblem, InputRecord, KubeScope, Text, unknown


class AuditError(Exception):
    """The audit cannot start (bad options, unreadable targets or snapshot); the message says why."""


@dataclass(slots=True)
class AuditOptions:
    clusters: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    all_regions: bool = False
    profiles: tuple[str | None, ...] = (None,)
    context: str | None = None
    kubeconfig: str | None = None
    kubernetes: bool = True
    concurrency: int = 8
    max_attempts: int = 5
    timeout: float = 30.0
    targets: list[Target] | None = None
    shard: tuple[int, int] | None = None
    from_snapshot: Path | None = None
    snapshot: Recording | None = None  # an already parsed snapshot (the `scan` reader of snapshot files)
    progress: bool = False
    # test seam: called with every boto3 client the audit creates (after the read-only guard)
    client_hooks: tuple[Callable[[Any], None], ...] = ()


@dataclass(slots=True)
class ClusterRun:
    target: Target
    cluster: Cluster | None = None
    scope: KubeScope | None = None
    gaps: list[Gap] = field(default_factory=list)
    problem: str | None = None
    seconds: float = 0.0
    kubernetes: bool = False


@dataclass(slots=True)
class AuditResult:
    estate: Estate
    runs: list[ClusterRun]
    recording: Recording
    counter: CallCounter
    support_windows: dict[str, SupportWindow]
    seconds: float
    offline: bool = False

    def notices(self) -> list[str]:
        """One line per thing the audit could not see (same gap in several clusters: one line)."""
        grouped: dict[tuple[str, str, str, str | None], list[str]] = {}
        for run in self.runs:
            for gap in run.gaps:
                key = (gap.action, gap.kind, gap.code, gap.region)
                name = run.cluster.name if run.cluster else run.target.cluster
                if name not in grouped.setdefault(key, []):
                    grouped[key].append(name)
        lines = []
        for (action, kind, code, region), clusters in sorted(grouped.items()):
            gap = Gap(action, kind, code, region=region)
            rules = sorted({r for run in self.runs for g in run.gaps if (g.action, g.kind, g.code, g.region) ==
                            (action, kind, code, region) for r in g.rules if r.startswith("EKS")})
            where = f" in {region}" if region else ""
            lines.append(f"{gap.note().en}{where} for {', '.join(clusters)}"
                         + (f"; affects {', '.join(rules)}" if rules else ""))
        return lines


def parse_shard(text: str) -> tuple[int, int]:
    """`K/N` with 0 <= K < N (K is a Kubernetes Indexed Job's JOB_COMPLETION_INDEX)."""
    index, sep, total = text.partition("/")
    try:
        k, n = int(index), int(total)
    except ValueError:
        raise AuditError(f"--shard {text!r} is not K/N") from None
    if not sep or n < 1 or not 0 <= k < n:
        raise AuditError(f"--shard {text!r}: need 0 <= K < N")
    return k, n


def read_targets(path: Path) -> list[Target]:
    """A targets file: YAML/JSON list of {cluster, region, profile?, context?}, or lines
    `[PROFILE@]REGION/CLUSTER` (`#` comments)."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise AuditError(f"{path}: {exc.strerror or exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        data = None
    targets: list[Target] = []
    if isinstance(data, dict) and isinstance(data.get("targets"), list):
        data = data["targets"]
    if isinstance(data, list) and all(isinstance(item, dict) for item in data):
        for number, item in enumerate(data, start=1):
            if not item.get("cluster") or not item.get("region"):
                raise AuditError(f"{path}: target {number} needs `cluster` and `region`")
            targets.append(Target.from_dict(item))
        return targets
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        profile, _, rest = line.rpartition("@")
        region, sep, cluster = rest.partition("/")
        if not sep or not region or not cluster:
            raise AuditError(f"{path}:{number}: expected [PROFILE@]REGION/CLUSTER, got {line!r}")
        targets.append(Target(profile or None, region, cluster))
    return targets


def shard_targets(targets: Iterable[Target], shard: tuple[int, int] | None) -> list[Target]:
    ordered = sorted(set(targets), key=lambda t: t.key)
    if shard is None:
        return ordered
    k, n = shard
    return [t for index, t in enumerate(ordered) if index % n == k]


class _Progress:
    """A rich progress bar on stderr when it is a terminal; nothing otherwise."""

    def __init__(self, enabled: bool, total: int) -> None:
        self.bar: Any = None
        if enabled and total and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("auditing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                TextColumn("{task.description}"), console=Console(stderr=True), transient=True)
            self.task = self.bar.add_task("", total=total)
            self.bar.start()

    def advance(self, label: str) -> None:
        if self.bar is not None:
            self.bar.update(self.task, advance=1, description=label)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


class Auditor:
    def __init__(self, options: AuditOptions) -> None:
        self.options = options
        self.counter = CallCounter()
        self.offline = options.from_snapshot is not None or options.snapshot is not None
        if options.snapshot is not None:
            self.recording = options.snapshot
        elif options.from_snapshot is not None:
            from eksguard.live.api import SnapshotError

            try:
                self.recording = load_snapshot(options.from_snapshot)
            except SnapshotError as exc:
                raise AuditError(str(exc)) from None
        else:
            self.recording = Recording()
        self.apis: dict[str | None, AwsApi] = {}
        self.accounts: dict[str | None, str | None] = {}
        self.problems: list[InputProblem] = []
        self.windows: dict[str, SupportWindow] = {}
        self.extras: dict[str, Any] = {}

    # --- targets ---------------------------------------------------------------------------------

    def api(self, profile: str | None) -> AwsApi:
        found = self.apis.get(profile)
        if found is None:
            if self.offline:
                found = SnapshotAws(self.recording, profile)
            else:
                try:
                    found = LiveAws(profile, recording=self.recording, counter=self.counter,
                                    max_attempts=self.options.max_attempts, read_timeout=self.options.timeout,
                                    client_hooks=self.options.client_hooks)
                except Exception as exc:  # botocore ProfileNotFound and the like
                    raise AuditError(f"profile {profile or 'default'}: {exc}") from None
            self.apis[profile] = found
        return found

    def home_region(self, profile: str | None) -> str:
        if self.options.regions:
            return self.options.regions[0]
        api = self.api(profile)
        region = getattr(api, "default_region", None) or os.environ.get("AWS_REGION") \
            or os.environ.get("AWS_DEFAULT_REGION")
        if not region:
            raise AuditError("no AWS region: give --region (repeatable), --all-regions, or set AWS_REGION")
        return str(region)

    def account(self, profile: str | None, region: str) -> str | None:
        if profile not in self.accounts:
            result = self.api(profile).call("sts", region, "GetCallerIdentity")
            self.accounts[profile] = str((result.data or {}).get("Account") or "") or None
        return self.accounts[profile]

    def plan(self) -> list[Target]:
        options = self.options
        if self.offline:
            recorded = [Target.from_dict(t) for t in self.recording.targets]
            chosen = [t for t in recorded if (not options.clusters or t.cluster in options.clusters)
                      and (not options.regions or t.region in options.regions)]
            return shard_targets(chosen, options.shard)
        if options.targets is not None:
            given = [t if t.profile or len(options.profiles) != 1 else Target(options.profiles[0], t.region,
                                                                                   t.cluster, t.context)
                       for t in options.targets]
            return shard_targets(given, options.shard)
        targets: list[Target] = []
        listings: list[tuple[str | None, str]] = []
        for profile in options.profiles:
            home = self.home_region(profile)
            if options.all_regions:
                result = self.api(profile).call("ec2", home, "DescribeRegions")
                if result.gap is not None:
                    raise AuditError(f"cannot list regions ({result.gap.note().en}); give --region instead")
                regions = sorted(str(r["RegionName"]) for r in (result.data or {}).get("Regions") or [])
            else:
                regions = list(options.regions) or [home]
            if options.clusters and not options.all_regions:
                targets.extend(Target(profile, region, name) for region in regions for name in options.clusters)
            else:
                listings.extend((profile, region) for region in regions)

        def listing(item: tuple[str | None, str]) -> list[Target]:
            profile, region = item
            result = self.api(profile).call("eks", region, "ListClusters")
            if result.gap is not None:
                if result.gap.kind not in ("unsupported",):  # opt-in regions without EKS, moto's gaps
                    note = result.gap.note()
                    self.problems.append(InputProblem(f"{profile or 'default'}/{region}", None,
                                                      f"cannot list clusters: {note.en}",
                                                      ja=f"クラスターを一覧できません: {note.ja}"))
                return []
            names = [str(n) for n in (result.data or {}).get("clusters") or []]
            return [Target(profile, region, n) for n in names if not options.clusters or n in options.clusters]

        if listings:
            with ThreadPoolExecutor(max_workers=max(1, options.concurrency)) as pool:
                for found in pool.map(listing, listings):
                    targets.extend(found)
        return shard_targets(targets, options.shard)

    # --- one cluster -----------------------------------------------------------------------------

    def run_one(self, target: Target) -> ClusterRun:
        started = time.perf_counter()
        run = ClusterRun(target)
        try:
            api = self.api(target.profile)
            account = self.account(target.profile, target.region)
            collected = ClusterCollector(api, target, account).collect()
            run.gaps.extend(collected.gaps)
            run.cluster = collected.cluster
            run.problem = collected.problem
            self.windows.update(collected.support_windows)
            if run.cluster is not None and self.kubernetes_for(target):
                self._kubernetes(run, collected.describe)
            elif run.cluster is not None and run.cluster.observability is None:
                run.cluster.observability = unknown(run.cluster.origin, Text(
                    "the Kubernetes side was not audited, so in-cluster agents are not known",
                    "Kubernetes 側を監査していないため、クラスター内のエージェントは不明です"))
        except AuditError as exc:
            run.problem = str(exc)
        except WriteRefused:
            raise  # a bug that tried to write: stop everything
        except Exception as exc:  # an unexpected response shape must not stop the other clusters
            run.cluster = None
            run.problem = f"could not audit {target.cluster} in {target.region}: {type(exc).__name__}: {exc}"
        run.seconds = time.perf_counter() - started
        return run

    def kubernetes_for(self, target: Target) -> bool:
        if not self.options.kubernetes:
            return False
        if self.offline:
            return target.key in self.recording.kubernetes
        return True

    def _kubernetes(self, run: ClusterRun, describe: dict[str, Any]) -> None:
        from eksguard.live import kube

        assert run.cluster is not None
        target = run.target
        run.kubernetes = True
        if self.offline:
            reader: kube.LiveKube | kube.SnapshotKube = kube.SnapshotKube(self.recording, target.key)
        else:
            context = target.context or self.options.context
            try:
                if context or self.options.kubeconfig:
                    client = kube.api_client_for_context(context, self.options.kubeconfig)
                else:
                    endpoint = str(describe.get("endpoint") or "")
                    if not endpoint:
                        raise RuntimeError("the cluster has no API endpoint yet (status "
                                           f"{describe.get('status')})")
                    api = self.api(target.profile)
                    assert isinstance(api, LiveAws)
                    token = kube.eks_token(api.session, target.region, target.cluster,
                                           self.options.client_hooks)
                    client = kube.api_client_for_token(
                        endpoint, (describe.get("certificateAuthority") or {}).get("data"), token)
            except WriteRefused:
                raise
            except Exception as exc:  # no endpoint yet, an unusable kubeconfig or credentials
                from eksguard.live.permissions import KUBE_READS

                rules = tuple(sorted({rule for read in KUBE_READS for rule in read.rules}))
                kind = "error" if isinstance(exc, RuntimeError) else "credentials"
                gap = Gap("Kubernetes API", kind, type(exc).__name__, str(exc)[:200], target.region, rules)
                run.gaps.append(gap)
                # an empty scope that says why: the Kubernetes rules are `unknown` for it, not silent
                run.scope = kube.apply_to_cluster(kube.KubeView(gaps=[gap]), run.cluster, self.extras)
                return
            reader = kube.LiveKube(client, self.recording, target.key, self.counter, self.options.timeout)
        view = kube.collect(reader)
        run.gaps.extend(view.gaps)
        run.scope = kube.apply_to_cluster(view, run.cluster, self.extras)

    # --- the whole audit -------------------------------------------------------------------------

    def run(self) -> AuditResult:
        started = time.perf_counter()
        targets = self.plan()
        if self.options.context and len(targets) > 1 and not any(t.context for t in targets):
            raise AuditError("--context names one cluster's Kubernetes API, but the audit has "
                             f"{len(targets)} clusters: give --cluster, or contexts in a --targets file")
        if not self.offline:
            self.recording.targets = [t.as_dict() for t in targets]
            self.recording.meta = {"regions": sorted({t.region for t in targets})}
        progress = _Progress(self.options.progress, len(targets))
        runs: list[ClusterRun] = []
        try:
            with ThreadPoolExecutor(max_workers=max(1, self.options.concurrency)) as pool:
                for run in pool.map(self.run_one, targets):
                    runs.append(run)
                    progress.advance(run.target.cluster)
        finally:
            progress.close()
        estate = self.estate(runs)
        return AuditResult(estate, runs, self.recording, self.counter, dict(self.windows),
                           time.perf_counter() - started, self.offline)

    def estate(self, runs: list[ClusterRun]) -> Estate:
        estate = Estate(problems=list(self.problems))
        estate.extras.update(self.extras)
        for run in runs:
            if run.cluster is None:
                estate.problems.append(InputProblem(run.target.key, None, run.problem or "not audited"))
                continue
            cluster = run.cluster
            namesakes = [r for r in runs if r.cluster is not None and r.target.cluster == run.target.cluster]
            if len(namesakes) > 1:  # the same name in several regions or accounts
                regions = {r.target.region for r in namesakes}
                suffix = run.target.region if len(regions) == len(namesakes) else \
                    f"{cluster.account or run.target.profile}/{run.target.region}"
                cluster.name = f"{run.target.cluster}@{suffix}"
                if run.scope is not None:
                    old = run.scope.target
                    run.scope.target = f"kubernetes/{cluster.name}"
                    for obj in run.scope.objects:
                        obj.target = run.scope.target + obj.target[len(old):]
            estate.clusters.append(cluster)
            estate.inputs.append(InputRecord(cluster.origin.path, "snapshot" if self.offline else "live",
                                             1 + (1 if run.kubernetes else 0)))
            if run.scope is not None:
                estate.kube_scopes.append(run.scope)
        if estate.clusters:  # the same derived facts the static sources' finisher adds
            from eksguard.analysis.network import link_shared_security_groups

            link_shared_security_groups(estate.clusters)
            try:
                import importlib

                sgmap = importlib.import_module("eksguard.analysis.sgmap")
            except ImportError:  # the SG map is not in this checkout
                pass
            else:
                estate.extras["sg_maps"] = sgmap.maps_extra(estate.clusters)
        return estate


def run_audit(options: AuditOptions) -> AuditResult:
    return Auditor(options).run()


def merged_windows(api_windows: dict[str, SupportWindow]) -> dict[str, SupportWindow]:
    """The bundled support table updated with DescribeClusterVersions (eks-domain.md §7: prefer the API)."""
    from eksguard.analysis.versions import bundled_table

    windows = dict(bundled_table()[1])
    windows.update(api_windows)
    return windows


def annotate(report: Any, result: AuditResult) -> None:
    """Name the missing permission on every `unknown` finding a gap explains."""
    from eksguard.findings import Status

    by_name: dict[str, list[Gap]] = {}
    for run in result.runs:
        if run.cluster is not None:
            by_name[run.cluster.name] = run.gaps
    for finding in report.results:
        if finding.status is not Status.UNKNOWN:
            continue
        parts = finding.target.split("/")
        name = parts[1] if len(parts) > 1 and parts[0] in ("cluster", "kubernetes") else None
        gaps = [g for g in by_name.get(name or "", []) if finding.rule in g.rules]
        if not gaps:
            continue
        actions = sorted({g.action for g in gaps})
        finding.extra = {**finding.extra, "missing_permissions": actions}
        missing = "; ".join(dict.fromkeys(g.note().en for g in gaps))
        missing_ja = "; ".join(dict.fromkeys(g.note().ja for g in gaps))
        message = finding.message or Text("The value is not known.", "値が不明です。")
        if all(a not in message.en for a in actions):
            finding.message = Text(f"{message.en} ({missing})", f"{message.ja}（{missing_ja}）")
