"""Publishing one key: render it in its own locked transaction, write what changed, record
it in the output table (and a removed file in the gone table, for 410s).

A write goes to a temporary file in the target's directory, is fsynced and
then renamed over the target (``os.replace``, see syndicate/targets.py), so a
reader sees the old file or the new one, never a mix. Bytes equal to what the
output table says is on the target leave the file untouched (its mtime too, so
HTTP caches stay valid).
"""

from __future__ import annotations

import errno
import hashlib
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from syndicate import outputs, plan
from syndicate.caches import Caches
from syndicate.config import Settings
from syndicate.outputs import OUTPUTS, Kind
from syndicate.plan import OutputKey
from syndicate.publish.job import Job, Rendered
from syndicate.publish.kinds import RENDERERS
from syndicate.publish.result import PublishResult
from syndicate.store import OutputRow, Store
from syndicate.targets import Target, UnsafePath

log = logging.getLogger(__name__)

# what the output storage says when it cannot take a file: no use trying the next one
STORAGE_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG, errno.EIO})


@dataclass
class Change:
    path: str
    row: dict[str, Any] | None  # None: remove


@dataclass
class Writer:
    """Publishes keys for one publish (or one process's share of it)."""

    store: Store
    settings: Settings
    target: Target
    caches: Caches
    verify: bool = False  # hash the files on the target instead of trusting the output table

    def publish_keys(
        self,
        keys: Iterable[OutputKey],
        now: datetime,
        result: PublishResult,
        wait: bool,
        ticks: Iterator[Any] | None = None,
    ) -> None:
        """Each key in turn; a key that fails stays dirty and costs only its own output."""
        for key in keys:
            if result.storage_error:  # no use trying the rest: they stay dirty, untouched
                result.failed.append(str(key))
                continue
            try:
                if not self.publish_key(key, now, result, wait=wait):
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

    def publish_key(
        self, key: OutputKey, now: datetime, result: PublishResult, *, wait: bool
    ) -> bool:
        """Render one key in its own locked transaction; False when another worker holds it."""
        store = self.store
        with store.session() as s, s.begin():
            if not store.coordination.lock_output(s, str(key), wait=wait):
                return False
            generation = store.coordination.clock(s)
            known = store.outputs.for_keys(s, [key])
            rendered = self.render(s, key, now)
            for change in self.write(key, rendered, known, now, result, generation):
                result.touched = True
                if change.row is None:
                    store.outputs.removed(s, change.path, now)
                else:
                    store.outputs.written(s, change.row)
        return True

    def render(self, s: Session, key: OutputKey, now: datetime) -> list[Rendered] | None:
        """The files of a key, or None when the output no longer exists (its language,
        or its host, is no longer configured)."""
        if not OUTPUTS[key.kind].per_host and key.lang not in self.settings.languages:
            return None
        return RENDERERS[key.kind](Job(self.store, self.settings, s, now, self.caches), key)

    def write(
        self,
        key: OutputKey,
        rendered: list[Rendered] | None,
        known: dict[str, OutputRow],
        now: datetime,
        result: PublishResult,
        generation: datetime | None = None,
    ) -> Iterator[Change]:
        """Write what changed; remove the key's files it no longer renders.

        A file whose manifest row records a later generation than ours was
        written by a render that read newer data: it is left alone.
        """
        keep = {r.file.path for r in rendered or ()}
        for path in known:
            if path not in keep:
                self.target.delete(path)
                result.removed.append(path)
                self._follow(key, result, listed=True)
                yield Change(path, None)
        for r in rendered or ():
            old = known.get(r.file.path)
            if old is not None and generation and old.generation and old.generation > generation:
                result.unchanged += 1
                continue
            yield from self._write_file(key, r, old, now, result, generation)

    def _write_file(
        self,
        key: OutputKey,
        r: Rendered,
        old: OutputRow | None,
        now: datetime,
        result: PublishResult,
        generation: datetime | None,
    ) -> Iterator[Change]:
        """Put a file unless the target holds its bytes already; its row changes either way
        when what it holds (its item count, its content's date) did."""
        f, data = r.file, r.data
        digest = hashlib.sha256(data).hexdigest()
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
        on_disk = self.target.sha256(f.path) if self.verify else None
        if (
            old is not None
            and old.sha256 == digest
            and self.target.present(f.path, len(data))
            and (not self.verify or on_disk == digest)
        ):
            result.unchanged += 1
            if old.content_updated != r.updated or old.items != r.items:
                row["last_modified"] = old.last_modified
                self._follow(key, result, listed=False)
                yield Change(f.path, row)
            return
        self.target.put(
            f.path,
            data,
            content_type=f.content_type,
            cache_control=outputs.cache_control(self.settings.http, key.kind, key.scope),
        )
        result.written.append(f.path)
        if key.kind == Kind.FEED:
            result.feeds_changed.append(f.url)
        self._follow(key, result, listed=old is None)
        yield Change(f.path, row)

    def _follow(self, key: OutputKey, result: PublishResult, *, listed: bool) -> None:
        """Note the list that shows this key's files (outputs.Output.listed_in): a sitemap's
        index on any change (it shows their lastmod), a language's directory when a feed
        file comes or goes (``listed``)."""
        out = OUTPUTS[key.kind]
        if out.listed_in is not None and (listed or out.listed_with_changes):
            result.follow.add(str(plan.list_of(self.settings, out.listed_in, key.lang)))
