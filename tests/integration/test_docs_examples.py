"""Every command in README.md and docs/ runs, as a reader would type it, and does what it says.

Each document's ``sh`` blocks run in order in one bash session in a fresh working copy
(tests/doc_shell.py): the services they start (`make run`, `syndicate serve`...) on free
ports, against a SQLite store in the copy or, for the deployment guide, the local
PostgreSQL and Redis (skipped with the reason without them; under CI=true, failed). A
block marked not run in the doc is left out (tests/doc_blocks.py says how, and
tests/unit/test_doc_blocks.py that every other block is a command or says what it is).

Every command of a block must exit 0, unless its check says the doc shows it failing.
The examples that send or import something have a check of what the reader is told to
look at afterwards (a feed's content, an API answer, a file), waited for, never slept
for; where the doc shows a command's output, the check compares it with what ran.
"""

from __future__ import annotations

import json
import re
import tomllib
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import fresh_postgres_database, need_redis
from doc_blocks import ROOT, Block, documents, parse
from doc_shell import Run, Shell, json_values, wait_until

REDIS_URL = "redis://127.0.0.1:6379/15"  # as test_workers.py: each test's queue is its own
KEY = re.compile(r"^syn_[A-Za-z0-9_-]{43}$")
LISTED = re.compile(
    r"^(?P<prefix>syn_\S{8})…\s+(?P<state>active|revoked)\s+(?P<langs>\S+)\s+(?P<name>.+)$"
)


@dataclass(frozen=True)
class Check:
    """What one block must do, beyond its commands exiting 0; found by a piece of its text."""

    trigger: str
    verify: Callable[[Shell, Run], None] = lambda shell, run: None
    fails: bool = False  # the doc shows a command of the block failing
    before: Callable[[Shell, Block], None] | None = None


# helpers the checks share


def blocks_of(block: Block) -> list[Block]:
    return parse(ROOT / block.doc)[0]


def shown_after(block: Block, lang: str = "text") -> str:
    """The doc's block of `lang` that shows this block's output (before the next command)."""
    after = [b for b in blocks_of(block) if b.line > block.line]
    for b in after:
        if b.is_shell:
            break
        if b.lang == lang:
            return b.text
    raise AssertionError(f"{block.where}: no {lang} block shows its output")


def output_as_shown(shell: Shell, run: Run) -> None:
    """Each line of the output the doc shows is a line the commands printed."""
    printed = (run.stdout + run.stderr).splitlines()
    for line in shell.localize(shown_after(run.block)).splitlines():
        assert line in printed, f"{run.block.where}: the doc shows {line!r}\n{run.report()}"


def served(shell: Shell, path: str) -> str:
    status, body = shell.get(f"http://127.0.0.1:{shell.port()}{path}")
    return body if status == 200 else ""


def wait_served(shell: Shell, path: str, text: str) -> None:
    wait_until(lambda: text in served(shell, path), f"{text!r} served at {path}")


def pages_named(shell: Shell, run: Run) -> None:
    """The local pages the doc sends the reader to once the service runs answer 200."""
    lines = (ROOT / run.block.doc).read_text(encoding="utf-8").splitlines()
    later = [b.line for b in blocks_of(run.block) if b.is_shell and b.line > run.block.line]
    text = "\n".join(lines[run.block.end : later[0] - 1 if later else len(lines)])
    found = re.findall(r"http://127\.0\.0\.1:\d+/[^\s<>`)\]]+", text)
    urls = sorted({url.rstrip(".,;:") for url in found})
    assert urls, f"{run.block.where}: no page named after it"
    for url in urls:
        status, body = shell.get(shell.localize(url))
        assert status == 200, f"{run.block.where}: {url} answered {status}: {body[:300]}"
    assert "<item>" in served(shell, "/en/feeds/all.rss"), "the sample content is not published"


# README.md and the tutorial


def first_import(shell: Shell, run: Run) -> None:
    output_as_shown(shell, run)
    for path in (
        "/en/feeds/all.rss",
        "/en/feeds/section/politics.rss",
        "/en/feeds/group/news.rss",
        "/en/feeds/region/mena.rss",
        "/en/feeds/author/tutorial-desk.rss",
    ):
        wait_served(shell, path, "My first story")
    wait_served(shell, "/en/sitemaps/news.xml", "/en/politics/my-first-story")
    feed = served(shell, "/en/feeds/all.rss")
    assert "/en/politics/my-first-story" in feed
    assert "Hello, " in feed and "alert(1)" not in feed, "the body was not sanitized"


def key_made(shell: Shell, run: Run) -> None:
    assert KEY.match(shell.var("KEY")), f"KEY is {shell.var('KEY')!r}\n{run.report()}"


def api_writes(shell: Shell, run: Run) -> None:
    answers = json_values(run.stdout)
    assert [(a["id"], a["changed"]) for a in answers] == [
        ("br-demo", True),
        ("tut-0003", True),
    ], run.report()
    wait_served(shell, "/es/feeds/breaking.rss", "Última hora: primera prueba")
    wait_served(shell, "/es/feeds/all.rss", "Mi primera noticia por la API")


