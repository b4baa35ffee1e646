"""The apps depend one way, modules import one another without cycles, and no import hides
inside a function to dodge one.

The layers, lowest first: `contracts` (contracts, roles), `kpis` (KPIs, readings, returns, the
rules and the pages), the features built on them (`regime`, `packs`, `reminders`, which know
nothing of one another), the committee's `questions` (which may be about a published pack),
rectification plans (`plans`, which link the regime's persistent failures), Contract Performance
Notices (`notices`, which show reliefs, plans and questions beside their ratings), the read-only
`api`,
and the project package `serco_kpi`. A module may
import its own app and the apps below it, never one beside or above it.

Inside `kpis` the folders are layers too: the domain (`models` with their QuerySets, `rules`,
`permissions`, `choices`), then what writes (`writes`) and what reads for pages and downloads
(`reads`), which know nothing of each other; then `imports`, then the `pages`; the admin and the
management commands on top.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYERS = {
    "contracts": 0,
    "kpis": 1,
    "regime": 2,
    "packs": 2,
    "reminders": 2,
    "questions": 3,
    # Rectification plans link the regime's persistent failures to the plans that answer them.
    "plans": 3,
    # Contract Performance Notices read the regime's reliefs and persistent failure, and the
    # open plans and questions, beside each rating they draft.
    "notices": 4,
    # Evidence behind figures and plans: shown on the KPI, return and plan pages through panels.
    "evidence": 4,
    "api": 5,
    "serco_kpi": 6,
}

KPIS_LAYERS = {
    "choices": 0,
    "models": 0,
    "rules": 0,
    "permissions": 0,
    "writes": 1,
    "reads": 1,
    "imports": 2,
    "pages": 3,
    "urls": 3,
    "templatetags": 3,
    "admin": 4,
    "management": 4,
    "apps": 4,
}

# No import hides inside a function: a new one fails `test_no_import_hides_inside_a_function`.
# (Imports in an AppConfig's `ready`, where Django says they belong, are allowed.)
IMPORTS_IN_FUNCTIONS: set[tuple[str, str, str]] = set()


def _modules() -> dict[str, Path]:
    found = {}
    for app in LAYERS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imported(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        # `from kpis.writes import saving` imports the module kpis.writes.saving.
        return [
            f"{node.module}.{alias.name}"
            if f"{node.module}.{alias.name}" in MODULES
            else node.module
            for alias in node.names
        ]
    return []


def _ours(name: str) -> str | None:
    """The project's module that `name` is, or is inside; None for anything else."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _top_level_imports(path: Path) -> Iterator[str]:
    for node in ast.parse(path.read_text()).body:
        # `if TYPE_CHECKING:` imports are for the type checker, never run.
        if not isinstance(node, ast.If):
            yield from (name for name in _imported(node) if _ours(name))


def _imports_in_functions(path: Path) -> Iterator[tuple[str, str]]:
    for function in ast.walk(ast.parse(path.read_text())):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(function):
                for name in _imported(node):
                    if _ours(name):
                        yield function.name, name


def test_each_app_imports_only_the_apps_below_it():
    upward = []
    for module, path in MODULES.items():
        app = module.partition(".")[0]
        names = [*_top_level_imports(path), *(n for _, n in _imports_in_functions(path))]
        for name in names:
            other = name.partition(".")[0]
            if other != app and LAYERS[other] >= LAYERS[app]:
                upward.append(f"{path.relative_to(ROOT)} imports {name}")
    assert upward == []


def _kpis_layer(module: str) -> tuple[str, int]:
    folder = module.split(".")[1]
    return folder, KPIS_LAYERS[folder]


def test_inside_kpis_each_folder_imports_only_the_folders_below_it():
    upward = []
    for module, path in MODULES.items():
        if not module.startswith("kpis."):
            continue
        folder, layer = _kpis_layer(module)
        for name in [*_top_level_imports(path), *(n for _, n in _imports_in_functions(path))]:
            target = _ours(name)
            if not target or not target.startswith("kpis."):
                continue
            other, other_layer = _kpis_layer(target)
            if other_layer > layer or (other_layer == layer == 1 and other != folder):
                upward.append(f"{path.relative_to(ROOT)} imports {target}")
    assert upward == []


def test_no_import_hides_inside_a_function():
    found = {
        (str(path.relative_to(ROOT)), function, name)
        for path in MODULES.values()
        for function, name in _imports_in_functions(path)
        if function != "ready"
    }
    assert found == IMPORTS_IN_FUNCTIONS


def _graph() -> dict[str, set[str]]:
    graph = {}
    for module, path in MODULES.items():
        targets = set()
        for name in _top_level_imports(path):
            target = _ours(name)
            # A submodule is imported from inside its own package's __init__: no edge back.
            if target and target != module and not module.startswith(target + "."):
                targets.add(target)
        graph[module] = targets
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import one another, round a loop (Tarjan's algorithm)."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups = []

    def visit(module: str) -> None:
        order[module] = low[module] = len(order)
        stack.append(module)
        for target in graph[module]:
            if target not in order:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], order[target])
        if low[module] == order[module]:
            group = []
            while (member := stack.pop()) != module:
                group.append(member)
            if group:
                groups.append(sorted([module, *group]))

    for module in graph:
        if module not in order:
            visit(module)
    return groups


def test_no_modules_import_one_another_round_a_loop():
    assert _cycles(_graph()) == []


def test_the_loop_finder_finds_a_loop():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]
