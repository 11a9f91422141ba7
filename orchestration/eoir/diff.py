"""Release-to-release diff of an EOIR table by primary key, with thresholds that warn or block.

When a new release of a required table is landed over an earlier one, :func:`diff_tables` compares the
two by the table's key (IDNCASE, IDNCASEID, IDNPROCEEDING, IDNPROCEEDINGAPPLN, IDNSCHEDULE):

- vanished: keys in the previous load and not in the new one (EOIR releases are cumulative, so a vanished
  record is either a deletion upstream or rows lost on the way: both need a look);
- added: keys only in the new load;
- changed: keys in both whose values differ in any published column the two loads share (a 64-bit hash
  of the values is compared: a change escapes with probability 2^-64 per row).

Lineage: a release is diffed only against the previous load of its own lineage (real EOIR releases, or
synthetic ones: :data:`~orchestration.eoir.release.LINEAGES`, known from the ``_input_kind`` of the previous
load). The first real release after a synthetic one (the demo), or a synthetic one after a real one, is a
new baseline: it is not diffed (a real release shares no records with a made-up one: every previous row
would "vanish"), its row in ``raw._release_diffs`` has status ``baseline`` and no counts, and the run says
so; the next release of the same lineage is diffed against it and guarded by the thresholds. The lineage
that was replaced is not kept: going back to the demo and then to a real release again starts another
baseline (the diff guards consecutive releases of one lineage).

By kind (:data:`BY_KIND`, :func:`diff_by_kind`): tbl_Court_Appln is also counted by APPL_CODE and decision
into ``raw._release_diff_kinds`` (load_id, table_name, kind_column, kind_value, decision_column, decision,
vanished, added, changed); the relief grants of the previous release that vanished (seeds
eoir_relief_applications and eoir_application_decisions) go, one row each with their case, to
``raw._release_diff_vanished_grants`` (load_id, table_name, key_value, idncase, kind_value, decision) and
make the diff a ``warn``.

The result is written to ``raw._release_diffs`` (one row per table and load, created by
:func:`ensure_diff_table`) and returned for the asset's metadata. Each release load also appends one row to
``raw._eoir_release_loads`` (:func:`record_release_load`); :func:`release_notes` turns the loads of a run
into the lines ``mpp-metrics run`` prints, :func:`release_diff_by_load` into metrics.json's ``release_diff``. :class:`DiffThresholds` turns the
fractions (of the previous row count) into a status: ``ok``, ``warn`` (logged and reported) or ``block``
(:class:`ReleaseDiffError` is raised inside the load transaction, so nothing of the release is committed
and the warehouse keeps the previous release).

``raw._release_diffs`` columns: load_id, table_name, source_file, previous_load_id, previous_source_file,
key_column, rows_previous, rows_current, vanished, added, changed (BIGINT; NULL for a baseline),
vanished_fraction, changed_fraction (DOUBLE), status ('ok' | 'warn' | 'block' | 'baseline'),
sample_vanished, sample_added, sample_changed (VARCHAR[], up to :data:`SAMPLE_KEYS` keys each, smallest
first), diffed_at (TIMESTAMP), lineage, previous_lineage (VARCHAR). A table from before the lineage
columns existed is migrated on first use (its rows keep NULL lineages).
"""

from __future__ import annotations

import csv
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.eoir.release import ReleaseError, release_lineage
from orchestration.raw.ledger import LOAD_COLUMNS
from orchestration.raw.sql import quote_ident, relation_columns, sql_literal

SAMPLE_KEYS = 20
LOAD_AND_LINE = frozenset({"_source_line", *LOAD_COLUMNS})

_DDL = """
create table if not exists raw._release_diffs (
    load_id varchar not null,
    table_name varchar not null,
    source_file varchar not null,
    previous_load_id varchar,
    previous_source_file varchar,
    key_column varchar not null,
    rows_previous bigint not null,
    rows_current bigint not null,
    vanished bigint,
    added bigint,
    changed bigint,
    vanished_fraction double not null,
    changed_fraction double not null,
    status varchar not null check (status in ('ok', 'warn', 'block', 'baseline')),
    sample_vanished varchar[],
    sample_added varchar[],
    sample_changed varchar[],
    diffed_at timestamp not null,
    lineage varchar,
    previous_lineage varchar
)
"""


