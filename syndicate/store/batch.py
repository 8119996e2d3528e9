"""New stories written together: one multi-row INSERT per table for a whole batch of an
import, instead of a dozen statements per story."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from syndicate import plan
from syndicate.config import Settings
from syndicate.ingest import StoryIn, VariantIn
from syndicate.model import Coverage, Story, Variant, VariantAuthor, VariantTag
from syndicate.plan import OutputKey, VariantState
from syndicate.store import records
from syndicate.store.coordination import Coordination
from syndicate.store.states import announces
from syndicate.store.terms import Terms, author_slug, linked, tag_slug

TermIds = dict[tuple[str, str], int]  # (lang, slug) of a tag, ("", slug) of an author -> id


class NewStories:
    """The rows of new stories, by table, and the keys they dirty."""

    def __init__(self, settings: Settings, terms: Terms, now: datetime) -> None:
        self.settings = settings
        self.terms = terms
        self.now = now
        self.rows: dict[Any, list[dict[str, Any]]] = {m: [] for m in records.STORY_TABLES}
        self.coverage: set[str] = set()
        self.keys: set[OutputKey] = set()

    def insert(
        self, session: Session, coordination: Coordination, batch: Sequence[StoryIn]
    ) -> set[OutputKey]:
        """Write stories none of which is stored yet; the keys they dirty."""
        if not batch:
            return set()
        tag_ids, author_ids = self._term_ids(session, batch)
        announce = announces(self.settings)
        for rec in batch:
            variants = self._add(rec, tag_ids, author_ids)
            self.keys |= plan.story_dirties(
                self.settings, {}, variants, self.now, announce=announce
            )
        if self.coverage:
            session.execute(
                coordination.insert(Coverage).on_conflict_do_nothing(),
                [{"key": c} for c in sorted(self.coverage)],
            )
        for model, rows in self.rows.items():
            if rows:  # Core, not the ORM's bulk path: one executemany per table
                session.execute(insert(model.__table__), rows)
        return self.keys

    def _term_ids(self, session: Session, batch: Sequence[StoryIn]) -> tuple[TermIds, TermIds]:
        """The ids of every tag and author of the batch; the first spelling names a new one."""
        tag_names: dict[tuple[str, str], str] = {}
        author_names: dict[tuple[str, str], str] = {}
        for rec in batch:
            for v in rec.variants:
                for t in v.tags:
                    tag_names.setdefault((v.lang, tag_slug(t)), t)
                for a in v.authors:
                    author_names.setdefault(("", author_slug(a)), a)
        return (
            self.terms.ids_for(session, "tag", tag_names),
            self.terms.ids_for(session, "author", author_names),
        )

    def _add(self, rec: StoryIn, tag_ids: TermIds, author_ids: TermIds) -> dict[str, VariantState]:
        """A story's rows; its variants' states by language."""
        self.rows[Story].append(
            {
                "id": rec.id,
                "section_key": rec.section,
                "content_hash": records.story_hash(rec),
                "modified_at": self.now,
            }
        )
        self._extend(records.filing_rows(rec))
        self.coverage.update(rec.coverage)
        return {v.lang: self._add_variant(rec, v, tag_ids, author_ids) for v in rec.variants}

    def _add_variant(
        self, rec: StoryIn, v: VariantIn, tag_ids: TermIds, author_ids: TermIds
    ) -> VariantState:
        url = records.variant_url(self.settings, rec.section, v)
        version = records.variant_hash(v)
        self.rows[Variant].append(
            {
                "story_id": rec.id,
                "lang": v.lang,
                **records.variant_values(v, url, version, self.now),
            }
        )
        tags, tag_rows = linked(
            rec.id, v.lang, v.tags, tag_slug, lambda t, _n: tag_ids[(v.lang, t)], "tag_id"
        )
        authors, author_rows = linked(
            rec.id, v.lang, v.authors, author_slug, lambda a, _n: author_ids[("", a)], "author_id"
        )
        self.rows[VariantTag] += tag_rows
        self.rows[VariantAuthor] += author_rows
        self._extend(records.media_rows(rec.id, v))
        return records.variant_state(rec, v, url, version, tags, authors)

    def _extend(self, rows: records.Rows) -> None:
        for model, more in rows.items():
            self.rows[model] += more
