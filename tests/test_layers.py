"""The pure layers stay pure: no database, broker or file system in clean, plan and render.

They are what every output goes through, and they run in worker processes in
parallel; a stray import of the store or of os.path here is how that breaks.
"""

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "syndicate"
PURE = ["clean.py", "plan.py", "render/__init__.py", "render/items.py", "render/feeds.py"]
FORBIDDEN = (
    "sqlalchemy",
    "celery",
    "kombu",
    "syndicate.store",
    "syndicate.model",
    "syndicate.publish",
    "os",
    "pathlib",
    "shutil",
    "tempfile",
    "io",
    "open",
)


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "open":
            names.add("open")
    return names


@pytest.mark.parametrize("module", PURE)
def test_pure_modules_import_no_io(module):
    bad = {n for n in imported(PKG / module) for f in FORBIDDEN if n == f or n.startswith(f + ".")}
    assert bad == set(), f"{module} imports {bad}"