_KINDS_DDL = """
create table if not exists raw._release_diff_kinds (
    load_id varchar not null,
    table_name varchar not null,
    kind_column varchar not null,
    kind_value varchar,
    decision_column varchar not null,
    decision varchar,
    vanished bigint not null,
    added bigint not null,
    changed bigint not null
);
create table if not exists raw._release_diff_vanished_grants (
    load_id varchar not null,
    table_name varchar not null,
    key_value varchar not null,
    idncase varchar,
    kind_value varchar not null,
    decision varchar not null
)
"""

#: Tables also diffed by kind: {raw table: (kind column, decision column, case column)}.
BY_KIND = {"eoir_tbl_court_appln": ("APPL_CODE", "APPL_DEC", "IDNCASE")}
#: The dbt seeds folder: relief applications (eoir_relief_applications) and grant decisions
#: (eoir_application_decisions) are defined there once, for the models and for this diff.
SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"


class ReleaseDiffError(ReleaseError):
    """A new release differs from the previous one beyond a blocking threshold (nothing was committed)."""


@dataclass(frozen=True)
class DiffThresholds:
    """Fractions of the previous load's rows above which a diff warns or blocks (None = never).

    Defaults: warn when more than 1% of rows vanished, block above 10%; warn when more than 25% changed.
    A cumulative release that loses a tenth of its records is far more likely broken than real; raise
    ``vanished_block`` (PipelineConfig ``eoir_diff_block_vanished``) to accept such a release knowingly.
    """

    vanished_warn: float | None = 0.01
    vanished_block: float | None = 0.10
    changed_warn: float | None = 0.25
    changed_block: float | None = None

    def status(self, vanished_fraction: float, changed_fraction: float) -> str:
        """'block', 'warn' or 'ok' for these fractions."""
        def over(x: float, limit: float | None) -> bool:
            return limit is not None and x > limit

        if over(vanished_fraction, self.vanished_block) or over(changed_fraction, self.changed_block):
            return "block"
        if over(vanished_fraction, self.vanished_warn) or over(changed_fraction, self.changed_warn):
            return "warn"
        return "ok"


@dataclass
class ReleaseDiff:
    """Counts of one table's diff; see the module docstring for each field."""

    table_name: str
    key_column: str
    previous_load_id: str | None
    previous_source_file: str | None
    rows_previous: int
    rows_current: int
    vanished: int | None
    added: int | None
    changed: int | None
    status: str = "ok"
    sample_vanished: list[str] = field(default_factory=list)
    sample_added: list[str] = field(default_factory=list)
    sample_changed: list[str] = field(default_factory=list)
    lineage: str | None = None
    previous_lineage: str | None = None
    by_kind: list[dict[str, object]] = field(default_factory=list)
    vanished_relief_grants: int = 0
    sample_vanished_relief_cases: list[str] = field(default_factory=list)

    @property
    def is_baseline(self) -> bool:
        """True for the first release of a lineage after a release of another one (not diffed)."""
        return self.status == "baseline"

    @property
    def vanished_fraction(self) -> float:
        return (self.vanished or 0) / self.rows_previous if self.rows_previous else 0.0

    @property
    def changed_fraction(self) -> float:
        return (self.changed or 0) / self.rows_previous if self.rows_previous else 0.0

    def metadata(self) -> dict[str, object]:
        """Flat values for Dagster asset metadata (prefix ``diff_``)."""
        return {
            "diff_status": self.status,
            "diff_lineage": self.lineage or "",
            "diff_previous_lineage": self.previous_lineage or "",
            "diff_previous_load_id": self.previous_load_id or "",
            "diff_rows_previous": self.rows_previous,
            "diff_vanished": -1 if self.vanished is None else self.vanished,
            "diff_added": -1 if self.added is None else self.added,
            "diff_changed": -1 if self.changed is None else self.changed,
            "diff_vanished_relief_grants": self.vanished_relief_grants,
            "diff_vanished_fraction": round(self.vanished_fraction, 6),
            "diff_changed_fraction": round(self.changed_fraction, 6),
        }

    def summary(self) -> str:
        if self.is_baseline:
            return (
                f"{self.table_name}: new baseline ({self.lineage}) after {self.rows_previous:,} rows of "
                f"{self.previous_source_file} ({self.previous_lineage}): not diffed; the next release of this "
                "lineage is diffed against it"
            )
        return (
            f"{self.table_name} vs previous load ({self.previous_source_file}): {self.vanished:,} of "
            f"{self.rows_previous:,} rows vanished ({self.vanished_fraction:.2%}), {self.added:,} added, "
            f"{self.changed:,} changed ({self.changed_fraction:.2%}) by {self.key_column}"
        )


