"""A reader's terminal, for running the docs' examples: a fresh working copy, bash, services.

`Shell` copies the repository's files (what `git ls-files` lists, as a fresh clone has
them, with its uncommitted edits) into a temporary directory and gives it a `.venv/`
whose programs are the running test's environment, already installed (a test does not
download packages). It then runs a document's blocks there in order, in bash, as one
session: variables and the working directory carry over from block to block, as in a
terminal. A command that starts a service (`make run`, `syndicate up`, `serve`, `worker`,
`beat`) is started in the background in a process group of its own and kept running
until the end, like a second terminal left open; an HTTP one is waited for until it
answers. Port numbers in the examples are replaced by free ones (the same number
always by the same port), so a test never meets another program on 8000.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from doc_blocks import ROOT, Block, logical_lines

PORTS = re.compile(r"(?:(?<=127\.0\.0\.1:)|(?<=localhost:)|(?<=--port )|(?<=\bPORT=))(\d{2,5})\b")
DEFAULT_PORT = 8000  # of `make run`, `syndicate up` and `syndicate serve`
HTTP_SERVICES = frozenset({"up", "serve"})
SERVICES = HTTP_SERVICES | {"worker", "beat"}
VALUE_OPTIONS = frozenset({"--config", "--log-format"})  # syndicate's options with a value
# the environment a reader's terminal would not have: a test run's, an outer make's, and
# PORT and HOST, which the Makefile would take (`PORT ?= 8000`)
DROPPED_PREFIXES = ("SYNDICATE_", "PYTEST_", "MAKE")
DROPPED = frozenset({"MFLAGS", "VIRTUAL_ENV", "PYTHONPATH", "PORT", "HOST"})

PRELUDE = r"""set -m  # each background service in a process group of its own
__example_known=$(compgen -v)
[ -f "$__EXAMPLE_STATE" ] && source "$__EXAMPLE_STATE"
set -E
trap 'printf "%s\t%s\n" "$?" "$BASH_COMMAND" >>"$__EXAMPLE_FAILED"' ERR
"""
EPILOGUE = r"""
trap - ERR
{
    printf 'cd %q\n' "$PWD"
    for __v in $(compgen -v); do
        case $'\n'"$__example_known"$'\n' in *$'\n'"$__v"$'\n'*) continue ;; esac
        [[ $__v == __* ]] || declare -p "$__v"
    done
} >"$__EXAMPLE_STATE.new" && mv "$__EXAMPLE_STATE.new" "$__EXAMPLE_STATE"
exit 0
"""


@dataclass
class Run:
    """One block as run: its text after the port and stand-in replacements, what it printed."""

    block: Block
    script: str
    stdout: str
    stderr: str
    failed: list[str]  # "STATUS<TAB>COMMAND" of each command that exited non-zero
    finished: bool  # false: the block stopped before its end (a syntax error, an exit)

    def report(self) -> str:
        failed = "".join(f"\n  exit {f}" for f in self.failed)
        return (
            f"{self.block.where}:{failed}\n--- ran:\n{self.script}--- stdout:\n{self.stdout}"
            f"--- stderr:\n{self.stderr}"
        )


@dataclass
class Service:
    pid: int  # also its process group
    command: str
    log: Path
    port: int | None  # an HTTP service's


@dataclass(kw_only=True)
class Local:
    """The doc's ports and example values, and this run's."""

    ports: dict[int, int] = field(default_factory=dict)  # the doc's port -> a free one
    stand_ins: dict[str, str] = field(default_factory=dict)  # a doc's example value -> the real

    def port(self, doc_port: int = DEFAULT_PORT) -> int:
        if doc_port not in self.ports:
            self.ports[doc_port] = free_port(set(self.ports.values()))
        return self.ports[doc_port]

    def localize(self, text: str) -> str:
        """The doc's text with its ports and example values replaced by this run's."""
        text = PORTS.sub(lambda m: str(self.port(int(m.group(1)))), text)
        for example, real in self.stand_ins.items():
            text = text.replace(example, real)
        return text


@dataclass(kw_only=True)
class Shell(Local):
    """One reader's terminal over one document (see the module's docstring)."""

    tmp: Path
    bin_dir: Path  # the environment's programs, linked into the copy's .venv/bin
    copy: Path = field(init=False)
    state: Path = field(init=False)  # the session's variables, its services' pids and logs
    env: dict[str, str] = field(init=False)
    services: list[Service] = field(default_factory=list)
    cleanups: list[Callable[[], None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.copy = self.tmp / "copy"
        _working_copy(self.copy, self.bin_dir)
        self.state = self.tmp / "shell"
        self.state.mkdir()
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(DROPPED_PREFIXES) and k not in DROPPED
        }
        env.update(
            PATH=f"{self.copy / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}",
            PYTHONPATH=str(self.copy),  # the copy's code, not the installed checkout's
            __EXAMPLE_STATE=str(self.state / "vars.sh"),
            __EXAMPLE_FAILED=str(self.state / "failed"),
            __EXAMPLE_PIDS=str(self.state / "pids"),
        )
        self.env = env

    # running

    def run(self, block: Block) -> Run:
        """Run a block's commands in the session; wait until the services it started answer."""
        script, services = self._script(block)
        run = self._bash(block, script)
        self._started(services)
        return run

    def sh(self, command: str, what: str = "the test's own command") -> Run:
        """A command of the test's own in the same session (the prose's next step)."""
        block = Block(what, 0, "sh", command + "\n")
        return self._bash(block, self.localize(command) + "\n")

    def _script(self, block: Block) -> tuple[str, dict[int, tuple[str, int | None]]]:
        parts: list[str] = []
        services: dict[int, tuple[str, int | None]] = {}
        for line in logical_lines(block):
            found = service_of(line)
            if found is None:
                parts.append(self.localize(line))
                continue
            name, line = found
            line = self.localize(line)
            n = len(services)
            port = _port_of(line) if name in HTTP_SERVICES else None
            services[n] = (line.strip().split("#")[0].strip(), port)
            log = self.state / f"service-{len(self.services) + n}.log"
            parts.append(
                f"{{ {line.rstrip()}\n}} >{shlex.quote(str(log))} 2>&1 </dev/null &\n"
                f'echo "{n} $!" >>"$__EXAMPLE_PIDS"\n'
            )
        return "".join(parts), services

    def _bash(self, block: Block, script: str) -> Run:
        failed = self.state / "failed"
        failed.unlink(missing_ok=True)
        path = self.state / "block.sh"
        path.write_text(PRELUDE + script + EPILOGUE, encoding="utf-8")
        r = subprocess.run(
            ["bash", str(path)],
            cwd=self.copy,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
            stdin=subprocess.DEVNULL,
        )
        failures = failed.read_text().splitlines() if failed.exists() else []
        return Run(block, script, r.stdout, r.stderr, failures, r.returncode == 0)

    def _started(self, services: dict[int, tuple[str, int | None]]) -> None:
        pids = self.state / "pids"
        if not pids.exists():
            return
        started = [line.split() for line in pids.read_text().splitlines()]
        pids.unlink()
        first = len(self.services)
        for n, pid in started:
            command, port = services[int(n)]
            log = self.state / f"service-{first + int(n)}.log"
            self.services.append(Service(int(pid), command, log, port))
        for service in self.services[first:]:
            if service.port is not None:
                self._wait_serving(service)

    def _wait_serving(self, service: Service, seconds: float = 300) -> None:
        """Until the service answers /healthz (a first `make run` imports and publishes first)."""
        deadline = time.monotonic() + seconds
        while True:
            if not _alive(service.pid):
                raise AssertionError(
                    f"`{service.command}` exited before it served:\n{service.log.read_text()}"
                )
            status, body = self.get(f"http://127.0.0.1:{service.port}/healthz")
            if status in (200, 503) and '"database"' in body:
                return
            assert time.monotonic() < deadline, (
                f"`{service.command}` did not answer on port {service.port} within {seconds} s:\n"
                + service.log.read_text()
            )
            time.sleep(0.2)

    # what the reader looks at

    def get(self, url: str, accept: str = "*/*") -> tuple[int, str]:
        """Status and body of a GET (0 and the error when nothing answers)."""
        request = urllib.request.Request(url, headers={"Accept": accept})
        try:
            with urllib.request.urlopen(request, timeout=30) as r:
                return r.status, r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8", "replace")
        except OSError as e:
            return 0, str(e)

    def var(self, name: str) -> str:
        """A shell variable the examples set, as the next block would see it."""
        r = self.sh(f'printf %s "${name}"')
        return r.stdout

    def close(self) -> None:
        for service in reversed(self.services):
            stop(service.pid)
        self.services.clear()
        while self.cleanups:
            self.cleanups.pop()()


