"""Byte-identical outputs across a change of code: a full publish, then edits.

    python -m bench.identical [--stories 10000] [--baseline REF] [--database-url URL]
    python -m bench.identical --stories 400 --record FILE      # digests of this checkout
    python -m bench.identical --stories 400 --against FILE     # compare with recorded ones

A refactoring must not change one byte of what is published. This runs one
scenario through the `syndicate` command (the only interface both sides of a
refactoring share): a generated corpus imported and published in full, then a
sequence of edits, each imported and published incrementally (the outbox, the
hash skip, the follow-up of lists), then the clock moving on (an embargo
lifting, a breaking item expiring, the news window rolling). After every step
it takes the SHA-256 of every file in the output directory.

With ``--baseline REF`` the same scenario runs in a worktree of that commit
(with the same corpus file and the same interpreter) and the two sets of
digests are compared step by step; the exit status is 1 when any file differs,
and the differing paths are listed. ``--record``/``--against`` keep one side's
digests in a file instead (tests/integration/test_identical.py compares a small
corpus with the digests committed beside it).
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.corpus import write_corpus

ROOT = Path(__file__).resolve().parent.parent
START = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

Digests = dict[str, str]  # path under the output directory -> sha256
Steps = list[tuple[str, Digests]]


def _stamp(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _pick(stories: list[dict[str, Any]], test: Any, skip: int = 0) -> dict[str, Any]:
    """The newest story (after ``skip`` matches) for which ``test`` holds; a deep copy."""
    found = sorted(
        (s for s in stories if test(s)),
        key=lambda s: max(v.get("published_at", "") for v in s["variants"].values()),
        reverse=True,
    )
    return copy.deepcopy(found[min(skip, len(found) - 1)])


Story = dict[str, Any]
Step = tuple[str, datetime, list[Story]]
EMBARGO_LIFTS = START + timedelta(minutes=70)


def _has(s: Story, *langs: str) -> bool:
    return all(lang in s["variants"] for lang in langs)


def _live(s: Story) -> bool:
    return all(v.get("status", "published") == "published" for v in s["variants"].values())


def _headline(stories: list[Story], t: datetime) -> list[Story]:
    s = _pick(stories, lambda s: _has(s, "en") and _live(s))
    s["variants"]["en"]["title"] += " (updated)"
    s["variants"]["en"]["updated_at"] = _stamp(t)
    return [s]


def _section(stories: list[Story], t: datetime) -> list[Story]:
    s = _pick(stories, lambda s: _live(s) and s["section"] != "sports", skip=1)
    s["section"] = "sports"
    return [s]


def _tag_added(stories: list[Story], t: datetime) -> list[Story]:
    counts = Counter(t for s in stories for t in s["variants"].get("en", {}).get("tags", []))
    common = counts.most_common(1)[0][0]  # a tag with a feed of its own
    s = _pick(
        stories,
        lambda s: _has(s, "en") and _live(s) and common not in s["variants"]["en"].get("tags", []),
        skip=2,
    )
    s["variants"]["en"]["tags"] = [*s["variants"]["en"].get("tags", []), common]
    return [s]


def _tag_removed(stories: list[Story], t: datetime) -> list[Story]:
    s = _pick(stories, lambda s: _has(s, "en") and _live(s) and s["variants"]["en"].get("tags"))
    s["variants"]["en"]["tags"] = s["variants"]["en"]["tags"][1:]
    return [s]


def _translation_added(stories: list[Story], t: datetime) -> list[Story]:
    s = _pick(stories, lambda s: _has(s, "en") and "es" not in s["variants"] and _live(s))
    es = copy.deepcopy(s["variants"]["en"])
    es.update(title="Traducción: " + es["title"], slug=es["slug"] + "-es", published_at=_stamp(t))
    es.pop("updated_at", None)
    s["variants"] = {"es": es}
    return [s]


def _translation_retracted(stories: list[Story], t: datetime) -> list[Story]:
    s = _pick(stories, lambda s: _has(s, "en", "ar") and _live(s))
    s["variants"] = {"ar": {**s["variants"]["ar"], "status": "retracted"}}
    return [s]


def _slug(stories: list[Story], t: datetime) -> list[Story]:
    s = _pick(stories, lambda s: _has(s, "en") and _live(s), skip=3)
    s["variants"]["en"]["slug"] += "-renamed"
    return [s]


def _new_and_embargoed(stories: list[Story], t: datetime) -> list[Story]:
    s = _pick(stories, lambda s: _has(s, "es") and _live(s), skip=4)
    s["id"] += "-embargoed"
    s["variants"] = {
        "es": {
            **s["variants"]["es"],
            "slug": s["variants"]["es"]["slug"] + "-embargo",
            "status": "scheduled",
            "published_at": _stamp(EMBARGO_LIFTS),
            "updated_at": _stamp(EMBARGO_LIFTS),
        }
    }
    new = _pick(stories, lambda s: _has(s, "en", "ar") and _live(s), skip=5)
    new["id"] += "-new"
    for lang, v in new["variants"].items():
        v.update(slug=v["slug"] + "-new", published_at=_stamp(t), updated_at=_stamp(t))
        v["title"] = ("New: " if lang == "en" else "جديد: ") + v["title"]
    return [s, new]


def _breaking(t: datetime, n: int, lang: str, text: str, **more: Any) -> Story:
    item = {"type": "breaking", "id": f"br-identical-{n}", "lang": lang, "text": text}
    return {**item, "published_at": _stamp(t), **more}


def _breaking_added(stories: list[Story], t: datetime) -> list[Story]:
    expires = _stamp(t + timedelta(minutes=20))
    return [
        _breaking(t, 1, "en", "Breaking: talks resume in Geneva", expires_at=expires),
        _breaking(t, 2, "ar", "عاجل: استئناف المحادثات في جنيف"),
    ]


def _breaking_withdrawn(stories: list[Story], t: datetime) -> list[Story]:
    return [_breaking(t, 2, "ar", "عاجل: استئناف المحادثات في جنيف", withdrawn=True)]


def _retracted(stories: list[Story], t: datetime) -> list[Story]:
    s = _pick(stories, _live, skip=6)
    s["variants"] = {lang: {**v, "status": "retracted"} for lang, v in s["variants"].items()}
    return [s]


EDITS = [
    ("headline edited", _headline),
    ("section moved", _section),
    ("tag added", _tag_added),
    ("tag removed", _tag_removed),
    ("translation added", _translation_added),
    ("translation retracted", _translation_retracted),
    ("slug changed", _slug),
    ("new story and an embargoed one", _new_and_embargoed),
    ("breaking items added", _breaking_added),
    ("breaking item withdrawn", _breaking_withdrawn),
    ("story retracted", _retracted),
]


def scenario(corpus: Path) -> list[Step]:
    """The steps: (name, clock, objects to import), five minutes apart; from the corpus alone."""
    stories = [
        obj
        for obj in map(json.loads, corpus.read_text(encoding="utf-8").splitlines())
        if obj.get("type", "story") == "story"
    ]
    steps = [
        (name, START + timedelta(minutes=5 * i), edit(stories, START + timedelta(minutes=5 * i)))
        for i, (name, edit) in enumerate(EDITS, start=1)
    ]
    steps.append(("embargo lifted, breaking expired", EMBARGO_LIFTS + timedelta(minutes=1), []))
    steps.append(("three days on: news window rolled", START + timedelta(days=3), []))
    return steps


def _digests(out: Path) -> Digests:
    found: Digests = {}
    for path in sorted(out.rglob("*")):
        if path.is_file():
            found[path.relative_to(out).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def run(
    root: Path, work: Path, corpus: Path, database_url: str | None, *, in_process: bool = False
) -> Steps:
    """The scenario with the code in ``root``; the digests after each step. ``in_process``
    (this checkout only) runs each command in this process instead of a new one: the
    same commands, without 28 interpreter start-ups (the test's way)."""
    if in_process and root != ROOT:
        raise ValueError("only this checkout's code runs in this process")
    shutil.rmtree(work, ignore_errors=True)  # a kept directory from an earlier run
    work.mkdir(parents=True)
    out = work / "public"
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(root),
        SYNDICATE_CONFIG=str(root / "config" / "default.toml"),
        SYNDICATE_DATABASE_URL=database_url or f"sqlite:///{work}/identical.db",
        SYNDICATE_OUTPUT_DIR=str(out),
    )
    env.pop("SYNDICATE_BROKER_URL", None)

    def syndicate(*args: str) -> None:
        if in_process:
            _in_process(args, env, root)
            return
        cmd = [sys.executable, "-m", "syndicate.cli", *args]
        proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"{root}: syndicate {' '.join(args)} failed:\n{proc.stderr}")

    syndicate("db", "upgrade")
    syndicate("import", "--no-nudge", "--now", _stamp(START), str(corpus))
    syndicate("publish", "--all", "--now", _stamp(START))
    steps: Steps = [("full publish", _digests(out))]
    for i, (name, now, objects) in enumerate(scenario(corpus)):
        if objects:
            edits = work / f"step-{i:02}.ndjson"
            edits.write_text(
                "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects),
                encoding="utf-8",
            )
            syndicate("import", "--no-nudge", "--now", _stamp(now), str(edits))
        syndicate("publish", "--now", _stamp(now))
        steps.append((name, _digests(out)))
    # The incremental publishes must have left what a full one writes.
    syndicate("publish", "--all", "--now", _stamp(now))
    steps.append(("full publish again", _digests(out)))
    return steps


