"""No import cycles in the domain core and the layers below it, counting imports made inside functions.

A cycle hidden in a function-level import still ties the modules together: neither can be
understood, tested or moved without the other, and the day someone lifts the import to the top
the app stops starting. The graph is read from the source (AST), so nothing is imported here.

Importing ``a.b.c`` also runs ``a/b/__init__.py``: a module outside package ``a.b`` that imports
one of its submodules depends on the whole package, and the edge is counted. (Inside the package
the parent is always already being imported, so a submodule's own package is not an edge.)
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from itertools import pairwise
from pathlib import Path

import citizen_app

ROOT = Path(citizen_app.__file__).resolve().parent
# The core and what it stands on: the database layer and the settings.
LAYERS = ("core", "db", "settings.py")


def module_files(root: Path, package: str, layers: Iterable[str]) -> dict[str, Path]:
    """Dotted module name → file, for every module of the given sub-packages (and single modules)."""
    modules: dict[str, Path] = {}
    for layer in layers:
        start = root / layer
        files = [start] if start.is_file() else sorted(start.rglob("*.py"))
        for path in files:
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join([package, *parts])] = path
    return modules


def _imported_names(tree: ast.AST, module: str, is_package: bool) -> Iterable[tuple[str, int]]:
    """Every name an import statement anywhere in the module (functions included) may load, with its line."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            yield target, node.lineno
            for alias in node.names:
                yield f"{target}.{alias.name}", node.lineno  # ``from package import module``


def import_graph(modules: Mapping[str, Path]) -> dict[str, dict[str, int]]:
    """module → {module it imports: line of the first such import}."""
    graph: dict[str, dict[str, int]] = {name: {} for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for target, line in _imported_names(tree, name, path.name == "__init__.py"):
            parts = target.split(".")
            for end in range(1, len(parts) + 1):
                dependency = ".".join(parts[:end])
                own_parent = (name + ".").startswith(dependency + ".")
                if dependency in modules and dependency != name and not own_parent:
                    graph[name].setdefault(dependency, line)
    return graph


def find_cycle(graph: Mapping[str, Mapping[str, int]]) -> list[str] | None:
    """One cycle as [a, b, …, a], or None (iterative depth-first search: no recursion limit)."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for start in sorted(graph):
        if state.get(start):
            continue
        path = [start]
        iterators = [iter(sorted(graph[start]))]
        state[start] = 1
        while iterators:
            following = next(iterators[-1], None)
            if following is None:
                state[path.pop()] = 2
                iterators.pop()
            elif state.get(following) == 1:
                return [*path[path.index(following) :], following]
            elif not state.get(following):
                state[following] = 1
                path.append(following)
                iterators.append(iter(sorted(graph.get(following, {}))))
    return None


def describe(
    cycle: list[str], graph: Mapping[str, Mapping[str, int]], modules: Mapping[str, Path], base: Path
) -> str:
    steps = [
        f"  {a} imports {b}  ({modules[a].relative_to(base)}:{graph[a][b]})"
        for a, b in pairwise(cycle)
    ]
    return "import cycle:\n" + "\n".join(steps)


def test_the_core_has_no_import_cycle() -> None:
    modules = module_files(ROOT, "citizen_app", LAYERS)
    assert "citizen_app.core.dossiers.lifecycle" in modules and "citizen_app.settings" in modules
    graph = import_graph(modules)
    cycle = find_cycle(graph)
    assert cycle is None, describe(cycle, graph, modules, ROOT.parent)


def test_a_cycle_through_a_function_level_import_is_found(tmp_path: Path) -> None:
    """The check can fail: a cycle closed inside a function and through a package's __init__."""
    package = tmp_path / "core"
    (package / "things").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "things" / "__init__.py").write_text("from app.core.things.parts import part\n")
    (package / "things" / "parts.py").write_text(
        "from app.core.things import base\n\ndef part():\n    from app.core import helper\n    return helper\n"
    )
    (package / "things" / "base.py").write_text("")
    (package / "helper.py").write_text("from app.core.things.base import thing\n")
    modules = module_files(tmp_path, "app", ["core"])
    graph = import_graph(modules)
    cycle = find_cycle(graph)
    assert cycle is not None
    assert set(cycle) == {"app.core.helper", "app.core.things", "app.core.things.parts"}
    message = describe(cycle, graph, modules, tmp_path)
    assert "app.core.things.parts imports app.core.helper  (core/things/parts.py:4)" in message
    # Without the function-level import, no cycle.
    (package / "things" / "parts.py").write_text("from app.core.things import base\n")
    assert find_cycle(import_graph(module_files(tmp_path, "app", ["core"]))) is None
