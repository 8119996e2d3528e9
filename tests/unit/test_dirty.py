"""What a change dirties: plan's pure functions, over every kind of change, no database.

Each test states a story (or a breaking item) before and after a change and the exact
output keys the change makes due. The example site's settings: sections filed in groups
(politics, sports and economy in "news", opinion in "articles"), weekly sitemap periods
(days 1-7, 8-14, 15-21, 22-end), one host, breaking items living 6 hours.
"""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from conftest import ROOT

from syndicate import config, plan
from syndicate.plan import BreakingState, VariantScopes, VariantState

SETTINGS = config.load(ROOT / "config" / "default.toml", env={})
NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
PUBLISHED = datetime(2026, 11, 20, 10, tzinfo=UTC)  # sitemap period 2026-11-15
LATER = datetime(2026, 11, 25, 9, tzinfo=UTC)  # an embargo; period 2026-11-22
BASE = "http://127.0.0.1:8000"


def variant(
    lang: str,
    *,
    section: str = "politics",
    regions: tuple[str, ...] = (),
    coverage: tuple[str, ...] = (),
    tags: tuple[str, ...] = (),
    authors: tuple[str, ...] = (),
    status: str = "published",
    published_at: datetime | None = PUBLISHED,
    slug: str = "story",
    version: str = "v1",
) -> VariantState:
    scopes = VariantScopes(lang, section, regions, coverage, tags, authors, published_at)
    return VariantState(scopes, status, f"{BASE}/{lang}/{section}/{slug}", version)


def story(*variants: VariantState) -> dict[str, VariantState]:
    return {v.scopes.lang: v for v in variants}


def edited(v: VariantState, **scopes: object) -> VariantState:
    """The variant rewritten: its scopes changed, its content hash new."""
    return replace(v, scopes=replace(v.scopes, **scopes), version=v.version + "+")


def _embargoed(v: VariantState) -> VariantState:
    """The variant rewritten as scheduled for LATER."""
    return replace(edited(v, published_at=LATER), status="scheduled")


def refiled(s: dict[str, VariantState], **scopes: object) -> dict[str, VariantState]:
    """Every variant under a new filing of the story (section, regions, coverage)."""
    return {lang: replace(v, scopes=replace(v.scopes, **scopes)) for lang, v in s.items()}


def dirties(before, after, *, announce=False, now=NOW) -> set[str]:
    return {str(k) for k in plan.story_dirties(SETTINGS, before, after, now, announce=announce)}


def filed(lang: str, section: str = "politics", group: str = "news", period="2026-11-15"):
    """The outputs a plain variant is in: its language's feed, its section's and group's,
    the news sitemap and its sitemap period."""
    return {
        f"feed:{lang}:all:",
        f"feed:{lang}:section:{section}",
        f"feed:{lang}:group:{group}",
        f"news:{lang}:recent:",
        f"sitemap:{lang}:period:{period}",
    }


def ping(lang: str, section: str = "politics", slug: str = "story") -> str:
    return f"ping:{lang}:url:{BASE}/{lang}/{section}/{slug}"


EN, AR = variant("en"), variant("ar")


# --- stories ---


def test_a_new_story_dirties_everything_its_variants_are_in():
    assert dirties({}, story(EN, AR)) == filed("en") | filed("ar")


def test_a_new_story_is_announced_only_when_the_store_announces():
    assert dirties({}, story(EN, AR), announce=True) == (
        filed("en") | filed("ar") | {ping("en"), ping("ar")}
    )
    assert not any(k.startswith("ping:") for k in dirties({}, story(EN, AR)))


def test_nothing_changed_dirties_nothing():
    assert dirties(story(EN, AR), story(EN, AR), announce=True) == set()


def test_a_headline_edit_dirties_its_outputs_and_the_sitemap_periods_of_its_translations():
    after = story(replace(EN, version="v2"), AR)
    assert dirties(story(EN, AR), after) == filed("en") | {"sitemap:ar:period:2026-11-15"}
    assert dirties(story(EN, AR), after, announce=True) == (
        filed("en") | {"sitemap:ar:period:2026-11-15", ping("en")}
    )


def test_a_translation_in_another_period_has_its_sitemap_period_dirtied_whatever_its_status():
    es = variant("es", status="retracted", published_at=datetime(2026, 10, 3, tzinfo=UTC))
    before = story(EN, es)
    after = story(replace(EN, version="v2"), es)
    assert dirties(before, after) == filed("en") | {"sitemap:es:period:2026-10-01"}