def ensure_diff_table(con: duckdb.DuckDBPyConnection) -> None:
    """Create ``raw._release_diffs`` if missing; migrate one from before the lineage columns (its status
    check did not know 'baseline' and its counts were NOT NULL): rebuilt with the rows kept."""
    con.execute("create schema if not exists raw")
    old = con.execute(
        "select count(*) from information_schema.columns where table_schema = 'raw' "
        "and table_name = '_release_diffs' and column_name in ('load_id', 'lineage')"
    ).fetchone()[0]
    con.execute(_KINDS_DDL)
    if old == 1:  # the table exists without the lineage column
        con.execute("alter table raw._release_diffs rename to _release_diffs_before_lineage")
        con.execute(_DDL)
        con.execute("insert into raw._release_diffs select *, null, null from raw._release_diffs_before_lineage")
        con.execute("drop table raw._release_diffs_before_lineage")
    con.execute(_DDL)


def _diff_ctes(con: duckdb.DuckDBPyConnection, previous: str, current: str, key: str,
               carry: tuple[str, ...] = ()) -> str:
    """SQL ``with`` clause: ``o`` / ``n`` (key ``k``, value hash ``h``, and each ``carry`` column as ``c0``,
    ``c1``...) for the previous and current relations, and ``j`` their full outer join on the key: ``ok``,
    ``nk``, ``oh``, ``nh``, ``o_c0``..., ``n_c0``.... Values are hashed over the non-load columns both have."""
    prev_cols = relation_columns(con, previous)
    cur_cols = set(relation_columns(con, current))
    shared = [c for c in prev_cols if c in cur_cols and c not in LOAD_AND_LINE and c != key]
    h = "hash(" + ", ".join(quote_ident(c) for c in shared) + ")" if shared else "0"
    cs = "".join(f", {quote_ident(c)} as c{i}" for i, c in enumerate(carry))
    js = "".join(f", o.c{i} as o_c{i}, n.c{i} as n_c{i}" for i in range(len(carry)))
    return (
        f"with o as (select {quote_ident(key)} as k, {h} as h{cs} from {previous}),\n"
        f"     n as (select {quote_ident(key)} as k, {h} as h{cs} from {current}),\n"
        f"     j as (select o.k as ok, n.k as nk, o.h as oh, n.h as nh{js} from o full outer join n on o.k = n.k)\n"
    )


def diff_tables(con: duckdb.DuckDBPyConnection, previous: str, current: str, key: str, table_name: str) -> ReleaseDiff:
    """Diff two landed relations (SQL names, e.g. ``raw."eoir_a_tblcase"``) by ``key`` (module docstring).

    Values are compared over the non-load columns both relations have. Status is left 'ok' (see
    :func:`apply_thresholds`).
    """
    row = con.execute(
        _diff_ctes(con, previous, current, key)
        + f"""
        select (select count(*) from o), (select count(*) from n),
               count(*) filter (where nk is null), count(*) filter (where ok is null),
               count(*) filter (where ok is not null and nk is not null and oh <> nh),
               list(ok order by ok) filter (where nk is null)[1:{SAMPLE_KEYS}],
               list(nk order by nk) filter (where ok is null)[1:{SAMPLE_KEYS}],
               list(ok order by ok) filter (where ok is not null and nk is not null and oh <> nh)[1:{SAMPLE_KEYS}]
        from j
        """
    ).fetchone()
    prev_load = con.execute(
        f"select any_value(_load_id), any_value(_source_file) from {previous}"
    ).fetchone()
    return ReleaseDiff(
        table_name=table_name, key_column=key, previous_load_id=prev_load[0], previous_source_file=prev_load[1],
        rows_previous=row[0], rows_current=row[1], vanished=row[2], added=row[3], changed=row[4],
        sample_vanished=list(row[5] or []), sample_added=list(row[6] or []), sample_changed=list(row[7] or []),
    )


def record_diff(con: duckdb.DuckDBPyConnection, diff: ReleaseDiff, load_id: str, source_file: str) -> None:
    """Append one row to ``raw._release_diffs`` (inside the caller's transaction)."""
    ensure_diff_table(con)
    d = asdict(diff)
    con.execute(
        "insert into raw._release_diffs values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [load_id, diff.table_name, source_file, d["previous_load_id"], d["previous_source_file"], diff.key_column,
         diff.rows_previous, diff.rows_current, diff.vanished, diff.added, diff.changed, diff.vanished_fraction,
         diff.changed_fraction, diff.status, diff.sample_vanished, diff.sample_added, diff.sample_changed,
         datetime.now(UTC).replace(tzinfo=None), diff.lineage, diff.previous_lineage],
    )


