"""The vocabulary stories are filed under: the configured taxonomy's rows, and tags and
authors with their slugs and ids (made on first use, cached for the store's life)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import and_, insert, select
from sqlalchemy.orm import Session

from syndicate import clean
from syndicate.config import Settings
from syndicate.model import Author, Region, Section, SectionGroup, Tag, VariantAuthor, VariantTag
from syndicate.store.coordination import Coordination
from syndicate.store.engine import chunks


@lru_cache(maxsize=65536)
def tag_slug(name: str) -> str:
    """A tag's slug; names with no letters or digits get a stable hashed one."""
    return clean.slugify(name) or "tag-" + hashlib.sha256(name.encode()).hexdigest()[:10]


@lru_cache(maxsize=65536)
def author_slug(name: str) -> str:
    return clean.slugify(name) or "author-" + hashlib.sha256(name.encode()).hexdigest()[:10]


def linked(
    story_id: str,
    lang: str,
    names: Sequence[str],
    slug_of: Callable[[str], str],
    id_of: Callable[[str, str], int],
    column: str,
) -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    """A variant's tags or authors: their slugs in order, each once, and the link rows."""
    rows: dict[int, dict[str, Any]] = {}
    slugs: list[str] = []
    for name in names:
        slug = slug_of(name)
        term_id = id_of(slug, name)
        if term_id not in rows:
            rows[term_id] = {
                "story_id": story_id,
                "lang": lang,
                column: term_id,
                "position": len(rows),
            }
            slugs.append(slug)
    return tuple(slugs), list(rows.values())


class Terms:
    """Tag and author ids by (kind, lang, slug); a tag is one per language, an author is
    shared by all ("" for its language)."""

    def __init__(self, settings: Settings, coordination: Coordination) -> None:
        self.settings = settings
        self.coordination = coordination
        self.ids: dict[tuple[str, str, str], int] = {}

    def forget(self) -> None:
        """Drop the cached ids (after a rollback, they may name rows that never landed)."""
        self.ids.clear()

    def sync_taxonomy(self, session: Session) -> None:
        """Make sure every configured section, group and region has its row."""
        tax = self.settings.taxonomy
        ins = self.coordination.insert
        if tax.groups:
            session.execute(
                ins(SectionGroup).on_conflict_do_nothing(), [{"key": k} for k in tax.groups]
            )
        if tax.regions:
            session.execute(ins(Region).on_conflict_do_nothing(), [{"key": k} for k in tax.regions])
        existing = {k: g for k, g in session.execute(select(Section.key, Section.group_key))}
        for key, term in tax.sections.items():
            if key not in existing:
                session.add(Section(key=key, group_key=term.group))
            elif existing[key] != term.group:
                session.get(Section, key).group_key = term.group  # type: ignore[union-attr]

    def ids_for(
        self, session: Session, kind: str, names: dict[tuple[str, str], str]
    ) -> dict[tuple[str, str], int]:
        """Ids of tags ((lang, slug) -> name) or authors (("", slug) -> name), made if new:
        the new ones created together, then every id read back in one query a chunk."""
        out: dict[tuple[str, str], int] = {}
        missing = []
        for (lang, slug), name in names.items():
            cached = self.ids.get((kind, lang, slug))
            if cached is None:
                missing.append((lang, slug, name))
            else:
                out[(lang, slug)] = cached
        if not missing:
            return out
        if kind == "tag":
            out |= self._new_tags(session, missing)
        else:
            out |= self._new_authors(session, missing)
        for lang, slug, _ in missing:
            self.ids[(kind, lang, slug)] = out[(lang, slug)]
        return out

    def _new_tags(
        self, session: Session, missing: list[tuple[str, str, str]]
    ) -> dict[tuple[str, str], int]:
        session.execute(
            self.coordination.insert(Tag).on_conflict_do_nothing(index_elements=["lang", "slug"]),
            [{"lang": lang, "slug": slug, "name": name} for lang, slug, name in missing],
        )
        wanted = {(lang, slug) for lang, slug, _ in missing}
        out: dict[tuple[str, str], int] = {}
        for chunk in chunks(sorted({slug for _, slug in wanted}), 500):
            for term_id, lang, slug in session.execute(
                select(Tag.id, Tag.lang, Tag.slug).where(Tag.slug.in_(chunk))
            ):
                if (lang, slug) in wanted:
                    out[(lang, slug)] = term_id
        return out

    def _new_authors(
        self, session: Session, missing: list[tuple[str, str, str]]
    ) -> dict[tuple[str, str], int]:
        session.execute(
            self.coordination.insert(Author).on_conflict_do_nothing(index_elements=["slug"]),
            [{"slug": slug, "name": name} for _, slug, name in missing],
        )
        out: dict[tuple[str, str], int] = {}
        for chunk in chunks(sorted({slug for _, slug, _ in missing}), 500):
            for term_id, slug in session.execute(
                select(Author.id, Author.slug).where(Author.slug.in_(chunk))
            ):
                out[("", slug)] = term_id
        return out

    def link(
        self, session: Session, story_id: str, lang: str, names: Sequence[str], kind: str
    ) -> tuple[str, ...]:
        """Link a variant to its tags or authors, in order, each once; return their slugs."""
        model, column, slug_of = (
            (VariantTag, "tag_id", tag_slug)
            if kind == "tag"
            else (VariantAuthor, "author_id", author_slug)
        )
        slugs, rows = linked(
            story_id,
            lang,
            names,
            slug_of,
            lambda slug, name: self.id_of(session, kind, lang, slug, name),
            column,
        )
        if rows:
            session.execute(insert(model), rows)
        return slugs

    def id_of(self, session: Session, kind: str, lang: str, slug: str, name: str) -> int:
        """The id of a tag (one per language) or an author (shared), made on first use."""
        if kind == "tag":
            model: type[Tag] | type[Author] = Tag
            match = and_(Tag.lang == lang, Tag.slug == slug)
            values, conflict = {"lang": lang, "slug": slug, "name": name}, ["lang", "slug"]
            cache_key = (kind, lang, slug)
        else:
            model = Author
            match = Author.slug == slug
            values, conflict = {"slug": slug, "name": name}, ["slug"]
            cache_key = (kind, "", slug)
        cached = self.ids.get(cache_key)
        if cached is not None:
            return cached
        query = select(model.id).where(match)
        term_id = session.scalar(query)
        if term_id is None:
            session.execute(
                self.coordination.insert(model)
                .values(**values)
                .on_conflict_do_nothing(index_elements=conflict)
            )
            term_id = session.scalar(query)
        assert term_id is not None
        self.ids[cache_key] = term_id
        return term_id
