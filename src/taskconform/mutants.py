"""The mutants of the faithful sandbox: faults nobody wrote by hand, made by Cosmic Ray.

Cosmic Ray's operators (every one that takes no argument) are applied, one occurrence at a time, to
the faithful modules of each vendor's sandbox — its seed data, store, HTTP layer and matching, not
``faults.py`` (the hand-written faults) nor the package's wiring. A mutant is applied in memory
(``cosmic_ray.mutating.mutate_code``), so the checked-out tree never changes and two mutants can be
judged at once; ``load`` re-imports the vendor's sandbox package with one module's source replaced.

Mutations inside annotations are left out: every module here starts with ``from __future__ import
annotations``, so an annotation is never evaluated and a mutant of one cannot differ from the original.

A mutant's ``description`` names it without a line number (module, enclosing definition, operator,
the line's text before and after), so ``contracts/mutants.yaml`` survives edits elsewhere in a file.
"""

from __future__ import annotations

import ast
import dataclasses
import difflib
import graphlib
import hashlib
import importlib.util
import pickle
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path
from types import ModuleType
from typing import cast

from .drawn_cache import cache_home, write_whole

__all__ = ["Mutant", "all_mutants", "generate", "load", "vendors"]

_SANDBOX_DIR = Path(__file__).parent / "sandbox"
_PACKAGE = "taskconform.sandbox"
# What a vendor's sandbox package holds besides its faithful modules: the wiring and the hand-written faults.
_NOT_MUTATED = frozenset({"__init__.py", "faults.py"})


@dataclass(frozen=True)
class Mutant:
    vendor: str
    module: str  # relative to the package: sandbox/<vendor>/<file>.py
    definition: str  # the enclosing class/function, dotted, or "<module>"
    operator: str  # Cosmic Ray's name, e.g. core/NumberReplacer
    occurrence: int  # Cosmic Ray's index of the position in the module: how to apply it, not a name
    line: str  # the first line the mutation changes, as it reads
    mutated_line: str  # the same line after the mutation ("" where it is removed)
    ordinal: int  # 1 for the first mutant of this description in the module, 2 for a second, …
    diff: str

    @property
    def description(self) -> str:
        ordinal = f" #{self.ordinal}" if self.ordinal > 1 else ""
        return f"{self.module} {self.definition} {self.operator}: {self.line} => {self.mutated_line}{ordinal}"

    def source(self) -> str:
        """The module's source with this mutation applied."""
        return _mutated_source(self.module, self.operator, self.occurrence)


def _vendor_modules(vendor: str) -> list[Path]:
    return sorted(p for p in (_SANDBOX_DIR / vendor).glob("*.py") if p.name not in _NOT_MUTATED)


def vendors() -> list[str]:
    return sorted(p.parent.name for p in _SANDBOX_DIR.glob("*/__init__.py"))


def _relative(path: Path) -> str:
    return path.relative_to(_SANDBOX_DIR.parent).as_posix()


@cache
def _mutated_source(module: str, operator: str, occurrence: int) -> str:
    from cosmic_ray.mutating import mutate_code
    from cosmic_ray.plugins import get_operator

    source = (_SANDBOX_DIR.parent / module).read_text(encoding="utf-8")
    mutated: str | None = mutate_code(source, get_operator(operator)(), occurrence)
    if mutated is None:
        raise LookupError(f"{operator} has no occurrence {occurrence} in {module}")
    return mutated


def _annotation_spans(tree: ast.Module) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    annotations = [
        annotation
        for node in ast.walk(tree)
        for annotation in (
            getattr(node, "annotation", None) if isinstance(node, (ast.arg, ast.AnnAssign)) else None,
            node.returns if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else None,
        )
        if annotation is not None
    ]
    return [
        ((a.lineno, a.col_offset), (a.end_lineno or a.lineno, a.end_col_offset or 0)) for a in annotations
    ]