def both_found(shell: Shell, run: Run) -> None:
    assert "primera prueba" in run.stdout and "Mi primera noticia" in run.stdout, run.report()


def refused_as_shown(shell: Shell, run: Run) -> None:
    assert json_values(run.stdout) == [json.loads(shown_after(run.block, "json"))], run.report()


# the how-to guides


def three_keys(shell: Shell, run: Run) -> None:
    keys = run.stdout.splitlines()
    assert len(keys) == 3 and all(KEY.match(k) for k in keys), run.report()
    for name in ("Newsroom CMS", "Arabic desk", "Latin America"):
        assert f"key for {name!r}" in run.stderr, run.report()


def listed(text: str) -> dict[str, re.Match[str]]:
    found = [LISTED.match(line) for line in text.splitlines() if line.strip()]
    assert all(found), text
    return {m["name"]: m for m in found if m}


def listed_as_shown(shell: Shell, run: Run) -> None:
    """The doc's listing, with its example prefixes standing for the keys just created."""
    real = listed(run.stdout)
    assert {k: m["state"] for k, m in real.items()} == dict.fromkeys(
        ["Newsroom CMS", "Arabic desk", "Latin America"], "active"
    ), run.report()
    for name, example in listed(shown_after(run.block)).items():
        assert real[name]["langs"] == example["langs"], run.report()
        shell.stand_ins[example["prefix"]] = real[name]["prefix"]


def revoked(shell: Shell, run: Run) -> None:
    assert "(Newsroom CMS)" in run.stdout, run.report()
    now = listed(shell.sh("syndicate keys list").stdout)
    assert {k: m["state"] for k, m in now.items()} == {
        "Newsroom CMS": "revoked",
        "Arabic desk": "active",
        "Latin America": "active",
    }


def catalogs_compiled(shell: Shell, run: Run) -> None:
    """Every catalog compiled, and with the template matching the code, no entry changed."""
    from babel.messages.pofile import read_po

    def entries(po: Path) -> dict[object, object]:
        with po.open("rb") as f:
            return {m.id: m.string for m in read_po(f) if m.id}

    catalogs = sorted((shell.copy / "translations").glob("*/LC_MESSAGES/messages.po"))
    assert catalogs
    for po in catalogs:
        assert po.with_suffix(".mo").exists(), f"{po} was not compiled\n{run.report()}"
        assert entries(po) == entries(ROOT / po.relative_to(shell.copy)), po


def french_catalog(shell: Shell, run: Run) -> None:
    po = shell.copy / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
    assert "Language: fr" in po.read_text(encoding="utf-8"), run.report()


def configure_french(shell: Shell, block: Block) -> None:
    """Sections 1 and 2 of the guide: its settings table added, every label in French."""
    tables = [b.text for b in blocks_of(block) if b.lang == "toml"]
    assert len(tables) == 2, f"{block.doc}: expected the settings' table, then the labels'"
    settings, labels = tables
    config = shell.copy / "config" / "default.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n" + settings, encoding="utf-8")
    shown = tomllib.loads(labels)
    taxonomy = shell.copy / "config" / "taxonomy.toml"
    table, out = None, []
    for line in taxonomy.read_text(encoding="utf-8").splitlines():
        out.append(line)
        if line.startswith("["):
            header = re.match(r"^\[(groups|sections|regions|coverage)\.([^\]]+)\]", line)
            table = header.groups() if header else None
        elif table and line.startswith("en = "):
            label = shown.get(table[0], {}).get(table[1], {}).get("fr")
            out.append(
                f"fr = {json.dumps(label, ensure_ascii=False)}" if label else "fr" + line[2:]
            )
    taxonomy.write_text("\n".join(out) + "\n", encoding="utf-8")


def french_published(shell: Shell, run: Run) -> None:
    out = shell.copy / "public" / "fr"
    assert "<language>fr</language>" in (out / "feeds" / "all.rss").read_text(encoding="utf-8")
    assert "Politique" in (out / "feeds" / "section" / "politics.rss").read_text(encoding="utf-8")
    assert (out / "feeds" / "index.html").exists() and (out / "sitemaps" / "news.xml").exists()
    assert "/fr/sitemaps/news.xml" in (shell.copy / "public" / "sitemap.xml").read_text()


