"""What a load reports per file (:class:`EoirLoadResult`, its ledger row) and the Count.txt check.

Every input line is accounted for: ``rows_read = rows_loaded + rows_quarantined + duplicates_collapsed``
where rows_read counts the physical lines after the header (the ledger raises ``RowAccountingError``
otherwise). When the release has a Count.txt, :func:`check_count` compares each file with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.eoir.diff import ReleaseDiff
from orchestration.eoir.release import ReleaseError
from orchestration.raw.ledger import LoadResult

#: Pseudo column under which row repairs are recorded in ``raw._value_nullifications``.
ROW_REPAIR_COLUMN = "_row"


@dataclass
class EoirLoadResult(LoadResult):
    """A :class:`LoadResult` with what the EOIR reader found in the file's shape.

    raw_table: ``raw.<table>``; rows_repaired: stray-tab rows repaired that landed (a subset of
    rows_loaded: a repaired row then quarantined for its key or collapsed as an exact duplicate is not one);
    columns_missing: optional spec columns absent from the file (NULL-filled); columns_extra: file columns
    not in the spec (kept); columns_reordered: the spec columns appear in another order than published;
    nulls_by_reason: total nullified values per reason; columns_renamed: {header name: canonical raw column}
    for headers mapped through column_aliases.csv; key_rejects: rows quarantined for a bad or duplicate key
    (included in rows_quarantined); diff: the release-to-release diff against the previous load (None on a
    first load or for lookups); count_expected: the file's row count in the release's Count.txt (None when
    the release has none or does not list the table).
    """

    raw_table: str = ""
    rows_repaired: int = 0
    columns_missing: list[str] = field(default_factory=list)
    columns_extra: list[str] = field(default_factory=list)
    columns_reordered: bool = False
    nulls_by_reason: dict[str, int] = field(default_factory=dict)
    columns_renamed: dict[str, str] = field(default_factory=dict)
    key_rejects: int = 0
    diff: ReleaseDiff | None = None
    count_expected: int | None = None

    def metadata(self) -> dict[str, object]:
        d = super().metadata()
        d.pop("diff", None)
        d["count_expected"] = -1 if self.count_expected is None else self.count_expected
        if self.diff is not None:
            d.update(self.diff.metadata())
        return d


class CountMismatchError(ReleaseError):
    """A file's rows differ from the release's Count.txt (nothing of the release is committed)."""


def check_count(result: EoirLoadResult) -> None:
    """Compare a file's rows with its Count.txt count (``result.count_expected``; nothing when None): its
    physical data lines, and its loaded + quarantined + collapsed rows, must both equal it. Raises
    :class:`CountMismatchError` naming the file, the table and both numbers."""
    expected = result.count_expected
    if expected is None:
        return
    accounted = result.rows_loaded + result.rows_quarantined + result.duplicates_collapsed
    for what, got in (("data lines (after the header)", result.rows_read),
                      ("rows loaded + quarantined + collapsed", accounted)):
        if got != expected:
            table = Path(result.source_file.rsplit("!", 1)[-1]).stem
            raise CountMismatchError(
                f"{result.source_file}: Count.txt gives {expected:,} rows for table {table} but the "
                f"file has {got:,} {what} ({result.rows_loaded:,} loaded, {result.rows_quarantined:,} "
                f"quarantined, {result.duplicates_collapsed:,} collapsed): the file or Count.txt is incomplete; "
                "nothing of this release was committed"
            )


def summarize(results: Iterable[EoirLoadResult]) -> dict[str, dict[str, object]]:
    """Per raw table counts for Dagster metadata: {raw_table: result.metadata() + nullification totals}."""
    out = {}
    for r in results:
        md = r.metadata()
        out[r.raw_table] = md
    return out
