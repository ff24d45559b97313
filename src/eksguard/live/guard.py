"""Read-only by construction: request guards inside the AWS and Kubernetes clients.

AWS: two botocore event handlers on every client the audit creates. `before-call` refuses an
operation that is not in the allow-list (`permissions.AWS_OPERATIONS`) before the request is
even built; `before-send` checks again on the signed request, just before it would leave, so
nothing reaches the network unless both agree. Kubernetes: the REST client's `request` and the
urllib3 pool's `urlopen` are wrapped so that only `GET` of an allow-listed path is sent.

A refused call raises `WriteRefused`; it is a bug in eksguard, never a finding, and it stops the
audit. Nothing here reads or prints credentials.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from eksguard.live.permissions import KUBE_PATHS, allowed_aws


class WriteRefused(RuntimeError):
    """A call outside the read-only allow-list was attempted; it was not sent."""


class CallCounter:
    """Requests actually sent (each page and each retry counts), per service and operation."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counts: Counter[tuple[str, str]] = Counter()

    def add(self, service: str, operation: str) -> None:
        with self._lock:
            self.counts[(service, operation)] += 1

    @property
    def total(self) -> int:
        with self._lock:
            return sum(self.counts.values())


def check_aws(service: str, operation: str) -> None:
    if not allowed_aws(service, operation):
        raise WriteRefused(f"eksguard refused to send {service}:{operation}: it is not a read operation "
                           "in the audit's allow-list")


def install_aws_guard(client: Any, counter: CallCounter | None = None) -> None:
    """Register the allow-list on a botocore client (both before the request is built and before it is sent)."""
    service = client.meta.service_model.service_name
    events = client.meta.events

    def before_call(model: Any, **_: Any) -> None:
        check_aws(service, model.name)

    def before_send(event_name: str, **_: Any) -> None:
        operation = event_name.rsplit(".", 1)[-1]
        check_aws(service, operation)
        if counter is not None:
            counter.add(service, operation)

    # registered first, so they run before any other handler (tests' stubs included)
    events.register_first("before-call", before_call, unique_id="eksguard-readonly-before-call")
    events.register_first("before-send", before_send, unique_id="eksguard-readonly-before-send")


def check_kube(method: str, url: str) -> None:
    path = urlsplit(url).path or "/"
    if method.upper() != "GET" or (path.rstrip("/") not in KUBE_PATHS and path not in KUBE_PATHS):
        raise WriteRefused(f"eksguard refused to send {method.upper()} {path} to the Kubernetes API: only GET of "
                           "the audit's allow-listed paths is sent")


def install_kube_guard(api_client: Any, on_send: Callable[[str], None] | None = None) -> None:
    """Wrap a Kubernetes ApiClient's REST client and its urllib3 pool so only allow-listed GETs are sent."""
    rest = api_client.rest_client
    original_request = rest.request

    def request(method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        check_kube(method, url)
        return original_request(method, url, *args, **kwargs)

    rest.request = request
    pool = rest.pool_manager
    original_urlopen = pool.urlopen

    def urlopen(method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        check_kube(method, url)
        if on_send is not None:
            on_send(urlsplit(url).path)
        return original_urlopen(method, url, *args, **kwargs)

    pool.urlopen = urlopen
