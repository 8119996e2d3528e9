"""manifest.json: every published output (URL, path, key, content type, hash, size, items,
last change) and the paths removed since (served 410), beside the outputs.

The publisher writes it from the output table after each publish that changed a
row; the HTTP app reads it for the headers of what it serves (ETag,
Last-Modified, Cache-Control, content type) and reads it again when it changes.
One output per line, each encoded by json's C encoder (an indented dump goes
through its pure-Python encoder: 4x slower on a big site's every publish), and a
worker keeps each row's line to encode again only the rows that changed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any

from syndicate import outputs, plan
from syndicate.caches import ManifestLines
from syndicate.config import HttpSettings
from syndicate.targets import Target

NAME = plan.MANIFEST
MEDIA_TYPE = outputs.MANIFEST.media_type
# its Cache-Control where the target stores one with each file (S3)
CACHE_CLASS = outputs.caching(outputs.Kind.INDEX)


def etag(sha256: str) -> str:
    return f'"{sha256[:32]}"'


def _line(o: Any) -> str:
    return json.dumps(
        {
            "url": o.url,
            "path": o.path,
            "key": o.key,
            "content_type": o.content_type,
            "sha256": o.sha256,
            "etag": etag(o.sha256),
            "size": o.size,
            "items": o.items,
            "last_modified": o.last_modified.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
        ensure_ascii=False,
    )


def encode(rows: Iterable[Any], gone: list[str], kept: ManifestLines | None = None) -> bytes:
    """The manifest of these output rows (in their order) and removed paths; ``kept``
    holds each row's line from earlier publishes, by path."""
    lines = []
    for o in rows:
        row = tuple(o)
        hit = kept.get(o.path) if kept is not None else None
        if hit is not None and hit[0] == row:
            lines.append(hit[1])
            continue
        line = _line(o)
        if kept is not None:
            kept[o.path] = (row, line)
        lines.append(line)
    data = (
        '{"version": 1, "outputs": [\n'
        + ",\n".join(lines)
        + '\n], "gone": '
        + json.dumps(gone, ensure_ascii=False)
        + "}"
    )
    return data.encode() + b"\n"


def write(target: Target, blob: bytes, http: HttpSettings) -> None:
    """Put the manifest on the target, unless it holds these bytes already."""
    if target.read(NAME) == blob:
        return
    cache_control = http.cache_control.get(CACHE_CLASS.cls) or http.cache_control["default"]
    target.put(NAME, blob, content_type=MEDIA_TYPE, cache_control=cache_control)


@dataclass(frozen=True)
class Manifest:
    """A manifest as read: its entries by path, the removed paths, each language's
    stylesheet (the path of its feed.xsl)."""

    entries: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    gone: frozenset[str] = frozenset()
    stylesheets: Mapping[str, str] = field(default_factory=dict)


def parse(text: str) -> Manifest:
    found = json.loads(text)
    return Manifest(
        {o["path"]: o for o in found["outputs"]},
        frozenset(found.get("gone", ())),
        {
            o["key"].split(":")[1]: o["path"]
            for o in found["outputs"]
            if o["key"].startswith(f"{outputs.Kind.STYLESHEET}:")
        },
    )


class Reader:
    """The manifest of an output directory, read again when its mtime changes; then
    ``on_change`` runs (what was derived from the old one goes)."""

    def __init__(self, root: Path, on_change: Callable[[], None] | None = None) -> None:
        self.root = root
        self.on_change = on_change
        self.current = Manifest()
        self._mtime: int | None = None

    def entry(self, rel: str) -> Mapping[str, Any] | None:
        """A published path's entry; None without one, or without a manifest (the
        last one read still says what is gone)."""
        target = self.root / NAME
        try:
            mtime = target.stat().st_mtime_ns
        except FileNotFoundError:
            return None
        if mtime != self._mtime:
            self.current = parse(target.read_text())
            self._mtime = mtime
            if self.on_change is not None:
                self.on_change()
        return self.current.entries.get(rel)


def cache_control(http: HttpSettings, entry: Mapping[str, Any]) -> str:
    """The Cache-Control of a manifest entry's file (manifest.json itself: the default)."""
    try:
        key = plan.OutputKey.parse(entry.get("key") or "")
    except ValueError:
        return http.cache_control["default"]
    return outputs.cache_control(http, key.kind, key.scope)
