"""The content store, on SQLite and on PostgreSQL."""

from dataclasses import replace

from conftest import load, ts
from factories import breaking, story, variant
from sqlalchemy import func, select

from syndicate import plan
from syndicate.model import Author, Image, Outbox, Tag, Variant, VariantTag, Video


def outbox_keys(store):
    with store.session() as s:
        return {str(k) for k in store.outbox.pending(s)[1]}


def clear_outbox(store):
    with store.session() as s, s.begin():
        s.execute(Outbox.__table__.delete())


def test_story_with_everything_is_stored(store):
    load(
        store,
        [
            story(
                "st-1",
                regions=["mena", "africa"],
                coverage=["gaza-war"],
                variants={
                    "en": variant(
                        "Hello",
                        tags=["Morocco", "Rabat"],
                        authors=["Jane Roe"],
                        image={"url": "https://e.net/i.jpg", "caption": "cap"},
                        video={"url": "https://e.net/v.mp4", "duration_s": 10},
                    ),
                    "ar": variant(
                        "مرحبا", slug="مرحبا-بكم", tags=["المغرب"], authors=["الميادين نت"]
                    ),
                },
            )
        ],
    )
    with store.session() as s:
        rows = {v.lang: v for v in s.scalars(select(Variant))}
        assert (
            rows["ar"].url
            == "http://127.0.0.1:8000/ar/politics/%D9%85%D8%B1%D8%AD%D8%A8%D8%A7-%D8%A8%D9%83%D9%85"
        )
        assert rows["en"].published_at == ts("2026-11-20T10:00:00+00:00")
        assert rows["en"].published_at.tzinfo is not None
        tags = {(t.lang, t.slug, t.name) for t in s.scalars(select(Tag))}
        assert tags == {
            ("en", "morocco", "Morocco"),
            ("en", "rabat", "Rabat"),
            ("ar", "المغرب", "المغرب"),
        }
        assert {a.slug for a in s.scalars(select(Author))} == {"jane-roe", "الميادين-نت"}
        assert s.scalar(select(func.count()).select_from(Image)) == 1
        assert s.scalar(select(func.count()).select_from(Video)) == 1
    assert {
        "feed:en:all:",
        "feed:en:section:politics",
        "feed:en:group:news",
        "feed:en:region:mena",
        "feed:en:region:africa",
        "feed:en:coverage:gaza-war",
        "feed:en:tag:morocco",
        "feed:en:author:jane-roe",
        "feed:ar:tag:المغرب",
        "feed:ar:author:الميادين-نت",
    } <= outbox_keys(store)


def test_reimport_is_a_no_op(store):
    objs = [story("st-1", variants={"en": variant("A", tags=["x"])}), breaking("br-1")]
    assert load(store, objs) == [True, True]
    clear_outbox(store)
    assert load(store, objs) == [False, False]
    assert outbox_keys(store) == set()


def test_later_object_wins_and_untouched_variants_stay(store):
    load(
        store,
        [
            story(
                "st-1",
                variants={"en": variant("First", tags=["old"]), "ar": variant("عربي", slug="عربي")},
            )
        ],
    )
    load(
        store, [story("st-1", section="economy", variants={"en": variant("Second", tags=["new"])})]
    )
    with store.session() as s:
        rows = {v.lang: v for v in s.scalars(select(Variant))}
        assert rows["en"].title == "Second"
        assert rows["ar"].title == "عربي"  # a story object upserts its variants by language
        # FORMAT.md: the URL is built from the section and the slug, so it follows the move
        assert rows["ar"].url.startswith("http://127.0.0.1:8000/ar/economy/")
        tag_ids = set(s.scalars(select(VariantTag.tag_id)))
        assert {s.get(Tag, i).slug for i in tag_ids} == {"new"}


def test_a_move_dirties_old_and_new_feeds_and_translations(store):
    load(
        store,
        [
            story(
                "st-1",
                regions=["europe"],
                variants={"en": variant("A", tags=["old"]), "es": variant("B", slug="b")},
            )
        ],
    )
    clear_outbox(store)
    load(
        store,
        [
            story(
                "st-1",
                section="sports",
                regions=["asia"],
                variants={"en": variant("A", tags=["old"]), "es": variant("B", slug="b")},
            )
        ],
    )
    keys = outbox_keys(store)
    for k in (
        "feed:en:section:politics",
        "feed:en:section:sports",
        "feed:en:region:europe",
        "feed:en:region:asia",
        "feed:es:section:politics",
        "feed:es:section:sports",
    ):
        assert k in keys


