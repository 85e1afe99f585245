"""Signed catalogue updates on the kiosk: the pure state machine (the shell that runs it is
:mod:`kiosk.sync.catalogue_sync`).

The machine (:func:`step`) takes events (a manifest or a part arrived, the clock ticked, the
link connected, the mirror answered) and returns actions (apply this update, send this ack,
remember this high-water mark). It reads no clock, disk or network, so every rule below is
tested in milliseconds and exactly:

- Two manifest slots, the store's and this kiosk's; the kiosk's wins while it is present (an
  empty retained message clears it). A slot only moves forward: a manifest issued before the
  one in it, or before the last one this kiosk applied, is a replay and is rejected.
- A manifest must carry a valid signature of a trusted fleet key and be addressed to this
  store (and kiosk, on the per-kiosk topic); otherwise it is rejected with the reason.
- A full update, or a delta whose base is this kiosk's version, is fetched from its retained
  parts; a delta on another base is rejected ("base mismatch") and the full snapshot of the
  same version, retained beside it, is taken instead. So is a delta the mirror refuses.
- Each part must match its signed SHA-256 (else "bad digest"), all parts must arrive within
  ``parts_timeout_s`` (else "missing parts"), and the assembled update must match the signed
  digest and announce the manifest's kind, version and base.
- With an effective time in the future the update is acked ``staged`` and applied when a tick
  reaches that time; then acked ``applied``. The mirror applies all or nothing.

Acks are journal records (queued on ``catalogue/ack`` by the outbox) whose id is derived from
their content, so the same ack after a reconnect or a restart is recorded and sent once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from kiosk.errors import CatalogueError
from kiosk.store.catalogue_update import parse_update
from kiosk.store.chain import utc_text
from kiosk.sync import manifest as mf
from kiosk.sync.catalogue_events import (
    APPLIED,
    KIOSK,
    REJECTED,
    STAGED,
    STORE,
    Action,
    Applied,
    ApplyUpdate,
    Connected,
    ManifestArrived,
    PartArrived,
    Refetch,
    Remember,
    SyncSettings,
    Tick,
    ack,
)
from kiosk.sync.manifest import Encoded, Manifest
from kiosk.sync.messages import MAX_DOWNLINK_BYTES, MessageRejected
from kiosk.sync.signing import SignatureError, open_message

Key = tuple[str, str, datetime]  # (source, version, issued_at)


# -- state --------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Job:
    """A manifest being fetched: which of its encodings, and until when."""

    source: str
    manifest: Manifest
    full: bool
    deadline: datetime
    refetch_at: datetime | None  # None once the missing parts were asked for again

    @property
    def encoded(self) -> Encoded:
        return self.manifest.full if self.full else self.manifest.update

    @property
    def key(self) -> Key:
        return key_of(self.source, self.manifest)


@dataclass(frozen=True, slots=True)
class Ready:
    """An assembled, verified update: staged until its effective time, or being applied."""

    source: str
    manifest: Manifest
    update: dict[str, Any]
    full: bool

    @property
    def key(self) -> Key:
        return key_of(self.source, self.manifest)


@dataclass(frozen=True, slots=True)
class SyncState:
    current: str | None  # the mirror's version
    accepted_at: datetime | None = None  # issued_at of the newest manifest applied
    slots: Mapping[str, Manifest] = field(default_factory=dict)
    job: Job | None = None
    staged: Ready | None = None
    applying: Ready | None = None
    settled: frozenset[Key] = frozenset()
    parts: Mapping[tuple[str, str], bytes] = field(default_factory=dict)


def key_of(source: str, manifest: Manifest) -> Key:
    return (source, manifest.version, manifest.issued_at)


Step = tuple[SyncState, list[Action]]


# -- acks ---------------------------------------------------------------------------------------

def _reject(state: SyncState, source: str, manifest: Manifest | None, exc: MessageRejected,
            *, full: bool | None = None) -> Step:
    settled = state.settled | {key_of(source, manifest)} if manifest else state.settled
    return (replace(state, settled=settled),
            [ack(REJECTED, manifest, source, code=exc.code, reason=exc.reason, full=full)])


def _rejected(code: str, reason: str) -> MessageRejected:
    return MessageRejected(code, reason, what="catalogue update")


# -- manifests ----------------------------------------------------------------------------------

def _open(payload: bytes, source: str, settings: SyncSettings,
          trusted: Mapping[str, Ed25519PublicKey]) -> Manifest:
    try:
        body = open_message(payload, trusted, max_bytes=MAX_DOWNLINK_BYTES)
    except SignatureError as exc:
        raise _rejected("bad-signature", exc.reason) from None
    return mf.check_addressee(mf.parse_manifest(body), settings.store,
                              settings.kiosk if source == KIOSK else None)


def _on_manifest(state: SyncState, event: ManifestArrived, settings: SyncSettings,
                 trusted: Mapping[str, Ed25519PublicKey]) -> Step:
    if event.source not in (STORE, KIOSK):
        raise ValueError(f"unknown manifest source {event.source!r}")
    if not event.payload:  # a retained manifest was cleared (end of a staged rollout)
        slots = {k: v for k, v in state.slots.items() if k != event.source}
        return _evaluate(replace(state, slots=slots), event.at, settings)
    try:
        manifest = _open(event.payload, event.source, settings, trusted)
    except MessageRejected as exc:
        return _reject(state, event.source, None, exc)
    key = key_of(event.source, manifest)
    state = replace(state, settled=state.settled - {key})  # sent again (a reload): look again
    held = state.slots.get(event.source)
    if held is not None and manifest.issued_at < held.issued_at:
        return _reject(state, event.source, manifest, _rejected(
            "replayed", f"it was issued {utc_text(manifest.issued_at)}, before the manifest "
            f"already received ({held.describe()}); an older update is never applied"))
    slots = {**state.slots, event.source: manifest}
    return _evaluate(replace(state, slots=slots), event.at, settings)


def _evaluate(state: SyncState, at: datetime, settings: SyncSettings) -> Step:
    """Act on the winning manifest unless it is already being handled or was settled."""
    source = KIOSK if KIOSK in state.slots else STORE
    target = state.slots.get(source)
    if target is None:
        return state, []
    key = key_of(source, target)
    busy = {r.key for r in (state.job, state.staged, state.applying) if r is not None}
    if key in busy or key in state.settled:
        return state, []
    state = replace(state, job=None, staged=None)  # superseded by the newer target
    if target.version == state.current:
        return (replace(state, settled=state.settled | {key}, parts=_drop(state, target.version)),
                [ack(APPLIED, target, source)])
    if state.accepted_at is not None and target.issued_at < state.accepted_at:
        return _reject(state, source, target, _rejected(
            "replayed", f"it was issued {utc_text(target.issued_at)}, before the update this "
            f"kiosk already applied ({utc_text(state.accepted_at)}); an older update is never "
            "applied"))
    if target.kind == mf.DELTA and target.base != state.current:
        shown = state.current or "none"
        state, actions = _reject(state, source, target, _rejected(
            "base-mismatch", f"the delta's base {target.base} is not this kiosk's version "
            f"{shown}; taking the full snapshot of {target.version}"))
        state = replace(state, settled=state.settled - {key})
        return _start(state, source, target, full=True, at=at, settings=settings,
                      actions=actions)
    return _start(state, source, target, full=target.kind == mf.FULL, at=at,
                  settings=settings, actions=[])


# -- parts --------------------------------------------------------------------------------------

def _drop(state: SyncState, version: str) -> dict[tuple[str, str], bytes]:
    return {k: v for k, v in state.parts.items() if k[0] != version}


def _start(state: SyncState, source: str, manifest: Manifest, *, full: bool, at: datetime,
           settings: SyncSettings, actions: list[Action]) -> Step:
    job = Job(source, manifest, full, at + timedelta(seconds=settings.parts_timeout_s),
              at + timedelta(seconds=settings.refetch_after_s))
    state, more = _progress(replace(state, job=job), at, settings)
    return state, actions + more


def _progress(state: SyncState, at: datetime, settings: SyncSettings,
              new: str | None = None) -> Step:
    """Check the job's part that just came (``new``; None: all that are here), and assemble
    once every part is here."""
    job = state.job
    assert job is not None
    encoded, version = job.encoded, job.manifest.version
    try:
        for ref in encoded.parts:
            data = state.parts.get((version, ref.name))
            if data is not None and new in (None, ref.name):
                mf.check_part(encoded, ref.name, data)
        if any((version, ref.name) not in state.parts for ref in encoded.parts):
            return state, []
        update = mf.assemble(encoded, {ref.name: state.parts[(version, ref.name)]
                                       for ref in encoded.parts})
        mf.check_update_matches(job.manifest, update, full=job.full)
        effective = job.manifest.effective_at
        staging = effective is not None and at < effective
        if staging:  # applied now, the mirror judges it; staged, it is judged now
            _check_content(update, settings)
    except MessageRejected as exc:
        return _reject(replace(state, job=None), job.source, job.manifest, exc, full=job.full)
    ready = Ready(job.source, job.manifest, update, job.full)
    state = replace(state, job=None)
    if staging:
        return replace(state, staged=ready), [ack(STAGED, job.manifest, job.source,
                                                  full=job.full)]
    return _apply(state, ready)


def _check_content(update: dict[str, Any], settings: SyncSettings) -> None:
    """Judge the products before staging, so a bad update is refused now, not at its hour."""
    try:
        parse_update(update, currency=settings.currency, vat_codes=settings.vat_codes)
    except CatalogueError as exc:
        raise _rejected("bad-update", str(exc)) from None


def _apply(state: SyncState, ready: Ready) -> Step:
    return (replace(state, applying=ready, staged=None),
            [ApplyUpdate(ready.update, ready.manifest, ready.full)])


def _on_part(state: SyncState, event: PartArrived, settings: SyncSettings) -> Step:
    where = (event.version, event.name)
    if not event.payload:
        return replace(state, parts={k: v for k, v in state.parts.items() if k != where}), []
    try:
        mf.check_level(event.version, "version")
        mf.check_level(event.name, "part name")
    except MessageRejected:
        return state, []  # not a topic the fleet tools write; nothing to keep
    if len(event.payload) > mf.MAX_PART_BYTES or not _wanted(state, event.version):
        return state, []
    parts = {k: v for k, v in state.parts.items() if k != where}
    parts[where] = bytes(event.payload)
    state = replace(state, parts=_within_budget(parts, state, settings.cache_bytes))
    job = state.job
    if job is not None and job.manifest.version == event.version \
            and any(ref.name == event.name for ref in job.encoded.parts):
        return _progress(state, event.at, settings, event.name)
    return state, []


def _wanted(state: SyncState, version: str) -> bool:
    """Parts of a version whose manifest is not here yet, or is here and not settled."""
    if version == state.current:
        return False
    known = [(s, m) for s, m in state.slots.items() if m.version == version]
    return not known or any(key_of(s, m) not in state.settled for s, m in known)


def _within_budget(parts: dict[tuple[str, str], bytes], state: SyncState,
                   budget: int) -> dict[tuple[str, str], bytes]:
    """Evict other versions' parts first, oldest first, until the cache fits its budget."""
    total = sum(len(v) for v in parts.values())
    job_version = state.job.manifest.version if state.job else None
    for key in [k for k in parts if k[0] != job_version] + [k for k in parts]:
        if total <= budget:
            break
        if key in parts:
            total -= len(parts.pop(key))
    return parts


