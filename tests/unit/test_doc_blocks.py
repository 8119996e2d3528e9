"""The docs' fenced blocks: every one is a command that runs, a command marked not run with
its reason, or says what else it is."""

from __future__ import annotations

import pytest
from doc_blocks import ROOT, documents, logical_lines, parse, parse_text


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