def test_a_move_to_another_section_moves_every_article_url(store):
    # IndexNow on: the moved URLs are to be announced
    notify = replace(store.settings.notify, indexnow_endpoint="http://127.0.0.1:9/indexnow")
    store.settings = replace(store.settings, notify=notify)
    variants = {
        "en": variant("A", slug="a"),
        "es": variant("B", slug="b"),
        "ar": variant("C", slug="c", url="https://elsewhere.example/c"),  # its own URL stays
    }
    load(store, [story("st-1", variants=variants)])
    # the CMS moves the story and edits the English title only
    moved = dict(variants, en=variant("A2", slug="a"))
    load(store, [story("st-1", section="sports", variants=moved)])
    with store.session() as s:
        urls = dict(s.execute(select(Variant.lang, Variant.url)).all())
    assert urls["en"].endswith("/en/sports/a") and urls["es"].endswith("/es/sports/b")
    assert urls["ar"] == "https://elsewhere.example/c"
    # and readers are told: the old URLs leave the sitemaps, translations relink
    keys = outbox_keys(store)
    assert any(k.startswith("ping:es:") and k.endswith("/es/politics/b") for k in keys)
    assert any(k.startswith("ping:es:") and k.endswith("/es/sports/b") for k in keys)


def test_a_new_translation_dirties_its_siblings(store):
    load(store, [story("st-1", variants={"en": variant("A", tags=["t"])})])
    clear_outbox(store)
    load(
        store,
        [story("st-1", variants={"en": variant("A", tags=["t"]), "ar": variant("ب", slug="ب")})],
    )
    keys = outbox_keys(store)
    assert "feed:ar:all:" in keys
    assert "feed:en:tag:t" in keys  # the English entry now lists an Arabic alternate


def test_an_edit_of_the_body_does_not_dirty_siblings(store):
    load(
        store,
        [
            story(
                "st-1",
                variants={"en": variant("A", tags=["t"]), "ar": variant("ب", slug="ب", tags=["ت"])},
            )
        ],
    )
    clear_outbox(store)
    load(
        store,
        [
            story(
                "st-1",
                variants={
                    "en": variant("A", tags=["t"], body_html="<p>new</p>"),
                    "ar": variant("ب", slug="ب", tags=["ت"]),
                },
            )
        ],
    )
    keys = outbox_keys(store)
    assert "feed:en:tag:t" in keys and "feed:ar:tag:ت" not in keys


def test_drafts_dirty_nothing(store):
    load(store, [story("st-1", variants={"en": {"title": "D", "slug": "d", "status": "draft"}})])
    assert outbox_keys(store) == set()


def test_breaking_item_dirties_its_language(store):
    load(store, [breaking("br-1", lang="ar", text="عاجل")])
    assert outbox_keys(store) == {"feed:ar:breaking:"}


def test_feed_refs_are_newest_first_and_live_only(store):
    load(
        store,
        [
            story("st-old", variants={"en": variant("Old", published_at="2026-11-01T00:00:00Z")}),
            story("st-new", variants={"en": variant("New", published_at="2026-11-19T00:00:00Z")}),
            story(
                "st-future",
                variants={
                    "en": variant("F", status="scheduled", published_at="2026-12-01T00:00:00Z")
                },
            ),
            story("st-gone", variants={"en": variant("G", status="retracted")}),
            story("st-draft", variants={"en": {"title": "D", "slug": "d", "status": "draft"}}),
        ],
    )
    with store.session() as s:
        refs = store.feeds.refs(s, plan.feed("en", "all"), ts("2026-11-20T00:00:00Z"), 50)
        assert [r[0] for r in refs] == ["st-new", "st-old"]
        refs = store.feeds.refs(s, plan.feed("en", "all"), ts("2026-12-02T00:00:00Z"), 1)
        assert [r[0] for r in refs] == ["st-future"]


