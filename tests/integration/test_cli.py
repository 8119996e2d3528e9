"""The `syndicate` command as a user runs it: a real process, real files."""

import json
import os
import subprocess
import sys

import pytest
from conftest import ROOT
from factories import breaking, story, variant


@pytest.fixture
def env(tmp_path):
    e = dict(os.environ)
    e.update(
        SYNDICATE_CONFIG=str(ROOT / "config" / "default.toml"),
        SYNDICATE_DATABASE_URL=f"sqlite:///{tmp_path}/s.db",
        SYNDICATE_OUTPUT_DIR=str(tmp_path / "out"),
    )
    return e


def run(env, *args, stdin: str | None = None):
    return subprocess.run(
        [sys.executable, "-m", "syndicate.cli", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def ndjson(objs):
    return "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objs)


def test_import_reports_rejects_applies_the_rest_and_exits_non_zero(env, tmp_path):
    f = tmp_path / "in.ndjson"
    f.write_text(
        ndjson(
            [
                story("st-1", variants={"en": variant("Good one")}),
                story("st-2", section="weather"),
            ]
        )
        + "\n{broken\n"
        + ndjson(
            [
                {
                    "type": "breaking",
                    "id": "br-1",
                    "lang": "en",
                    "text": "",
                    "published_at": "2026-11-20T10:00:00Z",
                },
                story(
                    "st-3", variants={"ar": variant("جيد", slug="جيد", published_at="yesterday")}
                ),
                breaking("br-2"),
            ]
        )
    )
    r = run(env, "import", "--now", "2026-11-20T12:00:00Z", str(f))
    assert r.returncode == 1
    lines = r.stderr.splitlines()
    assert f"{f}:2: st-2: section: unknown section 'weather'" in lines
    assert any(line.startswith(f"{f}:4: -: json: not valid JSON") for line in lines)
    assert f"{f}:5: br-1: text: must not be empty" in lines
    assert any(
        line.startswith(f"{f}:6: st-3: variants.ar.published_at: must be an RFC 3339")
        for line in lines
    )
    assert lines[-1] == (
        "imported: 1 stories changed, 0 unchanged; 1 breaking items changed, "
        "0 unchanged; 4 rejected"
    )
    # the valid records were applied: a second import finds them unchanged
    r = run(env, "import", "--now", "2026-11-20T12:00:00Z", str(f))
    assert (
        "imported: 0 stories changed, 1 unchanged; 0 breaking items changed, 1 unchanged"
        in r.stderr
    )


def test_import_warns_of_unknown_fields_and_counts_what_does_not_show(env, tmp_path):
    """Issue 17: a misspelt field is told (file, line, id, field, the closest known one) and
    its record still applied; the summary says what was accepted but does not show now."""
    f = tmp_path / "in.ndjson"
    f.write_text(
        ndjson(
            [
                story(
                    "st-1",
                    regon=["mena"],
                    variants={"en": variant("Lost image", imgae={"url": "https://e.net/i.jpg"})},
                ),
                story(
                    "st-2", variants={"en": variant("Later", published_at="2026-11-21T08:00:00Z")}
                ),
                breaking("br-1", published_at="2026-11-19T08:00:00Z"),
                breaking("br-2", published_at="2026-11-20T11:00:00Z", withdrawn=True),
                breaking(
                    "br-3", published_at="2026-11-20T11:00:00Z", expires="2026-11-21T00:00:00Z"
                ),
            ]
        )
    )
    r = run(env, "import", "--no-nudge", "--now", "2026-11-20T12:00:00Z", str(f))
    assert r.returncode == 0, r.stderr
    assert r.stderr.splitlines() == [
        f"warning: {f}:1: st-1: regon: unknown field, ignored (did you mean `regions`?)",
        f"warning: {f}:1: st-1: variants.en.imgae: unknown field, ignored (did you mean `image`?)",
        f"warning: {f}:5: br-3: expires: unknown field, ignored (did you mean `expires_at`?)",
        "imported: 2 stories changed, 0 unchanged; 3 breaking items changed, 0 unchanged; "
        "0 rejected; 1 scheduled, 1 already expired, 1 withdrawn; 3 warnings",
    ]
    r = run(env, "publish", "--now", "2026-11-20T12:00:00Z")
    assert r.returncode == 0, r.stderr
    feed = (tmp_path / "out" / "en" / "feeds" / "all.rss").read_text()
    assert "Lost image" in feed and "Later" not in feed  # st-1 applied; st-2 is scheduled


def test_import_from_stdin_and_publish(env, tmp_path):
    r = run(
        env,
        "import",
        "-",
        stdin=ndjson([story("st-1", variants={"ar": variant("عنوان", slug="عنوان")})]),
    )
    assert r.returncode == 0, r.stderr
    r = run(env, "publish", "--now", "2026-11-20T12:00:00Z")
    assert r.returncode == 0, r.stderr
    assert "written" in r.stderr and "0 removed" in r.stderr
    feed = (tmp_path / "out" / "ar" / "feeds" / "all.rss").read_text()
    assert "عنوان" in feed
    r = run(env, "publish", "--all", "--now", "2026-11-20T12:00:00Z", "--out", str(tmp_path / "o2"))
    assert r.returncode == 0 and (tmp_path / "o2" / "manifest.json").exists()


def test_a_bad_file_or_clock_is_a_plain_error(env, tmp_path):
    r = run(env, "import", str(tmp_path / "missing.ndjson"))
    assert r.returncode != 0 and "missing.ndjson: cannot read" in r.stderr
    assert "Traceback" not in r.stderr
    r = run(env, "publish", "--now", "tomorrow")
    assert r.returncode == 2 and "RFC 3339" in r.stderr and "Traceback" not in r.stderr


def test_a_bad_setting_stops_the_command_naming_it(env):
    env["SYNDICATE_FEEDS_ITEMS"] = "-3"
    r = run(env, "publish")
    assert r.returncode == 2
    assert "configuration error" in r.stderr and "feeds.items" in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize(
    "command",
    [["publish"], ["import", "-"], ["keys", "list"], ["db", "upgrade"], ["serve"], ["worker"]],
)
def test_an_unknown_environment_variable_stops_every_command(env, command):
    env["SYNDICATE_FEEDS_ITMES"] = "10"
    r = run(env, *command, stdin="")
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr == (
        "syndicate: configuration error: SYNDICATE_FEEDS_ITMES: unknown setting; "
        "did you mean SYNDICATE_FEEDS_ITEMS?\n"
    )


def test_a_copied_config_names_what_to_fix_and_works_once_fixed(env, tmp_path):
    """`cp config/default.toml /tmp/x/my.toml` then `syndicate --config /tmp/x/my.toml
    publish`: its relative taxonomy path is read beside the copy."""
    here = tmp_path / "x"
    here.mkdir()
    copy = here / "my.toml"
    copy.write_text((ROOT / "config" / "default.toml").read_text())
    r = run(env, "--config", str(copy), "publish")
    embedded = ROOT / "config" / "taxonomy.toml"
    assert r.returncode == 2
    assert r.stderr == (
        f"syndicate: configuration error: {copy}: taxonomy: file {here / 'taxonomy.toml'} "
        "not found (a relative path is read from this file's directory): copy "
        f'{embedded} there, or write its absolute path: taxonomy = "{embedded}"\n'
    )
    copy.write_text(copy.read_text().replace('"taxonomy.toml"', f'"{embedded}"'))
    r = run(env, "--config", str(copy), "publish", "--now", "2026-11-20T12:00:00Z")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "out" / "en" / "feeds" / "all.rss").exists()
    # and a typo in the copy stops it, naming the file, the table, the key and its neighbour
    copy.write_text(copy.read_text().replace("items = 50", "itmes = 50", 1))
    r = run(env, "--config", str(copy), "publish")
    assert r.returncode == 2
    assert r.stderr == (
        f"syndicate: configuration error: {copy}: feeds.itmes: unknown setting "
        "(did you mean 'items'?)\n"
    )


@pytest.mark.parametrize("command", [["publish"], ["import", "-"], ["keys", "list"]])
def test_a_database_out_of_reach_is_a_plain_error_worth_retrying(env, command):
    env["SYNDICATE_DATABASE_URL"] = "postgresql+psycopg://ed:s3cret-pw@127.0.0.1:9/news"
    r = run(env, *command, stdin="")
    assert r.returncode == 75, r.stderr  # EX_TEMPFAIL: a supervisor or cron may retry
    assert "the database is unavailable" in r.stderr and "Connection refused" in r.stderr
    assert "Run the command again" in r.stderr
    assert "Traceback" not in r.stderr and "s3cret-pw" not in r.stderr


def test_invalid_utf8_costs_one_line(env, tmp_path):
    f = tmp_path / "in.ndjson"
    f.write_bytes(
        ndjson([story("st-1")]).encode() + b'{"id": "\xff"}\n' + ndjson([story("st-2")]).encode()
    )
    r = run(env, "import", str(f))
    assert r.returncode == 1
    assert f"{f}:2: -: json: not valid UTF-8" in r.stderr
    assert "2 stories changed" in r.stderr


def test_json_logs(env, tmp_path):
    run(env, "import", "-", stdin=ndjson([story("st-1")]))
    r = run(env, "--log-format", "json", "-v", "publish", "--now", "2026-11-20T12:00:00Z")
    events = [json.loads(line) for line in r.stderr.splitlines() if line.startswith("{")]
    done = [e for e in events if e["event"] == "publish"]
    assert done and done[0]["written"] > 0 and done[0]["level"] == "info"


def test_a_queued_full_publish_is_drained_a_batch_at_a_time(env, tmp_path):
    f = tmp_path / "in.ndjson"
    f.write_text(
        ndjson([story(f"st-{i}", variants={"en": variant(f"Story {i}")}) for i in range(6)])
    )
    env["SYNDICATE_BROKER_URL"] = "filesystem://"  # a broker with no worker: drains wait in it
    assert run(env, "import", "--no-nudge", "--now", "2026-11-20T12:00:00Z", str(f)).returncode == 0
    first = run(env, "publish", "--now", "2026-11-20T12:00:00Z")
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "out/en/feeds/all.rss").exists()
    (tmp_path / "out/en/feeds/all.rss").unlink()  # a rebuild puts back what went missing

    bad = run(env, "publish", "--queue")
    assert bad.returncode == 2 and "--queue goes with --all" in bad.stderr
    queued = run(env, "publish", "--all", "--queue", "--now", "2026-11-20T12:00:00Z")
    assert queued.returncode == 0, queued.stderr
    assert "queued" in queued.stderr and "outputs for the workers" in queued.stderr
    assert not (tmp_path / "out/en/feeds/all.rss").exists()  # queued, not rendered here

    drained = run(env, "publish", "--batch", "7", "--now", "2026-11-20T12:00:00Z")
    assert drained.returncode == 0, drained.stderr
    assert "1 written" in drained.stderr
    assert b"Story 5" in (tmp_path / "out/en/feeds/all.rss").read_bytes()
    again = run(env, "publish", "--batch", "7", "--now", "2026-11-20T12:00:00Z")
    assert "0 written" in again.stderr and "(0 outputs checked" in again.stderr


