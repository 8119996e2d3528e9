"""Publishing: render what is dirty (or everything), write it atomically, keep the manifest.

A write goes to a temporary file in the target's directory, is fsynced and
then renamed over the target (``os.replace``), so a reader sees the old file
or the new one, never a mix. Bytes equal to what the manifest says is on disk
leave the file untouched (its mtime too, so HTTP caches stay valid).
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import multiprocessing
import sys
import time
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent import futures
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, TypeVar

from sqlalchemy import func, insert, make_url, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from syndicate import i18n, logs, plan
from syndicate.config import Settings
from syndicate.i18n import _
from syndicate.model import Gone, Outbox, Output, PublishLog
from syndicate.outputs import CONTENT_SCOPES, Scope
from syndicate.plan import OutputKey
from syndicate.render import feeds as render_feeds
from syndicate.render import pages
from syndicate.render import sitemaps as render_sitemaps
from syndicate.render.items import (
    BreakingEntry,
    Category,
    FeedItem,
    FeedMeta,
    IndexEntry,
    NewsEntry,
)
from syndicate.store import Bounded, SitemapRow, Store, feed_guid
from syndicate.targets import LocalTarget, Target, UnsafePath
from syndicate.targets import for_settings as target_for

log = logging.getLogger(__name__)

# `updated` of a feed with no items: a constant, so an empty feed's bytes depend on
# nothing but its key, and a plausible one (the W3C validator flags pre-1990 dates).
EMPTY_FEED_UPDATED = datetime(2000, 1, 1, tzinfo=UTC)
# A temporary file older than this was left by a writer that died (kill -9, power loss):
# a full publish (publish --all, the reconcile) removes it. A live write takes milliseconds.
STALE_TEMP_SECONDS = 600

# Feed titles and descriptions. %(site)s is the language's site name,
# %(name)s the section, group, region, tag, topic or author.
TITLES: dict[str, tuple[str, str]] = {
    "section": (_("%(site)s: %(name)s"), _("The latest stories in %(name)s from %(site)s")),
    "group": (_("%(site)s: %(name)s"), _("The latest stories in %(name)s from %(site)s")),
    "region": (_("%(site)s: %(name)s"), _("The latest stories about %(name)s from %(site)s")),
    "tag": (
        _("%(site)s: stories tagged “%(name)s”"),
        _("The latest stories tagged “%(name)s” from %(site)s"),
    ),
    "coverage": (
        _("%(site)s: coverage of %(name)s"),
        _("Continuing coverage of %(name)s from %(site)s"),
    ),
    "author": (_("%(site)s: stories by %(name)s"), _("The latest stories by %(name)s on %(site)s")),
    "breaking": (_("%(site)s: Breaking news"), _("Breaking news from %(site)s, as it happens")),
}
ALL_DESCRIPTION = _("The latest stories from %(site)s")
BREAKING_LABEL = _("Breaking news")
# The feed directory page
DIRECTORY_TITLE = _("%(site)s feeds")
DIRECTORY_INTRO = _(
    "Follow any of these feeds in your feed reader: copy a link into it, "
    "or import them all at once with the OPML file."
)
OPML_LABEL = _("All feeds as OPML")
LATEST_LABEL = _("Latest and breaking")
ALL_LABEL = _("All stories")
# The page a browser shows for a feed (the XSL stylesheet)
FEED_PAGE_HEADING = _("This is a web feed")
FEED_PAGE_EXPLAIN = _(
    "Copy the address of this page into your feed reader to follow it: "
    "new stories will come to you as they are published."
)
FEED_PAGE_DIRECTORY = _("All our feeds")
FEED_PAGE_LATEST = _("Latest items")
DIRECTORY_GROUPS = (
    ("section", _("Sections")),
    ("group", _("Section groups")),
    ("region", _("Regions")),
    ("coverage", _("Coverage")),
    ("tag", _("Tags")),
    ("author", _("Authors")),
)


# what the output storage says when it cannot take a file: no use trying the next one
STORAGE_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG, errno.EIO})

IDLE_HEARTBEAT = timedelta(seconds=60)  # how often an idle publish still logs itself


# (story_id, lang) -> (its story's version, the item): see Store.load_items
ItemCache = Bounded[tuple[str, str], tuple[str, FeedItem]]
ITEMS_CACHED = 5_000  # per process: the stories in many feeds at once, a few MB
# ... and at most this many bytes of items, and of their rendered fragments: the count
# bounds a site of short stories, the bytes one of long full-text articles
ITEMS_BYTES = 96 << 20
FRAGMENTS_BYTES = 96 << 20
# (lang, story_id) or ("news:" lang, URL) -> (digest of what decides it, its <url> element)
UrlCache = Bounded[tuple[str, str], tuple[int, bytes]]
URLS_CACHED = 40_000  # about 0.8 kB each: a few busy sitemap periods of a big archive
MANIFEST_LINES_CACHED = 50_000  # about 0.5 kB each: every output of a decade of daily sitemaps


def item_weight(entry: tuple[str, FeedItem]) -> int:
    """About the bytes a cached item holds: its texts (the body dominates) and a little more."""
    item = entry[1]
    texts = (item.title, item.summary, item.body_html, item.url)
    return 512 + sum(sys.getsizeof(t) for t in texts if t is not None)


@dataclass
class Caches:
    """What a publish computes once per story and reuses in every output it is in.

    A worker keeps its caches from one publish to the next (items are checked against
    their story's version in each publish's own transaction; fragments are keyed by the
    item's value), so after a change only what changed is built again. Bounded.
    """

    items: ItemCache = field(
        default_factory=lambda: Bounded(ITEMS_CACHED, ITEMS_BYTES, weigh=item_weight)
    )
    fragments: render_feeds.Fragments = field(
        default_factory=lambda: render_feeds.Fragments(3 * ITEMS_CACHED, FRAGMENTS_BYTES)
    )
    # None in a one-off publish: every URL is rendered once there, keeping them costs memory
    urls: UrlCache | None = field(default_factory=lambda: Bounded(URLS_CACHED))
    # path -> (its manifest row, its line in manifest.json)
    manifest: Bounded[str, tuple[tuple[Any, ...], str]] | None = field(
        default_factory=lambda: Bounded(MANIFEST_LINES_CACHED)
    )

    @classmethod
    def one_off(cls) -> Caches:
        return cls(urls=None, manifest=None)


def etag(sha256: str) -> str:
    return f'"{sha256[:32]}"'


@dataclass
class PublishResult:
    keys: int = 0
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    full: bool = False
    failed: list[str] = field(default_factory=list)  # keys whose render raised; still dirty
    # the output storage refused a write (disk full, read-only, quota): the publish stopped
    # at the first such key; it and every key after it stay dirty
    storage_error: str | None = None
    leftover: list[str] = field(default_factory=list)  # keys another worker was rendering
    pings: list[str] = field(default_factory=list)  # article URLs that changed (IndexNow)
    more: bool = False  # a batch was claimed and more of the outbox is waiting
    touched: bool = False  # a manifest row changed (a file written or removed, a date moved)
    # index and directory keys that list files this publish added, changed or removed
    follow: set[str] = field(default_factory=set)
    feeds_changed: list[str] = field(default_factory=list)  # URLs of feeds written (WebSub)

    def merge(self, other: PublishResult) -> None:
        """Add what another process rendered of the same publish."""
        self.written += other.written
        self.unchanged += other.unchanged
        self.removed += other.removed
        self.failed += other.failed
        self.storage_error = self.storage_error or other.storage_error
        self.leftover += other.leftover
        self.feeds_changed += other.feeds_changed
        self.follow |= other.follow
        self.touched |= other.touched

    def summary(self) -> str:
        failed = f", {len(self.failed)} FAILED" if self.failed else ""
        return (
            f"{len(self.written)} written, {self.unchanged} unchanged, "
            f"{len(self.removed)} removed{failed} ({self.keys} outputs checked "
            f"in {self.seconds:.2f}s)"
        )


Progress = Callable[[Iterable[OutputKey]], AbstractContextManager[Iterable[OutputKey]]]


def _no_progress(keys: Iterable[OutputKey]) -> AbstractContextManager[Iterable[OutputKey]]:
    return nullcontext(keys)


@dataclass(frozen=True)
class Rendered:
    file: plan.OutputFile
    data: bytes
    items: int
    updated: datetime | None  # when its content last changed: the index's <lastmod> for it


class _OfStory(Protocol):
    @property
    def story_id(self) -> str: ...


E = TypeVar("E", bound=_OfStory)


def _digest(row: SitemapRow) -> int:
    """What decides a URL's element, in a word (the cache lives in one process, so Python's
    own keyed hash serves: an unlucky collision is 1 in 2**64)."""
    return hash((row.loc, row.lastmod, row.version, row.alternates, row.x_default))


X = TypeVar("X")


def _kept_elements(
    urls: UrlCache | None,
    scope: str,
    items: Sequence[X],
    name: Callable[[X], str],
    digest: Callable[[X], int],
    render: Callable[[list[X]], list[bytes]],
) -> list[bytes]:
    """Each item's ``<url>`` element, in order: from the cache while its digest holds, else
    rendered (a chunk at a time) and kept. Elements are held here for this render: a
    bounded cache may let go of some before the file is spliced."""
    held: list[bytes] = [b""] * len(items)
    missing: list[int] = []
    for i, item in enumerate(items):
        hit = urls.get((scope, name(item))) if urls is not None else None
        if hit is not None and hit[0] == digest(item):
            held[i] = hit[1]
        else:
            missing.append(i)
    for start in range(0, len(missing), 2000):
        chunk = missing[start : start + 2000]
        for i, data in zip(chunk, render([items[i] for i in chunk]), strict=True):
            held[i] = data
            if urls is not None:
                urls[(scope, name(items[i]))] = (digest(items[i]), data)
    return held


def split_evenly(entries: list[E], limit: int) -> list[list[E]]:
    """Cut a period's URLs into files of at most ``limit``, each URL by a hash of its story.

    One file while the period fits. Past that, the fewest parts in which no
    part overflows; a story's part depends only on its id and the part count,
    so it moves only when its period splits further.
    """
    if len(entries) <= limit:
        return [entries]
    parts = -(-len(entries) // limit)
    while True:
        buckets: list[list[E]] = [[] for _ in range(parts)]
        for e in entries:
            buckets[zlib.crc32(e.story_id.encode()) % parts].append(e)
        if max(len(b) for b in buckets) <= limit:
            return [b for b in buckets if b]
        parts += 1


@dataclass
class _Change:
    path: str
    row: dict[str, Any] | None  # None: remove


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
            target = LocalTarget(Path(out_dir)) if out_dir else target_for(self.settings)
        self.target = target

    def publish(
        self,
        now: datetime,
        *,
        full: bool = False,
        only: frozenset[str] | None = None,
        verify: bool = False,
        progress: Progress = _no_progress,
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
        if self.store.concurrent:
            # PostgreSQL: publishers run side by side, each output under its own lock
            return self._publish(now, full, only, verify, progress, batch)
        with self.store.publish_lock():  # SQLite: one machine, one publisher at a time
            return self._publish(now, full, only, verify, progress, batch)

    def enqueue_all(self, now: datetime) -> int:
        """Put every output of a full publish in the outbox, for publishers to share.

        Workers on any machine then drain it a batch at a time (``publish(batch=N)``),
        each claiming rows the others have not (PostgreSQL: SKIP LOCKED). Indexes
        and directories go last; a batch that changes what they list dirties them
        again, so they end up listing everything.
        """
        with self.store.writing() as s:
            ordered = sorted(self._every_key(s, now), key=lambda k: (k.kind in LAST, k))
            s.execute(insert(Outbox), [{"key": str(k), "created_at": now} for k in ordered])
        return len(ordered)

    def _every_key(self, s: Session, now: datetime) -> set[OutputKey]:
        """The keys of every output that exists at ``now``, or was published before."""
        store = self.store
        keys = set(plan.fixed_keys(self.settings)) | store.content_keys(s, now)
        keys |= store.sitemap_keys(s, now)
        keys |= {OutputKey.parse(o.key) for o in store.outputs(s).values()}
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
        """Claim dirty keys, render each under its own lock and commit, then settle the outbox.

        Each key is rendered in a transaction of its own that first takes the
        key's lock (PostgreSQL: an advisory transaction lock), so two workers
        never render one output at once, and what it writes is committed
        before the lock is released: the next render of that key reads newer
        data and writes after it. The manifest also records the generation
        (when the render read the store) and never replaces a newer one.
        """
        started = time.perf_counter()
        result = PublishResult(full=full)
        store = self.store
        self.target.prepare()
        if full and only is None:
            swept = self.target.sweep(STALE_TEMP_SECONDS)
            if swept:
                log.info("stale temporary files removed", extra={"fields": {"files": swept}})
        claim = store.session()
        claim.begin()
        try:
            mark = store.mark(claim)
            last_logged = claim.scalar(select(func.max(PublishLog.at)))
            everything = full or mark is None
            upto: int | None = None
            if everything:
                # every output renders anyway: the outbox's rows (millions after a big import)
                # are not loaded; the ones written before now are deleted at the end
                upto = store.outbox_upto(claim)
                keys = set() if only else {OutputKey.parse(k) for k in store.outbox_keys(claim)}
                # announcements, one row per URL, a batch at a time like a drain's
                limit = batch or self.settings.publish.batch
                claimed = [] if only else store.claim(claim, limit, pings=True)
                result.more = len(claimed) >= limit
                keys |= {OutputKey.parse(k) for _id, k in claimed}
                result.full = True
                keys |= self._every_key(claim, now)
            else:
                assert mark is not None
                claimed = store.claim(claim, batch)  # on PostgreSQL locked until settled below
                result.more = batch is not None and len(claimed) >= batch
                keys = {OutputKey.parse(k) for _id, k in claimed}
                keys |= store.due_by_time(claim, mark, now)
            if not store.concurrent:
                claim.commit()  # SQLite cannot upgrade a read snapshot our own writes outdate
            result.pings = sorted({k.value for k in keys if k.kind == "ping"})
            keys = {k for k in keys if k.kind != "ping"}
            if only is not None:
                keys = {k for k in keys if k.kind in only}
            # indexes and directories last: they list what this publish has just written
            ordered = sorted(keys, key=lambda k: (k.kind in LAST, k))
            result.keys = len(ordered)
            cache = self.caches or Caches.one_off()
            self._render_keys(ordered, now, cache, result, verify, progress)
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
            deferred = extra if result.more else []
            if extra and not result.more:
                self._publish_keys(extra, now, cache, result, verify, wait=True)
                result.keys += len(extra)
            settle = claim if store.concurrent else store.session()
            # An idle tick (nothing claimed, nothing due) writes nothing, but once a minute its
            # log row, the workers' heartbeat: a write every tick would contend, on SQLite,
            # with every import for the one write lock.
            idle = not claimed and not result.keys and not result.pings
            quiet = (
                idle
                and last_logged is not None
                and (datetime.now(UTC) - last_logged < IDLE_HEARTBEAT)
            )
            with settle.begin_nested() if settle is claim else settle.begin():
                if only is None and not quiet:
                    # a busy key's rows stay: the worker rendering it may have read the store
                    # before their change; failed keys stay dirty for the next publish
                    busy = set(result.leftover)
                    oldest = store.delete_outbox(settle, [i for i, k in claimed if k not in busy])
                    if upto is not None:
                        first = store.delete_outbox_upto(settle, upto)
                        oldest = min((t for t in (oldest, first) if t), default=None)
                    store.mark_dirty(settle, [OutputKey.parse(k) for k in result.failed], now)
                    store.mark_dirty(settle, deferred, now)
                    store.advance_mark(settle, now)
                    ended = datetime.now(UTC)
                    store.log_publish(
                        settle,
                        PublishLog(
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
            claim.commit()
        except BaseException:
            claim.rollback()
            raise
        finally:
            claim.close()
        if result.full or result.touched or self._manifest_behind:  # an idle tick reads none
            try:
                self._write_manifest()
                self._manifest_behind = False
            except OSError as e:
                if e.errno not in STORAGE_ERRORS:
                    raise
                log.error("manifest.json not written", extra={"fields": {"error": str(e)}})
                result.storage_error = result.storage_error or str(e)
                self._manifest_behind = True  # the previous one stays; the next publish retries
        result.seconds = time.perf_counter() - started
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
        return result

    def _render_keys(
        self,
        keys: list[OutputKey],
        now: datetime,
        cache: Caches,
        result: PublishResult,
        verify: bool,
        progress: Progress,
    ) -> None:
        """Render keys here, or a big publish's across processes (indexes last, here)."""
        wait = result.full
        jobs = self.settings.publish.processes
        first = [k for k in keys if k.kind not in LAST]
        last = [k for k in keys if k.kind in LAST]
        with progress(keys) as bar:
            ticks = iter(bar)
            pool = None
            if jobs > 1 and len(first) >= self.settings.publish.parallel_min:
                pool = self._pool(jobs - 1)  # this process is the last of the jobs
            if pool is None:
                self._publish_keys(first, now, cache, result, verify, wait, ticks)
            else:
                with pool:
                    size = max(8, min(64, len(first) // (jobs * 8) or 1))
                    chunks = deque(first[i : i + size] for i in range(0, len(first), size))
                    running: dict[Future[PublishResult], list[OutputKey]] = {}

                    def collect(block: bool) -> None:
                        done, _ = futures.wait(
                            list(running),
                            timeout=None if block else 0,
                            return_when=futures.FIRST_COMPLETED,
                        )
                        for future in done:
                            result.merge(future.result())
                            for _ in running.pop(future):
                                next(ticks, None)

                    while chunks:
                        while chunks and len(running) < 2 * (jobs - 1):
                            c = chunks.popleft()
                            args = ([str(k) for k in c], now, verify, wait)
                            running[pool.submit(_render_chunk, *args)] = c
                        if chunks:  # the others are busy: render a chunk here meanwhile
                            self._publish_keys(
                                chunks.popleft(), now, cache, result, verify, wait, ticks
                            )
                        collect(block=False)
                    while running:
                        collect(block=True)
            self._publish_keys(last, now, cache, result, verify, wait, ticks)

    def _pool(self, jobs: int) -> ProcessPoolExecutor | None:
        """Processes that render with their own connections, or None where there can be none
        (an in-memory database; a daemonic process, which may not have children)."""
        url = make_url(self.settings.database_url)
        if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
            return None
        if multiprocessing.current_process().daemon:
            return None
        root = logging.getLogger()
        fmt = (
            "json"
            if any(isinstance(h.formatter, logs.JSONFormatter) for h in root.handlers)
            else "text"
        )
        return ProcessPoolExecutor(
            jobs,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_renderer,
            initargs=(self.settings, self.target, fmt, root.level),
        )

    def _publish_keys(
        self,
        keys: Iterable[OutputKey],
        now: datetime,
        cache: Caches,
        result: PublishResult,
        verify: bool,
        wait: bool,
        ticks: Iterator[Any] | None = None,
    ) -> None:
        for key in keys:
            if result.storage_error:  # no use trying the rest: they stay dirty, untouched
                result.failed.append(str(key))
                continue
            try:
                if not self._publish_key(key, now, cache, result, verify, wait=wait):
                    result.leftover.append(str(key))
            except (UnsafePath, DBAPIError):  # refusals and the database's own: fail loudly
                raise
            except OSError as e:
                if e.errno not in STORAGE_ERRORS:
                    raise
                log.error(
                    "the output storage refused a write",
                    extra={"fields": {"key": str(key), "error": str(e)}},
                )
                result.storage_error = str(e)
                result.failed.append(str(key))
            except Exception:  # a poison input costs its own output, not the queue
                log.exception("render failed", extra={"fields": {"key": str(key)}})
                result.failed.append(str(key))
            if ticks is not None:
                next(ticks, None)

    def _publish_key(
        self,
        key: OutputKey,
        now: datetime,
        cache: Caches,
        result: PublishResult,
        verify: bool,
        *,
        wait: bool,
    ) -> bool:
        """Render one key in its own locked transaction; False when another worker holds it."""
        store = self.store
        with store.session() as s, s.begin():
            if not store.lock_output(s, str(key), wait=wait):
                return False
            generation = store.clock(s)
            known = store.outputs_for(s, [key])
            rendered = self._render(s, key, now, cache)
            by_key = {str(key): list(known)}
            for change in self._write(
                key, rendered, known, by_key, now, result, verify, generation
            ):
                result.touched = True
                existing = s.get(Output, change.path)
                gone = s.get(Gone, change.path)
                if change.row is None:
                    if existing is not None:
                        if gone is None:  # it was published: from now on 410, not 404
                            s.add(Gone(path=change.path, url=existing.url, removed_at=now))
                        s.delete(existing)
                else:
                    if gone is not None:
                        s.delete(gone)
                    if existing is None:
                        s.add(Output(**change.row))
                    else:
                        for k, v in change.row.items():
                            setattr(existing, k, v)
        return True

    def _write(
        self,
        key: OutputKey,
        rendered: list[Rendered] | None,
        known: dict[str, Output],
        by_key: dict[str, list[str]],
        now: datetime,
        result: PublishResult,
        verify: bool = False,
        generation: datetime | None = None,
    ) -> Iterator[_Change]:
        """Write what changed; remove the key's files it no longer renders.

        A file whose manifest row records a later generation than ours was
        written by a render that read newer data: it is left alone.
        """
        keep = {r.file.path for r in rendered or ()}
        for path in by_key.get(str(key), ()):
            if path not in keep:
                self.target.delete(path)
                result.removed.append(path)
                self._follow(key, result, listed=True)
                yield _Change(path, None)
        for r in rendered or ():
            f, data = r.file, r.data
            digest = hashlib.sha256(data).hexdigest()
            old = known.get(f.path)
            if old is not None and generation and old.generation and old.generation > generation:
                result.unchanged += 1
                continue
            row = {
                "path": f.path,
                "key": str(key),
                "url": f.url,
                "content_type": f.content_type,
                "sha256": digest,
                "size": len(data),
                "last_modified": now,
                "items": r.items,
                "content_updated": r.updated,
                "generation": generation,
            }
            on_disk = self.target.sha256(f.path) if verify else None
            if (
                old is not None
                and old.sha256 == digest
                and self.target.present(f.path, len(data))
                and (not verify or on_disk == digest)
            ):
                result.unchanged += 1
                if old.content_updated != r.updated or old.items != r.items:
                    row["last_modified"] = old.last_modified
                    self._follow(key, result, listed=False)
                    yield _Change(f.path, row)
                continue
            self.target.put(
                f.path,
                data,
                content_type=f.content_type,
                cache_control=self.settings.http.cache_control_for(key.kind, key.scope),
            )
            result.written.append(f.path)
            if key.kind == "feed":
                result.feeds_changed.append(f.url)
            self._follow(key, result, listed=old is None)
            yield _Change(f.path, row)

    def _follow(self, key: OutputKey, result: PublishResult, *, listed: bool) -> None:
        """Note the index or directory that lists this key's files: a sitemap's index on any
        change (it shows their lastmod), a language's directory when a feed file comes or
        goes (``listed``)."""
        if key.kind in ("sitemap", "news"):
            result.follow.add(str(plan.index(plan.host_of(self.settings, key.lang))))
        elif key.kind == "feed" and listed:
            result.follow.add(str(plan.directory(key.lang)))

    def _render(
        self,
        s: Session,
        key: OutputKey,
        now: datetime,
        cache: Caches,
    ) -> list[Rendered] | None:
        """The files of a key, or None when the output no longer exists."""
        if key.kind == "index":
            return self._render_index(s, key)
        if key.kind == "robots":
            if key.value not in plan.hosts(self.settings):
                return None
            index_url = plan.host_file(self.settings, plan.index(key.value)).url
            host_url = plan.hosts(self.settings)[key.value][0]
            data = render_sitemaps.robots_txt(host_url, index_url)
            out = [Rendered(plan.host_file(self.settings, key), data, 0, None)]
            ik = self.settings.notify.indexnow_key
            if ik:  # IndexNow's proof that the host is ours: /{key}.txt holding the key
                proof = plan.host_file(self.settings, key, f"{ik}.txt")
                out.append(Rendered(proof, ik.encode(), 0, None))
            return out
        if key.lang not in self.settings.languages:
            return None
        if key.kind == "directory":
            return self._render_directory(s, key)
        if key.kind == "stylesheet":
            return [self._render_stylesheet(key)]
        if key.kind == "sitemap":
            return self._render_sitemap(s, key, now, cache)
        if key.kind == "news":
            return self._render_news(s, key, now, cache)
        return self._render_feed(s, key, now, cache)

    def _render_feed(
        self, s: Session, key: OutputKey, now: datetime, cache: Caches
    ) -> list[Rendered] | None:
        settings = self.settings
        tax = settings.taxonomy
        if key.scope == "breaking":
            items = [self._breaking_item(e) for e in self.store.breaking_entries(s, key.lang, now)]
            name = ""
        else:
            if key.scope == "section" and key.value not in tax.sections:
                return None
            if key.scope == "group" and key.value not in tax.groups:
                return None
            if key.scope == "region" and key.value not in tax.regions:
                return None
            if (
                key.scope == "tag"
                and self.store.count_live(s, key, now, settings.feeds.tag_min_stories)
                < settings.feeds.tag_min_stories
            ):
                return None
            refs = self.store.feed_refs(s, key, now, settings.feeds.items)
            if not refs and key.scope in CONTENT_SCOPES:
                return None
            items = self.store.load_items(s, refs, now, cache.items)
            name = self._subject(s, key)
        meta = self._meta(key, name, items)
        return [
            Rendered(
                f,
                render_feeds.RENDERERS[f.format](meta, items, cache.fragments),
                len(items),
                meta.updated,
            )
            for f in plan.files(settings, key)
        ]

    def _sitemap_files(
        self, key: OutputKey, parts: list[bytes], counts: list[int], updated: list[datetime | None]
    ) -> list[Rendered]:
        """One file per part (unnumbered when there is one), and gzip twins when configured."""
        out = []
        for i, data in enumerate(parts):
            part = None if len(parts) == 1 else i + 1
            out.append(
                Rendered(plan.sitemap_file(self.settings, key, part), data, counts[i], updated[i])
            )
            if self.settings.sitemaps.gzip:
                twin = plan.sitemap_file(self.settings, key, part, gz=True)
                out.append(Rendered(twin, render_sitemaps.gzipped(data), counts[i], updated[i]))
        return out

    def _render_sitemap(
        self, s: Session, key: OutputKey, now: datetime, cache: Caches
    ) -> list[Rendered] | None:
        """A period's urlset: each URL's ``<url>`` element is kept (in a worker, from one
        publish to the next) with a digest of the row it came from (its variant's version,
        URL, lastmod and live translations) and spliced into the file; only URLs whose row
        changed have their text and media read and are rendered again."""
        rows = self.store.sitemap_rows(s, key, now)
        if not rows:
            return None
        elements = _kept_elements(
            cache.urls,
            key.lang,
            rows,
            lambda r: r.story_id,
            _digest,
            lambda chunk: render_sitemaps.cut_apart(
                render_sitemaps.urlset, self.store.sitemap_entries(s, key.lang, chunk)
            ),
        )
        held = {r.story_id: data for r, data in zip(rows, elements, strict=True)}
        buckets = split_evenly(rows, self.settings.sitemaps.max_urls)
        changed = self.store.sitemap_changed(s, key, now)
        return self._sitemap_files(
            key,
            [
                render_sitemaps.splice(render_sitemaps.urlset, (held[r.story_id] for r in b))
                for b in buckets
            ],
            [len(b) for b in buckets],
            [changed for _ in buckets],
        )

    def _render_news(
        self, s: Session, key: OutputKey, now: datetime, cache: Caches
    ) -> list[Rendered]:
        """A language's news sitemap: like a period's, each URL's element is kept with what
        decides it (its title and publication time) and spliced into the files."""
        entries = self.store.news_entries(s, key.lang, now)
        size = self.settings.sitemaps.news_max
        lang = self.settings.language(key.lang)
        language = render_sitemaps.news_language(key.lang)

        def news_render(chunk: Sequence[NewsEntry]) -> bytes:
            return render_sitemaps.news_urlset(chunk, publication=lang.site_name, language=language)

        held = _kept_elements(
            cache.urls,
            f"news:{key.lang}",
            entries,
            lambda e: e.loc,
            lambda e: hash((e.title, e.published)),
            lambda chunk: render_sitemaps.cut_apart(news_render, chunk),
        )
        chunks = [held[i : i + size] for i in range(0, len(held), size)] or [[]]
        changed = self.store.news_changed(s, key.lang, now)
        return self._sitemap_files(
            key,
            [render_sitemaps.splice(news_render, c) for c in chunks],
            [len(c) for c in chunks],
            [changed for _ in chunks],
        )

    def _render_index(self, s: Session, key: OutputKey) -> list[Rendered] | None:
        """A host's sitemap index: every sitemap of its languages, as committed."""
        hosts = plan.hosts(self.settings)
        if key.value not in hosts:
            return None
        gz = self.settings.sitemaps.gzip and self.settings.sitemaps.gzip_canonical
        entries = [
            IndexEntry(url, updated)
            for path, url, updated in self.store.sitemap_outputs(s, hosts[key.value][1])
            if path.endswith(".gz") == gz
        ]
        data = render_sitemaps.sitemap_index(entries)
        updated = max((e.lastmod for e in entries if e.lastmod), default=None)
        return [Rendered(plan.host_file(self.settings, key), data, len(entries), updated)]

    def _render_directory(self, s: Session, key: OutputKey) -> list[Rendered]:
        """A language's feed directory, as HTML and OPML, from its feeds as committed."""
        settings, lang = self.settings, key.lang
        language = settings.language(lang)
        tax = settings.taxonomy
        tags, authors = self.store.term_names(s, lang)
        urls: dict[OutputKey, dict[str, str]] = {}
        for o in self.store.feed_outputs(s, lang):
            urls.setdefault(OutputKey.parse(o.key), {})[o.path.rsplit(".", 1)[1]] = o.url
        order = {fmt: i for i, fmt in enumerate(("rss", "atom", "json"))}

        def link(k: OutputKey, name: str) -> pages.FeedLink:
            return pages.FeedLink(
                name, dict(sorted(urls[k].items(), key=lambda i: order.get(i[0], 9)))
            )

        def scope(name: str) -> list[OutputKey]:
            return [k for k in urls if k.scope == name]

        def t(message: str) -> str:
            return i18n.gettext(lang, message)

        names: dict[str, Callable[[str], str]] = {
            "section": lambda v: tax.sections[v].label(lang) if v in tax.sections else v,
            "group": lambda v: tax.groups[v].label(lang) if v in tax.groups else v,
            "region": lambda v: tax.regions[v].label(lang) if v in tax.regions else v,
            "coverage": lambda v: tax.coverage_term(v).label(lang),
            "tag": lambda v: tags.get(v, v),
            "author": lambda v: authors.get(v, v),
        }
        taxonomy_order = {
            "section": list(tax.sections),
            "group": list(tax.groups),
            "region": list(tax.regions),
        }
        groups = [
            pages.FeedGroup(
                t(LATEST_LABEL),
                [
                    link(k, t(ALL_LABEL) if k.scope == "all" else t(BREAKING_LABEL))
                    for k in (plan.feed(lang, Scope.ALL), plan.feed(lang, Scope.BREAKING))
                    if k in urls
                ],
            )
        ]
        for name, title in DIRECTORY_GROUPS:
            found = scope(name)
            if name in taxonomy_order:
                rank = {v: i for i, v in enumerate(taxonomy_order[name])}
                found.sort(key=lambda k: rank.get(k.value, 10**6))
            else:
                found.sort(key=lambda k: names[name](k.value).casefold())
            groups.append(pages.FeedGroup(t(title), [link(k, names[name](k.value)) for k in found]))
        html_file, opml_file = plan.directory_files(settings, key)
        page = pages.DirectoryPage(
            lang=lang,
            direction=language.direction,
            title=i18n.gettext(lang, DIRECTORY_TITLE, site=language.site_name),
            intro=t(DIRECTORY_INTRO),
            opml_label=t(OPML_LABEL),
            opml_url=opml_file.url,
            site_name=language.site_name,
            site_url=language.base_url,
            groups=groups,
        )
        count = sum(len(g.feeds) for g in groups)
        return [
            Rendered(html_file, pages.directory_html(page), count, None),
            Rendered(opml_file, pages.opml(page), count, None),
        ]

    def _render_stylesheet(self, key: OutputKey) -> Rendered:
        lang = key.lang
        labels = pages.StylesheetLabels(
            lang=lang,
            direction=self.settings.language(lang).direction,
            heading=i18n.gettext(lang, FEED_PAGE_HEADING),
            explain=i18n.gettext(lang, FEED_PAGE_EXPLAIN),
            directory=i18n.gettext(lang, FEED_PAGE_DIRECTORY),
            directory_url=plan.directory_files(self.settings, plan.directory(lang))[0].url,
            latest=i18n.gettext(lang, FEED_PAGE_LATEST),
        )
        return Rendered(
            plan.stylesheet_file(self.settings, lang), pages.feed_stylesheet(labels), 0, None
        )

    def _subject(self, s: Session, key: OutputKey) -> str:
        tax = self.settings.taxonomy
        lang = key.lang
        if key.scope == "section":
            return tax.sections[key.value].label(lang)
        if key.scope == "group":
            return tax.groups[key.value].label(lang)
        if key.scope == "region":
            return tax.regions[key.value].label(lang)
        if key.scope == "coverage":
            return tax.coverage_term(key.value).label(lang)
        if key.scope in ("tag", "author"):
            return self.store.scope_name(s, key)
        return ""

    def _breaking_item(self, e: BreakingEntry) -> FeedItem:
        label = i18n.gettext(e.lang, BREAKING_LABEL)
        scheme = plan.files(self.settings, plan.feed(e.lang, Scope.BREAKING))[0].url
        return FeedItem(
            story_id=e.id,
            lang=e.lang,
            guid=e.guid,
            title=e.text,
            url=e.url,
            summary=None,
            body_html=None,
            authors=(),
            source=None,
            categories=(Category("breaking", label, scheme),),
            published=e.published,
            updated=e.published,
            image=None,
            video=None,
            alternates=(),
        )

    def _meta(self, key: OutputKey, name: str, items: list[FeedItem]) -> FeedMeta:
        lang = self.settings.language(key.lang)
        site = lang.site_name
        if key.scope == "all":
            title = site
            description = lang.description or i18n.gettext(key.lang, ALL_DESCRIPTION, site=site)
        else:
            t, d = TITLES[key.scope]
            title = i18n.gettext(key.lang, t, site=site, name=name)
            description = i18n.gettext(key.lang, d, site=site, name=name)
        return FeedMeta(
            key=str(key),
            guid=feed_guid(self.settings, key),
            lang=key.lang,
            direction=lang.direction,
            site_name=site,
            title=title,
            description=description,
            site_url=lang.base_url,
            self_urls={f.format: f.url for f in plan.files(self.settings, key)},
            hub=self.settings.feeds.websub_hub,
            generator=self.settings.feeds.generator,
            updated=max((i.updated for i in items), default=EMPTY_FEED_UPDATED),
            stylesheet=plan.stylesheet_file(self.settings, key.lang).url,
        )

    def _write_manifest(self) -> None:
        """manifest.json from the manifest table, by one publisher at a time (the freshest)."""
        with self.store.session() as s, s.begin():
            self.store.lock_output(s, "manifest.json", wait=True)
            gone = sorted(s.scalars(select(Gone.path)))
            self._write_manifest_from(self.store.iter_outputs(s), gone)

    def _write_manifest_from(self, outputs: Iterable[Any], gone: list[str]) -> None:
        # one output per line, each by the C encoder (an indented dump goes through
        # json's pure-Python encoder: 4x slower on a big site's every publish); a worker
        # keeps each row's line and encodes again only the rows that changed
        kept = self.caches.manifest if self.caches is not None else None
        lines = []
        for o in outputs:
            row = tuple(o)
            hit = kept.get(o.path) if kept is not None else None
            if hit is not None and hit[0] == row:
                lines.append(hit[1])
                continue
            line = json.dumps(
                {
                    "url": o.url,
                    "path": o.path,
                    "key": o.key,
                    "content_type": o.content_type,
                    "sha256": o.sha256,
                    "etag": etag(o.sha256),
                    "size": o.size,
                    "items": o.items,
                    "last_modified": o.last_modified.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                },
                ensure_ascii=False,
            )
            if kept is not None:
                kept[o.path] = (row, line)
            lines.append(line)
        data = (
            '{"version": 1, "outputs": [\n'
            + ",\n".join(lines)
            + '\n], "gone": '
            + json.dumps(gone, ensure_ascii=False)
            + "}"
        )
        blob = data.encode() + b"\n"
        if self.target.read(plan.MANIFEST) == blob:
            return
        self.target.put(
            plan.MANIFEST,
            blob,
            content_type="application/json",
            cache_control=self.settings.http.cache_control_for("index"),
        )


# Rendered after every other output of a publish, in the calling process: they list
# what the others have just written.
LAST = frozenset({"index", "directory"})

# One per rendering process: its publisher (own engine, own per-story caches, kept
# across the chunks it is given).
_renderer: Publisher | None = None


def _init_renderer(settings: Settings, target: Target, log_format: str, log_level: int) -> None:
    global _renderer
    logs.setup(log_format, log_level)
    _renderer = Publisher(Store(settings), target=target, caches=Caches.one_off())


def _render_chunk(keys: list[str], now: datetime, verify: bool, wait: bool) -> PublishResult:
    assert _renderer is not None and _renderer.caches is not None, "_init_renderer runs first"
    result = PublishResult()
    keys_ = [OutputKey.parse(k) for k in keys]
    _renderer._publish_keys(keys_, now, _renderer.caches, result, verify, wait)
    return result