def test_time_driven_changes_are_found(store):
    load(
        store,
        [
            story(
                "st-emb",
                regions=["asia"],
                variants={
                    "en": variant("E", status="scheduled", published_at="2026-11-21T00:00:00Z"),
                    "es": variant("S", slug="s", published_at="2026-11-19T00:00:00Z"),
                },
            ),
            breaking(
                "br-1", published_at="2026-11-20T10:00:00Z", expires_at="2026-11-20T11:00:00Z"
            ),
            breaking("br-2", lang="ar", published_at="2026-11-20T01:00:00Z"),  # 6h lifetime: 07:00
        ],
    )
    with store.session() as s:
        keys = {
            str(k)
            for k in store.outbox.due_by_time(
                s, ts("2026-11-20T12:00:00Z"), ts("2026-11-21T00:00:00Z")
            )
        }
        assert {"feed:en:all:", "feed:en:region:asia", "feed:es:all:"} <= keys
        assert "feed:en:breaking:" not in keys
        keys = {
            str(k)
            for k in store.outbox.due_by_time(
                s, ts("2026-11-20T06:00:00Z"), ts("2026-11-20T11:30:00Z")
            )
        }
        assert keys == {"feed:en:breaking:", "feed:ar:breaking:"}


def test_rejected_database_write_loses_nothing_stored_before(store):
    load(store, [story("st-1", variants={"en": variant("Kept")})])
    with store.session() as s:
        s.begin()
        try:
            with s.begin_nested():
                s.add(Variant(story_id="st-1", lang="en"))  # a duplicate key, missing columns
                s.flush()
        except Exception:
            pass
        s.commit()
    with store.session() as s:
        assert s.scalar(select(Variant.title)) == "Kept"


def test_a_batch_stores_what_one_by_one_stores(store, tmp_path):
    """`apply_many` (new stories written together) against `apply`, record by record: the
    same rows, the same dirty outputs, the same published bytes; updates and a repeated id
    inside a batch included."""
    import json
    from dataclasses import replace
    from datetime import UTC, datetime

    from conftest import publish, ts

    from bench.corpus import generate
    from syndicate.ingest import parse_object
    from syndicate.store import Store

    objs = list(generate(60, seed=3, end=datetime(2026, 11, 20, tzinfo=UTC)))
    objs.append(dict(objs[0], section="sports"))  # the same story again, moved, in the batch
    now = ts("2026-11-20T12:00:00+00:00")
    records = [parse_object(json.loads(json.dumps(o)), store.settings) for o in objs]
    with store.session() as s, s.begin():
        batched = store.writes.apply_many(s, records[:30], now)
        batched += store.writes.apply_many(s, records[30:], now)
    other = Store(
        replace(
            store.settings,
            database_url=f"sqlite:///{tmp_path}/one.db",
            output_dir=tmp_path / "one",
        )
    )
    other.prepare()
    with other.session() as s, s.begin():
        single = [other.writes.apply(s, r, now) for r in records]
    assert batched == single

    def dump(st):
        with st.session() as s:
            variants = sorted(
                tuple(str(x) for x in row)
                for row in s.execute(
                    select(
                        Variant.story_id,
                        Variant.lang,
                        Variant.url,
                        Variant.status,
                        Variant.content_hash,
                        Variant.published_at,
                    )
                )
            )
            tags = sorted(
                s.execute(
                    select(
                        VariantTag.story_id,
                        VariantTag.lang,
                        Tag.slug,
                        Tag.name,
                        VariantTag.position,
                    ).join(Tag, Tag.id == VariantTag.tag_id)
                ).all()
            )
            images = sorted(s.execute(select(Image.story_id, Image.lang, Image.url)).all())
            videos = sorted(s.execute(select(Video.story_id, Video.lang, Video.url)).all())
            keys = set(s.scalars(select(Outbox.key)))
        return variants, tags, images, videos, keys

    assert dump(store) == dump(other)
    publish(store, "2026-11-20T12:00:00+00:00", full=True)
    publish(other, "2026-11-20T12:00:00+00:00", full=True)
    a, b = store.settings.output_dir, other.settings.output_dir
    files_a = {
        p.relative_to(a): p.read_bytes()
        for p in a.rglob("*")
        if p.is_file() and p.name != "manifest.json"
    }
    files_b = {
        p.relative_to(b): p.read_bytes()
        for p in b.rglob("*")
        if p.is_file() and p.name != "manifest.json"
    }
    assert files_a.keys() == files_b.keys() and files_a == files_b
    other.engine.dispose()
