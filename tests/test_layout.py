"""The shape of the package: which stage may import which, and how large things grow.

Data flows one way (gather -> validate -> compute -> present -> write). The stages in the
middle take values and return values: they import neither Write, the incremental
machinery nor the command line, so that tests call them directly and a build's cache
can never change what they make.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .conftest import ROOT

PACKAGE = ROOT / "builder"
# What the pure stages may not reach: the output, the cache, the processes, the commands.
OUTSIDE = ("builder.write", "builder.incremental", "builder.cli", "builder.build")
OUTSIDE += ("builder.serve", "builder.watch", "builder.safety", "builder.workers")
TOP_PURE = ("formula.py", "compute.py", "catalog.py", "catalog_rows.py", "conventions.py")
PURE = sorted(
    [
        *(PACKAGE / "present").glob("*.py"),
        *(PACKAGE / "entries").glob("*.py"),
        *(PACKAGE / name for name in (*TOP_PURE, "hashing.py")),
    ]
)
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80
MAX_BUILD_SITE_LINES = 60


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at its top or inside functions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


@pytest.mark.parametrize("path", PURE, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_a_pure_stage_imports_no_output_cache_or_command(path: Path) -> None:
    reached = sorted(
        name for name in _imports(path) if any(name.startswith(bad) for bad in OUTSIDE)
    )
    assert reached == [], f"{path.relative_to(ROOT)} imports {reached}"


def test_the_import_check_sees_imports_inside_functions(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from builder.write import Output\n", encoding="utf-8")
    assert "builder.write" in _imports(sample)


def _functions(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def test_no_module_or_function_grows_past_its_limit() -> None:
    too_long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT).as_posix()
        if text.count("\n") > MAX_MODULE_LINES:
            too_long.append(f"{name}: {text.count(chr(10))} lines")
        for fn in _functions(ast.parse(text)):
            length = (fn.end_lineno or fn.lineno) - fn.lineno + 1
            if length > MAX_FUNCTION_LINES:
                too_long.append(f"{name}:{fn.lineno}: {fn.name} is {length} lines")
    assert too_long == []


def test_build_site_reads_as_its_five_stages_in_one_screen() -> None:
    tree = ast.parse((PACKAGE / "build.py").read_text(encoding="utf-8"))
    (build_site,) = [fn for fn in _functions(tree) if fn.name == "build_site"]
    assert (build_site.end_lineno or 0) - build_site.lineno + 1 < MAX_BUILD_SITE_LINES
    stages = [
        item.context_expr.args[0].value
        for node in ast.walk(build_site)
        if isinstance(node, ast.With)
        for item in node.items
        if isinstance(item.context_expr, ast.Call)
        and getattr(item.context_expr.func, "id", "") == "watch"
        and isinstance(item.context_expr.args[0], ast.Constant)
    ]
    assert stages == ["gather", "validate", "compute", "present", "write"]
