"""The `syndicate` command."""

from __future__ import annotations

import io
import logging
import os
import signal
import sys
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import click

from syndicate import config, logs
from syndicate.ingest import RFC3339_RE, Line, RecordError, visibility
from syndicate.ingest.stream import Apply, Numbered, Outcome, Tally, ingest, read_lines
from syndicate.plan import OutputKey

log = logging.getLogger("syndicate")

ONLY = {"feeds": frozenset({"feed"}), "sitemaps": frozenset({"sitemap", "news", "index", "robots"})}


@dataclass
class Context:
    config_path: str | None

    def settings(self) -> config.Settings:
        return config.load(self.config_path)


def _now(value: str | None) -> datetime:
    if value is None:
        return datetime.now(UTC)
    if not RFC3339_RE.match(value):
        raise click.BadParameter(
            f"must be an RFC 3339 timestamp with an offset, e.g. 2026-11-25T12:00:00Z; got {value!r}"
        )
    return datetime.fromisoformat(value.upper())


NOW_HELP = "Pretend it is this time (RFC 3339), for reproducible runs and tests."


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    metavar="PATH",
    envvar="SYNDICATE_CONFIG",
    help="Settings file (default: $SYNDICATE_CONFIG, else config/default.toml).",
)
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    envvar="SYNDICATE_LOG_FORMAT",
    show_default=True,
    help="Log line format.",
)
@click.option("-v", "--verbose", is_flag=True, help="Log progress (info level).")
@click.pass_context
def main(ctx: click.Context, config_path: str | None, log_format: str, verbose: bool) -> None:
    """Syndicate: multilingual feeds and sitemaps for news publishers."""
    logs.setup(log_format, logging.INFO if verbose else logging.WARNING)
    if config_path:  # the workers' Celery app reads the same settings
        os.environ["SYNDICATE_CONFIG"] = config_path
    ctx.obj = Context(config_path)


def _open_store(ctx: Context) -> Any:
    from syndicate.store import Store

    settings = ctx.settings()
    store = Store(settings)
    store.prepare()
    return store


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.pass_obj
def db_upgrade(ctx: Context) -> None:
    """Create or migrate the schema to the newest revision."""
    _open_store(ctx)
    click.echo("database is up to date")


def _progress(items: Iterable[Any], length: int | None, label: str) -> AbstractContextManager[Any]:
    """A progress bar on a terminal; silent when stderr is not one."""
    if sys.stderr.isatty():
        return click.progressbar(items, length=length, label=label, file=sys.stderr)

    @contextmanager
    def plain() -> Iterator[Iterable[Any]]:
        yield items

    return plain()


@main.command("import")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("--now", "now_text", metavar="T", help=NOW_HELP)
@click.option("--no-nudge", is_flag=True, help="Do not ask the workers to publish the changes.")
@click.pass_obj
def import_(ctx: Context, files: tuple[str, ...], now_text: str | None, no_nudge: bool) -> None:
    """Import NDJSON stories and breaking items (FORMAT.md). `-` reads stdin.

    Valid records are applied even when others are rejected; each rejected
    record is reported as FILE:LINE: id: field: reason, and the exit status
    is then 1. A field the format does not know is reported as
    "warning: FILE:LINE: id: field: unknown field, ignored" with the closest
    known one; its record is still applied.
    """
    store = _open_store(ctx)
    now = _now(now_text)
    counts = Tally()
    for name in files:
        if name == "-":
            stream: BinaryIO = sys.stdin.buffer
            size = None
        else:
            try:
                stream = open(name, "rb")  # noqa: SIM115 - closed below
            except OSError as e:
                raise click.ClickException(f"{name}: cannot read: {e.strerror}") from None
            size = os.fstat(stream.fileno()).st_size
        try:
            counts.add(_import_file(store, stream, name, size, now))
        finally:
            if stream is not sys.stdin.buffer:
                stream.close()
    if counts.changed >= ANALYZE_AFTER:
        store.analyze()
    click.echo(_summary(counts), err=True)
    if counts.changed_ids and not no_nudge:
        _nudge(store, counts.changed_ids, now)
    if counts.rejected:
        sys.exit(1)


