"""No class over 400 lines and no function over 80, outside migrations and tests.

A long function is several concepts that have not been named yet; a long
class is several objects. OVERSIZE lists what is still over and shrinks to
nothing: an entry that is no longer over fails too, so the list stays true.
"""

import ast

from conftest import ROOT

LIMITS = {"class": 400, "function": 80}
OVERSIZE: set[str] = set()


def oversize() -> dict[str, int]:
    found: dict[str, int] = {}
    for top in ("syndicate", "workers", "bench"):
        for path in sorted((ROOT / top).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            rel = path.relative_to(ROOT).as_posix()
            stack: list[tuple[ast.AST, str]] = [(ast.parse(path.read_text()), "")]
            while stack:
                node, prefix = stack.pop()
                for child in ast.iter_child_nodes(node):
                    if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                        name = prefix + child.name
                        kind = "class" if isinstance(child, ast.ClassDef) else "function"
                        size = (child.end_lineno or child.lineno) - child.lineno + 1
                        if size > LIMITS[kind]:
                            found[f"{rel}:{name}"] = size
                        stack.append((child, name + "."))
    return found


def test_no_class_or_function_grows_past_its_limit():
    found = oversize()
    assert set(found) - OVERSIZE == set(), {k: found[k] for k in set(found) - OVERSIZE}


def test_the_list_of_oversize_ones_is_true():
    assert OVERSIZE - set(oversize()) == set(), "now within the limits: remove from OVERSIZE"
