"""The rows of published outputs (what the manifest is written from): every output's key,
path, URL, content type, hash and times, and the lists that indexes and directories show;
and the paths of outputs removed after they were published (served as 410 Gone)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from syndicate.model import Gone, Output
from syndicate.plan import OutputKey
from syndicate.store.engine import chunks


class OutputRows:
    def by_path(self, session: Session) -> dict[str, Output]:
        """Every output, by path."""
        return {o.path: o for o in session.scalars(select(Output))}

    def for_keys(self, session: Session, keys: Iterable[OutputKey]) -> dict[str, Output]:
        """The outputs of some keys (a feed key has a file per format), by path."""
        names = [str(k) for k in keys]
        out: dict[str, Output] = {}
        for chunk in chunks(names, 500):
            out.update(
                {o.path: o for o in session.scalars(select(Output).where(Output.key.in_(chunk)))}
            )
        return out

    def rows(self, session: Session) -> Iterator[Any]:
        """The manifest's rows, as plain rows (no ORM objects: a big site has tens of
        thousands), in path order."""
        yield from session.execute(
            select(
                Output.url,
                Output.path,
                Output.key,
                Output.content_type,
                Output.sha256,
                Output.size,
                Output.items,
                Output.last_modified,
            ).order_by(Output.path)
        )

    def feeds(self, session: Session, lang: str) -> list[Output]:
        """The outputs of a language's feeds (what its directory lists)."""
        return list(session.scalars(select(Output).where(Output.key.like(f"feed:{lang}:%"))))

    def sitemaps(
        self, session: Session, langs: Sequence[str]
    ) -> list[tuple[str, str, datetime | None]]:
        """(path, url, content_updated) of the sitemaps of some languages, by path: what a
        host's index lists (plain rows: a decade of daily sitemaps is thousands)."""
        cond = or_(
            *(Output.key.like(f"{kind}:{lang}:%") for lang in langs for kind in ("sitemap", "news"))
        )
        q = select(Output.path, Output.url, Output.content_updated).where(cond)
        return sorted((p, u, c) for p, u, c in session.execute(q))

    def file_keys(self, session: Session) -> list[str]:
        """The key of every file (a feed's key has a file per format): what /metrics counts."""
        return list(session.scalars(select(Output.key)))

    def per_key(self, session: Session) -> list[tuple[str, int, int | None, datetime | None]]:
        """(key, files, items, last changed) of every key: the status page's table."""
        q = select(
            Output.key, func.count(), func.sum(Output.items), func.max(Output.last_modified)
        ).group_by(Output.key)
        return [(k, n, items, newest) for k, n, items, newest in session.execute(q)]

    def written(self, session: Session, row: dict[str, Any]) -> None:
        """A file written, or its row changed (``row`` holds every column): no longer gone."""
        existing = session.get(Output, row["path"])
        gone = session.get(Gone, row["path"])
        if gone is not None:
            session.delete(gone)
        if existing is None:
            session.add(Output(**row))
        else:
            for k, v in row.items():
                setattr(existing, k, v)

    def removed(self, session: Session, path: str, now: datetime) -> None:
        """A file removed: its row goes, and a file that was published is from then on
        gone (410, not 404)."""
        existing = session.get(Output, path)
        if existing is None:
            return
        if session.get(Gone, path) is None:
            session.add(Gone(path=path, url=existing.url, removed_at=now))
        session.delete(existing)

    def gone_paths(self, session: Session) -> list[str]:
        """The paths of removed outputs, in order (the manifest lists them)."""
        return sorted(session.scalars(select(Gone.path)))