def test_a_section_move_dirties_the_old_and_new_section_of_every_variant():
    moved = {
        lang: replace(v, url=f"{BASE}/{lang}/sports/story")
        for lang, v in refiled(story(EN, AR), section="sports").items()
    }
    assert dirties(story(EN, AR), moved) == (
        filed("en") | filed("ar") | {"feed:en:section:sports", "feed:ar:section:sports"}
    )


def test_a_section_move_announces_the_old_and_new_urls():
    moved = {
        lang: replace(v, url=f"{BASE}/{lang}/opinion/story")
        for lang, v in refiled(story(EN, AR), section="opinion").items()
    }
    assert dirties(story(EN, AR), moved, announce=True) == (
        filed("en")
        | filed("ar")
        | filed("en", "opinion", "articles")
        | filed("ar", "opinion", "articles")
        | {ping("en"), ping("ar"), ping("en", "opinion"), ping("ar", "opinion")}
    )


def test_a_region_change_dirties_the_old_and_new_region_feeds_of_every_variant():
    before = story(variant("en", regions=("mena",)), variant("ar", regions=("mena",)))
    after = refiled(before, regions=("asia",))
    assert dirties(before, after) == (
        filed("en")
        | filed("ar")
        | {"feed:en:region:mena", "feed:en:region:asia"}
        | {"feed:ar:region:mena", "feed:ar:region:asia"}
    )


def test_a_coverage_change_dirties_the_coverage_feeds_of_every_variant():
    after = refiled(story(EN, AR), coverage=("gaza-war",))
    assert dirties(story(EN, AR), after) == (
        filed("en") | filed("ar") | {"feed:en:coverage:gaza-war", "feed:ar:coverage:gaza-war"}
    )


def test_a_tag_added_dirties_the_variants_tag_feeds_not_its_translations():
    before = story(variant("en", tags=("oil",)), AR)
    after = story(edited(before["en"], tags=("oil", "opec")), AR)
    assert dirties(before, after) == (
        filed("en") | {"feed:en:tag:oil", "feed:en:tag:opec", "sitemap:ar:period:2026-11-15"}
    )


def test_a_tag_removed_dirties_the_feed_it_leaves():
    before = story(variant("en", tags=("oil", "opec")), AR)
    after = story(edited(before["en"], tags=("oil",)), AR)
    assert dirties(before, after) == (
        filed("en") | {"feed:en:tag:oil", "feed:en:tag:opec", "sitemap:ar:period:2026-11-15"}
    )


def test_an_author_change_dirties_both_authors_feeds():
    before = story(variant("en", authors=("jane-roe",)))
    after = story(edited(before["en"], authors=("john-doe",)))
    assert dirties(before, after) == (
        filed("en") | {"feed:en:author:jane-roe", "feed:en:author:john-doe"}
    )


def test_a_translation_added_dirties_its_siblings_too():
    # the English entries now list an Arabic alternate
    assert dirties(story(EN), story(EN, AR)) == filed("en") | filed("ar")


def test_a_translation_retracted_leaves_its_outputs_and_relinks_its_siblings():
    after = story(EN, replace(AR, status="retracted", version=""))
    assert dirties(story(EN, AR), after, announce=True) == filed("en") | filed("ar") | {ping("ar")}


def test_a_translation_embargoed_dirties_its_old_and_new_period_and_is_not_announced_again():
    after = story(EN, _embargoed(AR))
    assert dirties(story(EN, AR), after, announce=True) == (
        filed("en") | filed("ar") | {"sitemap:ar:period:2026-11-22", ping("ar")}
    )


def test_a_story_written_under_embargo_is_filed_but_never_announced():
    embargoed = _embargoed(EN)
    assert dirties({}, story(embargoed), announce=True) == filed("en", period="2026-11-22")


def test_an_embargo_lifted_by_a_write_is_announced():
    before = story(EN, _embargoed(AR))
    after = story(EN, replace(AR, version="v3"))
    assert dirties(before, after, announce=True) == (
        filed("en") | filed("ar") | {"sitemap:ar:period:2026-11-22", ping("ar")}
    )


def test_a_slug_change_moves_the_url_relinks_the_siblings_and_announces_both_urls():
    before = story(EN, AR)
    after = story(replace(EN, url=f"{BASE}/en/politics/new-slug", version="v2"), AR)
    assert dirties(before, after, announce=True) == (
        filed("en") | filed("ar") | {ping("en"), ping("en", slug="new-slug")}
    )


def test_a_draft_published_enters_its_outputs():
    draft = variant("en", status="draft", published_at=None)
    assert dirties(story(draft), story(EN), announce=True) == filed("en") | {ping("en")}


