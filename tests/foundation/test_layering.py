"""Layering (docs/architecture.md): the library packages (EOIR release reading, the USCIS extract, raw
landing) never import Dagster nor anything under orchestration/assets/, and every Dagster asset lives under
orchestration/assets/. Read from the source (every import statement, at any depth), so a lazy import inside
a function counts too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from orchestration.settings import PROJECT_DIR

ORCHESTRATION = PROJECT_DIR / "orchestration"
LIBRARY_PACKAGES = ("eoir", "uscis", "raw")
FORBIDDEN = ("dagster", "dagster_dbt", "orchestration.assets", "orchestration.definitions")


def imported_modules(path: Path) -> set[str]:
    """Every module an import statement of the file names (``from a.b import c`` -> ``a.b``)."""
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def forbidden_imports(path: Path) -> list[str]:
    return sorted(m for m in imported_modules(path) if any(m == f or m.startswith(f + ".") for f in FORBIDDEN))


@pytest.mark.parametrize("package", LIBRARY_PACKAGES)
def test_library_packages_never_import_dagster_or_the_assets(package: str) -> None:
    files = sorted((ORCHESTRATION / package).rglob("*.py"))
    assert files, f"orchestration/{package} has no module"
    offenders = {str(f.relative_to(PROJECT_DIR)): bad for f in files if (bad := forbidden_imports(f))}
    assert offenders == {}


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from dagster import asset\n    import orchestration.assets.raw_eoir\n")
    assert forbidden_imports(module) == ["dagster", "orchestration.assets.raw_eoir"]


def test_every_dagster_definition_lives_under_assets() -> None:
    """An ``@asset`` / ``@multi_asset`` / ``@dbt_assets`` / ``@asset_check`` / ``@sensor`` / ``@job`` ...
    decorator outside assets/ is a Dagster definition in the library layer."""
    decorators = {"asset", "multi_asset", "dbt_assets", "asset_check", "multi_asset_check", "sensor",
                  "run_status_sensor", "schedule", "job", "op"}
    outside = []
    for path in sorted(ORCHESTRATION.rglob("*.py")):
        if "assets" in path.relative_to(ORCHESTRATION).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                for dec in node.decorator_list:
                    target = dec.func if isinstance(dec, ast.Call) else dec
                    name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
                    if name in decorators:
                        outside.append(f"{path.relative_to(PROJECT_DIR)}:{node.name}")
    assert outside == []
