"""SQLAlchemy 2 models: the content store, the outbox and the publish manifest.

Timestamps are stored as naive UTC (:class:`UTCDateTime`) and come back
aware, so SQLite (which has no time zones) and PostgreSQL behave the same.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out; stored as naive UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# --- taxonomy (synced from configuration; labels stay in configuration) ---


class SectionGroup(Base):
    __tablename__ = "section_group"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)


class Section(Base):
    __tablename__ = "section"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    group_key: Mapped[str | None] = mapped_column(ForeignKey("section_group.key"))


class Region(Base):
    __tablename__ = "region"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)


class Coverage(Base):
    """A coverage topic: a running story that collects stories across sections."""

    __tablename__ = "coverage"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)


# --- stories ---


class Story(Base):
    __tablename__ = "story"
    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    section_key: Mapped[str] = mapped_column(ForeignKey("section.key"), index=True)
    # sha256 of the story-level fields as last written: re-importing is a no-op
    content_hash: Mapped[str] = mapped_column(String(64))
    modified_at: Mapped[datetime] = mapped_column(UTCDateTime)


class StoryRegion(Base):
    __tablename__ = "story_region"
    story_id: Mapped[str] = mapped_column(
        ForeignKey("story.id", ondelete="CASCADE"), primary_key=True
    )
    region_key: Mapped[str] = mapped_column(ForeignKey("region.key"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer)


class StoryCoverage(Base):
    __tablename__ = "story_coverage"
    story_id: Mapped[str] = mapped_column(
        ForeignKey("story.id", ondelete="CASCADE"), primary_key=True
    )
    coverage_key: Mapped[str] = mapped_column(
        ForeignKey("coverage.key"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer)


class Variant(Base):
    """One language version of a story."""

    __tablename__ = "variant"
    story_id: Mapped[str] = mapped_column(
        ForeignKey("story.id", ondelete="CASCADE"), primary_key=True
    )
    lang: Mapped[str] = mapped_column(String(35), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    slug: Mapped[str] = mapped_column(String(512))
    summary: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)  # sanitized at write time
    source: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    url: Mapped[str] = mapped_column(Text)  # canonical, computed once at write time
    url_override: Mapped[bool] = mapped_column(Boolean, default=False)
    content_hash: Mapped[str] = mapped_column(String(64))
    modified_at: Mapped[datetime] = mapped_column(UTCDateTime)

    # newest first, as feeds read it: the story_id tie-break too, so a LIMIT stops early
    __table_args__ = (Index("ix_variant_lang_published", "lang", "published_at", "story_id"),)


class Tag(Base):
    """A tag as written in one language; its slug names its feed."""

    __tablename__ = "tag"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    lang: Mapped[str] = mapped_column(String(35))
    slug: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(Text)
    __table_args__ = (UniqueConstraint("lang", "slug", name="uq_tag_lang_slug"),)


class Author(Base):
    __tablename__ = "author"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    slug: Mapped[str] = mapped_column(String(128), unique=True)
    name: Mapped[str] = mapped_column(Text)


class VariantTag(Base):
    __tablename__ = "variant_tag"
    story_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    lang: Mapped[str] = mapped_column(String(35), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tag.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer)
    __table_args__ = (
        ForeignKeyConstraint(
            ["story_id", "lang"], ["variant.story_id", "variant.lang"], ondelete="CASCADE"
        ),
    )


class VariantAuthor(Base):
    __tablename__ = "variant_author"
    story_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    lang: Mapped[str] = mapped_column(String(35), primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("author.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer)
    __table_args__ = (
        ForeignKeyConstraint(
            ["story_id", "lang"], ["variant.story_id", "variant.lang"], ondelete="CASCADE"
        ),
    )


class Image(Base):
    __tablename__ = "image"
    story_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    lang: Mapped[str] = mapped_column(String(35), primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    caption: Mapped[str | None] = mapped_column(Text)
    credit: Mapped[str | None] = mapped_column(Text)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    mime: Mapped[str | None] = mapped_column(String(100))
    __table_args__ = (
        ForeignKeyConstraint(
            ["story_id", "lang"], ["variant.story_id", "variant.lang"], ondelete="CASCADE"
        ),
    )


class Video(Base):
    __tablename__ = "video"
    story_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    lang: Mapped[str] = mapped_column(String(35), primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    thumbnail_url: Mapped[str | None] = mapped_column(Text)
    duration_s: Mapped[int | None] = mapped_column(Integer)
    mime: Mapped[str | None] = mapped_column(String(100))
    __table_args__ = (
        ForeignKeyConstraint(
            ["story_id", "lang"], ["variant.story_id", "variant.lang"], ondelete="CASCADE"
        ),
    )


class BreakingItem(Base):
    __tablename__ = "breaking_item"
    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    lang: Mapped[str] = mapped_column(String(35), index=True)
    text: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    story_id: Mapped[str | None] = mapped_column(String(128))  # may name a story not yet here
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    content_hash: Mapped[str] = mapped_column(String(64))
    modified_at: Mapped[datetime] = mapped_column(UTCDateTime)


# --- publishing ---


class Outbox(Base):
    """Output keys made dirty by a write, recorded in the write's transaction."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # an output key, or a ping key holding an article URL (long when non-ASCII is encoded)
    key: Mapped[str] = mapped_column(Text, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Output(Base):
    """The publish manifest: one row per file written."""

    __tablename__ = "output"
    path: Mapped[str] = mapped_column(String(1024), primary_key=True)  # relative, POSIX
    key: Mapped[str] = mapped_column(String(300), index=True)
    url: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    last_modified: Mapped[datetime] = mapped_column(UTCDateTime)  # when its bytes last changed
    items: Mapped[int] = mapped_column(Integer, default=0)
    # when its content last changed: a sitemap index's <lastmod> for it
    content_updated: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # when the render that wrote it read the store: an older render never replaces it
    generation: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PublishMark(Base):
    """When the last publish ran, by its clock: time-driven changes since then are due."""

    __tablename__ = "publish_mark"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class ApiKey(Base):
    """A key for the ingest API, stored as a hash; optionally limited to some languages."""

    __tablename__ = "api_key"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(16), index=True)  # shown in lists, never secret
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the whole key
    langs: Mapped[str | None] = mapped_column(String(500))  # comma-separated; None = all
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class PublishLog(Base):
    """One row per publish: what the status page and /metrics report (the latest are kept)."""

    __tablename__ = "publish_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)  # wall clock when it ended
    full: Mapped[bool] = mapped_column(Boolean, default=False)
    keys: Mapped[int] = mapped_column(Integer, default=0)
    written: Mapped[int] = mapped_column(Integer, default=0)
    removed: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    # oldest outbox row it settled: how long a change waited to be published
    latency: Mapped[float | None] = mapped_column(Float)


class Gone(Base):
    """An output that was published and then removed: served as 410 Gone, not 404."""

    __tablename__ = "gone"
    path: Mapped[str] = mapped_column(String(1024), primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    removed_at: Mapped[datetime] = mapped_column(UTCDateTime)