# what an import's summary says of the records it applied that do not show now: one, many
NOT_SHOWN = {
    "scheduled": ("scheduled", "scheduled"),
    "expired": ("already expired", "already expired"),
    "withdrawn": ("withdrawn", "withdrawn"),
    "retracted": ("retracted", "retracted"),
    "draft": ("draft", "drafts"),
}


def _summary(counts: Tally) -> str:
    """``imported: N stories changed, ...; N rejected``, then how many of the records do
    not show now (``2 scheduled, 1 already expired``) and the warnings, when any."""
    parts = [
        f"imported: {counts.stories_changed} stories changed, {counts.stories_unchanged} unchanged",
        f"{counts.breaking_changed} breaking items changed, {counts.breaking_unchanged} unchanged",
        f"{counts.rejected} rejected",
    ]
    hidden = [
        f"{n} {one if n == 1 else many}"
        for state, (one, many) in NOT_SHOWN.items()
        if (n := counts.states[state])
    ]
    if hidden:
        parts.append(", ".join(hidden))
    if counts.warnings:
        parts.append(f"{counts.warnings} warning{'' if counts.warnings == 1 else 's'}")
    return "; ".join(parts)


def _nudge(store: Any, story_ids: set[str], now: datetime | None = None) -> None:
    """Tell the workers (if any run) that there is something to publish; `syndicate serve`
    passes this to the app, to call after each write."""
    from workers.tasks import nudge

    with store.session() as s:
        wake = store.outbox.wake_times(s, sorted(story_ids), now or datetime.now(UTC))
    nudge(sorted(wake))


def _broker_answers() -> bool:
    """Whether the workers' broker answers (two seconds at most): for the app's /healthz."""
    from kombu.connection import Connection

    from workers.celery_app import BROKER_URL, TRANSPORT_OPTIONS

    conn = Connection(BROKER_URL, transport_options=TRANSPORT_OPTIONS, connect_timeout=2)  # type: ignore[no-untyped-call]
    try:
        conn.ensure_connection(max_retries=1, timeout=2)  # type: ignore[no-untyped-call]
        return True
    except Exception:  # any failure to reach it
        return False
    finally:
        conn.release()  # type: ignore[no-untyped-call]


@main.command()
@click.option("--beat", is_flag=True, help="Run the beat scheduler in the same process.")
@click.option("--concurrency", type=int, help="Worker processes (default: workers.concurrency).")
@click.option("--loglevel", default="info", show_default=True)
@click.pass_obj
def worker(ctx: Context, beat: bool, concurrency: int | None, loglevel: str) -> None:
    """Run a Celery worker that keeps every output fresh."""
    from workers.celery_app import app, state_dir

    settings = ctx.settings()
    argv = [
        "worker",
        "--loglevel",
        loglevel,
        "--concurrency",
        str(concurrency or settings.workers.concurrency),
    ]
    if beat:
        argv += ["--beat", "--schedule", str(state_dir(settings) / "beat-schedule")]
    app.worker_main(argv)


@main.command()
@click.option("--loglevel", default="info", show_default=True)
@click.pass_obj
def beat(ctx: Context, loglevel: str) -> None:
    """Run the beat scheduler: the tick, the reconcile and the nightly sitemap rebuild."""
    from workers.celery_app import app, state_dir

    schedule = str(state_dir(ctx.settings()) / "beat-schedule")
    app.start(["beat", "--loglevel", loglevel, "--schedule", schedule])


class _Counted(io.RawIOBase):
    """Counts bytes read, to drive a progress bar by file position."""

    def __init__(self, inner: BinaryIO) -> None:
        self.inner = inner
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        data = self.inner.read(len(b))
        n = len(data)
        b[:n] = data
        self.count += n
        return n


ANALYZE_AFTER = 1000  # records changed by one import, after which the statistics are refreshed