def apply_thresholds(diff: ReleaseDiff, thresholds: DiffThresholds, source_file: str) -> None:
    """Set ``diff.status``; raise :class:`ReleaseDiffError` (file, counts, sample keys) when it blocks."""
    diff.status = thresholds.status(diff.vanished_fraction, diff.changed_fraction)
    if diff.status == "block":
        raise ReleaseDiffError(
            f"{source_file}: release diff blocked the load: {diff.summary()}; thresholds: vanished block "
            f"{thresholds.vanished_block}, changed block {thresholds.changed_block}; first vanished keys: "
            f"{', '.join(diff.sample_vanished[:5]) or '-'}. Nothing of this release was committed: the warehouse "
            "keeps the previous release. If the change is real, rerun with a higher threshold: "
            "`mpp-metrics run --eoir-diff-block-vanished F --eoir-diff-block-changed F` (fractions 0..1), or "
            "the pipeline resource's eoir_diff_block_vanished / eoir_diff_block_changed in the Dagster launchpad."
        )


def diff_against_previous(
    con: duckdb.DuckDBPyConnection, previous: str, current: str, key: str, table_name: str, *, input_kind: str,
    thresholds: DiffThresholds, load_id: str, source_file: str,
) -> ReleaseDiff:
    """Diff ``current`` (the incoming load of a release of ``input_kind``) against ``previous`` (the table's
    current relation) when both are of one lineage, else record a new baseline (module docstring); apply
    the thresholds (raises :class:`ReleaseDiffError` when they block) and record the row in
    ``raw._release_diffs``."""
    lineage = release_lineage(input_kind)
    prev_kind, prev_load, prev_file, rows_prev = con.execute(
        f"select any_value(_input_kind), any_value(_load_id), any_value(_source_file), count(*) from {previous}"
    ).fetchone()
    if prev_kind is None:  # an empty table: its kind is in the ledger
        prev_kind, prev_load, prev_file = con.execute(
            "select arg_max(input_kind, loaded_at), arg_max(load_id, loaded_at), arg_max(source_file, loaded_at) "
            "from raw._load_ledger where table_name = ?", [table_name]
        ).fetchone()
    prev_lineage = release_lineage(prev_kind) if prev_kind in ("real", "synthetic") else lineage
    if prev_lineage != lineage:
        rows_cur = con.execute(f"select count(*) from {current}").fetchone()[0]
        diff = ReleaseDiff(table_name=table_name, key_column=key, previous_load_id=prev_load,
                           previous_source_file=prev_file, rows_previous=rows_prev, rows_current=rows_cur,
                           vanished=None, added=None, changed=None, status="baseline")
    else:
        diff = diff_tables(con, previous, current, key, table_name)
        apply_thresholds(diff, thresholds, source_file)
        if table_name in BY_KIND:
            diff_by_kind(con, previous, current, diff, load_id)
    diff.lineage, diff.previous_lineage = lineage, prev_lineage
    record_diff(con, diff, load_id, source_file)
    return diff


def relief_grant_codes(seeds_dir: Path = SEEDS_DIR) -> tuple[list[str], list[str]]:
    """(relief application codes, grant decision codes) from the seeds eoir_relief_applications
    (``is_relief``: ASYL, ASYW, WCAT) and eoir_application_decisions (``is_grant``)."""
    def codes(name: str, code: str, flag: str) -> list[str]:
        with open(seeds_dir / f"{name}.csv", encoding="utf-8", newline="") as fh:
            return sorted(r[code] for r in csv.DictReader(fh) if r[flag].strip().lower() == "true")

    return (codes("eoir_relief_applications", "appl_code", "is_relief"),
            codes("eoir_application_decisions", "appl_dec", "is_grant"))


