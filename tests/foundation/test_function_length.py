"""Issue 18: every function of orchestration/ (generators included) reads at once: at most 80 lines."""

from __future__ import annotations

import ast
from pathlib import Path

ORCHESTRATION = Path(__file__).resolve().parents[2] / "orchestration"
MAX_LINES = 80


def long_functions(root: Path, limit: int) -> list[str]:
    """``<file>:<line> <name> (<n> lines)`` of every function or method of ``root`` longer than ``limit``."""
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > limit:
                    found.append(f"{path.relative_to(root.parent)}:{node.lineno} {node.name} ({lines} lines)")
    return found


def test_no_function_in_orchestration_is_longer_than_80_lines():
    assert long_functions(ORCHESTRATION, MAX_LINES) == []


def test_the_check_finds_a_long_function(tmp_path):
    (tmp_path / "pkg").mkdir()
    body = "".join(f"    x{i} = {i}\n" for i in range(80))  # def line + 80 = 81 lines
    (tmp_path / "pkg" / "m.py").write_text(f"def short():\n    return 1\n\n\ndef long():\n{body}", encoding="utf-8")
    assert long_functions(tmp_path / "pkg", MAX_LINES) == ["pkg/m.py:5 long (81 lines)"]