def _import_file(store: Any, stream: BinaryIO, name: str, size: int | None, now: datetime) -> Tally:
    """One file through the ingest stream, each rejection told as FILE:LINE: id: field: reason."""
    counted = _Counted(stream)
    lines = read_lines(io.BufferedReader(counted), store.settings, size)

    def report(number: int, err: RecordError) -> None:
        for text in err.lines(f"{name}:{number}"):
            click.echo(text, err=True)

    def warn(line: Line) -> None:
        for field, reason in line.warnings:
            click.echo(
                f"warning: {name}:{line.number}: {line.record_id}: {field}: {reason}", err=True
            )

    judge = visibility.judge(store.settings, now)
    with _progress([], size, f"importing {name}") as bar, _applying(store, now) as apply:
        return ingest(_advancing(lines, bar, counted), apply, report, warn=warn, judge=judge)


def _advancing(lines: Iterable[Line], bar: Any, counted: _Counted) -> Iterator[Line]:
    """The lines, moving the progress bar (if there is one) to the file position."""
    last = 0
    for line in lines:
        if hasattr(bar, "update"):
            bar.update(counted.count - last)
            last = counted.count
        yield line


@contextmanager
def _applying(store: Any, now: datetime) -> Iterator[Apply]:
    """The import's apply step: a batch in one savepoint, committed with what came before;
    if the database refuses any of it, its records one by one, each refusal costing that
    record only. Everything since the last batch is rolled back on an error or Ctrl-C."""
    session = store.session()

    def one_by_one(batch: list[Numbered]) -> list[Outcome]:
        outcomes: list[Outcome] = []
        for number, record in batch:
            try:
                with session.begin_nested():
                    changed = store.writes.apply(session, record, now)
            except Exception as e:  # a database refusal costs this record only
                store.writes.forget_caches()
                log.exception("record not stored", extra={"fields": {"line": number}})
                outcomes.append(RecordError(record.id, [("-", f"not stored: {e}")]))
            else:
                outcomes.append(changed)
        return outcomes

    def apply(batch: list[Numbered]) -> list[Outcome]:
        try:
            with session.begin_nested():
                outcomes: list[Outcome] = store.writes.apply_many(
                    session, [r for _n, r in batch], now
                )
        except Exception:
            store.writes.forget_caches()
            outcomes = one_by_one(batch)
        session.commit()
        store.coordination.begin_write(session)
        return outcomes

    try:
        store.coordination.begin_write(session)
        yield apply
        session.commit()
    except BaseException:
        session.rollback()
        store.writes.forget_caches()
        raise
    finally:
        session.close()