# -- time and answers ---------------------------------------------------------------------------

def _missing(state: SyncState, job: Job) -> tuple[str, ...]:
    return tuple(r.name for r in job.encoded.parts
                 if (job.manifest.version, r.name) not in state.parts)


def _on_tick(state: SyncState, at: datetime) -> Step:
    job = state.job
    if job is not None and job.refetch_at is not None and at >= job.refetch_at:
        state = replace(state, job=replace(job, refetch_at=None))
        missing = _missing(state, job)
        return state, [Refetch(job.manifest.version, missing)] if missing else []
    if job is not None and at >= job.deadline:
        missing = _missing(state, job)
        return _reject(replace(state, job=None), job.source, job.manifest, _rejected(
            "missing-parts", f"parts {', '.join(missing)} did not arrive in time"), full=job.full)
    staged = state.staged
    if staged is not None and staged.manifest.effective_at is not None \
            and at >= staged.manifest.effective_at:
        return _apply(state, staged)
    return state, []


def _on_applied(state: SyncState, event: Applied, settings: SyncSettings) -> Step:
    ready = state.applying
    if ready is None:
        return state, []
    state = replace(state, applying=None, current=event.version)
    manifest, source = ready.manifest, ready.source
    if event.accepted:
        newest = max(filter(None, (state.accepted_at, manifest.issued_at)))
        state = replace(state, accepted_at=newest, settled=state.settled | {ready.key},
                        parts=_drop(state, manifest.version))
        more = _evaluate(state, event.at, settings)
        return more[0], [ack(APPLIED, manifest, source, full=ready.full),
                         Remember(manifest.version, newest), *more[1]]
    if not ready.full and manifest.snapshot is not None:
        rejected = ack(REJECTED, manifest, source, code="delta-refused",
                       reason=f"{event.reason}; taking the full snapshot of {manifest.version}")
        return _start(state, source, manifest, full=True, at=event.at, settings=settings,
                      actions=[rejected])
    return _reject(state, source, manifest, _rejected("refused", event.reason), full=ready.full)


