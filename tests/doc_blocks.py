"""The fenced blocks of README.md and docs/: which are commands, and which are marked not run.

A block tagged ``sh``, ``bash``, ``shell`` or ``console`` is a command a reader types, and
tests/integration/test_docs_examples.py runs it. One that cannot run on a test machine
says so on the line just above its opening fence, where the source shows it:

    <!-- example: not run (why) -->                  the whole block
    <!-- example: `make test` not run (why) -->      its lines that start with `make test`

Every other block says what it is instead (``text`` for output, synopses and diagrams;
``json``, ``toml``...): an untagged block or an unknown tag is a problem, so a new
example can never go untested without a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHELL = frozenset({"sh", "bash", "shell", "console"})
NOT_COMMANDS = frozenset({"text", "json", "toml", "xml", "html", "nginx", "ini", "yaml"})

FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
MARKER_START = re.compile(r"^\s*<!--\s*example\b")
MARKER = re.compile(
    r"^\s*<!--\s*example:\s*(?:`(?P<command>[^`]+)`\s+)?not run\s*\((?P<reason>.*\S.*)\)\s*-->\s*$"
)
PROMPT = "$ "


@dataclass(frozen=True)
class Marker:
    line: int
    command: str | None  # None: the whole block is not run
    reason: str


@dataclass(frozen=True)
class Block:
    doc: str  # the document's path under the repository
    line: int  # the opening fence's line, from 1
    lang: str
    text: str
    markers: tuple[Marker, ...] = ()
    end: int = 0  # the closing fence's line

    @property
    def where(self) -> str:
        return f"{self.doc}:{self.line}"

    @property
    def is_shell(self) -> bool:
        return self.lang in SHELL

    @property
    def runs(self) -> bool:
        """A shell block with something left to run once its markers are applied."""
        return self.is_shell and bool(self.commands().strip())

    def commands(self) -> str:
        """What a reader types: a console block's prompted lines, less the lines marked."""
        if any(m.command is None for m in self.markers):
            return ""
        lines = _logical_lines(self.text, prompted=self.lang == "console")
        kept = [
            line
            for line in lines
            if not any(m.command and line.lstrip().startswith(m.command) for m in self.markers)
        ]
        return "".join(kept)


def _logical_lines(text: str, *, prompted: bool) -> list[str]:
    """Commands with their continuation lines (a trailing backslash, a here-document's body)."""
    out: list[str] = []
    current: list[str] = []
    heredoc: str | None = None
    for raw in text.splitlines(keepends=True):
        line = raw
        if prompted and not current and heredoc is None:
            if not raw.startswith(PROMPT):
                continue  # a console block's output
            line = raw[len(PROMPT) :]
        current.append(line)
        stripped = line.rstrip("\n")
        if heredoc is not None:
            if stripped.strip() == heredoc:
                heredoc = None
        else:
            opened = re.search(r"<<-?\s*['\"]?(\w+)['\"]?", stripped)
            if opened:
                heredoc = opened.group(1)
        if heredoc is None and not stripped.endswith("\\"):
            out.append("".join(current))
            current = []
    if current:
        out.append("".join(current))
    return out


def logical_lines(block: Block) -> list[str]:
    """The block's commands, one string each (continuations and here-documents included)."""
    return _logical_lines(block.commands(), prompted=False)


def parse(doc: Path) -> tuple[list[Block], list[str]]:
    """The fenced blocks of a Markdown file, and what is wrong with its fences and markers."""
    return parse_text(doc.relative_to(ROOT).as_posix(), doc.read_text(encoding="utf-8"))


def parse_text(rel: str, markdown: str) -> tuple[list[Block], list[str]]:
    lines = markdown.splitlines()
    blocks: list[Block] = []
    problems: list[str] = []
    pending: list[Marker] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if MARKER_START.match(line):
            found = MARKER.match(line)
            if found is None:
                problems.append(
                    f"{rel}:{i + 1}: malformed marker; write "
                    "<!-- example: not run (why) --> or <!-- example: `command` not run (why) -->"
                )
            else:
                pending.append(Marker(i + 1, found["command"], found["reason"].strip()))
            i += 1
            continue
        opened = FENCE.match(line)
        if opened is None:
            if pending:
                problems.append(f"{rel}:{pending[0].line}: marker not just above a fenced block")
                pending = []
            i += 1
            continue
        i, block = _read_block(rel, lines, i, opened, tuple(pending))
        problems.extend(_block_problems(block))
        pending = []
        blocks.append(block)
    if pending:
        problems.append(f"{rel}:{pending[0].line}: marker not just above a fenced block")
    return blocks, problems


def _read_block(
    rel: str, lines: list[str], start: int, opened: re.Match[str], markers: tuple[Marker, ...]
) -> tuple[int, Block]:
    indent, fence = len(opened["indent"]), opened["fence"]  # content loses the fence's indent
    body: list[str] = []
    i = start + 1
    while i < len(lines):
        closing = FENCE.match(lines[i])
        if closing and closing["fence"].startswith(fence) and not closing["info"].strip():
            break
        line = lines[i]
        body.append(line[indent:] if not line[:indent].strip() else line.lstrip())
        i += 1
    lang = opened["info"].strip().split(" ")[0].lower() if opened["info"].strip() else ""
    text = "".join(f"{b}\n" for b in body)
    return i + 1, Block(rel, start + 1, lang, text, markers, end=i + 1)


def _block_problems(block: Block) -> list[str]:
    if not block.lang:
        return [
            f"{block.where}: a fenced block without a tag: tag it sh if it is a command "
            "(it is then run), else say what it is (text, json, toml...)"
        ]
    if block.lang not in SHELL | NOT_COMMANDS:
        return [
            f"{block.where}: unknown tag {block.lang!r}: commands are sh, bash, shell or "
            f"console blocks; other blocks are one of {', '.join(sorted(NOT_COMMANDS))}"
        ]
    if block.markers and not block.is_shell:
        return [f"{block.where}: a not-run marker above a {block.lang} block, which never runs"]
    problems = []
    lines = _logical_lines(block.text, prompted=block.lang == "console")
    for m in block.markers:
        if m.command and not any(line.lstrip().startswith(m.command) for line in lines):
            problems.append(
                f"{block.doc}:{m.line}: marker names `{m.command}`, which no line of the "
                f"block at line {block.line} starts with"
            )
    return problems


def documents() -> list[Path]:
    """README.md, then docs/ in the order docs/README.md lists its pages, then any other page."""
    index = ROOT / "docs" / "README.md"
    listed = [
        (index.parent / target).resolve()
        for target in re.findall(r"\]\(([^)#]+\.md)\)", index.read_text(encoding="utf-8"))
    ]
    pages = sorted((ROOT / "docs").rglob("*.md"))
    ordered = [index, *(p for p in dict.fromkeys(listed) if p in pages)]
    return [ROOT / "README.md", *ordered, *(p for p in pages if p not in ordered)]