def diff_by_kind(con: duckdb.DuckDBPyConnection, previous: str, current: str, diff: ReleaseDiff,
                 load_id: str) -> None:
    """The diff of an applications table by kind (:data:`BY_KIND`: APPL_CODE and decision APPL_DEC, as in
    the previous release for vanished and changed rows, as in the new one for added rows) into
    ``diff.by_kind`` and ``raw._release_diff_kinds``; the relief grants of the previous release that vanished
    (a relief application, :func:`relief_grant_codes`, with a grant decision) into
    ``raw._release_diff_vanished_grants`` (every one, with its case) and ``diff.vanished_relief_grants``: any
    such grant makes an 'ok' diff a 'warn' (a vanished grant silently lowers goal 1a)."""
    kind, dec, case = BY_KIND[diff.table_name]
    if not {kind, dec, case} <= set(relation_columns(con, previous)) & set(relation_columns(con, current)):
        return
    # one join; only the rows that differ (few, between real releases) are kept for the two aggregations
    con.execute("create or replace temp table _eoir_kind_diff as "
                + _diff_ctes(con, previous, current, diff.key_column, (kind, dec, case))
                + "select * from j where nk is null or ok is null or oh <> nh")
    rows = con.execute("""
        select case when ok is null then n_c0 else o_c0 end, case when ok is null then n_c1 else o_c1 end,
               count(*) filter (where nk is null), count(*) filter (where ok is null),
               count(*) filter (where ok is not null and nk is not null)
        from _eoir_kind_diff group by all order by 1 nulls last, 2 nulls last
    """).fetchall()
    diff.by_kind = [{"kind_column": kind, "kind_value": k, "decision_column": dec, "decision": d, "vanished": v,
                     "added": a, "changed": c} for k, d, v, a, c in rows]
    if rows:
        con.executemany("insert into raw._release_diff_kinds values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [[load_id, diff.table_name, kind, k, dec, d, v, a, c] for k, d, v, a, c in rows])
    relief, grant = relief_grant_codes()
    con.execute(
        f"insert into raw._release_diff_vanished_grants select {sql_literal(load_id)}, {sql_literal(diff.table_name)}, ok, o_c2, "
        "o_c0, o_c1 from _eoir_kind_diff where nk is null and list_contains(?, o_c0) and list_contains(?, o_c1) "
        "order by o_c2, ok", [relief, grant]
    )
    con.execute("drop table _eoir_kind_diff")
    diff.vanished_relief_grants, cases = con.execute(
        "select count(*), list(distinct idncase order by idncase)[1:?] from raw._release_diff_vanished_grants "
        "where load_id = ?", [SAMPLE_KEYS, load_id]
    ).fetchone()
    diff.sample_vanished_relief_cases = list(cases or [])
    if diff.vanished_relief_grants and diff.status == "ok":
        diff.status = "warn"


_RELEASE_LOADS_DDL = """
create table if not exists raw._eoir_release_loads (
    release_load_id varchar not null,
    release_name varchar not null,
    lineage varchar not null,
    previous_lineage varchar,
    new_baseline boolean not null,
    count_file varchar,
    tables_not_in_count_file varchar[],
    load_ids varchar[] not null,
    loaded_at timestamp not null
)
"""


def record_release_load(con: duckdb.DuckDBPyConnection, release_name: str, input_kind: str,
                        count_file: str | None, results: list) -> None:
    """Append one row to the EOIR release load history ``raw._eoir_release_loads`` (inside the caller's
    transaction): the release, its lineage and the previous load's (NULL on a first load), whether it is a
    new baseline (any table's diff has status 'baseline'), its Count.txt (NULL when absent) and the loaded
    files Count.txt does not list, and the load ids of its files (``raw._load_ledger``)."""
    con.execute(_RELEASE_LOADS_DDL)
    diffs = [r.diff for r in results if getattr(r, "diff", None) is not None]
    previous = next((d.previous_lineage for d in diffs), None)
    unlisted = sorted(r.table_name for r in results if count_file is not None and r.count_expected is None)
    con.execute(
        "insert into raw._eoir_release_loads values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [uuid.uuid4().hex, release_name, release_lineage(input_kind), previous, any(d.is_baseline for d in diffs),
         count_file, unlisted, [r.load_id for r in results], datetime.now(UTC).replace(tzinfo=None)],
    )


def release_notes(con: duckdb.DuckDBPyConnection, since: datetime) -> list[tuple[str, str]]:
    """What a run must say about the EOIR releases it loaded (loads at or after ``since``, naive UTC), as
    ``(level, text)`` with level ``'note'`` or ``'warning'``: a new baseline, a release without Count.txt or
    with files Count.txt does not list, relief grants that vanished (with their cases), and every table diff
    that warns. [] when nothing was loaded."""
    has = con.execute("select count(*) from information_schema.tables where table_schema = 'raw' and table_name in "
                      "('_eoir_release_loads', '_release_diffs', '_release_diff_vanished_grants')").fetchone()[0]
    if has < 3:
        return []
    notes: list[tuple[str, str]] = []
    rows = con.execute(
        "select release_name, lineage, previous_lineage, new_baseline, count_file, tables_not_in_count_file, "
        "load_ids from raw._eoir_release_loads where loaded_at >= ? order by loaded_at", [since]
    ).fetchall()
    for name, lineage, previous, baseline, count_file, unlisted, load_ids in rows:
        if baseline:
            notes.append(("note", (f"EOIR release {name} is a new baseline: the first {lineage} release after a "
                                  f"{previous} one; not diffed against it (later releases of this lineage are "
                                  "diffed against this one and the thresholds guard them)")))
        if count_file is None:
            notes.append(("warning", (f"EOIR release {name} has no Count.txt: its row counts were not checked "
                                     "against the publisher's")))
        elif unlisted:
            notes.append(("warning", f"{count_file} does not list {', '.join(unlisted)}: not checked"))
        notes.extend(("warning", text) for text in _diff_warnings(con, load_ids))
    return notes


