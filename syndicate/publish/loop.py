"""The publish loop: claim the dirty keys (or every key), render them, render the lists
that show what changed, settle the outbox, write the manifest.

Each key is rendered in a transaction of its own that first takes the key's lock
(PostgreSQL: an advisory transaction lock), so two workers never render one output
at once, and what it writes is committed before the lock is released: the next
render of that key reads newer data and writes after it. The manifest also records
the generation (when the render read the store) and never replaces a newer one.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from syndicate import manifest, plan
from syndicate.caches import Caches
from syndicate.config import Settings
from syndicate.outputs import OUTPUTS, Kind
from syndicate.plan import OutputKey
from syndicate.publish.pool import render_keys
from syndicate.publish.result import Progress, PublishResult, no_progress
from syndicate.publish.writes import STORAGE_ERRORS, Writer
from syndicate.store import Publish, Store
from syndicate.targets import LocalTarget, Target
from syndicate.targets import for_settings as target_for

log = logging.getLogger(__name__)

# A temporary file older than this was left by a writer that died (kill -9, power loss):
# a full publish (publish --all, the reconcile) removes it. A live write takes milliseconds.
STALE_TEMP_SECONDS = 600
IDLE_HEARTBEAT = timedelta(seconds=60)  # how often an idle publish still logs itself


def _lists_last(key: OutputKey) -> tuple[bool, OutputKey]:
    """Sort order of a publish: the lists of outputs (indexes, directories) after the rest."""
    return (OUTPUTS[key.kind].lists_outputs, key)


@dataclass
class _Claim:
    """What a publish took on: outbox rows (id, key) to settle, the keys to render."""

    rows: list[tuple[int, str]] = field(default_factory=list)
    keys: set[OutputKey] = field(default_factory=set)
    upto: int | None = None  # a full publish settles every outbox row up to this id
    last_logged: datetime | None = None


class Publisher:
    def __init__(
        self,
        store: Store,
        out_dir: Path | None = None,
        target: Target | None = None,
        caches: Caches | None = None,
    ) -> None:
        self.store = store
        self.caches = caches
        self._manifest_behind = False
        self.settings: Settings = store.settings
        if target is None:
            target = (
                LocalTarget(Path(out_dir), self.settings.publish.fsync)
                if out_dir
                else target_for(self.settings)
            )
        self.target = target

    def publish(
        self,
        now: datetime,
        *,
        full: bool = False,
        only: frozenset[str] | None = None,
        verify: bool = False,
        progress: Progress = no_progress,
        batch: int | None = None,
    ) -> PublishResult:
        """Render the dirty outputs, or with ``full`` every output.

        ``batch`` claims at most that many outbox rows (the oldest): publishers
        on PostgreSQL then share a big outbox (see :meth:`enqueue_all`) a batch
        each; ``result.more`` says more is waiting.

        ``only`` (with ``full``) limits a rebuild to some kinds of output (e.g.
        the sitemaps); the outbox and the clock mark are then left for a
        complete publish, since the other kinds' changes are still due.
        ``verify`` hashes the files on disk instead of trusting the manifest, so
        a file changed or lost behind our back is rewritten (drift repair).
        """
        if only is not None and not full:
            raise ValueError("only= rebuilds some kinds of output, and needs full=True")
        if self.store.coordination.concurrent:
            # PostgreSQL: publishers run side by side, each output under its own lock
            return self._publish(now, full, only, verify, progress, batch)
        with self.store.coordination.publish_lock():  # SQLite: one machine, one publisher at a time
            return self._publish(now, full, only, verify, progress, batch)

    def enqueue_all(self, now: datetime) -> int:
        """Put every output of a full publish in the outbox, for publishers to share.

        Workers on any machine then drain it a batch at a time (``publish(batch=N)``),
        each claiming rows the others have not (PostgreSQL: SKIP LOCKED). Indexes
        and directories go last; a batch that changes what they list dirties them
        again, so they end up listing everything.
        """
        with self.store.writing() as s:
            ordered = sorted(self._every_key(s, now), key=_lists_last)
            self.store.outbox.enqueue(s, ordered, now)
        return len(ordered)

    def _every_key(self, s: Session, now: datetime) -> set[OutputKey]:
        """The keys of every output that exists at ``now``, or was published before: the
        fixed ones (outputs.Listing), those the stories make, those already published."""
        store = self.store
        keys = set(plan.fixed_keys(self.settings)) | store.feeds.content_keys(s, now)
        keys |= store.sitemaps.keys(s, now)
        keys |= {OutputKey.parse(o.key) for o in store.outputs.by_path(s).values()}
        return keys

    def _publish(
        self,
        now: datetime,
        full: bool,
        only: frozenset[str] | None,
        verify: bool,
        progress: Progress,
        batch: int | None,
    ) -> PublishResult:
        """Claim dirty keys, render each under its own lock and commit, then settle the outbox."""
        started = time.perf_counter()
        result = PublishResult(full=full)
        self.target.prepare()
        if full and only is None:
            swept = self.target.sweep(STALE_TEMP_SECONDS)
            if swept:
                log.info("stale temporary files removed", extra={"fields": {"files": swept}})
        claim = self.store.session()
        claim.begin()
        try:
            taken = self._claim(claim, now, full, only, batch, result)
            writer = Writer(
                self.store, self.settings, self.target, self.caches or Caches.one_off(), verify
            )
            ordered = sorted(taken.keys, key=_lists_last)
            deferred = self._render(writer, ordered, now, only, progress, result)
            self._settle(claim, taken, deferred, only, now, started, result)
            claim.commit()
        except BaseException:
            claim.rollback()
            raise
        finally:
            claim.close()
        if result.full or result.touched or self._manifest_behind:  # an idle tick reads none
            self._write_manifest_or_note(result)
        result.seconds = time.perf_counter() - started
        _log(result)
        return result

    def _claim(
        self,
        claim: Session,
        now: datetime,
        full: bool,
        only: frozenset[str] | None,
        batch: int | None,
        result: PublishResult,
    ) -> _Claim:
        """The keys this publish renders: the outbox's claimed rows and those due by time,
        or (a full publish, or the first) every key; announcements apart."""
        store = self.store
        mark = store.outbox.mark(claim)
        taken = _Claim(last_logged=store.outbox.last_publish(claim))
        if full or mark is None:
            # every output renders anyway: the outbox's rows (millions after a big import)
            # are not loaded; the ones written before now are deleted at the end
            taken.upto = store.outbox.upto(claim)
            keys = set() if only else {OutputKey.parse(k) for k in store.outbox.keys(claim)}
            # announcements, one row per URL, a batch at a time like a drain's
            limit = batch or self.settings.publish.batch
            taken.rows = [] if only else store.outbox.claim(claim, limit, pings=True)
            result.more = len(taken.rows) >= limit
            keys |= {OutputKey.parse(k) for _id, k in taken.rows}
            result.full = True
            keys |= self._every_key(claim, now)
        else:
            taken.rows = store.outbox.claim(claim, batch)  # on PostgreSQL locked until settled
            result.more = batch is not None and len(taken.rows) >= batch
            keys = {OutputKey.parse(k) for _id, k in taken.rows}
            keys |= store.outbox.due_by_time(claim, mark, now)
        if not store.coordination.concurrent:
            claim.commit()  # SQLite cannot upgrade a read snapshot our own writes outdate
        result.pings = sorted({k.value for k in keys if k.kind == Kind.PING})
        taken.keys = {k for k in keys if k.kind != Kind.PING}
        if only is not None:
            taken.keys = {k for k in taken.keys if k.kind in only}
        return taken

    def _render(
        self,
        writer: Writer,
        ordered: list[OutputKey],
        now: datetime,
        only: frozenset[str] | None,
        progress: Progress,
        result: PublishResult,
    ) -> list[OutputKey]:
        """Render the keys, then the lists that show what they changed; those lists
        (left for later while more of a shared outbox waits) are returned."""
        result.keys = len(ordered)
        render_keys(writer, ordered, now, result, progress)
        # An index or directory that lists what this publish changed, and was not rendered
        # after it here, renders now (waiting for a publisher that has it), or, while more
        # of a shared outbox waits, goes to its end: the last to change a listed file
        # lists it.
        done = {str(k) for k in ordered}
        extra = [
            k
            for k in map(OutputKey.parse, sorted(result.follow - done))
            if only is None or k.kind in only
        ]
        if result.more:
            return extra
        if extra:
            writer.publish_keys(extra, now, result, wait=True)
            result.keys += len(extra)
        return []

    def _settle(
        self,
        claim: Session,
        taken: _Claim,
        deferred: list[OutputKey],
        only: frozenset[str] | None,
        now: datetime,
        started: float,
        result: PublishResult,
    ) -> None:
        """Delete the outbox rows this publish rendered, keep failed keys dirty, move the
        clock mark on and log the publish."""
        store = self.store
        settle = claim if store.coordination.concurrent else store.session()
        # An idle tick (nothing claimed, nothing due) writes nothing, but once a minute its
        # log row, the workers' heartbeat: a write every tick would contend, on SQLite,
        # with every import for the one write lock.
        idle = not taken.rows and not result.keys and not result.pings
        quiet = (
            idle
            and taken.last_logged is not None
            and (datetime.now(UTC) - taken.last_logged < IDLE_HEARTBEAT)
        )
        with settle.begin_nested() if settle is claim else settle.begin():
            if only is None and not quiet:
                # a busy key's rows stay: the worker rendering it may have read the store
                # before their change; failed keys stay dirty for the next publish
                busy = set(result.leftover)
                oldest = store.outbox.delete(settle, [i for i, k in taken.rows if k not in busy])
                if taken.upto is not None:
                    first = store.outbox.delete_upto(settle, taken.upto)
                    oldest = min((t for t in (oldest, first) if t), default=None)
                store.outbox.mark_dirty(settle, [OutputKey.parse(k) for k in result.failed], now)
                store.outbox.mark_dirty(settle, deferred, now)
                store.outbox.advance_mark(settle, now)
                ended = datetime.now(UTC)
                store.outbox.log_publish(
                    settle,
                    Publish(
                        at=ended,
                        full=result.full,
                        keys=result.keys,
                        written=len(result.written),
                        removed=len(result.removed),
                        failed=len(result.failed),
                        seconds=time.perf_counter() - started,
                        latency=(ended - oldest).total_seconds() if oldest else None,
                    ),
                )
        if settle is not claim:
            settle.close()

    def _write_manifest_or_note(self, result: PublishResult) -> None:
        """The manifest, or when the output storage refuses it, the error noted: the
        previous one stays, and the next publish tries again."""
        try:
            self._write_manifest()
            self._manifest_behind = False
        except OSError as e:
            if e.errno not in STORAGE_ERRORS:
                raise
            log.error("manifest.json not written", extra={"fields": {"error": str(e)}})
            result.storage_error = result.storage_error or str(e)
            self._manifest_behind = True

    def _write_manifest(self) -> None:
        """manifest.json from the output table, by one publisher at a time (the freshest)."""
        with self.store.session() as s, s.begin():
            self.store.coordination.lock_output(s, manifest.NAME, wait=True)
            gone = self.store.outputs.gone_paths(s)
            kept = self.caches.manifest if self.caches is not None else None
            blob = manifest.encode(self.store.outputs.rows(s), gone, kept)
            manifest.write(self.target, blob, self.settings.http)


def _log(result: PublishResult) -> None:
    log.info(
        "publish",
        extra={
            "fields": {
                "full": result.full,
                "keys": result.keys,
                "written": len(result.written),
                "unchanged": result.unchanged,
                "removed": len(result.removed),
                "failed": result.failed,
                "busy": len(result.leftover),
                "seconds": round(result.seconds, 3),
            }
        },
    )