def wait_until(check: Callable[[], bool], what: str, seconds: float = 120) -> None:
    """Until `check()` holds; fails naming `what` after `seconds` (a bound, not a pace)."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"{what}: not within {seconds} s"
        time.sleep(0.1)


def service_of(line: str) -> tuple[str, str] | None:
    """(the service, the line with its default port made explicit) for a line that starts one."""
    try:
        words = shlex.split(line, comments=True)
    except ValueError:
        return None
    while words and re.match(r"^\w+=", words[0]):
        words.pop(0)  # VAR=value before the command
    if not words:
        return None
    program, args = Path(words[0]).name, words[1:]
    if program == "make" and "run" in args:
        if not any(a.startswith("PORT=") for a in args):
            line = re.sub(r"\bmake\s+run\b", f"make run PORT={DEFAULT_PORT}", line, count=1)
        return "up", line
    if program != "syndicate":
        return None
    command = _subcommand(args)
    if command not in SERVICES:
        return None
    if command in HTTP_SERVICES and "--port" not in args:
        line = re.sub(rf"\b{command}\b", f"{command} --port {DEFAULT_PORT}", line, count=1)
    return command, line


def _subcommand(args: list[str]) -> str | None:
    skip = False
    for a in args:
        if skip:
            skip = False
        elif a in VALUE_OPTIONS:
            skip = True
        elif not a.startswith("-"):
            return a
    return None


def _port_of(line: str) -> int:
    found = re.search(r"(?:--port |PORT=)(\d+)", line)
    assert found, line
    return int(found.group(1))


def free_port(taken: set[int]) -> int:
    import socket

    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        if port not in taken:
            return port


def _working_copy(copy: Path, bin_dir: Path) -> None:
    """The repository's files as a clone has them, and a .venv/ that is the test's environment."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, (n.decode() for n in listed)):
        source = ROOT / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, copy / name)
    venv = copy / ".venv"
    (venv / "bin").mkdir(parents=True)
    for program in bin_dir.iterdir():
        (venv / "bin" / program.name).symlink_to(program)
    prefix = bin_dir.parent  # .venv/bin/python finds its packages through these two
    if (prefix / "pyvenv.cfg").exists():
        shutil.copyfile(prefix / "pyvenv.cfg", venv / "pyvenv.cfg")
        (venv / "lib").symlink_to(prefix / "lib")
    # make's record that .venv/ is installed for this pyproject.toml (see the Makefile)
    cksum = subprocess.run(
        ["cksum", "pyproject.toml"], cwd=copy, capture_output=True, text=True, check=True
    ).stdout.split()[0]
    (venv / f".installed-{cksum}").touch()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def stop(pid: int, seconds: float = 30) -> None:
    """Ctrl-C to a service's process group, as a terminal sends it; then SIGKILL what is left
    of it and of its descendants (a worker runs in a session of its own)."""
    everyone = [pid, *_descendants(pid)]
    with suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGINT)
    deadline = time.monotonic() + seconds
    while any(_alive(p) for p in everyone) and time.monotonic() < deadline:
        time.sleep(0.1)
    for p in everyone:
        if _alive(p):
            with suppress(ProcessLookupError):
                os.kill(p, signal.SIGKILL)


def json_values(text: str) -> list[object]:
    """The JSON values printed one after another (curl adds no newline between answers)."""
    decoder, values, i = json.JSONDecoder(), [], 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        value, i = decoder.raw_decode(text, i)
        values.append(value)
    return values
