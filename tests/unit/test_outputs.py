"""The registry of outputs (syndicate/outputs.py) is complete and says what the code did."""

import pytest
from sample_site import NOW, objects

from syndicate import manifest, outputs, plan
from syndicate.config import HttpSettings
from syndicate.outputs import FORMATS, OUTPUTS, Kind, Scope
from syndicate.publish.kinds import RENDERERS


def test_every_kind_of_file_has_its_renderer():
    assert set(RENDERERS) == {k for k, o in OUTPUTS.items() if o.caching is not None}
    for out in OUTPUTS.values():
        assert set(out.formats) <= set(FORMATS), out.kind
        if out.listed_in is not None:
            assert OUTPUTS[out.listed_in].lists_outputs, out.kind


def test_keys_parse_to_enums_and_print_as_before():
    key = plan.OutputKey.parse("feed:ar:tag:المغرب")
    assert key.kind is Kind.FEED and key.scope is Scope.TAG
    assert str(key) == "feed:ar:tag:المغرب" == str(plan.feed("ar", Scope.TAG, "المغرب"))
    assert key == plan.feed("ar", "tag", "المغرب")  # type: ignore[arg-type]
    for bad in ("feed:en:period:x", "nothing:en:all:", "sitemap:en:all:2026-11-01"):
        with pytest.raises(ValueError, match="not an output key"):
            plan.OutputKey.parse(bad)


def test_cache_control_by_class():
    http = HttpSettings()
    expected = {
        plan.feed("en", Scope.ALL): "public, max-age=60",
        plan.feed("en", Scope.BREAKING): "public, max-age=15",
        plan.sitemap("en", "2026-11-01"): "public, max-age=900",
        plan.news("en"): "public, max-age=120",
        plan.index(""): "public, max-age=300",
        plan.robots(""): "public, max-age=60",
        plan.directory("en"): "public, max-age=60",
    }
    for key, header in expected.items():
        assert outputs.cache_control(http, key.kind, key.scope) == header, key
        assert manifest.cache_control(http, {"key": str(key)}) == header, key
    assert manifest.cache_control(http, {"path": "manifest.json"}) == "public, max-age=60"
    pages = HttpSettings(cache_control={**http.cache_control, "page": "no-cache"})
    assert outputs.cache_control(pages, Kind.STYLESHEET, Scope.FEEDS) == "no-cache"
    assert set(outputs.CACHE_CLASSES) == {*http.cache_control, "feed", "page"}


def test_content_types_for_the_http_side():
    assert outputs.is_browser_page("application/atom+xml; charset=utf-8")
    assert not outputs.is_browser_page("application/feed+json; charset=utf-8")
    assert outputs.is_feed("application/feed+json; charset=utf-8")
    assert not outputs.is_feed("application/xml; charset=utf-8")
    assert outputs.is_compressible("text/x-opml; charset=utf-8")
    assert outputs.is_compressible(manifest.MEDIA_TYPE)
    assert not outputs.is_compressible("application/gzip")


def test_the_manifest_reads_back_what_a_publish_wrote(sqlite_store):
    from conftest import load, publish

    load(sqlite_store, objects(), NOW)
    publish(sqlite_store, NOW, full=True)
    changes = []
    reader = manifest.Reader(sqlite_store.settings.output_dir, lambda: changes.append(1))
    entry = reader.entry("en/feeds/all.rss")
    assert entry is not None and entry["content_type"] == FORMATS["rss"].content_type
    assert entry["etag"] == manifest.etag(entry["sha256"])
    assert reader.current.stylesheets["en"] == "en/feeds/feed.xsl"
    assert reader.entry("en/feeds/nothing.rss") is None and changes == [1]
