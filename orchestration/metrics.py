"""metrics.json: the headline file every run writes (contract: shared/METRICS.md, copied in docs/).

Shape::

    {"as_of": "YYYY-MM-DD", "generated_at": "...Z",
     "variants": {"admin_closures_are_completions": bool, "relief_after_reopening_counts": bool},
     "inputs": [{"source": str, "kind": "real"|"synthetic", "files": [{"name", "sha256", "vintage"}]}],
     "metrics": [{"id": str, "period": null|"YYYY-MM"|"FYyyyy", "value": int,
                  "input": "real"|"synthetic"|"mixed", "source"?: str}],
     "unavailable": [{"id": str, "period": null|"YYYY-MM"|"FYyyyy", "reason": str}]}

Every value comes from the dbt marts ``marts.headline_metrics`` (one row per metric x period) and
``marts.headline_unavailable`` (the figures whose sources do not cover the as-of date) and the inputs of
the current loads; nothing here computes a figure. ``source`` is written where the mart names one. A run
writes it from the copy it published (:func:`build_metrics_document` on the published file: its
``meta.inputs_document``, and ``publication``: the copy's publication id, run id, name and whether it is
published), so metrics.json, the published copy and the report tell one run's story; on a build warehouse
it reads ``raw._load_ledger`` instead. Errors: :class:`MetricsError` when the mart is missing
or stamped with another as-of date than the run's (a stale warehouse must never be reported as fresh).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from orchestration.eoir.diff import release_diff_by_load


class MetricsError(RuntimeError):
    """The headline mart is missing or does not belong to this run."""


def _period_key(period: str | None) -> tuple[int, str]:
    return (0, "") if period is None else (1 if period.startswith("FY") else 2, period)


def read_inputs(con: duckdb.DuckDBPyConnection, database: str = "build") -> list[dict[str, Any]]:
    """The files behind the current raw tables, grouped by source: kind and files (name, sha256, vintage).

    ``database`` "build" reads a build warehouse's ledger: per raw table, its latest load; for a table with a
    load history (``raw.<table>__history``, e.g. a CBP layout fed by the bundled file and user files), every
    load whose rows are in the current table (the newest vintage of each period may come from different
    files). "published" reads what the publishing run stored of exactly that (``meta.inputs_document``)."""
    if database == "published":
        return json.loads(con.execute("select inputs from meta.inputs_document").fetchone()[0])
    kept = _loads_in_history_tables(con)
    rows = con.execute(
        """
        with current_loads as (
            select *
            from raw._load_ledger
            qualify load_id = arg_max(load_id, loaded_at) over (partition by table_name)
                 or list_contains(?::varchar[], load_id)
        )
        select source, input_kind, source_file, sha256, vintage, load_id
        from current_loads
        order by source, source_file
        """,
        [kept],
    ).fetchall()
    diffs = release_diff_by_load(con, [r[5] for r in rows])
    by_source: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for source, kind, name, sha256, vintage, load_id in rows:
        files = by_source.setdefault((source, kind), [])
        entry: dict[str, Any] = {"name": name, "sha256": sha256, "vintage": vintage.isoformat() if vintage else None}
        if load_id in diffs:  # EOIR tables loaded over an earlier release: the release diff (by kind)
            entry["release_diff"] = diffs[load_id]
        if entry not in files:  # one file landed into several raw tables (workbook sheets) is listed once
            files.append(entry)
    return [{"source": s, "kind": k, "files": files} for (s, k), files in by_source.items()]


def _loads_in_history_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Load ids present in the current raw tables that keep a load history (``raw.<t>`` beside ``raw.<t>__history``)."""
    tables = [r[0] for r in con.execute(
        """select t.table_name from information_schema.tables t
           join information_schema.tables h on h.table_schema = 'raw' and h.table_name = t.table_name || '__history'
           where t.table_schema = 'raw'"""
    ).fetchall()]
    ids: list[str] = []
    for table in tables:
        quoted = '"' + table.replace('"', '""') + '"'
        ids += [r[0] for r in con.execute(f"select distinct _load_id from raw.{quoted}").fetchall() if r[0]]
    return ids


