"""The layout keeps showing the pipeline: checked from the source with ``ast``, no imports.

Every import counts, also those inside functions and under ``TYPE_CHECKING``: an import
inside a function still closes a circle, it only hides it until that function runs.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "broadcast"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imported_names(module: str, path: Path) -> Iterator[str]:
    """Every dotted name ``module`` imports, relative imports resolved, anywhere in the file."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                if not is_package:
                    base = base[:-1]
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            yield prefix
            for alias in node.names:
                yield f"{prefix}.{alias.name}"


def _import_graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for target in _imported_names(name, path):
            # "from pkg import name" counts as importing pkg.name when that is a module.
            if target in modules and target != name:
                graph[name].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycles_counting_function_and_type_checking_imports() -> None:
    graph = _import_graph()
    assert len(graph) > 50, "the package was not found"
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_imports_inside_functions_and_type_checking_are_seen(tmp_path: Path) -> None:
    source = tmp_path / "day.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from ..playlists import m3u8\n"
        "def run():\n"
        "    from . import lock\n"
        "    import broadcast.errors\n",
        encoding="utf-8",
    )
    names = set(_imported_names("broadcast.build.day", source))
    assert {"broadcast.playlists.m3u8", "broadcast.build.lock", "broadcast.errors"} <= names


def test_at_most_four_modules_at_the_package_root() -> None:
    root_modules = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(root_modules) <= 4, root_modules


@pytest.mark.parametrize(("edge", "other"), [("cli", "web"), ("web", "cli")])
def test_cli_and_web_never_import_each_other(edge: str, other: str) -> None:
    graph = _import_graph()
    crossing = sorted(
        f"{name} -> {target}"
        for name, targets in graph.items()
        if name.startswith(f"broadcast.{edge}.") or name == f"broadcast.{edge}"
        for target in targets
        if target.startswith(f"broadcast.{other}.") or target == f"broadcast.{other}"
    )
    assert crossing == []


def test_readme_is_at_most_150_lines() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 150, len(lines)


def _ci_commands() -> list[str]:
    text = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def test_ci_runs_ruff_and_mypy_before_pytest() -> None:
    commands = _ci_commands()
    position = {
        name: next(i for i, line in enumerate(commands) if re.match(pattern, line))
        for name, pattern in {
            "ruff check": r"ruff check\b",
            "ruff format": r"ruff format --check\b",
            "mypy": r"mypy broadcast\b",
            "pytest": r"pytest\b",
        }.items()
    }
    assert position["pytest"] > max(position["ruff check"], position["ruff format"])
    assert position["pytest"] > position["mypy"]


def test_ci_checkers_are_pinned_in_the_test_extra() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'"ruff==[0-9.]+"', pyproject)
    assert re.search(r'"mypy==[0-9.]+"', pyproject)
