"""The package map's rules (docs/architecture.md), read off the source.

Every module under src/eufunds is parsed with ``ast``, nothing is imported, and
its imports are resolved to the modules they name. An import inside a function
(the CLI's, to start fast; intake's, to load a format's reader only when a file
needs it) is a dependency all the same and counts everywhere below; an import
under ``if TYPE_CHECKING:`` never runs, so it closes no cycle, but it still may
not reach into a later stage.
"""

from __future__ import annotations

import ast
import functools
import itertools
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
ROOT = "eufunds"

# Imported by every stage, importing none of them.
FOUNDATION = frozenset(
    {
        "errors", "settings", "numbers", "text", "jsontext", "record", "models", "reference",
        "db", "migrate", "backup", "searchindex",
    }
)  # fmt: skip

# Data flows one way: a stage may import the foundation, its own modules and
# earlier stages, never a later one. lists (official lists of contracted
# projects) and extract need only the foundation; check reads the lists'
# comparison; intake reads a release (extract), checks the draft as a seed (seed) and loads it
# (load); the read side reuses seed's quote finder and figure checks; export
# reads through read; the web face shows what read and export give; the CLI
# calls them all. coding (CUI, kind of body, SIRUTA place) needs only the
# foundation and its packaged tables, and comes before the seed reader that
# checks a CUI's control digit and the loader that stores the codes.
STAGES = ("coding", "seed", "load", "lists", "extract", "intake", "read", "export", "web", "cli")

# Names in ``os`` that read or change the process environment.
ENVIRONMENT = frozenset({"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"})

# The CLI reads the environment (through click's envvar= and settings); these
# modules touch it only to hand it on to a child process. (The Alembic
# migrations, outside src, read EUFUNDS_DATABASE_URL themselves.)
ENVIRONMENT_EXCEPTIONS = {
    "eufunds.export._csvpool": "passes the environment on to the export worker processes, adding PYTHONPATH",
    "eufunds.intake.ocr": "passes the environment on to Tesseract, adding OMP_THREAD_LIMIT=1",
}


@dataclass(frozen=True)
class Import:
    importer: str
    target: str  # the module imported, resolved (``from a import b`` names a.b when that is a module)
    line: int
    statement: str
    lazy: bool  # inside a function
    type_only: bool  # under ``if TYPE_CHECKING:``

    def __str__(self) -> str:
        where = " (inside a function)" if self.lazy else " (type checking only)" if self.type_only else ""
        return f"{self.importer} line {self.line}: {self.statement}{where}"


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    is_package: bool
    tree: ast.Module

    @property
    def package(self) -> str:
        return self.name if self.is_package else self.name.rpartition(".")[0]


