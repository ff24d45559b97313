"""Every response the audit reads passes through here: live (boto3, recorded) or from a snapshot.

The collectors (`aws.py`, `kube.py`) ask for `(service, region, operation, params)` and get a
`CallResult`: the response with pages merged and datetimes as ISO strings, or a `Gap` (denied,
throttled, timed out, not supported...). Identical calls are made once per audit (per-region and
per-account facts are shared by every cluster). The same `CallResult`s, errors included, are
written to a snapshot; replaying the snapshot feeds the collectors the very same data, so
`--from-snapshot` gives the same findings without a network.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from eksguard import __version__
from eksguard.live.guard import CallCounter, WriteRefused, install_aws_guard
from eksguard.live.permissions import AWS_BY_KEY, iam_action
from eksguard.live.snapshot_source import SNAPSHOT_FORMAT
from eksguard.model import Text

SNAPSHOT_VERSION = 1

DENIED_CODES = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess",
                "AuthorizationError", "AuthorizationErrorException", "Forbidden", "403"}
THROTTLE_CODES = {"Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException",
                  "RequestThrottled", "RequestThrottledException", "SlowDown", "429"}
UNSUPPORTED_CODES = {"404", "UnknownOperationException", "InvalidAction", "NotImplemented", "501",
                     "UnsupportedOperation", "InvalidParameterException.Unsupported"}
NOT_FOUND_CODES = {"ResourceNotFoundException", "NoSuchEntity", "NotFoundException", "InvalidGroup.NotFound",
                   "InvalidSubnetID.NotFound", "InvalidVpcID.NotFound", "InvalidLaunchTemplateId.NotFound",
                   "InvalidLaunchTemplateId.VersionNotFound"}
CREDENTIAL_CODES = {"UnrecognizedClientException", "InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException",
                    "InvalidSignatureException", "SignatureDoesNotMatch", "AuthFailure", "RequestExpired"}
DROPPED_KEYS = {"ResponseMetadata", "NextToken", "nextToken", "Marker", "IsTruncated"}

KIND_TEXT = {
    "denied": ("permission denied", "権限がありません"),
    "throttled": ("throttled after retries", "リトライ後もスロットリングされました"),
    "timeout": ("timed out or unreachable", "タイムアウトまたは到達不能"),
    "unsupported": ("not supported by this endpoint", "このエンドポイントでは未対応"),
    "not-found": ("not found", "見つかりません"),
    "not-in-snapshot": ("not in the snapshot", "スナップショットにありません"),
    "credentials": ("no usable credentials", "使用できる認証情報がありません"),
    "error": ("failed", "失敗しました"),
}


@dataclass(frozen=True, slots=True)
class Gap:
    """One call whose answer the audit could not get."""

    action: str  # IAM action ("ec2:DescribeVpcEndpoints") or Kubernetes "list pods"
    kind: str  # key of KIND_TEXT
    code: str = ""
    message: str = ""
    region: str | None = None
    rules: tuple[str, ...] = ()

    def note(self) -> Text:
        en, ja = KIND_TEXT.get(self.kind, KIND_TEXT["error"])
        code = f" ({self.code})" if self.code else ""
        return Text(f"not visible: {self.action} {en}{code}", f"取得できません: {self.action} が{ja}{code}")

    def as_dict(self) -> dict[str, Any]:
        return {"action": self.action, "kind": self.kind, "code": self.code, "message": self.message,
                "region": self.region, "rules": list(self.rules)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Gap:
        return cls(str(data.get("action", "")), str(data.get("kind", "error")), str(data.get("code") or ""),
                   str(data.get("message") or ""), data.get("region"), tuple(data.get("rules") or ()))


@dataclass(slots=True)
class CallResult:
    data: dict[str, Any] | None
    gap: Gap | None = None

    @property
    def ok(self) -> bool:
        return self.gap is None


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return None  # streaming bodies and blobs are never needed by the rules
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _redact(value: Any) -> Any:
    """Drop what the rules never need and may hold secrets: launch template user data."""
    if isinstance(value, dict):
        return {k: _redact(v) for k, v in value.items() if k not in DROPPED_KEYS and k != "UserData"}
    if isinstance(value, list):
        return [_redact(v) for v in value]
    return value


def normalise(response: Mapping[str, Any]) -> dict[str, Any]:
    """JSON-safe, redacted response: what a snapshot stores and what the collectors always read."""
    result: dict[str, Any] = json.loads(json.dumps(_redact(dict(response)), default=_json_default))
    return result


def classify(code: str, status: int | None) -> str:
    if code in CREDENTIAL_CODES:
        return "credentials"
    if code in DENIED_CODES or status == 403:
        return "denied"
    if code in THROTTLE_CODES or status == 429:
        return "throttled"
    if code in UNSUPPORTED_CODES or (status in (404, 501) and code not in NOT_FOUND_CODES):
        return "unsupported"
    if code in NOT_FOUND_CODES or code.endswith(".NotFound"):
        return "not-found"
    return "error"


def call_key(profile: str | None, service: str, region: str, operation: str, params: Mapping[str, Any]) -> str:
    return json.dumps([profile or "", service, region, operation, params], sort_keys=True)


class AwsApi(Protocol):
    profile: str | None

    def call(self, service: str, region: str, operation: str, params: Mapping[str, Any] | None = None) -> CallResult:
        ...


@dataclass(slots=True)
class Recording:
    """What a snapshot holds: the calls, their results, and what the audit covered."""

    aws: dict[str, dict[str, Any]] = field(default_factory=dict)
    kubernetes: dict[str, dict[str, Any]] = field(default_factory=dict)
    targets: list[dict[str, Any]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record_aws(self, key: str, entry: dict[str, Any]) -> None:
        with self.lock:
            self.aws[key] = entry

    def record_kube(self, target: str, read_key: str, entry: dict[str, Any]) -> None:
        with self.lock:
            self.kubernetes.setdefault(target, {})[read_key] = entry

    def to_dict(self) -> dict[str, Any]:
        with self.lock:
            return {
                "format": SNAPSHOT_FORMAT,
                "version": SNAPSHOT_VERSION,
                "eksguard": __version__,
                "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
                **self.meta,
                "targets": self.targets,
                "aws": [self.aws[k] for k in sorted(self.aws)],
                "kubernetes": {k: self.kubernetes[k] for k in sorted(self.kubernetes)},
            }

    def write(self, path: Path) -> None:
        text = json.dumps(self.to_dict(), ensure_ascii=False, indent=1, sort_keys=False) + "\n"
        if path.name.endswith(".gz"):
            with gzip.open(path, "wt", encoding="utf-8") as handle:
                handle.write(text)
        else:
            path.write_text(text, encoding="utf-8")


class SnapshotError(Exception):
    """The snapshot file cannot be used; the message says why."""


def load_snapshot(path: Path) -> Recording:
    try:
        raw = path.read_bytes()
        text = gzip.decompress(raw).decode("utf-8") if raw[:2] == b"\x1f\x8b" else raw.decode("utf-8")
        data = json.loads(text)
    except (OSError, ValueError, EOFError) as exc:
        raise SnapshotError(f"{path}: cannot read the snapshot: {exc}") from None
    return recording_from(data, str(path))


def recording_from(data: Any, name: str) -> Recording:
    """A snapshot's parsed JSON → the recording the snapshot API and Kubernetes readers answer from."""
    if not isinstance(data, Mapping) or data.get("format") != SNAPSHOT_FORMAT:
        raise SnapshotError(f"{name}: not an eksguard snapshot")
    if data.get("version") != SNAPSHOT_VERSION:
        raise SnapshotError(f"{name}: snapshot version {data.get('version')} is not supported "
                            f"(this eksguard reads version {SNAPSHOT_VERSION})")
    recording = Recording(targets=list(data.get("targets") or []),
                          meta={k: data[k] for k in ("regions", "accounts") if k in data})
    try:
        for entry in data.get("aws") or []:
            key = call_key(entry.get("profile"), entry["service"], entry["region"], entry["operation"],
                           entry.get("params") or {})
            recording.aws[key] = dict(entry)
        recording.kubernetes = {str(k): dict(v) for k, v in (data.get("kubernetes") or {}).items()}
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise SnapshotError(f"{name}: malformed snapshot entry ({type(exc).__name__}: {exc})") from None
    return recording


