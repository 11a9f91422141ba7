"""Release-to-release diff of an EOIR table by primary key, with thresholds that warn or block.

When a new release of a required table is landed over an earlier one, :func:`diff_tables` compares the
two by the table's key (IDNCASE, IDNCASEID, IDNPROCEEDING, IDNPROCEEDINGAPPLN, IDNSCHEDULE):

- vanished: keys in the previous load and not in the new one (EOIR releases are cumulative, so a vanished
  record is either a deletion upstream or rows lost on the way: both need a look);
- added: keys only in the new load;
- changed: keys in both whose values differ in any published column the two loads share (a 64-bit hash
  of the values is compared: a change escapes with probability 2^-64 per row).

The result is written to ``raw._release_diffs`` (one row per table and load, created by
:func:`ensure_diff_table`) and returned for the asset's metadata. :class:`DiffThresholds` turns the
fractions (of the previous row count) into a status: ``ok``, ``warn`` (logged and reported) or ``block``
(:class:`ReleaseDiffError` is raised inside the load transaction, so nothing of the release is committed
and the warehouse keeps the previous release).

``raw._release_diffs`` columns: load_id, table_name, source_file, previous_load_id, previous_source_file,
key_column, rows_previous, rows_current, vanished, added, changed (BIGINT), vanished_fraction,
changed_fraction (DOUBLE), status ('ok' | 'warn' | 'block'), sample_vanished, sample_added,
sample_changed (VARCHAR[], up to :data:`SAMPLE_KEYS` keys each, smallest first), diffed_at (TIMESTAMP).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

import duckdb

from orchestration.eoir.release import ReleaseError

SAMPLE_KEYS = 20
LOAD_AND_LINE = frozenset({"_source_line", "_load_id", "_source_file", "_source_sha256", "_vintage",
                           "_input_kind", "_loaded_at"})

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
    vanished bigint not null,
    added bigint not null,
    changed bigint not null,
    vanished_fraction double not null,
    changed_fraction double not null,
    status varchar not null check (status in ('ok', 'warn', 'block')),
    sample_vanished varchar[],
    sample_added varchar[],
    sample_changed varchar[],
    diffed_at timestamp not null
)
"""


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
    vanished: int
    added: int
    changed: int
    status: str = "ok"
    sample_vanished: list[str] = field(default_factory=list)
    sample_added: list[str] = field(default_factory=list)
    sample_changed: list[str] = field(default_factory=list)

    @property
    def vanished_fraction(self) -> float:
        return self.vanished / self.rows_previous if self.rows_previous else 0.0

    @property
    def changed_fraction(self) -> float:
        return self.changed / self.rows_previous if self.rows_previous else 0.0

    def metadata(self) -> dict[str, object]:
        """Flat values for Dagster asset metadata (prefix ``diff_``)."""
        return {
            "diff_status": self.status,
            "diff_previous_load_id": self.previous_load_id or "",
            "diff_rows_previous": self.rows_previous,
            "diff_vanished": self.vanished,
            "diff_added": self.added,
            "diff_changed": self.changed,
            "diff_vanished_fraction": round(self.vanished_fraction, 6),
            "diff_changed_fraction": round(self.changed_fraction, 6),
        }

    def summary(self) -> str:
        return (
            f"{self.table_name} vs previous load ({self.previous_source_file}): {self.vanished:,} of "
            f"{self.rows_previous:,} rows vanished ({self.vanished_fraction:.2%}), {self.added:,} added, "
            f"{self.changed:,} changed ({self.changed_fraction:.2%}) by {self.key_column}"
        )


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def ensure_diff_table(con: duckdb.DuckDBPyConnection) -> None:
    """Create ``raw._release_diffs`` if missing."""
    con.execute("create schema if not exists raw")
    con.execute(_DDL)


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    return [d[0] for d in con.execute(f"select * from {relation} limit 0").description]


def diff_tables(con: duckdb.DuckDBPyConnection, previous: str, current: str, key: str, table_name: str) -> ReleaseDiff:
    """Diff two landed relations (SQL names, e.g. ``raw."eoir_a_tblcase"``) by ``key`` (module docstring).

    Values are compared over the non-load columns both relations have. Status is left 'ok' (see
    :func:`apply_thresholds`).
    """
    prev_cols = _columns(con, previous)
    cur_cols = set(_columns(con, current))
    shared = [c for c in prev_cols if c in cur_cols and c not in LOAD_AND_LINE and c != key]
    h = "hash(" + ", ".join(_q(c) for c in shared) + ")" if shared else "0"
    k = _q(key)
    row = con.execute(
        f"""
        with o as (select {k} as k, {h} as h from {previous}),
             n as (select {k} as k, {h} as h from {current}),
             j as (select o.k as ok, n.k as nk, o.h as oh, n.h as nh from o full outer join n on o.k = n.k)
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
        "insert into raw._release_diffs values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [load_id, diff.table_name, source_file, d["previous_load_id"], d["previous_source_file"], diff.key_column,
         diff.rows_previous, diff.rows_current, diff.vanished, diff.added, diff.changed, diff.vanished_fraction,
         diff.changed_fraction, diff.status, diff.sample_vanished, diff.sample_added, diff.sample_changed,
         datetime.now(UTC).replace(tzinfo=None)],
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
