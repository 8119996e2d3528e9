"""The pure layers open no files: what import-linter cannot see.

The layers' imports are import-linter's contracts (pyproject.toml, run by
`make lint`): clean, plan and render import no store, model, publisher, web
app, database, broker or file-system module. A call of the builtin `open`
needs no import, so it is checked here.
"""

import ast
from pathlib import Path

import pytest
from conftest import ROOT

PKG = ROOT / "syndicate"
PURE = sorted(
    p.relative_to(PKG).as_posix()
    for p in [PKG / "clean.py", PKG / "plan.py", *(PKG / "render").rglob("*.py")]
)


def opens(path: Path) -> list[int]:
    """Lines that call the builtin `open`."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "open"
    ]


@pytest.mark.parametrize("module", PURE)
def test_pure_modules_open_no_files(module: str) -> None:
    assert opens(PKG / module) == [], f"{module} calls open()"