def _definitions(tree: ast.Module) -> list[tuple[int, int, str]]:
    """(first line, last line, dotted name) of every class and function, outermost first."""
    found: list[tuple[int, int, str]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                name = f"{prefix}{child.name}"
                first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                found.append((first, child.end_lineno or child.lineno, name))
                visit(child, f"{name}.")
            else:
                visit(child, prefix)

    visit(tree, "")
    return found


def _enclosing(definitions: list[tuple[int, int, str]], line: int) -> str:
    names = [name for first, last, name in definitions if first <= line <= last]
    return names[-1] if names else "<module>"


def _positions(source: str) -> Iterator[tuple[str, int, tuple[int, int]]]:
    """(operator, occurrence, (line, column)) of every mutation Cosmic Ray can make in ``source``."""
    from cosmic_ray.ast import ast_nodes, get_ast
    from cosmic_ray.plugins import get_operator, operator_names

    module = get_ast(source)
    for name in sorted(operator_names()):
        operator_class = get_operator(name)
        if operator_class.arguments():
            continue
        operator = operator_class()
        positions = (start for node in ast_nodes(module) for start, _ in operator.mutation_positions(node))
        for occurrence, start in enumerate(positions):
            yield name, occurrence, start


def _changed_lines(original: str, mutated: str) -> tuple[str, str, str]:
    before, after = original.splitlines(), mutated.splitlines()
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag != "equal":
            line = before[a0].strip() if a1 > a0 else ""
            mutated_line = after[b0].strip() if b1 > b0 else ""
            break
    diff = "".join(difflib.unified_diff(original.splitlines(True), mutated.splitlines(True), n=2))
    return line, mutated_line, diff


@cache
def generate(vendor: str) -> tuple[Mutant, ...]:
    """Every mutant of ``vendor``'s faithful sandbox modules, in a stable order; kept in the cache for
    the same sources and Cosmic Ray (applying each mutation to name it takes half a minute)."""
    digest = hashlib.sha256(f"cosmic-ray {version('cosmic-ray')}\n".encode())
    for path in [Path(__file__), *_vendor_modules(vendor)]:
        digest.update(path.name.encode() + b"\n" + path.read_bytes())
    entry = cache_home() / "mutants" / f"{vendor}-{digest.hexdigest()[:32]}.pickle"
    try:
        return cast(tuple[Mutant, ...], pickle.loads(entry.read_bytes()))
    except (OSError, pickle.UnpicklingError, EOFError):
        mutants = _generate(vendor)
        write_whole(entry, pickle.dumps(mutants))
        return mutants


def _generate(vendor: str) -> tuple[Mutant, ...]:
    mutants: list[Mutant] = []
    for path in _vendor_modules(vendor):
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        spans, definitions = _annotation_spans(tree), _definitions(tree)
        seen: Counter[str] = Counter()
        for operator, occurrence, (line_no, column) in _positions(source):
            if any(start <= (line_no, column) < end for start, end in spans):
                continue
            module = _relative(path)
            line, mutated_line, diff = _changed_lines(source, _mutated_source(module, operator, occurrence))
            mutant = Mutant(
                vendor,
                module,
                _enclosing(definitions, line_no),
                operator,
                occurrence,
                line,
                mutated_line,
                1,
                diff,
            )
            seen[mutant.description] += 1
            mutants.append(dataclasses.replace(mutant, ordinal=seen[mutant.description]))
    return tuple(mutants)


def all_mutants() -> tuple[Mutant, ...]:
    return tuple(mutant for vendor in vendors() for mutant in generate(vendor))


def _import_order(vendor: str) -> list[str]:
    """The vendor package's modules, each after the package's modules it imports; the package last."""
    package = f"{_PACKAGE}.{vendor}"
    graph: dict[str, set[str]] = {}
    for path in (_SANDBOX_DIR / vendor).glob("*.py"):
        name = package if path.stem == "__init__" else f"{package}.{path.stem}"
        tree = ast.parse(path.read_text(encoding="utf-8"))
        graph[name] = {
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(f"{package}.")
        }
    graph[package] |= set(graph) - {package}
    return list(graphlib.TopologicalSorter(graph).static_order())


def _fresh_module(name: str, path: Path, source: str) -> ModuleType:
    is_package = path.name == "__init__.py"
    spec = importlib.util.spec_from_file_location(
        name, path, submodule_search_locations=[str(path.parent)] if is_package else None
    )
    if spec is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    exec(compile(source, str(path), "exec"), module.__dict__)
    return module


def load(mutant: Mutant) -> None:
    """Serve ``mutant`` from now on: the vendor's sandbox package is imported afresh with the mutated
    module's source, and the registered vendor takes the fresh package's store, HTTP layer and data.
    Meant for a forked child: it changes this process's modules for good."""
    from taskconform.sandbox.registry import VENDORS

    mutated_name = f"{_PACKAGE}.{mutant.vendor}.{Path(mutant.module).stem}"
    fresh: dict[str, ModuleType] = {}
    for name in _import_order(mutant.vendor):
        relative = name.removeprefix(f"{_PACKAGE}.").replace(".", "/")
        path = _SANDBOX_DIR / (f"{relative}/__init__.py" if name.count(".") == 2 else f"{relative}.py")
        source = mutant.source() if name == mutated_name else path.read_text(encoding="utf-8")
        fresh[name] = _fresh_module(name, path, source)
    registered = next(vendor for vendor in VENDORS if vendor.name == mutant.vendor)
    reloaded = fresh[f"{_PACKAGE}.{mutant.vendor}"].SANDBOX
    for field in dataclasses.fields(registered):
        object.__setattr__(registered, field.name, getattr(reloaded, field.name))