def _in_process(args: tuple[str, ...], env: dict[str, str], cwd: Path) -> None:
    """``syndicate ARGS`` run by this interpreter, in ``env`` and ``cwd``, both put back."""
    from syndicate.cli import main as command

    saved_env, saved_cwd = dict(os.environ), Path.cwd()
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    try:
        command.main(list(args), prog_name="syndicate", standalone_mode=False)
    except SystemExit as e:
        if e.code:
            raise SystemExit(f"syndicate {' '.join(args)} exited with {e.code}") from e
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)


def compare(expected: Steps, actual: Steps) -> list[str]:
    """What differs, one line per file and step; empty when every byte is the same."""
    problems: list[str] = []
    if [n for n, _ in expected] != [n for n, _ in actual]:
        return [f"different steps: {[n for n, _ in expected]} vs {[n for n, _ in actual]}"]
    for (name, want), (_, got) in zip(expected, actual, strict=True):
        for path in sorted(want.keys() | got.keys()):
            if path not in got:
                problems.append(f"{name}: {path}: missing")
            elif path not in want:
                problems.append(f"{name}: {path}: not expected")
            elif want[path] != got[path]:
                problems.append(f"{name}: {path}: bytes differ")
    return problems


def save(steps: Steps, path: Path) -> None:
    """Steps as JSON: the first step whole, each later one as what changed since."""
    previous: Digests = {}
    records = []
    for name, digests in steps:
        changed = {p: d[:16] for p, d in digests.items() if previous.get(p) != d}
        gone = sorted(previous.keys() - digests.keys())
        records.append({"step": name, "changed": changed, "removed": gone})
        previous = digests
    path.write_text(json.dumps(records, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")


def load(path: Path) -> Steps:
    current: Digests = {}
    steps: Steps = []
    for record in json.loads(path.read_text(encoding="utf-8")):
        current = {p: d for p, d in current.items() if p not in set(record["removed"])}
        current.update(record["changed"])
        steps.append((record["step"], dict(current)))
    return steps


def shorten(steps: Steps) -> Steps:
    return [(name, {p: d[:16] for p, d in digests.items()}) for name, digests in steps]


def _worktree(ref: str, into: Path) -> Iterator[Path]:
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(into), ref],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    try:
        # .mo catalogs are built, never committed: the baseline needs its own.
        subprocess.run(
            [
                sys.executable,
                "-m",
                "babel.messages.frontend",
                "-q",
                "compile",
                "-d",
                str(into / "translations"),
            ],
            check=True,
        )
        yield into
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(into)], cwd=ROOT, check=False)


