"""The shape of the code (docs/architecture.md): rooms a reader can know, and arrows that never run back.

Every module of ``services/`` and ``shared/`` is at most 400 lines, every function at most 60, and the graph of their imports has no cycle, an
import inside a function counted like one at the top (hiding a cycle there does not break it). ``from package import
name`` counts as an import of the submodule when ``name`` is one, else of the package. Neither have the folders a
cycle: an import between two modules is an arrow between the two entries of their nearest common folder that hold
them (``needs/handlers/ledger.py`` → ``needs/simpeg/mapping.py`` is ``handlers`` → ``simpeg``).
"""

import ast
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("services", "shared")
MAX_LINES = 400
MAX_FUNCTION_LINES = 60


def _modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules that ``name`` imports, wherever in it the import is written."""
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in modules else base)
    return {imported for imported in found if imported in modules and imported != name}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph[node]):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _folders(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The arrows between sibling entries (module or folder) that the imports between modules draw."""
    folders: dict[str, set[str]] = defaultdict(set)
    for importer, imported in ((a, b) for a, targets in graph.items() for b in targets):
        left, right = importer.split("."), imported.split(".")
        common = 0
        while common < min(len(left), len(right)) and left[common] == right[common]:
            common += 1
        if common in (len(left), len(right)):
            continue  # a package and what it holds: its re-exports, or a module using its package
        source, target = ".".join(left[: common + 1]), ".".join(right[: common + 1])
        folders[source].add(target)
        folders[target]
    return dict(folders)


def test_every_module_imports():
    """A name moved between modules leaves no caller behind, also where no test runs it (a CLI, a worker). In a
    process of its own: some modules configure the process as they load (gunicorn's metrics folder)."""
    script = (
        "import importlib, json, sys\n"
        "failed = {}\n"
        "for name in sys.argv[1:]:\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception as exc:\n"
        "        failed[name] = f'{type(exc).__name__}: {exc}'\n"
        "print(json.dumps(failed))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *_modules()], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {}


def test_every_package_says_what_lives_there():
    silent = [
        name
        for name, path in _modules().items()
        if path.name == "__init__.py" and not ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert silent == []


def test_no_module_is_over_400_lines():
    too_long = {
        str(path.relative_to(ROOT)): lines
        for path in _modules().values()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}


def test_no_function_is_over_60_lines():
    too_long = {
        f"{path.relative_to(ROOT)}:{node.lineno} {node.name}": length
        for path in _modules().values()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and (length := node.end_lineno - node.lineno + 1) > MAX_FUNCTION_LINES
    }
    assert too_long == {}


def test_no_import_cycle_even_inside_a_function():
    assert _cycles(_graph()) == []


def test_no_cycle_between_folders():
    assert _cycles(_folders(_graph())) == []


def test_the_checker_sees_a_cycle_hidden_in_a_function():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]
    folders = _folders({"s.h.ledger": {"s.simpeg.mapping"}, "s.simpeg.runs": {"s.h"}, "s.h": {"s.h.ledger"}})
    assert _cycles(folders) == [["s.h", "s.simpeg"]]
    tree = ast.parse("def late():\n    from shared import outbox\n")
    assert any(isinstance(node, ast.ImportFrom) for node in ast.walk(tree))