def test_a_draft_edited_dirties_nothing():
    draft = variant("en", status="draft", published_at=None)
    assert dirties(story(draft), story(replace(draft, version="v2")), announce=True) == set()


def test_a_story_retracted_whole_leaves_every_output_it_was_in():
    after = {lang: replace(v, status="retracted", version="") for lang, v in story(EN, AR).items()}
    assert dirties(story(EN, AR), after) == filed("en") | filed("ar")
    assert dirties(story(EN, AR), after, announce=True) == (
        filed("en") | filed("ar") | {ping("en"), ping("ar")}
    )


# --- the clock ---


def due(variants, since, now, *, announce=False) -> set[str]:
    return {str(k) for k in plan.story_due(SETTINGS, variants, since, now, announce=announce)}


def test_an_embargo_lifted_by_the_clock_files_the_variant_and_relinks_its_translations():
    s = story(EN, _embargoed(AR))
    assert due(s, LATER - timedelta(hours=1), LATER, announce=True) == (
        filed("en") | filed("ar", period="2026-11-22") | {ping("ar")}
    )
    assert due(s, LATER - timedelta(hours=1), LATER) == (
        filed("en") | filed("ar", period="2026-11-22")
    )


def test_the_clock_dirties_nothing_before_an_embargo_lifts_or_for_a_draft():
    assert due(story(EN, _embargoed(AR)), NOW, NOW + timedelta(hours=1)) == set()
    draft = variant("en", status="draft", published_at=NOW)
    assert due(story(draft), NOW - timedelta(hours=1), NOW, announce=True) == set()


def test_a_clock_that_moved_back_finds_the_same():
    s = story(EN, _embargoed(AR))
    assert due(s, LATER, LATER - timedelta(hours=1)) == due(s, LATER - timedelta(hours=1), LATER)


def test_leaving_the_news_window_dirties_the_news_sitemap_and_its_hosts_index():
    assert {str(k) for k in plan.news_window_left(SETTINGS, "ar")} == {
        "news:ar:recent:",
        "index::host:",
    }


# --- breaking items ---

ITEM = BreakingState("en", "Ceasefire announced", PUBLISHED, None, None, False)


def breaking(before, after) -> set[str]:
    return {str(k) for k in plan.breaking_dirties(before, after)}


def test_a_breaking_item_added_dirties_its_ticker():
    assert breaking(None, ITEM) == {"feed:en:breaking:"}


def test_a_breaking_item_edited_dirties_its_ticker_and_sent_again_nothing():
    assert breaking(ITEM, replace(ITEM, text="Ceasefire holds")) == {"feed:en:breaking:"}
    assert breaking(ITEM, ITEM) == set()


def test_a_breaking_item_moved_to_another_language_dirties_both_tickers():
    assert breaking(ITEM, replace(ITEM, lang="ar")) == {"feed:en:breaking:", "feed:ar:breaking:"}


def test_a_breaking_item_withdrawn_dirties_its_ticker_once():
    withdrawn = replace(ITEM, withdrawn=True)
    assert breaking(ITEM, withdrawn) == {"feed:en:breaking:"}
    assert breaking(withdrawn, withdrawn) == set()


def breaking_due(item, since, now) -> set[str]:
    return {str(k) for k in plan.breaking_due(SETTINGS, item, since, now)}


def test_a_breaking_item_expiring_dirties_its_ticker():
    ends = PUBLISHED + timedelta(hours=1)
    item = replace(ITEM, expires_at=ends)
    assert breaking_due(item, ends - timedelta(minutes=1), ends) == {"feed:en:breaking:"}
    assert breaking_due(item, ends, ends + timedelta(hours=1)) == set()


def test_a_breaking_item_without_expiry_leaves_after_the_lifetime():
    ends = PUBLISHED + SETTINGS.breaking.lifetime
    assert breaking_due(ITEM, ends - timedelta(minutes=1), ends) == {"feed:en:breaking:"}
    assert breaking_due(ITEM, PUBLISHED, ends - timedelta(minutes=1)) == set()


def test_a_breaking_item_published_later_enters_its_ticker_when_the_clock_gets_there():
    later = replace(ITEM, published_at=LATER)
    assert breaking_due(later, LATER - timedelta(minutes=1), LATER) == {"feed:en:breaking:"}


def test_a_breaking_item_of_a_language_not_configured_dirties_nothing_by_the_clock():
    item = replace(ITEM, lang="fr")
    assert breaking_due(item, PUBLISHED - timedelta(minutes=1), PUBLISHED) == set()