def _dispatch(state: SyncState, event: object, settings: SyncSettings,
              trusted: Mapping[str, Ed25519PublicKey]) -> Step:
    if isinstance(event, ManifestArrived):
        return _on_manifest(state, event, settings, trusted)
    if isinstance(event, PartArrived):
        return _on_part(state, event, settings)
    if isinstance(event, Tick):
        return _on_tick(state, event.at)
    if isinstance(event, Applied):
        return _on_applied(state, event, settings)
    if isinstance(event, Connected):
        job = state.job
        if job is not None:  # retained parts come again; give them the full time
            state = replace(state, job=replace(
                job, deadline=event.at + timedelta(seconds=settings.parts_timeout_s),
                refetch_at=event.at + timedelta(seconds=settings.refetch_after_s)))
        return state, []
    raise TypeError(f"not a catalogue sync event: {event!r}")


def step(state: SyncState, event: object, settings: SyncSettings,
         trusted: Mapping[str, Ed25519PublicKey]) -> Step:
    """One event in; the next state and the actions to run, in order."""
    state, actions = _dispatch(state, event, settings, trusted)
    # Only the manifests in the slots can be acted on: forget the rest, so a kiosk that runs
    # for years keeps a bounded state.
    live = {key_of(source, m) for source, m in state.slots.items()}
    if not state.settled <= live:
        state = replace(state, settled=state.settled & live)
    return state, actions
