"""The project's grain test, macros/tests/unique_combination_of_columns.sql, on seeds worked out by hand.

It replaced ``unique`` on concatenated keys (``a || '|' || b``), which let any row with a NULL part through
unchecked: the whole key is NULL, and ``unique`` ignores NULLs. Run in a throw-away dbt project holding the
macro alone, so the test sees the macro exactly as the models use it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]

SCHEMA = """
version: 2
seeds:
  - name: grain
    config:
      column_types: {period: varchar, location: varchar, n: integer}
    data_tests:
      - unique_combination_of_columns:
          arguments:
            combination_of_columns: [period, location]
"""


def _build(tmp: Path, rows: str) -> tuple[bool, list[tuple]]:
    from dbt.cli.main import dbtRunner

    (tmp / "macros").mkdir(parents=True)
    (tmp / "seeds").mkdir()
    shutil.copy2(PROJECT_DIR / "macros" / "tests" / "unique_combination_of_columns.sql", tmp / "macros")
    (tmp / "dbt_project.yml").write_text(
        "name: grain_check\nversion: '1.0.0'\nconfig-version: 2\nprofile: grain_check\n"
        "seed-paths: [seeds]\nmacro-paths: [macros]\n", encoding="utf-8")
    (tmp / "profiles.yml").write_text(
        f"grain_check:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: '{tmp / 'w.duckdb'}'\n",
        encoding="utf-8")
    (tmp / "seeds" / "grain.csv").write_text("period,location,n\n" + rows, encoding="utf-8")
    (tmp / "seeds" / "_seeds.yml").write_text(SCHEMA, encoding="utf-8")
    result = dbtRunner().invoke(["build", "--project-dir", str(tmp), "--profiles-dir", str(tmp),
                                 "--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs"),
                                 "--store-failures", "--quiet"])
    con = duckdb.connect(str(tmp / "w.duckdb"))  # read-write: in-process dbt may keep its connection open
    try:
        tables = [t for (t,) in con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_name like 'unique_combination_of_columns%'").fetchall()]
        failures = sorted(con.execute(f"select period, location, n_rows from {tables[0]}").fetchall()) if tables else []
    finally:
        con.close()
    return result.success, failures


@pytest.mark.parametrize(
    ("rows", "duplicates"),
    [
        # one row per (period, location): passes
        ("2020-01,SD,1\n2020-01,EP,2\n2020-02,SD,3\n", []),
        # the same key twice: one failing key, 2 rows
        ("2020-01,SD,1\n2020-01,SD,2\n2020-02,SD,3\n", [("2020-01", "SD", 2)]),
        # a NULL part counts as a value: (2020-01, NULL) three times. `unique` on period || '|' || location
        # saw three NULL keys and passed.
        ("2020-01,,1\n2020-01,,2\n2020-01,,3\n2020-01,SD,4\n", [("2020-01", None, 3)]),
        # 'a|b' + 'c' and 'a' + 'b|c' are different keys (a concatenation without a safe separator merged them)
        ("a|b,c,1\na,b|c,2\n", []),
    ],
)
def test_grain_test_fails_exactly_on_repeated_combinations(tmp_path, rows, duplicates):
    success, failures = _build(tmp_path / "p", rows)
    assert failures == duplicates
    assert success is (not duplicates)