def test_a_big_import_parses_aside_and_reports_like_a_small_one(env, tmp_path):
    """Past 4 MB the lines are parsed in helper processes: same counts, same messages."""
    from datetime import UTC, datetime

    from bench.corpus import generate

    objs = [o for o in generate(1600, seed=4, end=datetime(2026, 11, 20, tzinfo=UTC))]
    text = (
        ndjson(objs[:700])
        + "{broken\n"
        + ndjson(objs[700:])
        + ndjson([story("st-x", section="weather")])
    )
    f = tmp_path / "big.ndjson"
    f.write_text(text)
    assert f.stat().st_size > 4 << 20
    env["SYNDICATE_PUBLISH_JOBS"] = "2"
    r = run(env, "import", "--no-nudge", "--now", "2026-11-20T12:00:00Z", str(f))
    assert r.returncode == 1
    stories = sum(1 for o in objs if o.get("type", "story") == "story")
    breaking = len(objs) - stories
    assert f"imported: {stories} stories changed, 0 unchanged; {breaking} breaking" in r.stderr
    assert "2 rejected" in r.stderr
    assert f"{f}:701: -: json: not valid JSON" in r.stderr
    assert f"{f}:{len(objs) + 2}: st-x: section:" in r.stderr


def test_a_full_publish_renders_once_and_drains_the_announcements_after(env, tmp_path):
    """With IndexNow on, a big import leaves one announcement per URL; `publish --all`
    renders everything once, then takes the announcements a batch at a time."""
    import sqlite3

    env.update(
        SYNDICATE_INDEXNOW_ENDPOINT="http://127.0.0.1:9/indexnow",
        SYNDICATE_INDEXNOW_KEY="abcdef0123456789",
        SYNDICATE_PUBLISH_BATCH="2",
    )
    f = tmp_path / "in.ndjson"
    f.write_text(
        ndjson([story(f"st-{i}", variants={"en": variant(f"Story {i}")}) for i in range(5)])
    )
    assert run(env, "import", "--no-nudge", "--now", "2026-11-20T12:00:00Z", str(f)).returncode == 0
    r = run(env, "publish", "--all", "--now", "2026-11-20T12:00:00Z")
    assert r.returncode == 0, r.stderr
    db = sqlite3.connect(tmp_path / "s.db")
    try:
        fulls = [row[0] for row in db.execute("SELECT full FROM publish_log ORDER BY id")]
        assert fulls[0] == 1 and sum(fulls) == 1 and len(fulls) >= 3  # then batches of 2
        assert db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0
    finally:
        db.close()
