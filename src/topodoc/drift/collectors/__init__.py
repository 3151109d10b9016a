"""One collector per source kind, turning a live API into normalised resources.

Each module here exposes ``collect(spec, skip_kinds) -> SourceResult``, imports its client
library inside that function (the core imports without them) and never raises: :func:`run`
maps every failure to a status and a one-line, secret-free message.
"""

from __future__ import annotations

import importlib
import ssl
import time
from collections.abc import Callable, Iterable, Set
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from topodoc.drift.resources import Resource, SourceResult
from topodoc.errors import TopodocError
from topodoc.util.secrets import one_line, remember, safe_uri, secret_values

if TYPE_CHECKING:
    from topodoc.drift.resources import SourceSpec

#: The resource kinds each source kind can observe.
RESOURCE_KINDS: dict[str, tuple[str, ...]] = {
    "libvirt": ("hypervisor", "vm", "libvirt-network", "storage-pool"),
    "openstack": ("vm", "os-hypervisor", "os-flavor", "os-network", "os-subnet"),
    "kubernetes": ("k8s-node", "k8s-etcd"),
    "etcd": ("etcd-member",),
}

T = TypeVar("T")
#: Maps a client library's exception to (status, message), or None when it does not know it.
Classifier = Callable[[Exception], "tuple[str, str] | None"]


class SourceFailure(TopodocError):
    """A failure of the whole source, with its status (one of SOURCE_STATUSES)."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class ReadOnlyViolation(SourceFailure):
    """A request other than the allowed reads was about to leave the process."""

    def __init__(self, method: str, target: str) -> None:
        super().__init__("error", f"refused to send {method} {target}: the checker is read-only")


def http_failure(code: int, what: str, detail: str = "") -> SourceFailure:
    """The failure for HTTP error ``code`` answered to ``what`` (e.g. ``GET /servers``)."""
    status = "forbidden" if code in (401, 403) else "error"
    return SourceFailure(status, f"{what}: HTTP {code}" + (f": {detail}" if detail else ""))


def config_file_secrets(path: str, what: str) -> set[str]:
    """The secret values in YAML config file ``path`` (a ``what``: clouds.yaml, kubeconfig).

    Read before the client library loads it, so even its failures can be scrubbed.
    """
    import yaml

    try:
        return secret_values(yaml.safe_load(Path(path).read_text(encoding="utf-8")))
    except OSError as exc:
        raise SourceFailure("error", f"{what} {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise SourceFailure("error", f"{what} {path}{where}: not valid YAML") from None


class Collection:
    """The book-keeping of one collect: API calls, learnt secrets, gathered resources."""

    def __init__(self, spec: SourceSpec, skip_kinds: Set[str]) -> None:
        self.spec = spec
        self.skip_kinds = skip_kinds
        self.api_calls = 0
        self.secrets: set[str] = set()
        self.resources: list[Resource] = []
        self.started = time.monotonic()
        #: when the source's timeout is up: no answer is read past it
        self.deadline = self.started + spec.timeout_s

    def learn(self, secrets: Iterable[str]) -> None:
        """Note secret values loaded for this source: no message or log record shows them."""
        new = {s for s in secrets if s}
        self.secrets |= new
        remember(new)

    def wants(self, *kinds: str) -> bool:
        """Whether any of ``kinds`` is to be collected (not ignored by the user)."""
        return any(kind not in self.skip_kinds for kind in kinds)

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)``, counted as one API call."""
        self.api_calls += 1
        return fn(*args)

    def add(self, kind: str, name: str, attrs: dict[str, Any], parent: str | None = None) -> str:
        """Record resource ``KIND:NAME`` unless its kind is skipped; return its key."""
        key = f"{kind}:{name}"
        if self.wants(kind):
            self.resources.append(Resource(key, kind, attrs, self.spec.id, parent))
        return key

    def result(self, status: str = "ok", error: str | None = None) -> SourceResult:
        return SourceResult(
            id=self.spec.id,
            kind=self.spec.kind,
            uri=safe_uri(self.spec.uri),
            status=status,
            error=error,
            duration_s=time.monotonic() - self.started,
            api_calls=self.api_calls,
            resources=sorted(self.resources, key=lambda r: r.key) if status == "ok" else [],
        )


def common_failure(exc: Exception) -> tuple[str, str]:
    """(status, message) for exceptions any collector may meet."""
    if isinstance(exc, ModuleNotFoundError):
        return "error", f"{exc.name} is not installed (pip install 'topodoc[live]')"
    if isinstance(exc, ConnectionRefusedError):
        return "refused", f"connection refused: {exc}"
    if isinstance(exc, TimeoutError):
        return "timeout", f"timed out: {exc}"
    if isinstance(exc, ssl.SSLError):
        return "error", f"TLS: {exc}"
    if isinstance(exc, OSError):
        return "unreachable", str(exc)
    return "error", f"{type(exc).__name__}: {exc}"


def run(
    spec: SourceSpec, skip_kinds: Set[str], body: Callable[[Collection], None], classify: Classifier
) -> SourceResult:
    """Run ``body`` on a fresh :class:`Collection`; never raises."""
    col = Collection(spec, skip_kinds)
    try:
        body(col)
    except SourceFailure as exc:
        status, message = exc.status, exc.message
    except Exception as exc:  # noqa: BLE001 - a collector never raises
        known = None if isinstance(exc, ImportError) else classify(exc)
        status, message = known or common_failure(exc)
    else:
        return col.result()
    return col.result(status, one_line(message, col.secrets))


def collector(kind: str) -> Callable[[SourceSpec, Set[str]], SourceResult]:
    """The ``collect`` function for source ``kind`` (one of RESOURCE_KINDS)."""
    if kind not in RESOURCE_KINDS:
        raise KeyError(f"unknown source kind {kind!r}")
    collect: Callable[[SourceSpec, Set[str]], SourceResult] = importlib.import_module(
        f"{__name__}.{kind}"
    ).collect
    return collect
