"""Load history of the bundled extracts: every loaded vintage kept, the current table = newest per period.

Tables (schema ``raw``), for an extract table ``t`` (e.g. ``cbp_nationwide_encounters_state``):

``raw.t__history``  every row of every load of ``t``, never deleted (grain: load x data row). Same columns
    as the raw table (published columns, extras seen in any load, ``_source_line`` and the load columns);
    a column a load lacks is NULL for its rows. A file whose sha256 is already in the history is not
    appended again (the same file delivered twice is never counted twice).
``raw.t``  the current table, rebuilt from the history after every load: for each period (the spec's
    ``period_columns``, see :func:`period_key_sql`), the rows of the newest vintage (ties: the latest
    load). With no period columns, the rows of the newest vintage overall. Older vintages stay in the
    history, so every revision of a published figure is kept and reportable (:func:`vintages_by_period`).

All of it runs inside the caller's transaction (orchestration.raw.ledger.load_transaction): a failed or
killed load leaves both tables as they were.

Identifiers come from provenance.yml (committed configuration), quoted; no value is spliced into SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import duckdb

from orchestration.raw.ledger import LOAD_COLUMNS, LoadResult, load_results, table_exists, unchanged_loads
from orchestration.raw.sql import quote_ident, relation_columns

SOURCE_LINE = "_source_line"


def history_table(table: str) -> str:
    """Name of the history table of raw table ``table`` (in schema raw)."""
    return f"{table}__history"


def period_key_sql(column: str) -> str:
    """SQL expression normalising a period label: trimmed, upper-cased, a trailing parenthesised note
    removed, so ``'2022 (FYTD)'`` and ``'2022'`` (the same fiscal year before and after it closed) and
    ``'oct'`` / ``'OCT'`` are one period."""
    return f"upper(trim(regexp_replace(coalesce({quote_ident(column)}, ''), '\\s*\\([^)]*\\)\\s*$', '')))"


def sha_in_history(con: duckdb.DuckDBPyConnection, table: str, sha256: str) -> str | None:
    """The load_id of an earlier load of exactly this file (same sha256) into ``table``, else None."""
    if not table_exists(con, "raw", history_table(table)):
        return None
    row = con.execute(
        f"select any_value(_load_id) from raw.{quote_ident(history_table(table))} where _source_sha256 = ?", [sha256]
    ).fetchone()
    return row[0] if row else None


def load_of_same_file(con: duckdb.DuckDBPyConnection, table: str, sha256: str, published: Sequence[str],
                      period_columns: Sequence[str]) -> LoadResult | None:
    """"Same sha256, skip" for a table with a load history (bundled extracts, workbook sheets): the ledger
    entry of the load that already brought exactly this file into ``table``, marked ``skipped=True``; None
    when the file is new to the table. The file is never landed or counted twice.

    The current load (:func:`orchestration.raw.ledger.unchanged_loads`) is simply skipped. An earlier load in
    the history (the file delivered again, e.g. an edited file put back as it was) is made the table's newest
    delivery again: its history rows and ledger entry take this run's time, and the current table is rebuilt
    (:func:`rebuild_current`: per period the newest vintage, then the newest delivery). So a file restored
    after an edit of the same vintage is current again (before, the edited load stayed current and its
    figures were published); a file of an older vintage than the current one stays behind it, as before."""
    same = unchanged_loads(con, {table: sha256})
    if same:
        return same[0]
    earlier = sha_in_history(con, table, sha256)
    previous = [r for r in load_results(con, earlier) if r.table_name == table] if earlier is not None else []
    if not previous:
        return None
    now = datetime.now(UTC).replace(tzinfo=None)  # as every load's loaded_at: UTC
    con.execute(f"update raw.{quote_ident(history_table(table))} set _loaded_at = ? where _load_id = ?", [now, earlier])
    con.execute("update raw._load_ledger set loaded_at = ? where load_id = ? and table_name = ?", [now, earlier, table])
    rebuild_current(con, table, published, period_columns)
    previous[0].skipped = True
    previous[0].loaded_at = now
    return previous[0]


def append(con: duckdb.DuckDBPyConnection, table: str, incoming: str) -> None:
    """Append the rows of relation ``incoming`` (a temp table with the raw table's shape) to the history.

    Creates the history on first use, seeded with the current raw table when one exists (a warehouse
    built before history existed keeps its loaded vintage); adds columns the history lacks (schema drift
    across releases); inserts by name (columns a load lacks stay NULL).
    """
    hist = history_table(table)
    if not table_exists(con, "raw", hist):
        if table_exists(con, "raw", table):
            con.execute(f"create table raw.{quote_ident(hist)} as select * from raw.{quote_ident(table)}")
        else:
            con.execute(f"create table raw.{quote_ident(hist)} as select * from {quote_ident(incoming)} limit 0")
    have = set(relation_columns(con, f"raw.{quote_ident(hist)}"))
    for col in relation_columns(con, quote_ident(incoming)):
        if col not in have:
            typ = "bigint" if col == SOURCE_LINE else "varchar"
            if col in ("_vintage",):
                typ = "date"
            elif col == "_loaded_at":
                typ = "timestamp"
            con.execute(f"alter table raw.{quote_ident(hist)} add column {quote_ident(col)} {typ}")
    con.execute(f"insert into raw.{quote_ident(hist)} by name select * from {quote_ident(incoming)}")


def rebuild_current(con: duckdb.DuckDBPyConnection, table: str, published: Sequence[str],
                    period_columns: Sequence[str]) -> None:
    """Replace ``raw.<table>`` with the newest vintage of every period from its history (module doc).

    published: the declared published columns, which come first in the current table, in this order.
    """
    hist = history_table(table)
    cols = relation_columns(con, f"raw.{quote_ident(hist)}")
    load = [SOURCE_LINE, *LOAD_COLUMNS]
    order = [c for c in published if c in cols]
    order += [c for c in cols if c not in order and c not in load] + [c for c in load if c in cols]
    partition = ""
    if period_columns:
        partition = "partition by " + ", ".join(period_key_sql(c) for c in period_columns)
    con.execute(
        f"""
        create or replace table raw.{quote_ident(table)} as
        select {", ".join(quote_ident(c) for c in order)}
        from (
            select *, dense_rank() over ({partition} order by _vintage desc nulls last, _loaded_at desc) as _rank
            from raw.{quote_ident(hist)}
        )
        where _rank = 1
        order by _loaded_at, {SOURCE_LINE} nulls last
        """
    )


def vintages_by_period(con: duckdb.DuckDBPyConnection, table: str, period_columns: Sequence[str]) -> list[tuple]:
    """Every (period, vintage) held in the history and whether it is the current one.

    Returns rows ``(period_key, vintage, load_id, source_file, rows, is_current)`` ordered by period then
    vintage, where period_key is the normalised period labels joined with ``'|'``. A period with more than
    one vintage has been revised; compare the history rows of those loads to see the revised figures.
    """
    hist = history_table(table)
    key = " || '|' || ".join(period_key_sql(c) for c in period_columns) if period_columns else "''"
    return con.execute(
        f"""
        with v as (
            select {key} as period_key, _vintage as vintage, _load_id as load_id,
                   any_value(_source_file) as source_file, count(*) as n, max(_loaded_at) as loaded_at
            from raw.{quote_ident(hist)} group by all
        )
        select period_key, vintage, load_id, source_file, n,
               dense_rank() over (partition by period_key order by vintage desc nulls last, loaded_at desc) = 1
        from v order by period_key, vintage, loaded_at
        """
    ).fetchall()