def _entry_result(entry: Mapping[str, Any]) -> CallResult:
    if "error" in entry:
        return CallResult(None, Gap.from_dict(entry["error"]))
    return CallResult(dict(entry.get("response") or {}))


class SnapshotAws:
    """Answers calls from a snapshot; a call that was not recorded is a `not-in-snapshot` gap."""

    def __init__(self, recording: Recording, profile: str | None) -> None:
        self.recording = recording
        self.profile = profile

    def call(self, service: str, region: str, operation: str, params: Mapping[str, Any] | None = None) -> CallResult:
        params = dict(params or {})
        entry = self.recording.aws.get(call_key(self.profile, service, region, operation, params))
        if entry is None:
            op = AWS_BY_KEY.get((service, operation))
            return CallResult(None, Gap(iam_action(service, operation), "not-in-snapshot", region=region,
                                        rules=op.rules if op else ()))
        return _entry_result(entry)


_LOADER: Any = None
_LOADER_LOCK = threading.Lock()


def _botocore_session() -> Any:
    """A new botocore session sharing one model loader: each service model is parsed once per process,
    however many profiles (sessions) the audit uses."""
    import botocore.loaders
    import botocore.session

    global _LOADER
    with _LOADER_LOCK:
        if _LOADER is None:
            _LOADER = botocore.loaders.create_loader()
        session = botocore.session.Session()
        session.register_component("data_loader", _LOADER)
    return session