def _publication(con: duckdb.DuckDBPyConnection) -> dict[str, Any] | None:
    """metrics.json's ``publication`` of a published copy; None for a build warehouse."""
    try:
        cursor = con.execute("select * from meta.publication")
    except duckdb.CatalogException:
        return None
    row = dict(zip([d[0] for d in cursor.description], cursor.fetchone(), strict=True))
    return {"id": row["publication_id"], "run_id": row["run_id"], "name": row.get("publication_name") or None,
            "published": row.get("published", True) is not False}


def build_metrics_document(warehouse: Path, as_of: str) -> dict[str, Any]:
    """Read the headline mart and the inputs (read-only) of a published copy or a build warehouse into
    the metrics.json document."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        publication = _publication(con)
        try:
            rows = con.execute(
                """
                select metric_id, period, value, input_kind, as_of_date,
                       admin_closures_are_completions, relief_after_reopening_counts, source
                from marts.headline_metrics
                """
            ).fetchall()
            unavailable = con.execute(
                "select metric_id, period, reason, as_of_date from marts.headline_unavailable"
            ).fetchall()
        except duckdb.CatalogException as exc:
            raise MetricsError(f"{warehouse}: a headline mart is missing ({exc}); run dbt build first") from exc
        inputs = read_inputs(con, "build" if publication is None else "published")
    finally:
        con.close()
    if not rows:
        raise MetricsError(f"{warehouse}: marts.headline_metrics is empty")
    stamped = {r[4].isoformat() for r in rows} | {r[3].isoformat() for r in unavailable}
    if stamped != {as_of}:
        raise MetricsError(f"marts.headline_metrics was built as of {sorted(stamped)}, not {as_of}")
    metrics = sorted(
        ({"id": r[0], "period": r[1], "value": int(r[2]), "input": r[3], **({"source": r[7]} if r[7] else {})}
         for r in rows),
        key=lambda m: (m["id"], _period_key(m["period"])),
    )
    missing = sorted(({"id": r[0], "period": r[1], "reason": r[2]} for r in unavailable),
                     key=lambda m: (m["id"], _period_key(m["period"])))
    return {
        "as_of": as_of,
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "variants": {
            "admin_closures_are_completions": bool(rows[0][5]),
            "relief_after_reopening_counts": bool(rows[0][6]),
        },
        "inputs": inputs,
        "metrics": metrics,
        "unavailable": missing,
        **({"publication": publication} if publication else {}),
    }


def headline_rows(doc: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(goal, metric id, period, value) rows for the printed headline table: cumulative figures,
    the as-of month and, for goal 4, the last three months and complete fiscal years."""
    as_of_month = doc["as_of"][:7]
    out = []
    g4_months = sorted(m["period"] for m in doc["metrics"] if m["id"] == "g4_swb_encounters" and m["period"]
                       and not m["period"].startswith("FY"))[-3:]
    for m in doc["metrics"]:
        period = m["period"]
        keep = (
            period is None
            or (m["id"] == "g4_swb_encounters" and (period in g4_months or period.startswith("FY")))
            or (m["id"] == "g3_cbp_enrollments" and period == as_of_month)
        )
        if keep:
            goal = m["id"].split("_", 1)[0].upper()
            value = f"{m['value']:,}" + {"synthetic": " (synthetic input)", "mixed": " (mixed input)"}.get(m["input"], "")
            out.append((goal, m["id"], period or "cumulative", value))
    return out


def unavailable_summary(doc: dict[str, Any]) -> list[str]:
    """One line per goal with figures left out of ``metrics`` (metrics.json ``unavailable``): how many, and the
    distinct reasons (e.g. every court figure as of a date after the EOIR release's vintage)."""
    by_goal: dict[str, list[dict[str, Any]]] = {}
    for m in doc.get("unavailable", []):
        by_goal.setdefault(m["id"].split("_", 1)[0].upper(), []).append(m)
    lines = []
    for goal, items in sorted(by_goal.items()):
        reasons = sorted({m["reason"] for m in items})
        shown = "; ".join(reasons[:2]) + (f"; ... {len(reasons) - 2} more reasons" if len(reasons) > 2 else "")
        lines.append(f"{goal}: {len(items)} figure(s) unavailable as of {doc['as_of']}: {shown}")
    return lines
