"""Every suite by name, with the Dagster asset it validates (``Suite.asset_key``) and the SQL it reads.

``SUITES`` holds the table suites; the load-ledger suite (:data:`LEDGER`) is judged once per raw table, and
its SQL depends on which raw tables exist: :func:`ledger_suite` builds it for a list of raw table names.
:data:`GATE_SUITE` is the suite of ``marts.headline_metrics`` that also gates publishing.
"""

from __future__ import annotations

from dataclasses import replace

from expectations.spec import Suite
from expectations.suites import court, goal_3, monthly, raw

SUITES: list[Suite] = [*raw.SUITES, *court.SUITES, *monthly.SUITES, *goal_3.SUITES]
GATE_SUITE: Suite = court.HEADLINE
LEDGER: Suite = raw.LOAD_LEDGER
BY_NAME: dict[str, Suite] = {s.name: s for s in [*SUITES, LEDGER]}


def ledger_sql(tables: list[str]) -> str:
    """The ledger frame: one row per (raw table, current load) with ``rows_present`` for ``tables``.

    Current load = the load_id of the table's latest ledger row; a load of several files sums their rows.
    ``rows_present`` = rows of ``raw.<table>`` carrying that ``_load_id`` (NULL for tables not listed).
    """
    present = " union all ".join(
        f"select '{t}' as table_name, _load_id as load_id, count(*) as rows_present from raw.{t} group by _load_id"
        for t in sorted(tables)
    ) or "select null::varchar as table_name, null::varchar as load_id, null::bigint as rows_present"
    return f"""
with current_loads as (
    select table_name, arg_max(load_id, loaded_at) as load_id from raw._load_ledger group by table_name
),
ledger as (
    select l.table_name, l.load_id, any_value(l.input_kind) as input_kind,
        sum(l.rows_read) as rows_read, sum(l.rows_loaded) as rows_loaded,
        sum(l.rows_quarantined) as rows_quarantined, sum(l.duplicates_collapsed) as duplicates_collapsed
    from raw._load_ledger as l
    inner join current_loads as c on c.table_name = l.table_name and c.load_id = l.load_id
    group by all
),
present as ({present})
select
    ledger.table_name,
    cast(rows_read as bigint) as rows_read,
    cast(rows_loaded as bigint) as rows_loaded,
    cast(rows_quarantined as bigint) as rows_quarantined,
    cast(duplicates_collapsed as bigint) as duplicates_collapsed,
    cast(rows_loaded + rows_quarantined + duplicates_collapsed as bigint) as rows_accounted,
    cast(present.rows_present as bigint) as rows_present,
    least(rows_read, rows_loaded, rows_quarantined, duplicates_collapsed) as min_count,
    cast(rows_quarantined as double) / nullif(rows_read, 0) as quarantined_share,
    input_kind
from ledger
left join present on present.table_name = ledger.table_name and present.load_id = ledger.load_id
order by ledger.table_name
"""


def ledger_suite(tables: list[str]) -> Suite:
    """The load-ledger suite with its SQL for these raw tables."""
    return replace(LEDGER, sql=ledger_sql(tables))