def production_settings(shell: Shell, block: Block) -> None:
    """Section 2 of the guide: the example settings and taxonomy copied into a directory and
    adjusted to this machine's PostgreSQL and Redis (through their environment variables)."""
    need_redis(REDIS_URL)
    database = fresh_postgres_database("syndicate_docs_deploy")
    etc = shell.tmp / "etc"
    etc.mkdir()
    for name in ("production.example.toml", "taxonomy.toml"):
        (etc / name).write_text((shell.copy / "config" / name).read_text(encoding="utf-8"))
    queue = f"docs-{uuid.uuid4().hex}"
    shell.env.update(
        SYNDICATE_CONFIG=str(etc / "production.example.toml"),
        SYNDICATE_DATABASE_URL=database,
        SYNDICATE_BROKER_URL=REDIS_URL,
        SYNDICATE_WORKERS_QUEUE=queue,
        SYNDICATE_WORKERS_STATE_DIR=str(shell.tmp / "state"),
        SYNDICATE_OUTPUT_DIR=str(shell.tmp / "public"),
        SYNDICATE_FEEDS_WEBSUB_HUB="",  # no pings to the Internet from a test
    )
    shell.cleanups.append(lambda: _drop_queue(REDIS_URL, queue))


def _drop_queue(url: str, name: str) -> None:
    from kombu import Connection, Queue

    try:
        with Connection(url, connect_timeout=2) as conn:
            Queue(name, channel=conn.default_channel).delete()
    except Exception:  # a broker gone since: nothing is left to pile up
        pass


def processes_run(shell: Shell, run: Run) -> None:
    """The next steps the guide gives: publish once, /healthz says ok; then a change reaches
    the files through the worker, and beat keeps its schedule file."""
    published = shell.sh("syndicate publish --all")
    assert not published.failed, published.report()

    def healthy() -> bool:
        status, body = shell.get(f"http://127.0.0.1:{shell.port()}/healthz")
        return status == 200 and json.loads(body)["status"] == "ok"

    wait_until(healthy, "/healthz saying ok")
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    story = {
        "type": "story",
        "id": "deploy-1",
        "section": "politics",
        "variants": {"en": {"title": "Deployed", "slug": "deployed", "published_at": now}},
    }
    (shell.tmp / "story.ndjson").write_text(json.dumps(story) + "\n")
    imported = shell.sh(f"syndicate import {shell.tmp / 'story.ndjson'}")
    assert not imported.failed, imported.report()
    feed = shell.tmp / "public" / "english.example.net" / "feeds" / "all.rss"
    wait_until(lambda: "Deployed" in feed.read_text(), "the worker publishing the import")
    wait_until(lambda: any((shell.tmp / "state").glob("beat-schedule*")), "beat's schedule file")


CHECKS: dict[str, list[Check]] = {
    "README.md": [Check("make run", pages_named)],
    "docs/tutorial.md": [
        Check("make run", pages_named),
        Check("syndicate import first.ndjson", first_import),
        Check("syndicate import bad.ndjson", output_as_shown, fails=True),
        Check("keys create --name tutorial", key_made),
        Check("/api/breaking/br-demo", api_writes),
        Check("grep 'primera prueba'", both_found),
        Check("/api/stories/tut-0004", refused_as_shown),
    ],
    "docs/how-to/deploy.md": [
        Check("syndicate db upgrade", processes_run, before=production_settings)
    ],
    "docs/how-to/api-keys.md": [
        Check('keys create --name "Newsroom CMS"', three_keys),
        Check("syndicate keys list", listed_as_shown),
        Check("syndicate keys revoke", revoked),
    ],
    "docs/how-to/translations.md": [Check("make translations", catalogs_compiled)],
    "docs/how-to/add-a-language.md": [
        Check("pybabel init", french_catalog),
        Check("syndicate publish --all", french_published, before=configure_french),
    ],
}
NEEDS = {"docs/how-to/deploy.md": [pytest.mark.postgres]}


def runnable() -> list[Block]:
    return [b for doc in documents() for b in parse(doc)[0] if b.runs]


def check_of(block: Block) -> Check:
    found = [c for c in CHECKS.get(block.doc, []) if c.trigger in block.commands()]
    assert len(found) <= 1, f"{block.where}: several checks name it"
    return found[0] if found else Check("")


def test_each_check_names_one_block_that_runs() -> None:
    blocks = runnable()
    for doc, checks in CHECKS.items():
        for check in checks:
            named = [b.where for b in blocks if b.doc == doc and check.trigger in b.commands()]
            assert len(named) == 1, f"{doc}: check {check.trigger!r} names {named or 'no block'}"


DOCS = list(dict.fromkeys(b.doc for b in runnable()))


@pytest.fixture
def shell(tmp_path: Path) -> Iterator[Shell]:
    import sys

    s = Shell(tmp=tmp_path, bin_dir=Path(sys.prefix) / "bin")
    try:
        yield s
    finally:
        s.close()


@pytest.mark.parametrize("doc", [pytest.param(d, marks=NEEDS.get(d, []), id=d) for d in DOCS])
def test_examples_work(doc: str, shell: Shell) -> None:
    for block in (b for b in parse(ROOT / doc)[0] if b.runs):
        check = check_of(block)
        if check.before:
            check.before(shell, block)
        run = shell.run(block)
        assert run.finished, f"the block stopped before its end\n{run.report()}"
        if check.fails:
            assert run.failed, f"the doc shows a command failing; none did\n{run.report()}"
        else:
            assert not run.failed, run.report()
        check.verify(shell, run)
