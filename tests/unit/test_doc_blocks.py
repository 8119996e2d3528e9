"""The docs' fenced blocks: every one is a command that runs, a command marked not run with
its reason, or says what else it is; and how the examples' runner reads a command."""

from __future__ import annotations

import pytest
from doc_blocks import ROOT, documents, logical_lines, parse, parse_text
from doc_shell import Local, json_values, service_of


def test_every_block_in_the_readme_and_docs_is_run_marked_or_says_what_it_is() -> None:
    problems = [p for doc in documents() for p in parse(doc)[1]]
    assert not problems, "\n".join(problems)
    reasons = [m.reason for doc in documents() for b in parse(doc)[0] for m in b.markers]
    assert reasons and all(len(r) > 10 for r in reasons), reasons


def test_documents_come_in_reading_order_and_all_of_them() -> None:
    rel = [d.relative_to(ROOT).as_posix() for d in documents()]
    assert rel[:3] == ["README.md", "docs/README.md", "docs/tutorial.md"]
    assert len(set(rel)) == len(rel)
    assert set(rel) == {"README.md"} | {
        p.relative_to(ROOT).as_posix() for p in ROOT.glob("docs/**/*.md")
    }


DOC = """\
# A page

<!-- example: not run (it needs a machine of its own) -->
```sh
sudo systemctl restart syndicate
```

<!-- example: `make test` not run (it runs the suite) -->
```bash
make run
make test \\
    -k slow
echo done
```

```text
output, not a command
```

~~~console
$ syndicate keys list
syn_7G9Od8Aq…  active   all          Newsroom CMS
$ cat > x <<EOF
line one
EOF
~~~

1. In a list:

   ```sh
   syndicate publish --all
   ```
"""


def test_markers_leave_out_a_block_or_its_lines_and_console_keeps_the_prompted_lines() -> None:
    blocks, problems = parse_text("page.md", DOC)
    assert problems == []
    assert [(b.line, b.lang, b.runs) for b in blocks] == [
        (4, "sh", False),
        (9, "bash", True),
        (16, "text", False),
        (20, "console", True),
        (30, "sh", True),
    ]
    assert blocks[0].markers[0].reason == "it needs a machine of its own"
    assert blocks[1].commands() == "make run\necho done\n"
    assert logical_lines(blocks[3]) == ["syndicate keys list\n", "cat > x <<EOF\nline one\nEOF\n"]
    assert blocks[4].commands() == "syndicate publish --all\n"
    assert blocks[4].end == 32


@pytest.mark.parametrize(
    ("markdown", "problem"),
    [
        ("```\nmake run\n```\n", "page.md:1: a fenced block without a tag"),
        ("```shell-session\n$ ls\n```\n", "page.md:1: unknown tag 'shell-session'"),
        ("<!-- example: not run -->\n```sh\nls\n```\n", "page.md:1: malformed marker"),
        ("<!-- example: not run () -->\n```sh\nls\n```\n", "page.md:1: malformed marker"),
        (
            "<!-- example: not run (why) -->\n\n```sh\nls\n```\n",
            "page.md:1: marker not just above a fenced block",
        ),
        (
            "<!-- example: not run (why) -->\n```json\n{}\n```\n",
            "page.md:2: a not-run marker above a json block",
        ),
        (
            "<!-- example: `make test` not run (why) -->\n```sh\nmake run\n```\n",
            "page.md:1: marker names `make test`, which no line of the block at line 2",
        ),
        ("text\n<!-- example: not run (why) -->\n", "page.md:2: marker not just above"),
    ],
)
def test_a_block_that_would_go_untested_silently_is_a_problem(markdown: str, problem: str) -> None:
    problems = parse_text("page.md", markdown)[1]
    assert len(problems) == 1 and problems[0].startswith(problem), problems


@pytest.mark.parametrize(
    ("line", "started"),
    [
        ("make run    # set up\n", ("up", "make run PORT=8000    # set up\n")),
        ("make run PORT=8001\n", ("up", "make run PORT=8001\n")),
        (".venv/bin/syndicate up\n", ("up", ".venv/bin/syndicate up --port 8000\n")),
        (
            "syndicate --config c.toml serve --host 0.0.0.0 --port 8000   # any number\n",
            (
                "serve",
                "syndicate --config c.toml serve --host 0.0.0.0 --port 8000   # any number\n",
            ),
        ),
        (
            "FOO=1 syndicate worker --concurrency 4\n",
            ("worker", "FOO=1 syndicate worker --concurrency 4\n"),
        ),
        ("syndicate beat\n", ("beat", "syndicate beat\n")),
        ("syndicate import first.ndjson\n", None),
        ("make translations\n", None),
        ("echo 'syndicate up'\n", None),
        ("cat > x <<EOF\nsyndicate up\nEOF\n", None),
    ],
)
def test_a_command_that_keeps_running_is_told_from_one_that_ends(
    line: str, started: tuple[str, str] | None
) -> None:
    assert service_of(line) == started


def test_ports_and_example_values_are_replaced_the_same_way_everywhere() -> None:
    local = Local(stand_ins={"syn_7G9Od8Aq": "syn_realPrefx"})
    text = local.localize(
        "curl http://127.0.0.1:8000/x; make run PORT=8000; serve --port 8001\n"
        "syndicate keys revoke syn_7G9Od8Aq  # 2026-11-25T12:00:00Z stays\n"
    )
    first, second = local.port(8000), local.port(8001)
    assert first != second and {first, second}.isdisjoint({8000, 8001})
    assert text == (
        f"curl http://127.0.0.1:{first}/x; make run PORT={first}; serve --port {second}\n"
        "syndicate keys revoke syn_realPrefx  # 2026-11-25T12:00:00Z stays\n"
    )


def test_answers_printed_back_to_back_are_read_one_by_one() -> None:
    assert json_values('{"id":"a"}{"id":"b"}\n[1]') == [{"id": "a"}, {"id": "b"}, [1]]