@main.command()
@click.option("--all", "full", is_flag=True, help="Render every output, not only the dirty ones.")
@click.option(
    "--out",
    "out_dir",
    metavar="DIR",
    type=click.Path(file_okay=False),
    help="Output directory (default: the configured output_dir).",
)
@click.option(
    "--only",
    type=click.Choice(["feeds", "sitemaps"]),
    help="With --all: rebuild only the feeds, or only the sitemaps, index and robots.txt.",
)
@click.option(
    "--verify",
    is_flag=True,
    help="Hash the files on disk instead of trusting the manifest; rewrite any that drifted.",
)
@click.option(
    "--queue",
    is_flag=True,
    help="With --all: put every output in the outbox for the workers (on every machine) to "
    "render, a batch each, instead of rendering here.",
)
@click.option(
    "--batch",
    type=click.IntRange(min=1),
    metavar="N",
    help="Claim N dirty outputs at a time until none is left: publishers running side by "
    "side (PostgreSQL) share the work.",
)
@click.option("--now", "now_text", metavar="T", help=NOW_HELP)
@click.pass_obj
def publish(
    ctx: Context,
    full: bool,
    out_dir: str | None,
    only: str | None,
    verify: bool,
    queue: bool,
    batch: int | None,
    now_text: str | None,
) -> None:
    """Render changed outputs (or all of them) into the output directory."""
    from syndicate.publish import Publisher, PublishResult

    store = _open_store(ctx)
    now = _now(now_text)
    publisher = Publisher(store, Path(out_dir) if out_dir else None)

    def progress(keys: Iterable[OutputKey]) -> AbstractContextManager[Iterable[OutputKey]]:
        keys = list(keys)
        return _progress(keys, len(keys), "publishing")

    if only and not full:
        raise click.UsageError("--only needs --all")
    if queue:
        if not full or only or verify or batch:
            raise click.UsageError("--queue goes with --all alone")
        count = publisher.enqueue_all(now)
        drains = _nudge_drains(-(-count // store.settings.publish.batch))
        click.echo(f"queued {count} outputs for the workers ({drains} drains asked)", err=True)
        return
    if batch and full:
        raise click.UsageError("--batch shares the outbox; --all renders everything here")
    kinds = None if only is None else ONLY[only]
    if not full:  # a big outbox goes a batch at a time: memory stays bounded
        batch = batch or store.settings.publish.batch
    total = PublishResult()
    while True:
        result = publisher.publish(
            now, full=full, only=kinds, verify=verify, progress=progress, batch=batch
        )
        total.merge(result)
        total.keys += result.keys
        total.seconds += result.seconds
        if not result.more:
            break
        # what is left of the outbox (announcements after a full publish): a drain's batches
        full, verify = False, False
        batch = batch or store.settings.publish.batch
    click.echo(f"published to {publisher.target.describe()}: {total.summary()}", err=True)
    if total.storage_error:
        click.echo(
            f"error: {publisher.target.describe()} refused a write ({total.storage_error}); "
            f"{len(total.failed)} outputs were not written and stay dirty, the files already "
            "there are unchanged. Free some space and run 'syndicate publish' again.",
            err=True,
        )
        sys.exit(1)
    if total.failed:
        for key in total.failed:
            click.echo(f"failed: {key} (left dirty; see the log above)", err=True)
        sys.exit(1)


def _nudge_drains(count: int) -> int:
    """Ask for ``count`` drains at once, for every worker to take a share; 0 without a broker."""
    from workers.tasks import drain

    try:
        for _ in range(count):
            drain.apply_async(retry=False)
    except Exception as e:  # the outbox holds the work; the periodic tick will start it
        click.echo(
            f"warning: could not reach the broker ({e}); the workers' periodic tick will start",
            err=True,
        )
        return 0
    return count


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--dir",
    "out_dir",
    metavar="DIR",
    type=click.Path(file_okay=False),
    help="Directory to serve (default: the configured output_dir).",
)
@click.pass_obj
def serve(ctx: Context, host: str, port: int, out_dir: str | None) -> None:
    """Serve the ingest API and the published files (ETag, 304, gzip) with uvicorn."""
    import uvicorn

    from syndicate.web import create_app, server_config

    store = _open_store(ctx)
    root = Path(out_dir) if out_dir else store.settings.output_dir
    base = f"http://{host}:{port}/"
    click.echo(f"serving {root} and the ingest API at {base}  (API docs: {base}docs)")
    for lang in store.settings.languages.values():
        if lang.base_url.startswith(base):
            click.echo(f"  {lang.code}: {lang.base_url}feeds/all.rss")
    if any(lang.host_url == base for lang in store.settings.languages.values()):
        click.echo(f"  sitemap index: {base}sitemap.xml   robots.txt: {base}robots.txt")
    click.echo("press Ctrl-C to stop")
    app = create_app(store, root, nudge=_nudge, broker_check=_broker_answers)
    uvicorn.Server(server_config(app, host, port)).run()


SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "stories.ndjson"


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--sample/--no-sample",
    default=True,
    show_default=True,
    help="Import the sample content when the store is empty.",
)
@click.pass_context
def up(click_ctx: click.Context, host: str, port: int, sample: bool) -> None:
    """Everything on one machine: the app, a worker and its scheduler; sample content on first run."""
    import subprocess

    ctx: Context = click_ctx.obj
    store = _open_store(ctx)
    with store.session() as s:
        empty = not store.writes.story_count(s)
    if empty and sample and SAMPLE.exists():
        click.echo(f"first run: importing the sample content ({SAMPLE.name})")
        click_ctx.invoke(import_, files=(str(SAMPLE),), now_text=None, no_nudge=True)
    from syndicate.publish import Publisher

    result = Publisher(store).publish(datetime.now(UTC))
    click.echo(f"published: {result.summary()}")
    # the worker, its pool and its scheduler in a process group of their own, ended as one
    worker = subprocess.Popen(
        [sys.executable, "-m", "syndicate.cli", "worker", "--beat", "--loglevel", "warning"],
        start_new_session=True,
    )

    def stop_worker(*_signal: object) -> None:
        worker.terminate()  # the worker's warm shutdown stops its pool and scheduler
        with suppress(subprocess.TimeoutExpired):
            worker.wait(timeout=20)
        with suppress(ProcessLookupError):  # whatever of its group is left
            os.killpg(worker.pid, signal.SIGKILL)
        if _signal:
            sys.exit(0)

    # uvicorn catches SIGINT/SIGTERM, shuts down, then re-raises them to these handlers
    signal.signal(signal.SIGTERM, stop_worker)
    signal.signal(signal.SIGINT, stop_worker)
    try:
        click_ctx.invoke(serve, host=host, port=port, out_dir=None)
    finally:
        stop_worker()