class LiveAws:
    """boto3 clients (one per service and region, guarded, adaptive retries) with memoised, recorded calls."""

    def __init__(self, profile: str | None, *, recording: Recording, counter: CallCounter,
                 max_attempts: int = 5, connect_timeout: float = 5.0, read_timeout: float = 30.0,
                 client_hooks: tuple[Callable[[Any], None], ...] = ()) -> None:
        import boto3

        self.profile = profile
        self.session = boto3.Session(profile_name=profile, botocore_session=_botocore_session())
        self.recording = recording
        self.counter = counter
        self.max_attempts = max_attempts
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.client_hooks = client_hooks
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()
        self._results: dict[str, Future[CallResult]] = {}

    @property
    def default_region(self) -> str | None:
        region: str | None = self.session.region_name
        return region

    def client(self, service: str, region: str) -> Any:
        """A read-only client: every request passes the allow-list guard before it is built and sent."""
        from botocore.config import Config

        with self._lock:
            found = self._clients.get((service, region))
            if found is None:
                # botocore's `max_attempts` counts retries after the first request: N attempts in all
                config = Config(retries={"mode": "adaptive", "max_attempts": max(0, self.max_attempts - 1)},
                                connect_timeout=self.connect_timeout, read_timeout=self.read_timeout,
                                user_agent_extra=f"eksguard/{__version__}")
                found = self.session.client(service, region_name=region, config=config)
                install_aws_guard(found, self.counter)
                for hook in self.client_hooks:
                    hook(found)
                self._clients[(service, region)] = found
            return found

    def call(self, service: str, region: str, operation: str, params: Mapping[str, Any] | None = None) -> CallResult:
        params = dict(params or {})
        key = call_key(self.profile, service, region, operation, params)
        with self._lock:
            future = self._results.get(key)
            owner = future is None
            if future is None:
                future = Future()
                self._results[key] = future
        if not owner:
            return future.result()
        try:
            result = self._send(service, region, operation, params)
        except BaseException as exc:
            future.set_exception(exc)
            raise
        future.set_result(result)
        entry: dict[str, Any] = {"profile": self.profile or "", "service": service, "region": region,
                                 "operation": operation, "params": params}
        if result.gap is not None:
            entry["error"] = result.gap.as_dict()
        else:
            entry["response"] = result.data
        self.recording.record_aws(key, entry)
        return result

    def _send(self, service: str, region: str, operation: str, params: dict[str, Any]) -> CallResult:
        from botocore import exceptions as bex
        from botocore import xform_name

        op = AWS_BY_KEY.get((service, operation))
        rules = op.rules if op else ()
        action = iam_action(service, operation)
        try:
            client = self.client(service, region)
            method = xform_name(operation)
            if op is not None and op.result_key and client.can_paginate(method):
                merged: dict[str, Any] = {}
                for page in client.get_paginator(method).paginate(**params):
                    for k, v in page.items():
                        if k == op.result_key and isinstance(v, list):
                            merged.setdefault(k, []).extend(v)
                        else:
                            merged.setdefault(k, v)
                merged.setdefault(op.result_key, [])
                return CallResult(normalise(merged))
            return CallResult(normalise(getattr(client, method)(**params)))
        except WriteRefused:
            raise
        except bex.ClientError as exc:
            error = exc.response.get("Error", {})
            code = str(error.get("Code") or "")
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            message = str(error.get("Message") or "")
            if "<html" in message.lower():
                message = "HTTP 404 (the endpoint does not implement this operation)"
            return CallResult(None, Gap(action, classify(code, status), code, message[:300], region, rules))
        except (bex.NoCredentialsError, bex.PartialCredentialsError, bex.ProfileNotFound,
                bex.TokenRetrievalError, bex.SSOError) as exc:
            return CallResult(None, Gap(action, "credentials", type(exc).__name__, str(exc)[:300], region, rules))
        except (bex.ConnectTimeoutError, bex.ReadTimeoutError, bex.EndpointConnectionError,
                bex.ConnectionClosedError) as exc:
            return CallResult(None, Gap(action, "timeout", type(exc).__name__, str(exc)[:300], region, rules))
        except bex.BotoCoreError as exc:
            return CallResult(None, Gap(action, "error", type(exc).__name__, str(exc)[:300], region, rules))