@functools.cache
def modules() -> dict[str, Module]:
    found = {}
    for path in sorted((SRC / ROOT).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        name = ".".join(parts)
        found[name] = Module(name, path, is_package, ast.parse(path.read_text(encoding="utf-8"), str(path)))
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


class _Imports(ast.NodeVisitor):
    def __init__(self, module: Module, known: dict[str, Module]):
        self.module, self.known = module, known
        self.found: list[Import] = []
        self.functions = 0
        self.type_only = 0

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.functions += 1
        self.generic_visit(node)
        self.functions -= 1

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_If(self, node: ast.If) -> None:
        if not _is_type_checking(node.test):
            self.generic_visit(node)
            return
        self.type_only += 1
        for child in node.body:
            self.visit(child)
        self.type_only -= 1
        for child in node.orelse:
            self.visit(child)

    def _add(self, node: ast.stmt, target: str) -> None:
        statement = " ".join(ast.unparse(node).split())
        self.found.append(
            Import(self.module.name, target, node.lineno, statement, self.functions > 0, self.type_only > 0)
        )

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(node, alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            base = self.module.package.split(".")
            base = base[: len(base) - (node.level - 1)]
            source = ".".join(base + ([node.module] if node.module else []))
        else:
            source = node.module or ""
        for alias in node.names:
            submodule = f"{source}.{alias.name}"
            self._add(node, submodule if submodule in self.known else source)


@functools.cache
def imports() -> list[Import]:
    known = modules()
    found = []
    for module in known.values():
        collector = _Imports(module, known)
        collector.visit(module.tree)
        found += collector.found
    return found


def place(name: str) -> str:
    """``foundation``, a stage's name, or ``unknown``, for a module of eufunds."""
    if name == ROOT:
        return "foundation"  # the package itself: its docstring and version
    top = name.split(".")[1]
    if top in FOUNDATION:
        return "foundation"
    return top if top in STAGES else "unknown"


def internal(found: Import) -> bool:
    return found.target == ROOT or found.target.startswith(ROOT + ".")


def _report(problems: list[str], rule: str) -> str:
    return f"{rule}:\n  " + "\n  ".join(problems)


# --------------------------------------------------------------------------- the tests


def test_the_walk_finds_the_imports_it_should() -> None:
    """The rules below mean something only if the parsing sees the imports."""
    names = modules()
    assert {"eufunds.cli", "eufunds.load._pool", "eufunds.export._csvworker", "eufunds.seed.format"} <= set(
        names
    )
    edges = {(i.importer, i.target) for i in imports()}
    assert ("eufunds.load.loader", "eufunds.seed.consistency") in edges  # from ..seed import consistency
    assert ("eufunds.export._csvpool", "eufunds.export._csvworker") in edges  # from . import _csvworker
    assert ("eufunds.intake.ingest", "eufunds.extract") in edges  # from ..extract import names
    lazy = {(i.importer, i.target) for i in imports() if i.lazy}
    assert ("eufunds.cli", "eufunds.export.exporters") in lazy


def test_every_module_has_a_place_in_the_map() -> None:
    unplaced = [name for name in modules() if place(name) == "unknown"]
    assert not unplaced, _report(
        [f"{name} is neither a foundation module nor in a stage" for name in unplaced],
        "add each to FOUNDATION or STAGES here and to docs/architecture.md",
    )


def test_no_import_cycles_between_modules() -> None:
    graph: dict[str, dict[str, Import]] = {name: {} for name in modules()}
    for found in imports():
        if (
            internal(found)
            and not found.type_only
            and found.target in graph
            and found.target != found.importer
        ):
            graph[found.importer].setdefault(found.target, found)
    cycles = []
    done: set[str] = set()
    path: list[str] = []
    on_path: set[str] = set()

    def walk(name: str) -> None:
        path.append(name)
        on_path.add(name)
        for target in graph[name]:
            if target in on_path:
                loop = [*path[path.index(target) :], target]
                steps = "; ".join(str(graph[a][b]) for a, b in itertools.pairwise(loop))
                cycles.append(" → ".join(loop) + "; " + steps)
            elif target not in done:
                walk(target)
        on_path.discard(path.pop())
        done.add(name)

    for name in graph:
        if name not in done:
            walk(name)
    assert not cycles, _report(cycles, "import cycles (imports inside functions count)")


def test_foundation_modules_import_no_stage() -> None:
    problems = [
        f"{found}: the foundation module imports {found.target}, of the {place(found.target)} stage"
        for found in imports()
        if internal(found) and place(found.importer) == "foundation" and place(found.target) in STAGES
    ]
    assert not problems, _report(problems, "foundation modules import only the standard library, "
                                 "third-party packages and one another")  # fmt: skip


def test_no_stage_imports_a_later_stage() -> None:
    rank = {stage: i for i, stage in enumerate(STAGES)}
    problems = [
        f"{found}: {place(found.importer)} imports {found.target}, of the later {place(found.target)} stage"
        for found in imports()
        if internal(found)
        and place(found.importer) in rank
        and place(found.target) in rank
        and rank[place(found.target)] > rank[place(found.importer)]
    ]
    assert not problems, _report(problems, f"stages import only earlier ones ({' → '.join(STAGES)})")


def test_private_modules_are_imported_only_inside_their_package() -> None:
    problems = []
    for found in imports():
        if not internal(found) or found.target not in modules():
            continue
        target = modules()[found.target]
        if target.is_package or not target.name.rpartition(".")[2].startswith("_"):
            continue
        if modules()[found.importer].package != target.package:
            problems.append(f"{found}: {found.target} is private to {target.package}")
    assert not problems, _report(problems, "a module whose name starts with _ is used through its package")


def test_only_the_cli_imports_click() -> None:
    problems = [
        str(found)
        for found in imports()
        if (found.target == "click" or found.target.startswith("click.")) and found.importer != "eufunds.cli"
    ]
    assert not problems, _report(problems, "only eufunds.cli imports click")


def _environment_uses(module: Module) -> list[str]:
    os_names = {"os"}
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            os_names |= {alias.asname or alias.name for alias in node.names if alias.name == "os"}
    uses = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.ImportFrom) and node.module == "os" and not node.level:
            uses += [
                f"line {node.lineno}: from os import {a.name}" for a in node.names if a.name in ENVIRONMENT
            ]
        elif (
            isinstance(node, ast.Attribute)
            and node.attr in ENVIRONMENT
            and isinstance(node.value, ast.Name)
            and node.value.id in os_names
        ):
            uses.append(f"line {node.lineno}: {ast.unparse(node)}")
    return uses


def test_only_the_cli_reads_the_environment() -> None:
    problems, unused = [], []
    for name, module in modules().items():
        uses = _environment_uses(module)
        if name in ENVIRONMENT_EXCEPTIONS:
            if not uses:
                unused.append(
                    f"{name} no longer touches the environment; drop it from ENVIRONMENT_EXCEPTIONS"
                )
        elif name != "eufunds.cli":
            problems += [f"{name} {use}" for use in uses]
    assert not problems, _report(
        problems, "only eufunds.cli reads the environment; a library function takes a parameter instead"
    )
    assert not unused, _report(unused, "stale exceptions")
