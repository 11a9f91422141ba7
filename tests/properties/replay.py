"""Re-materialize the dbt models downstream of changed raw tables from the baseline's compiled SQL, and run
their data tests, in-process in milliseconds instead of a ``dbt run`` (a few seconds each).

The SQL is the one dbt compiled for the baseline's ``dbt build`` (``compiled_code`` of every node in the
manifest written by that build): a view is recreated as a view, a table as a table (``create or replace
... as <compiled SQL>``), in dependency order. Contracts (column names and types) are dbt's compile-time
guarantee and do not change the values. A data test fails when ``count(*)`` of its compiled SQL is not 0
(``fail_calc`` count(*), ``error_if`` != 0: every test of this project; :func:`Replay.check_supported`
refuses any other configuration), and it blocks when its severity is ``error``.

That replay equals dbt is checked, not assumed: the baseline replays every model on the raw-only warehouse
and must reproduce every mart of the real ``dbt build`` exactly (tests/properties/harness.py), and
``MPP_FAULT_REAL_DBT=1`` runs real ``dbt run`` / ``dbt test`` for every example instead (soak runs).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb


@dataclass(frozen=True)
class Replay:
    """The compiled project: models and tests by unique id, and the edges between nodes and sources."""

    nodes: dict[str, dict]
    children: dict[str, list[str]]
    sources: dict[str, str]  # raw table name -> source unique id

    @classmethod
    def from_manifest(cls, path: Path) -> Replay:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        nodes = {k: n for k, n in manifest["nodes"].items() if n["resource_type"] in ("model", "test")}
        sources = {s["name"]: k for k, s in manifest["sources"].items()}
        replay = cls(nodes, manifest["child_map"], sources)
        replay.check_supported()
        return replay

    def check_supported(self) -> None:
        """Refuse a project feature the replay does not reproduce (then use MPP_FAULT_REAL_DBT=1)."""
        for uid, n in self.nodes.items():
            cfg = n["config"]
            assert "compiled_code" in n, f"{uid}: no compiled SQL (the manifest must come from a full dbt build)"
            if n["resource_type"] == "model":
                assert cfg["materialized"] in ("view", "table"), f"{uid}: materialized {cfg['materialized']}"
                assert not cfg.get("pre-hook") and not cfg.get("post-hook"), f"{uid}: hooks"
            else:
                assert (cfg.get("fail_calc"), cfg.get("error_if")) == ("count(*)", "!= 0"), f"{uid}: {cfg}"

    def downstream(self, raw_tables: list[str]) -> list[str]:
        """Unique ids of every model and test below these raw tables, models in dependency order."""
        seen: set[str] = set()
        order: list[str] = []

        def visit(uid: str) -> None:  # reverse post-order of a DFS = topological order
            if uid in seen:
                return
            seen.add(uid)
            for child in self.children.get(uid, []):
                visit(child)
            if uid in self.nodes:
                order.append(uid)

        for table in raw_tables:
            visit(self.sources[table])
        return list(reversed(order))

    def models(self, raw_tables: list[str]) -> list[str]:
        return [u for u in self.downstream(raw_tables) if self.nodes[u]["resource_type"] == "model"]

    def tests(self, raw_tables: list[str]) -> list[str]:
        """Tests on these sources and their downstream models (as ``dbt test --select source:...+``)."""
        return [u for u in self.downstream(raw_tables) if self.nodes[u]["resource_type"] == "test"]

    def rebuild(self, con: duckdb.DuckDBPyConnection, raw_tables: list[str]) -> None:
        """Recreate the models downstream of ``raw_tables`` from their compiled SQL, in dependency order."""
        for uid in self.models(raw_tables):
            n = self.nodes[uid]
            kind = "view" if n["config"]["materialized"] == "view" else "table"
            con.execute(f"create or replace {kind} {n['relation_name']} as {n['compiled_code']}")

    def failing_tests(self, con: duckdb.DuckDBPyConnection, raw_tables: list[str]) -> list[str]:
        """``'<test id>: <failures>'`` for every blocking (severity error) test below ``raw_tables`` that fails."""
        failed = []
        for uid in self.tests(raw_tables):
            n = self.nodes[uid]
            if n["config"]["severity"].lower() != "error":
                continue
            count = con.execute(f"select count(*) from ({n['compiled_code']}) as dbt_internal_test").fetchone()[0]
            if count:
                failed.append(f"dbt test {uid}: {count} failing row(s)")
        return failed
