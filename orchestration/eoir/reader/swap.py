"""Step 7 of a load: diff against the previous load and swap the new rows in.

Nothing is deleted (a DELETE inside the load transaction makes DuckDB rewrite the table at commit): the
rows land in ``raw.<table>__rows_incoming``, the excluded line numbers in ``raw.<table>__excluded_incoming``,
the view ``raw.<table>__incoming`` is diffed by key against the previous load
(:mod:`orchestration.eoir.diff`: vanished / added / changed into ``raw._release_diffs``, thresholds warn or
block), then everything is swapped in (drop + rename + view) inside the caller's transaction, the file is
checked against Count.txt and its ledger row recorded.

``raw.<table>`` is the view over ``raw.<table>__rows`` that hides the malformed lines (their field count is
not the header's) and the lines listed in ``raw.<table>__excluded``, and adds the load's provenance
constants (:data:`~orchestration.raw.ledger.LOAD_COLUMNS`).
"""

from __future__ import annotations

import duckdb

from orchestration.eoir.diff import diff_against_previous
from orchestration.eoir.reader.context import FileLoad
from orchestration.eoir.reader.result import EoirLoadResult, check_count
from orchestration.eoir.reader.sql import BAD, EXCLUDED, KEY_OK, KH, NF, ROWS, H, lit, q, relation_columns, x
from orchestration.raw.ledger import record_load, table_exists


def drop_relation(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Drop ``raw.<table>``, a view (this reader) or a table (an older load), if it exists."""
    row = con.execute(
        "select table_type from information_schema.tables where table_schema = 'raw' and table_name = ?", [table]
    ).fetchone()
    if row is not None:
        con.execute(f"drop {'view' if row[0] == 'VIEW' else 'table'} raw.{q(table)}")


def view_sql(ctx: FileLoad, rows: str, excluded_lines: str) -> str:
    """SELECT of the ``raw.<table>`` view: the landed columns of the well-formed rows of ``rows`` not
    listed in ``excluded_lines``, with the load's provenance constants."""
    r = ctx.result
    return (
        f"select {', '.join(q(c) for c in ctx.lay.out_columns)}, _source_line, "
        f"{lit(r.load_id)} as _load_id, {lit(ctx.display)} as _source_file, "
        f"{lit(r.sha256)} as _source_sha256, cast({lit(ctx.vintage)} as date) as _vintage, "
        f"{lit(ctx.input_kind)} as _input_kind, {lit(r.loaded_at)} as _loaded_at\n"
        f"from {rows}\nwhere {NF} = {ctx.n} and _source_line not in (select ln from {excluded_lines})"
    )


def _stage(ctx: FileLoad, excluded: list[str]) -> str:
    """Write ``raw.<table>__excluded_incoming``, drop the helper columns, create the incoming view; returns
    the name of the excluded-lines table."""
    con, tbl = ctx.con, ctx.tbl
    excluded_tbl = f"raw.{q(tbl + EXCLUDED + '_incoming')}"
    con.execute(f"create or replace table {excluded_tbl} as "
                + " union all ".join(f"select ln from {rel}" for rel in excluded))
    for col in [H, BAD, *([KEY_OK, KH] if ctx.key_ok else []), *[x(ctx.pos[h]) for h in ctx.dates_in_file]]:
        con.execute(f"alter table {ctx.parsed} drop column {col}")
    return excluded_tbl


def swap_in(ctx: FileLoad, excluded: list[str]) -> EoirLoadResult:
    """Stage, count the landed rows, diff against the previous load, swap in, check Count.txt, record the
    ledger row; return the result."""
    con, tbl, result = ctx.con, ctx.tbl, ctx.result
    incoming = f"raw.{q(tbl + '__incoming')}"
    excluded_tbl = _stage(ctx, excluded)
    con.execute(f"create or replace view {incoming} as {view_sql(ctx, ctx.parsed, excluded_tbl)}")
    result.rows_loaded = con.execute(f"select count(*) from {incoming}").fetchone()[0]
    key = ctx.key
    if key is not None and table_exists(con, "raw", tbl) and key in relation_columns(con, f"raw.{q(tbl)}"):
        result.diff = diff_against_previous(con, f"raw.{q(tbl)}", incoming, key, tbl, input_kind=ctx.input_kind,
                                            thresholds=ctx.thresholds, load_id=result.load_id,
                                            source_file=ctx.display)
    con.execute(f"drop view {incoming}")
    drop_relation(con, tbl)
    for suffix in (ROWS, EXCLUDED):
        con.execute(f"drop table if exists raw.{q(tbl + suffix)}")
        con.execute(f"alter table raw.{q(tbl + suffix + '_incoming')} rename to {q(tbl + suffix)}")
    con.execute(f"create view raw.{q(tbl)} as {view_sql(ctx, f'raw.{q(tbl + ROWS)}', f'raw.{q(tbl + EXCLUDED)}')}")
    check_count(result)
    record_load(con, result)
    return result
