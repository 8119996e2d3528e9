"""Which function renders each kind of output: the publisher's side of the registry
(syndicate/outputs.py says what each kind is; tests check that every kind with files has
its renderer here)."""

from __future__ import annotations

from collections.abc import Mapping

from syndicate.outputs import Kind
from syndicate.publish import feeds, pages, sitemaps
from syndicate.publish.job import Render

RENDERERS: Mapping[Kind, Render] = {
    Kind.FEED: feeds.render,
    Kind.NEWS: sitemaps.render_news,
    Kind.SITEMAP: sitemaps.render_sitemap,
    Kind.INDEX: sitemaps.render_index,
    Kind.ROBOTS: sitemaps.render_robots,
    Kind.DIRECTORY: pages.render_directory,
    Kind.STYLESHEET: pages.render_stylesheet,
}
