"""metrics.json: the headline file every run writes (contract: shared/METRICS.md, copied in docs/).

Shape::

    {"as_of": "YYYY-MM-DD", "generated_at": "...Z",
     "variants": {"admin_closures_are_completions": bool, "relief_after_reopening_counts": bool},
     "inputs": [{"source": str, "kind": "real"|"synthetic", "files": [{"name", "sha256", "vintage"}]}],
     "metrics": [{"id": str, "period": null|"YYYY-MM"|"FYyyyy", "value": int, "input": "real"|"synthetic"}]}

Every value comes from the dbt mart ``marts.headline_metrics`` (one row per metric x period) and the
inputs of the current loads; nothing here computes a figure. A run writes it from the copy it published
(:func:`build_metrics_document` on the published file: ``meta.inputs``, and ``publication``: the copy's
publication id, run id, name and whether it is published), so metrics.json, the published copy and the
report tell one run's story; on a build warehouse it reads ``raw._load_ledger`` instead. Errors: :class:`MetricsError` when the mart is missing
or stamped with another as-of date than the run's (a stale warehouse must never be reported as fresh).
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb


class MetricsError(RuntimeError):
    """The headline mart is missing or does not belong to this run."""


def _period_key(period: str | None) -> tuple[int, str]:
    return (0, "") if period is None else (1 if period.startswith("FY") else 2, period)


_CURRENT_LOADS = {
    "build": "select * from raw._load_ledger qualify load_id = arg_max(load_id, loaded_at) over (partition by table_name)",
    "published": "select * from meta.inputs",  # the publishing build's current loads (orchestration/publish.py)
}


def read_inputs(con: duckdb.DuckDBPyConnection, database: str = "build") -> list[dict[str, Any]]:
    """The current load of every raw table, grouped by source: kind and files (name, sha256, vintage);
    ``database`` "build" reads a build warehouse's ledger, "published" a published copy's meta.inputs."""
    rows = con.execute(
        f"""
        with current_loads as ({_CURRENT_LOADS[database]})
        select source, input_kind, source_file, sha256, vintage
        from current_loads
        order by source, source_file
        """
    ).fetchall()
    by_source: dict[tuple[str, str], list[dict[str, str]]] = {}
    for source, kind, name, sha256, vintage in rows:
        by_source.setdefault((source, kind), []).append(
            {"name": name, "sha256": sha256, "vintage": vintage.isoformat() if vintage else None}
        )
    return [{"source": s, "kind": k, "files": files} for (s, k), files in by_source.items()]


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
                       admin_closures_are_completions, relief_after_reopening_counts
                from marts.headline_metrics
                """
            ).fetchall()
        except duckdb.CatalogException as exc:
            raise MetricsError(f"{warehouse}: marts.headline_metrics is missing; run dbt build first") from exc
        inputs = read_inputs(con, "build" if publication is None else "published")
    finally:
        con.close()
    if not rows:
        raise MetricsError(f"{warehouse}: marts.headline_metrics is empty")
    stamped = {r[4].isoformat() for r in rows}
    if stamped != {as_of}:
        raise MetricsError(f"marts.headline_metrics was built as of {sorted(stamped)}, not {as_of}")
    metrics = sorted(
        ({"id": r[0], "period": r[1], "value": int(r[2]), "input": r[3]} for r in rows),
        key=lambda m: (m["id"], _period_key(m["period"])),
    )
    return {
        "as_of": as_of,
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "variants": {
            "admin_closures_are_completions": bool(rows[0][5]),
            "relief_after_reopening_counts": bool(rows[0][6]),
        },
        "inputs": inputs,
        "metrics": metrics,
        **({"publication": publication} if publication else {}),
    }


def write_json_atomically(doc: dict[str, Any], path: Path) -> None:
    """Write JSON to a temporary file beside ``path`` and rename it into place (no torn file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(doc, fh, indent=2)
            fh.write("\n")
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; the headline file is for downstream readers too
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
            value = f"{m['value']:,}" + (" (synthetic input)" if m["input"] == "synthetic" else "")
            out.append((goal, m["id"], period or "cumulative", value))
    return out
