"""Writes: stories and breaking items upserted by id (a story's variants by language), and
the API's retractions and withdrawals. Each write records what it dirties, plan's answer
to the before and after of what it wrote, in the outbox, in its own transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, replace
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from syndicate import plan
from syndicate.config import Settings
from syndicate.ingest import BreakingIn, Record, StoryIn, VariantIn
from syndicate.model import BreakingItem, Coverage, Story, StoryCoverage, StoryRegion, Variant
from syndicate.plan import OutputKey, VariantState
from syndicate.store import records
from syndicate.store.batch import NewStories
from syndicate.store.coordination import Coordination
from syndicate.store.engine import chunks
from syndicate.store.outbox import Outbox
from syndicate.store.states import announces, breaking_state, variant_states
from syndicate.store.terms import Terms


class Writes:
    def __init__(
        self, settings: Settings, coordination: Coordination, terms: Terms, outbox: Outbox
    ) -> None:
        self.settings = settings
        self.coordination = coordination
        self.terms = terms
        self.outbox = outbox

    def forget_caches(self) -> None:
        """Drop id caches (after a rollback, cached ids may name rows that never landed)."""
        self.terms.forget()

    def apply(self, session: Session, record: Record, now: datetime) -> bool:
        """Apply one record inside the caller's transaction; True when it changed anything."""
        if isinstance(record, StoryIn):
            keys = self._upsert_story(session, record, now)
        else:
            keys = self._upsert_breaking(session, record, now)
        if keys is None:
            return False
        self.outbox.mark_dirty(session, keys, now)
        return True

    def apply_many(self, session: Session, records: Sequence[Record], now: datetime) -> list[bool]:
        """Apply records in order inside the caller's transaction; whether each changed.

        New stories (the bulk of an import) are written together: one multi-row
        INSERT per table for the whole batch and one outbox row per distinct key,
        instead of a dozen statements per story. Stories already stored, breaking
        items and a batch naming one story twice take `apply`, one by one.
        """
        ids = [r.id for r in records if isinstance(r, StoryIn)]
        if len(set(ids)) != len(ids):
            return [self.apply(session, r, now) for r in records]
        existing: set[str] = set()
        for chunk in chunks(ids, 500):
            existing.update(session.scalars(select(Story.id).where(Story.id.in_(chunk))))
        fresh = [r for r in records if isinstance(r, StoryIn) and r.id not in existing]
        keys = NewStories(self.settings, self.terms, now).insert(session, self.coordination, fresh)
        fresh_ids = {r.id for r in fresh}
        out = [
            True if r.id in fresh_ids and isinstance(r, StoryIn) else self.apply(session, r, now)
            for r in records
        ]
        self.outbox.mark_dirty(session, keys, now)
        return out

    # -- stories --

    def _upsert_story(self, session: Session, rec: StoryIn, now: datetime) -> set[OutputKey] | None:
        """Write a story object (its filing and the variants it carries); None when it is
        what is stored already."""
        story_hash = records.story_hash(rec)
        story = session.get(Story, rec.id)
        versions = {v.lang: records.variant_hash(v) for v in rec.variants}
        stored: dict[str, str] = {}
        if story is not None:
            stored = dict(
                session.execute(
                    select(Variant.lang, Variant.content_hash).where(Variant.story_id == rec.id)
                ).all()
            )
        refiled = story is None or story.content_hash != story_hash
        changed = [v for v in rec.variants if stored.get(v.lang) != versions[v.lang]]
        if not refiled and not changed:
            return None
        before = variant_states(session, rec.id) if story is not None else {}
        moved = story is not None and story.section_key != rec.section
        if refiled:
            self._write_story(session, rec, story, story_hash, now)
        after = {  # variants this object does not carry keep theirs, under the new filing
            lang: replace(
                state,
                scopes=replace(
                    state.scopes, section=rec.section, regions=rec.regions, coverage=rec.coverage
                ),
            )
            for lang, state in before.items()
        }
        for v in changed:
            after[v.lang] = self._write_variant(
                session, rec, v, versions[v.lang], now, exists=v.lang in stored
            )
        if moved:
            self._follow_move(session, rec, {v.lang for v in changed}, after, now)
        return plan.story_dirties(
            self.settings, before, after, now, announce=announces(self.settings)
        )

    def _write_story(
        self, session: Session, rec: StoryIn, story: Story | None, story_hash: str, now: datetime
    ) -> None:
        """The story row and its filing: section, regions and coverage, in order."""
        if story is None:
            session.add(
                Story(id=rec.id, section_key=rec.section, content_hash=story_hash, modified_at=now)
            )
            session.flush()
        else:
            story.section_key = rec.section
            story.content_hash = story_hash
            story.modified_at = now
            session.execute(delete(StoryRegion).where(StoryRegion.story_id == rec.id))
            session.execute(delete(StoryCoverage).where(StoryCoverage.story_id == rec.id))
        if rec.coverage:
            session.execute(
                self.coordination.insert(Coverage).on_conflict_do_nothing(),
                [{"key": c} for c in rec.coverage],
            )
        _insert_rows(session, records.filing_rows(rec))

    def _write_variant(
        self,
        session: Session,
        rec: StoryIn,
        v: VariantIn,
        version: str,
        now: datetime,
        *,
        exists: bool,
    ) -> VariantState:
        url = records.variant_url(self.settings, rec.section, v)
        values = records.variant_values(v, url, version, now)
        if exists:
            for model in records.VARIANT_PARTS:
                session.execute(delete(model).where(model.story_id == rec.id, model.lang == v.lang))
            session.execute(
                update(Variant)
                .where(Variant.story_id == rec.id, Variant.lang == v.lang)
                .values(**values)
            )
        else:
            session.execute(insert(Variant), [{"story_id": rec.id, "lang": v.lang, **values}])
        tags = self.terms.link(session, rec.id, v.lang, v.tags, "tag")
        authors = self.terms.link(session, rec.id, v.lang, v.authors, "author")
        _insert_rows(session, records.media_rows(rec.id, v))
        return records.variant_state(rec, v, url, version, tags, authors)

    def _follow_move(
        self,
        session: Session,
        rec: StoryIn,
        rewritten: set[str],
        after: dict[str, VariantState],
        now: datetime,
    ) -> None:
        """The section is in the article URL: the variants not rewritten move too (but for
        those with a URL of their own)."""
        for row in session.scalars(select(Variant).where(Variant.story_id == rec.id)):
            if row.lang in rewritten or row.url_override or row.lang not in after:
                continue
            url = plan.article_url(self.settings, row.lang, rec.section, row.slug)
            if url != row.url:
                row.url = url
                row.modified_at = now
                after[row.lang] = replace(after[row.lang], url=url)

    def story_count(self, session: Session) -> int:
        """How many stories the store holds (none: a first run, which imports the sample)."""
        return session.scalar(select(func.count()).select_from(Story)) or 0

    def retract_story(self, session: Session, story_id: str, now: datetime) -> bool | None:
        """Retract every variant of a story: it leaves every output at the next publish.

        None when there is no such story. The content hashes are cleared, so
        sending the story again restores it.
        """
        before = variant_states(session, story_id)
        if not before:
            return None
        if all(state.status == "retracted" for state in before.values()):
            return False  # already: a retried DELETE changes nothing
        after = {
            lang: replace(state, status="retracted", version="") for lang, state in before.items()
        }
        session.execute(
            update(Variant)
            .where(Variant.story_id == story_id)
            .values(status="retracted", content_hash="", modified_at=now)
        )
        keys = plan.story_dirties(
            self.settings, before, after, now, announce=announces(self.settings)
        )
        self.outbox.mark_dirty(session, keys, now)
        return True

    # -- breaking items --

    def _upsert_breaking(
        self, session: Session, rec: BreakingIn, now: datetime
    ) -> set[OutputKey] | None:
        version = records.content_hash(asdict(rec))
        row = session.get(BreakingItem, rec.id)
        if row is not None and row.content_hash == version:
            return None
        before = None if row is None else breaking_state(row)
        if row is None:
            row = BreakingItem(id=rec.id)
            session.add(row)
        row.lang = rec.lang
        row.text = rec.text
        row.published_at = rec.published_at
        row.expires_at = rec.expires_at
        row.story_id = rec.story_id
        row.withdrawn = rec.withdrawn
        row.content_hash = version
        row.modified_at = now
        return plan.breaking_dirties(before, breaking_state(row))

    def breaking_lang(self, session: Session, item_id: str) -> str | None:
        """A breaking item's language (whether a key may withdraw it), or None: no such item."""
        row = session.get(BreakingItem, item_id)
        return None if row is None else row.lang

    def withdraw_breaking(self, session: Session, item_id: str, now: datetime) -> bool | None:
        """Withdraw a breaking item: it leaves the ticker. None when there is no such item;
        False when it was withdrawn already. Its content hash is cleared, so sending it
        again restores it."""
        row = session.get(BreakingItem, item_id)
        if row is None:
            return None
        before = breaking_state(row)
        row.withdrawn = True
        row.content_hash = ""
        row.modified_at = now
        self.outbox.mark_dirty(session, plan.breaking_dirties(before, breaking_state(row)), now)
        return not before.withdrawn


def _insert_rows(session: Session, rows: records.Rows) -> None:
    for model, batch in rows.items():
        if batch:
            session.execute(insert(model), batch)
