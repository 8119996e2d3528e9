"""Point every caller of the old one-class store at the parts of syndicate/store/.

`Store` used to hold every query and write as its own method; it now holds one part per
concern (store.writes, store.outbox, ...). This rewrites the call sites outside
syndicate/store/ (the library, workers/, bench/, tests/, wherever they have moved), moves
imports of `Bounded` to syndicate.caches, and drops the store's entries from
tests/test_shape.py's OVERSIZE list. Idempotent: a second run changes nothing, so it can
be run again on a merged tree.

    python scripts/store_callsites.py [ROOT]
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

# old Store attribute -> its new path from the store
MOVED = {
    # coordination: what differs between SQLite and PostgreSQL
    "begin_write": "coordination.begin_write",
    "concurrent": "coordination.concurrent",
    "publish_lock": "coordination.publish_lock",
    "lock_output": "coordination.lock_output",
    "clock": "coordination.clock",
    # writes
    "apply": "writes.apply",
    "apply_many": "writes.apply_many",
    "forget_caches": "writes.forget_caches",
    "retract_story": "writes.retract_story",
    "withdraw_breaking": "writes.withdraw_breaking",
    # the outbox and the clock marks
    "mark_dirty": "outbox.mark_dirty",
    "claim": "outbox.claim",
    "outbox_upto": "outbox.upto",
    "outbox_keys": "outbox.keys",
    "delete_outbox_upto": "outbox.delete_upto",
    "delete_outbox": "outbox.delete",
    "log_publish": "outbox.log_publish",
    "advance_mark": "outbox.advance_mark",
    "mark": "outbox.mark",
    "pending": "outbox.pending",
    "wake_times": "outbox.wake_times",
    "due_by_time": "outbox.due_by_time",
    # feed reads
    "content_keys": "feeds.content_keys",
    "feed_refs": "feeds.refs",
    "count_live": "feeds.count_live",
    "scope_name": "feeds.scope_name",
    "term_names": "feeds.term_names",
    "load_items": "feeds.load_items",
    "story_versions": "feeds.story_versions",
    "breaking_entries": "feeds.breaking_entries",
    # sitemap reads
    "sitemap_keys": "sitemaps.keys",
    "sitemap_rows": "sitemaps.rows",
    "sitemap_entries": "sitemaps.entries",
    "sitemap_changed": "sitemaps.changed",
    "news_changed": "sitemaps.news_changed",
    "news_entries": "sitemaps.news_entries",
    # the rows of published outputs
    "feed_outputs": "outputs.feeds",
    "sitemap_outputs": "outputs.sitemaps",
    "outputs_for": "outputs.for_keys",
    "iter_outputs": "outputs.rows",
    # API keys
    "create_key": "api_keys.create",
    "find_key": "api_keys.find",
}
# `outputs` is now the part itself: only a call of the old method moves
CALLED = {"outputs": "outputs.by_path"}
# the class a part's methods live on, for mentions such as "see Store.load_items"
CLASSES = {
    "coordination": "Coordination",
    "writes": "Writes",
    "outbox": "Outbox",
    "feeds": "Feeds",
    "sitemaps": "Sitemaps",
    "outputs": "OutputRows",
    "api_keys": "ApiKeys",
}

# what holds a store: a name ending in "store" (store, self.store, app.state.store, ...),
# or the names the tests give a second one
RECEIVER = r"(?P<recv>\b(?:\w+\.)*(?:\w*store|pg|other|site))"
NAMES = "|".join(sorted(MOVED, key=len, reverse=True))
ATTRIBUTE = re.compile(RECEIVER + r"\.(?P<name>" + NAMES + r")\b")
CALL = re.compile(RECEIVER + r"\.(?P<name>" + "|".join(CALLED) + r")\(")
MENTION = re.compile(r"\bStore\.(?P<name>" + NAMES + r")\b")
STRINGS = {
    # tests that patch a module-level name of the store
    '"syndicate.store.hmac.': '"syndicate.store.keys.hmac.',
}
IMPORT = re.compile(
    r"^(?P<indent>[ \t]*)from syndicate\.store import "
    r"(?P<names>\([^)]*\)|[^\n]*(?:\\\n[^\n]*)*)",
    re.MULTILINE,
)
LINE = 100  # the project's line length
SHAPE = re.compile(r'^\s*"syndicate/store\.py:Store[\w.]*",\n', re.MULTILINE)


def rewrite(text: str) -> str:
    lines = []
    for line in text.splitlines(keepends=True):
        new = ATTRIBUTE.sub(lambda m: f"{m['recv']}.{MOVED[m['name']]}", line)
        new = CALL.sub(lambda m: f"{m['recv']}.{CALLED[m['name']]}(", new)
        new = MENTION.sub(_mention, new)
        for old, replacement in STRINGS.items():
            new = new.replace(old, replacement)
        lines.append(_comment_above(new) if new != line else new)
    return IMPORT.sub(_bounded_from_caches, "".join(lines))


def _comment_above(line: str) -> str:
    """A line the new paths made too long loses its trailing comment to the line above
    (the formatter wraps the code, never a comment, and would leave it dangling)."""
    code, sep, comment = line.rstrip("\n").rpartition("  # ")
    if len(line.rstrip("\n")) <= LINE or not sep or code.count('"') % 2 or code.count("'") % 2:
        return line
    indent = code[: len(code) - len(code.lstrip())]
    return f"{indent}# {comment}\n{code.rstrip()}\n"


def _mention(m: re.Match[str]) -> str:
    part, name = MOVED[m["name"]].split(".")
    return f"{CLASSES[part]}.{name}"


def _bounded_from_caches(m: re.Match[str]) -> str:
    """`Bounded` left the store for syndicate.caches."""
    names = [n.strip() for n in re.split(r"[(),\s\\]+", m["names"]) if n.strip()]
    if "Bounded" not in names:
        return m.group(0)
    rest = [n for n in names if n != "Bounded"]
    indent = m["indent"]
    lines = [f"{indent}from syndicate.caches import Bounded"]
    if rest:
        lines.insert(0, f"{indent}from syndicate.store import {', '.join(rest)}")
    return "\n".join(lines)


def sources(root: Path) -> list[Path]:
    out = []
    for top in ("syndicate", "workers", "bench", "tests", "scripts"):
        for path in sorted((root / top).rglob("*.py")):
            rel = path.relative_to(root).parts
            if rel[:2] == ("syndicate", "store") or path.name == "store_callsites.py":
                continue
            out.append(path)
    return out


def main(root: Path) -> list[Path]:
    changed = []
    for path in sources(root):
        text = path.read_text()
        new = rewrite(text)
        if path.name == "test_shape.py":
            new = SHAPE.sub("", new)
        if new != text:
            path.write_text(new)
            changed.append(path)
    if changed:  # imports re-sorted, lines made longer re-wrapped
        files = [str(p) for p in changed]
        ruff = [sys.executable, "-m", "ruff"]
        isort = ["--select", "I", "--config", "lint.isort.known-first-party=['syndicate']"]
        subprocess.run([*ruff, "check", "--fix", "-q", *isort, *files], check=False)
        subprocess.run([*ruff, "format", "-q", *files], check=True)
    return changed


if __name__ == "__main__":
    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent)
    for path in main(root):
        print(path.relative_to(root))