def _diff_warnings(con: duckdb.DuckDBPyConnection, load_ids: list[str]) -> list[str]:
    """The vanished relief grants (with their cases) and the table diffs that warn, of these loads."""
    out = []
    for table, n, cases in con.execute(
        "select table_name, count(*), list(distinct idncase order by idncase) "
        "from raw._release_diff_vanished_grants where list_contains(?, load_id) group by 1 order by 1", [load_ids]
    ).fetchall():
        more = f" and {len(cases) - SAMPLE_KEYS} more" if len(cases) > SAMPLE_KEYS else ""
        out.append(f"release diff: {n} relief grant(s) of the previous release vanished from {table} (relief "
                   "applications granted: seeds eoir_relief_applications, eoir_application_decisions; they no "
                   f"longer count for goal 1a): IDNCASE {', '.join(cases[:SAMPLE_KEYS])}{more} (every one in "
                   "raw._release_diff_vanished_grants)")
    for (summary,) in con.execute(
        "select table_name || ' (' || source_file || '): ' || vanished || ' of ' || rows_previous || "
        "' rows vanished, ' || added || ' added, ' || changed || ' changed' from raw._release_diffs "
        "where status = 'warn' and list_contains(?, load_id) order by table_name", [load_ids]
    ).fetchall():
        out.append(f"release diff: {summary}")
    return out


def release_diff_by_load(con: duckdb.DuckDBPyConnection, load_ids: list[str]) -> dict[str, dict[str, object]]:
    """{load_id: the diff of that file's load}, for metrics.json ``inputs``: status, lineage, previous
    lineage, rows previous / current, vanished / added / changed (None for a baseline), vanished relief
    grants and ``by_kind`` (kind column and value, decision column and value, vanished / added / changed).
    Loads without a diff (a first load, a lookup) are absent; {} when no diff was ever recorded."""
    if con.execute("select count(*) from information_schema.tables where table_schema = 'raw' "
                   "and table_name = '_release_diffs'").fetchone()[0] == 0:
        return {}
    ensure_kind_tables = con.execute(
        "select count(*) from information_schema.tables where table_schema = 'raw' and table_name in "
        "('_release_diff_kinds', '_release_diff_vanished_grants')").fetchone()[0] == 2
    out: dict[str, dict[str, object]] = {}
    for load_id, status, lineage, prev_lineage, rows_prev, rows_cur, vanished, added, changed in con.execute(
        "select load_id, status, lineage, previous_lineage, rows_previous, rows_current, vanished, added, changed "
        "from raw._release_diffs where list_contains(?, load_id)", [load_ids]
    ).fetchall():
        out[load_id] = {"status": status, "lineage": lineage, "previous_lineage": prev_lineage,
                        "rows_previous": rows_prev, "rows_current": rows_cur, "vanished": vanished,
                        "added": added, "changed": changed, "vanished_relief_grants": 0, "by_kind": []}
    if ensure_kind_tables and out:
        for load_id, n in con.execute(
            "select load_id, count(*) from raw._release_diff_vanished_grants where list_contains(?, load_id) "
            "group by 1", [list(out)]
        ).fetchall():
            out[load_id]["vanished_relief_grants"] = n
        for load_id, *row in con.execute(
            "select load_id, kind_column, kind_value, decision_column, decision, vanished, added, changed "
            "from raw._release_diff_kinds where list_contains(?, load_id) "
            "order by load_id, kind_value nulls last, decision nulls last", [list(out)]
        ).fetchall():
            out[load_id]["by_kind"].append(dict(zip(
                ("kind_column", "kind_value", "decision_column", "decision", "vanished", "added", "changed"),
                row, strict=True)))
    return out
