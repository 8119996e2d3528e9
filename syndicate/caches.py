"""What a publishing process keeps in memory, and the one policy that bounds it.

Every cache here is a :class:`Bounded` dict: it forgets its least recently
used entries past a count, and past a weight in bytes where entries differ in
size (a 100 kB full-text article against a 2 kB brief). A worker keeps its
:class:`Caches` from one publish to the next, so after a change only what
changed is built again; each entry is checked against what decides it (a
story's version, a digest of a sitemap row, a manifest row) before it is used.
"""

from __future__ import annotations

import sys
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from syndicate.render.feeds import Fragments
from syndicate.render.items import FeedItem

K = TypeVar("K")
V = TypeVar("V")


class Bounded(OrderedDict[K, V]):
    """A dict that forgets its least recently written (or :meth:`used`) entries past
    ``limit``: the per-story caches of a publish stay the same size whatever the archive's.
    With ``weigh`` (bytes an entry holds) it also keeps their sum under ``max_weight``, so
    a site of 100 kB full-text articles holds fewer of them, not 20 times the memory; the
    newest entry stays whatever it weighs. Entries leave through ``del`` or eviction only."""

    def __init__(
        self,
        limit: int,
        max_weight: int | None = None,
        weigh: Callable[[V], int] | None = None,
    ) -> None:
        super().__init__()
        self.limit = limit
        self.max_weight = max_weight
        self.weigh = weigh
        self.weight = 0

    def __setitem__(self, key: K, value: V) -> None:
        if self.weigh is not None:
            if key in self:
                self.weight -= self.weigh(super().__getitem__(key))
            self.weight += self.weigh(value)
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self.limit or (
            self.max_weight is not None and self.weight > self.max_weight and len(self) > 1
        ):
            del self[next(iter(self))]

    def __delitem__(self, key: K) -> None:
        if self.weigh is not None:
            self.weight -= self.weigh(super().__getitem__(key))
        super().__delitem__(key)

    def used(self, key: K) -> V | None:
        """The entry, kept as if just written (None when there is none)."""
        if key not in self:
            return None
        self.move_to_end(key)
        return super().__getitem__(key)


# (story_id, lang) -> (its story's version, the item): see Feeds.load_items
ItemCache = Bounded[tuple[str, str], tuple[str, FeedItem]]
ITEMS_CACHED = 5_000  # per process: the stories in many feeds at once, a few MB
# ... and at most this many bytes of items, and of their rendered fragments: the count
# bounds a site of short stories, the bytes one of long full-text articles
ITEMS_BYTES = 96 << 20
FRAGMENTS_BYTES = 96 << 20
# (lang, story_id) or ("news:" lang, URL) -> (digest of what decides it, its <url> element)
UrlCache = Bounded[tuple[str, str], tuple[int, bytes]]
URLS_CACHED = 40_000  # about 0.8 kB each: a few busy sitemap periods of a big archive
# path -> (its manifest row, its line in manifest.json)
ManifestLines = Bounded[str, tuple[tuple[Any, ...], str]]
MANIFEST_LINES_CACHED = 50_000  # about 0.5 kB each: every output of a decade of daily sitemaps


def item_weight(entry: tuple[str, FeedItem]) -> int:
    """About the bytes a cached item holds: its texts (the body dominates) and a little more."""
    item = entry[1]
    texts = (item.title, item.summary, item.body_html, item.url)
    return 512 + sum(sys.getsizeof(t) for t in texts if t is not None)


def fragments(limit: int = 3 * ITEMS_CACHED, max_bytes: int | None = FRAGMENTS_BYTES) -> Fragments:
    """Each item's bytes in each feed format, in a :class:`Bounded` weighed by their length."""
    return Fragments(Bounded(limit, max_bytes, weigh=len))


@dataclass
class Caches:
    """What a publish computes once per story and reuses in every output it is in.

    A worker keeps its caches from one publish to the next (items are checked against
    their story's version in each publish's own transaction; fragments are keyed by the
    item's value), so after a change only what changed is built again. Bounded.
    """

    items: ItemCache = field(
        default_factory=lambda: Bounded(ITEMS_CACHED, ITEMS_BYTES, weigh=item_weight)
    )
    fragments: Fragments = field(default_factory=fragments)
    # None in a one-off publish: every URL is rendered once there, keeping them costs memory
    urls: UrlCache | None = field(default_factory=lambda: Bounded(URLS_CACHED))
    manifest: ManifestLines | None = field(default_factory=lambda: Bounded(MANIFEST_LINES_CACHED))

    @classmethod
    def one_off(cls) -> Caches:
        return cls(urls=None, manifest=None)