@main.group()
def keys() -> None:
    """API keys for the ingest API."""


@keys.command("create")
@click.option("--name", required=True, help="Who or what uses the key (shown in lists).")
@click.option(
    "--lang",
    "langs",
    multiple=True,
    metavar="CODE",
    help="Limit the key to a language (repeat for several). Default: all.",
)
@click.pass_obj
def keys_create(ctx: Context, name: str, langs: tuple[str, ...]) -> None:
    """Create a key and print it once: only its hash is stored."""
    store = _open_store(ctx)
    codes = []
    for tag in langs:
        code = store.settings.match_language(tag)
        if code is None:
            raise click.BadParameter(
                f"{tag!r} is not a configured language ({', '.join(store.settings.languages)})",
                param_hint="--lang",
            )
        codes.append(code)
    with store.session() as s, s.begin():
        secret = store.api_keys.create(s, name, codes or None, datetime.now(UTC))
    click.echo(secret)
    click.echo(
        f"(key for {name!r}, languages: {', '.join(codes) or 'all'}; "
        "it is shown once: store it now)",
        err=True,
    )


@keys.command("list")
@click.pass_obj
def keys_list(ctx: Context) -> None:
    """List keys (their prefixes, never the secrets)."""
    store = _open_store(ctx)
    with store.session() as s:
        for k in store.api_keys.listed(s):
            state = "revoked" if k.revoked else "active"
            click.echo(f"{k.prefix}…  {state:8} {k.langs or 'all':12} {k.name}")


@keys.command("revoke")
@click.argument("prefix")
@click.pass_obj
def keys_revoke(ctx: Context, prefix: str) -> None:
    """Revoke the key whose secret starts with PREFIX."""
    store = _open_store(ctx)
    with store.session() as s, s.begin():
        found = store.api_keys.revoke(s, prefix)
        if len(found) != 1:
            raise click.ClickException(f"{len(found)} keys match {prefix!r}; give more of it")
    click.echo(f"revoked {found[0].prefix}… ({found[0].name})")


def run() -> None:
    from sqlalchemy.exc import InterfaceError, OperationalError

    try:
        main(standalone_mode=True)
    except config.ConfigError as e:
        click.echo(f"syndicate: configuration error: {e}", err=True)
        sys.exit(2)
    except (OperationalError, InterfaceError) as e:  # unreachable, restarting, locked too long
        from syndicate.store import unavailable

        if not unavailable(e):
            raise
        reason = str(e.orig or e).strip().splitlines()[0]
        click.echo(
            f"syndicate: the database is unavailable: {reason}\n"
            "Run the command again when it is back: imports and publishes are idempotent.",
            err=True,
        )
        sys.exit(75)  # EX_TEMPFAIL: worth retrying


if __name__ == "__main__":
    run()