def write_small_corpus(path: Path, stories: int) -> None:
    write_corpus(path, stories, seed=7, end=START, years=1.0, jobs=1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--stories", type=int, default=10_000)
    ap.add_argument("--baseline", metavar="REF", help="compare with this commit's outputs")
    ap.add_argument("--record", metavar="FILE", type=Path, help="write this checkout's digests")
    ap.add_argument("--against", metavar="FILE", type=Path, help="compare with recorded digests")
    ap.add_argument("--database-url", help="default: a SQLite file in the work directory")
    ap.add_argument("--keep", metavar="DIR", type=Path, help="work here and keep the results")
    args = ap.parse_args(argv)
    if not (args.baseline or args.record or args.against):
        ap.error("give --baseline REF, --record FILE or --against FILE")

    work = args.keep or Path(tempfile.mkdtemp(prefix="syndicate-identical-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / "corpus.ndjson"
    write_small_corpus(corpus, args.stories)
    ours = run(ROOT, work / "ours", corpus, args.database_url)
    files = len(ours[0][1])
    print(f"{args.stories:,} stories, {files:,} files, {len(ours)} steps", file=sys.stderr)
    if args.record:
        save(ours, args.record)
    # the incremental publishes must have left what a full one writes
    last, again = ("after the edits", ours[-2][1]), ("after the edits", ours[-1][1])
    problems = compare([last], [again])
    if args.against:
        problems += compare(load(args.against), shorten(ours))
    if args.baseline:
        if args.database_url:
            ap.error(
                "--baseline runs both sides on SQLite files (one database URL cannot hold two)"
            )
        for tree in _worktree(args.baseline, work / "baseline-tree"):
            theirs = run(tree, work / "theirs", corpus, None)
        problems += compare(theirs, ours)
    for line in problems[:200]:
        print(line)
    print(
        f"{len(problems)} difference(s)" if problems else "byte-identical at every step",
        file=sys.stderr,
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
