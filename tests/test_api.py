"""The public namespace is pinned, and modules import only from stages above them."""

from __future__ import annotations

import ast
from pathlib import Path

import discretion

SRC = Path(discretion.__file__).resolve().parent

PUBLIC = [
    "BackendUnavailable", "Case", "CaseError", "CompiledRuleset", "DiscretionError", "EngineError", "Finding",
    "Jurisdiction", "Outcome", "Problem", "Recommendation", "Registry", "RegistryError", "Ruleset", "RulesetError",
    "Severity", "__version__", "check", "evaluate", "load_jurisdiction", "load_registry", "load_ruleset",
    "load_ruleset_text", "validate_case",
]

# Stages in data-flow order; a module may import (at module level) only from its own stage or earlier.
STAGES = [
    {"errors", "_yaml", "_lazy"},
    {"expr"},
    {"models"},
    {"standard_facts", "fact_values"},
    {"compile", "loading", "case", "schema", "factspace"},
    {"money", "law"},
    {"evaluate", "pipeline", "backends", "rete", "reasons", "questions", "trace", "procedure", "memo", "redating"},
    {"render", "casefiles"},
    {"checks", "testing", "catalogue", "notice", "batch", "synthetic", "plots", "audit", "diff", "registry",
     "publish", "replay", "jurisdiction"},
    {"cli", "__main__", "pytest_plugin", "__init__", "publish_cli", "analysis_cli", "replay_cli"},
]


def _stage(module: str) -> int:
    top = module.split(".")[0]
    for index, stage in enumerate(STAGES):
        if top in stage:
            return index
    raise AssertionError(f"module {module} is not placed in a stage: add it to STAGES")


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC).with_suffix("")
    parts = [p for p in rel.parts if p != "__init__"] or ["__init__"]
    return ".".join(parts)


def _top_level_imports(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, int]] = []
    package = _module_name(path).split(".")
    is_pkg = path.name == "__init__.py"
    for node in tree.body:  # module level only: lazy imports inside functions are allowed on purpose
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package if is_pkg else package[:-1]
            base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
            if node.module:
                found.append((".".join([*base, node.module]), node.lineno))
            else:  # from . import law (a module) or from . import __version__ (a name of the package)
                for alias in node.names:
                    target = ".".join([*base, alias.name])
                    is_module = (SRC / Path(*target.split("."))).with_suffix(".py").exists() or \
                        (SRC / Path(*target.split("."))).is_dir()
                    found.append((target if is_module else ".".join(base) or "__init__", node.lineno))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("discretion"):
            found.append((node.module.removeprefix("discretion").lstrip(".") or "__init__", node.lineno))
    return found


def test_public_all_is_pinned_and_sorted() -> None:
    assert discretion.__all__ == sorted(discretion.__all__)
    assert discretion.__all__ == sorted(PUBLIC)
    for name in discretion.__all__:
        assert hasattr(discretion, name)


def test_modules_import_only_from_earlier_stages() -> None:
    bad = []
    for path in sorted(SRC.rglob("*.py")):
        module = _module_name(path)
        if module == "__init__":
            continue
        for target, line in _top_level_imports(path):
            if target == "__init__":
                if module.split(".")[0] not in {"cli", "__main__", "pytest_plugin"}:
                    bad.append(f"{path.name}:{line} imports the package root")
                continue
            if _stage(target) > _stage(module):
                bad.append(f"{module} ({path.name}:{line}) imports later stage {target}")
    assert not bad, "\n".join(bad)


def test_nothing_imports_the_cli_or_the_pytest_plugin() -> None:
    for path in SRC.rglob("*.py"):
        if path.name in {"cli.py", "__main__.py"}:
            continue
        text = path.read_text(encoding="utf-8")
        assert "from .cli" not in text and "import discretion.cli" not in text, path
        assert "pytest_plugin" not in text or path.name == "pytest_plugin.py", path


def test_only_rete_imports_durable() -> None:
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
        names += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
        if any(n == "durable" or n.startswith("durable.") for n in names):
            assert path.name == "rete.py", path


def test_no_eval_or_exec_anywhere() -> None:
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in {"eval", "exec", "compile", "__import__"}, f"{path}:{node.lineno}"
