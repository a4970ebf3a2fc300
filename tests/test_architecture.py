"""The faces (the CLI and the app) go through one door: ``narrativ_nlp.workflows``.

They may also read the settings, raise/catch the coded errors and (the app) import its own modules;
nothing else of the core. Runtime code never imports evaluation code; there are no import cycles."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ALLOWED = ("narrativ_nlp.workflows", "narrativ_nlp.errors", "narrativ_nlp.settings", "narrativ_nlp.app")


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "narrativ_nlp":
                names.extend(f"narrativ_nlp.{a.name}" for a in node.names)
            else:
                names.append(node.module)
        elif isinstance(node, ast.Import):
            names.extend(a.name for a in node.names)
    return [n for n in names if n.startswith("narrativ_nlp")]


def test_faces_import_only_the_workflow_layer():
    faces = [ROOT / "narrativ_nlp" / "cli.py", *sorted((ROOT / "app").glob("*.py"))]
    bad = {f"{p.relative_to(ROOT)}: {n}" for p in faces for n in _imports(p)
           if not n.startswith(ALLOWED) and n != "narrativ_nlp.__version__"}
    assert not bad, sorted(bad)


def test_runtime_code_does_not_import_evaluation_code():
    runtime = [p for p in (ROOT / "narrativ_nlp").rglob("*.py")
               if "evaluation" not in p.parts and p.name not in ("training.py", "evaluate.py") and "workflows" not in p.parts]
    bad = {f"{p.relative_to(ROOT)}: {n}" for p in runtime for n in _imports(p)
           if n.startswith(("narrativ_nlp.evaluation", "narrativ_nlp.themes.evaluate"))}
    assert not bad, sorted(bad)


def test_no_import_cycles_at_module_level():
    modules: dict[str, set[str]] = {}
    for p in (ROOT / "narrativ_nlp").rglob("*.py"):
        name = ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        tree = ast.parse(p.read_text(encoding="utf-8"))
        deps = set()
        for node in tree.body:  # module level only: imports inside functions are lazy by design
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("narrativ_nlp"):
                deps.add(node.module)
            elif isinstance(node, ast.Import):
                deps.update(a.name for a in node.names if a.name.startswith("narrativ_nlp"))
        modules[name] = deps
    seen: dict[str, int] = {}

    def visit(m: str, stack: list[str]) -> None:
        seen[m] = 1
        for d in modules.get(m, ()):
            if d not in modules:
                continue
            assert seen.get(d) != 1, " → ".join(stack + [m, d])
            if d not in seen:
                visit(d, stack + [m])
        seen[m] = 2

    for m in modules:
        if m not in seen:
            visit(m, [])
