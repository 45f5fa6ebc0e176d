"""The package's boundaries, checked by tests so that they stay true.

The import checks run in a fresh interpreter (as harlequin's tests/unit_tests/test_import_hygiene.py
does): this test process has long since imported textual, so only a new `sys.modules` shows what an
import pulls in. The source checks read import statements with `ast`, so a comment or a string that
names a module does not count and an import inside a function does.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import briefing_quiz

SRC = Path(briefing_quiz.__file__).resolve().parent
MAX_MODULE_LINES = 550

UI_LIBRARIES = ("textual", "rich")
#: What the core must not pull in: the UI libraries, and the layers above it.
NOT_IN_CORE = (*UI_LIBRARIES, "briefing_quiz.ui", "briefing_quiz.services")


def _loaded_after(code: str, forbidden: tuple[str, ...]) -> list[str]:
    """The modules named by (or under) `forbidden` that `code` leaves in a fresh `sys.modules`."""
    script = (
        f"{code}\n"
        "import sys\n"
        f"forbidden = {forbidden!r}\n"
        "bad = sorted(n for n in sys.modules if any(n == f or n.startswith(f + '.') for f in forbidden))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return [name for name in out.stdout.strip().split(",") if name]


def test_core_imports_no_ui_or_application_layer() -> None:
    every_core_module = (
        "import importlib, pkgutil, briefing_quiz.core as core\n"
        "for m in pkgutil.walk_packages(core.__path__, 'briefing_quiz.core.'):\n"
        "    importlib.import_module(m.name)"
    )
    bad = _loaded_after(every_core_module, NOT_IN_CORE)
    assert bad == [], f"importing briefing_quiz.core's modules pulled in: {', '.join(bad)}"


def test_cli_imports_no_ui_library() -> None:
    # The CLI's plain commands (check, import, export, stats) run in scripts and CI: no Textual.
    bad = _loaded_after("import briefing_quiz.cli", UI_LIBRARIES)
    assert bad == [], f"importing briefing_quiz.cli pulled in: {', '.join(bad)}"


def _modules() -> Iterator[tuple[str, ast.Module]]:
    """Every module under src/briefing_quiz: its path relative to the package, and its syntax tree."""
    for path in sorted(SRC.rglob("*.py")):
        yield path.relative_to(SRC).as_posix(), ast.parse(path.read_text(encoding="utf-8"), str(path))


def _imported(tree: ast.Module) -> Iterator[str]:
    """The absolute names every import statement in `tree` imports (`from a import b` gives a.b).

    The package imports absolutely, so a relative import is given as written (leading dots kept).
    """
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def _importers_of(module: str) -> dict[str, list[str]]:
    """Each source module that imports `module` (or something under it), with what it imports."""
    found: dict[str, list[str]] = {}
    for where, tree in _modules():
        hits = sorted({n for n in _imported(tree) if n == module or n.startswith(module + ".")})
        if hits:
            found[where] = hits
    return found


def test_gc_is_used_only_by_the_gc_policy() -> None:
    # One garbage-collector policy, services/gc_policy.py, where every pause is undone in a
    # `finally` (import-linter's gc-in-gc-policy contract says the same for CI's lint step).
    outside = {where: names for where, names in _importers_of("gc").items()
               if where != "services/gc_policy.py"}
    assert outside == {}, f"modules other than services/gc_policy.py import gc: {sorted(outside)}"


def test_fsrs_scheduler_module_is_used_only_by_the_adapter() -> None:
    # fsrs' scheduler module is internal to fsrs: one adapter touches it, so an fsrs release that
    # changes it breaks one module (and its test), not every command at import time.
    allowed = "core/fsrs_adapter.py"
    outside = {where: names for where, names in _importers_of("fsrs.scheduler").items()
               if where != allowed}
    for where, tree in _modules():
        # `import fsrs` then `fsrs.scheduler.x` reaches the module without importing it by name.
        if where != allowed and any(
            isinstance(node, ast.Attribute) and node.attr == "scheduler"
            and isinstance(node.value, ast.Name) and node.value.id == "fsrs"
            for node in ast.walk(tree)
        ):
            outside.setdefault(where, []).append("fsrs.scheduler (attribute)")
    assert outside == {}, f"modules other than {allowed} use fsrs.scheduler: {outside}"


def test_no_module_is_over_the_line_limit() -> None:
    # A module a newcomer can read whole; ~500 lines is the aim, 550 the hard stop.
    sizes = {where: len(path.read_text(encoding="utf-8").splitlines())
             for where, path in ((p.relative_to(SRC).as_posix(), p) for p in sorted(SRC.rglob("*.py")))}
    over = {where: n for where, n in sizes.items() if n > MAX_MODULE_LINES}
    listed = ", ".join(f"{where} ({n} lines)" for where, n in sorted(over.items(), key=lambda kv: -kv[1]))
    assert not over, f"modules over {MAX_MODULE_LINES} lines: {listed}"


def test_the_source_checks_see_imports_inside_functions() -> None:
    # The checks above rely on the scan finding lazy imports too (the program imports lazily).
    tree = ast.parse("def f():\n    import gc\n    from fsrs import scheduler\n")
    assert set(_imported(tree)) == {"gc", "fsrs", "fsrs.scheduler"}


def test_tests_import_private_names_only_from_their_own_package() -> None:
    # tests/ mirrors the package: a test that needs a private name of another package is testing
    # that package from the outside, and belongs beside its other tests.
    tests = Path(__file__).resolve().parent
    crossing = []
    for path in sorted(tests.rglob("test_*.py")):
        own = path.relative_to(tests).parent.parts
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.ImportFrom) and node.module
                    and node.module.split(".")[0] == "briefing_quiz"):
                continue
            private = [alias.name for alias in node.names if alias.name.startswith("_")]
            package = tuple(node.module.split(".")[1:-1])
            if private and package != own:
                crossing.append(f"{path.relative_to(tests)}:{node.lineno}: {node.module} {private}")
    assert crossing == [], "private names imported across packages:\n" + "\n".join(crossing)
