"""Land an EOIR "Case Data" release into DuckDB ``raw`` tables, exactly and in streaming fashion.

Entry point: :func:`load_release`. One raw table per file (``CREATE OR REPLACE``), one ledger row per file,
every input line accounted for: ``rows_read = rows_loaded + rows_quarantined + duplicates_collapsed``
where rows_read counts the physical lines after the header.

Raw table shape (grain = one distinct data row of the file):
    the spec's published columns upper-cased, in published order (NULL-filled when the file lacks an
    optional one), then columns the file has beyond the spec (file order), all VARCHAR; then
    ``_source_line BIGINT`` (physical line in the file, header = 1; for collapsed duplicates the first
    occurrence) and the ledger's :data:`~orchestration.raw.ledger.LOAD_COLUMNS`.
    Rows come out in scan order (file order under preserve_insertion_order, repaired rows last); no ORDER BY
    is applied because sorting a 50M-row table of text blows the memory budget: order by ``_source_line``.

How a file is read (all row work happens in DuckDB SQL, vectorised):
1. The bytes are streamed once through Python in 4 MiB chunks: sha256 of the original bytes, count of
   physical lines, Latin-1 decoding (every byte 0x00-0xFF maps to U+0000-U+00FF, so the raw text
   round-trips exactly; DuckDB's own latin-1 decoder rejects bytes 0x80-0x9F), and carriage returns are
   swapped for U+E00D so that DuckDB's line splitter only breaks on LF. The result is a UTF-8 temporary
   file (deleted after the load).
2. DuckDB reads that file as whole lines: ``read_csv(columns={'line': VARCHAR}, delim=U+E001, quote='',
   escape='', header=false) WITH ORDINALITY``. U+E001 cannot occur in Latin-1 text, quoting is off (an
   unbalanced ``"`` is data), and the ordinal is the physical line number (checked against the line count
   of step 1; a mismatch raises).
3. Fields = ``string_split(line, TAB)``. Rows with the header's width are parsed in SQL; rows with exactly
   one extra field go through :func:`orchestration.eoir.defects.repair_extra_field` (few rows; Python);
   other widths (blank lines, too few, two or more extra) are quarantined into ``raw._rejects``.
4. Values: trimmed of spaces, empty -> NULL, a value made only of NUL bytes (and spaces) -> NULL
   (reason ``nul_byte``; NUL bytes inside a longer value are left as they are). Date columns: text not matching ``YYYY-MM-DD[ hh:mm:ss[.fff]]`` or not a real
   date -> NULL (``not_a_date``), 1900-01-01 -> NULL (``sentinel_date``), before 1950 or after
   :func:`max_plausible_date` (31 Dec ten years after the vintage; 2100 without vintage) -> NULL
   (``out_of_range_date``); other dates keep their original text (near-future hearing dates stay).
   Columns renamed between releases are mapped to one raw column (``column_aliases.csv``).
   Nullifications are counted per column and reason over every well-formed row (before duplicates collapse).
5. Exact duplicates collapse to the first occurrence and are counted: rows whose fields are all equal
   after trimming (and NUL-only fields emptied), i.e. equal normalised lines, compared before date
   nullification. Candidates are found by a 64-bit hash of the normalised line and confirmed on the text.
6. Keys (:attr:`TableSpec.key` of the five required tables): a row whose key is empty or not digits
   (``bad_key``) or whose key appears on two or more distinct rows (``duplicate_key``: every such row, since
   none can be told right) is quarantined into ``raw._rejects`` with its line and the key.
7. Each table is landed as ``raw.<table>__incoming``, diffed by key against the previous load
   (orchestration/eoir/diff.py: vanished / added / changed into ``raw._release_diffs``, thresholds warn or
   block), then swapped in (drop + rename) inside the caller's transaction.
8. A stray-tab repair is recorded in ``raw._value_nullifications`` under the pseudo column ``_row`` with
   reason ``stray_tab_repaired`` (and in :attr:`EoirLoadResult.rows_repaired`).

Passes over each file: one Python transcoding pass, then DuckDB scans of the UTF-8 copy: one aggregate
(line count and widths), rejects and one-extra-field rows only when some exist, date-nullification counts,
two for duplicates, one to land. Nothing is held in Python memory except the rare one-extra-field rows.

Errors: :class:`~orchestration.eoir.release.ReleaseError` for a missing table, a file without header, a
header lacking a needed column (names the file and the column), duplicate/empty header names, or a line
count mismatch.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO

import duckdb

from orchestration.eoir.defects import DATE_TEXT_SQL, repair_extra_field
from orchestration.eoir.diff import (
    DiffThresholds,
    ReleaseDiff,
    apply_thresholds,
    diff_tables,
    ensure_diff_table,
    record_diff,
)
from orchestration.eoir.release import (
    COLUMN_ALIASES,
    SYNTHETIC_MARKER,
    Release,
    ReleaseError,
    ReleaseFile,
    TableSpec,
    locate_release,
)
from orchestration.raw.ledger import LoadResult, ensure_ledger, record_load, table_exists

SOURCE = "eoir"
_CHUNK = 4 << 20
_CR_STANDIN = "\ue00d"  # private-use code point standing in for CR (never in Latin-1 text)
_LINE_DELIM = "\ue001"  # private-use code point used as the "column delimiter" so a line is one field
#: Pseudo column under which row repairs are recorded in ``raw._value_nullifications``.
ROW_REPAIR_COLUMN = "_row"


@dataclass
class EoirLoadResult(LoadResult):
    """A :class:`LoadResult` with what the EOIR reader found in the file's shape.

    raw_table: ``raw.<table>``; rows_repaired: stray-tab rows repaired (also counted in rows_loaded);
    columns_missing: optional spec columns absent from the file (NULL-filled); columns_extra: file columns
    not in the spec (kept); columns_reordered: the spec columns appear in another order than published;
    nulls_by_reason: total nullified values per reason; columns_renamed: {header name: canonical raw column}
    for headers mapped through column_aliases.csv; key_rejects: rows quarantined for a bad or duplicate key
    (included in rows_quarantined); diff: the release-to-release diff against the previous load (None on a
    first load or for lookups).
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

    def metadata(self) -> dict[str, object]:
        d = super().metadata()
        d.pop("diff", None)
        if self.diff is not None:
            d.update(self.diff.metadata())
        return d


@dataclass
class _Transcoded:
    path: Path
    sha256: str
    lines: int
    has_cr: bool
    has_nul: bool


def _q(name: str) -> str:
    """Quote an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _lit(value: object) -> str:
    """An SQL literal for a str / date / datetime / None."""
    if value is None:
        return "NULL"
    if isinstance(value, datetime):
        return f"TIMESTAMP '{value.isoformat(sep=' ')}'"
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    return "'" + str(value).replace("'", "''") + "'"


def open_release_file(rf: ReleaseFile) -> IO[bytes]:
    """A binary stream of one release file (a zip member is streamed from the archive, never extracted)."""
    if rf.zip_path is not None:
        zf = zipfile.ZipFile(rf.zip_path)
        fh = zf.open(rf.member)
        # keep the archive open as long as the member stream
        fh._eoir_zip = zf  # type: ignore[attr-defined]
        return fh
    return open(rf.member, "rb")


def _transcode(src: IO[bytes], dst: Path) -> _Transcoded:
    """Stream Latin-1 bytes to a UTF-8 file (CR -> U+E00D), hashing and counting lines on the way."""
    h = hashlib.sha256()
    newlines = 0
    last = b""
    has_cr = has_nul = False
    with open(dst, "wb") as out:
        while chunk := src.read(_CHUNK):
            h.update(chunk)
            newlines += chunk.count(b"\n")
            last = chunk[-1:]
            if not has_nul and b"\x00" in chunk:
                has_nul = True
            text = chunk.decode("latin-1")
            if b"\r" in chunk:
                has_cr = True
                text = text.replace("\r", _CR_STANDIN)
            out.write(text.encode("utf-8"))
    lines = newlines + (1 if last and last != b"\n" else 0)
    return _Transcoded(dst, h.hexdigest(), lines, has_cr, has_nul)


def _read_header(path: Path) -> str | None:
    with open(path, encoding="utf-8", newline="\n") as fh:
        first = fh.readline()
    if not first:
        return None
    return first.rstrip("\n").removesuffix(_CR_STANDIN)


def _line_scan(path: Path) -> str:
    """SQL relation: (ln BIGINT, line VARCHAR) for every physical line, CR restored, line ending removed."""
    return (
        f"(select ordinality as ln, line from read_csv({_lit(str(path))}, columns={{'line': 'VARCHAR'}}, "
        f"delim={_lit(_LINE_DELIM)}, quote='', escape='', header=false, auto_detect=false, "
        f"strict_mode=true, all_varchar=true) with ordinality)"
    )


@dataclass
class _Layout:
    header: list[str]  # upper-cased header names, file order (aliases replaced by their canonical name)
    out_columns: list[str]  # raw table published columns, output order
    missing: list[str]
    extra: list[str]
    reordered: bool
    renamed: dict[str, str] = field(default_factory=dict)


def _layout(spec: TableSpec, header_line: str, display: str) -> _Layout:
    header = [h.strip(" \x00").upper() for h in header_line.split("\t")]
    for i, h in enumerate(header, start=1):
        if not h:
            raise ReleaseError(f"{display}: line 1 (header): column {i} has an empty name")
    dups = sorted({h for h in header if header.count(h) > 1})
    if dups:
        raise ReleaseError(f"{display}: line 1 (header): duplicate column name(s) {', '.join(dups)}")
    if not spec.required:
        return _Layout(header, list(header), [], [], False)
    # columns renamed between releases: every known name maps to the canonical one; two names is an error
    renamed: dict[str, str] = {}
    aliases = COLUMN_ALIASES.get(spec.name.lower(), {})
    for canonical, alts in aliases.items():
        names = (canonical, *alts)
        found = [h for h in header if h in names]
        if len(found) > 1:
            raise ReleaseError(
                f"{display}: line 1 (header): columns {' and '.join(found)} are two names of one field "
                f"{canonical} (renamed between releases, orchestration/eoir/column_aliases.csv); "
                "a file must have exactly one of them"
            )
        if found and found[0] != canonical:
            header[header.index(found[0])] = canonical
            renamed[found[0]] = canonical
    present = set(header)
    for need in spec.needed:
        if need not in present:
            alts = aliases.get(need, ())
            raise ReleaseError(
                f"{display}: line 1 (header) lacks column {need}"
                + (f" (or {' / '.join(alts)})" if alts else "")
                + f", which the project needs from {spec.name}; header has: {', '.join(header)}"
            )
    spec_cols = list(spec.columns)
    missing = [c for c in spec_cols if c not in present]
    extra = [h for h in header if h not in set(spec_cols)]
    in_file_order = [h for h in header if h in set(spec_cols)]
    reordered = in_file_order != [c for c in spec_cols if c in present]
    return _Layout(header, spec_cols + extra, missing, extra, reordered, renamed)


def max_plausible_date(vintage: date | None) -> date:
    """Latest date a release can hold: 31 December ten years after its vintage (hearings are scheduled a
    few years ahead), or 2100-12-31 when the vintage is unknown. Later dates are ``out_of_range_date``."""
    return date(vintage.year + 10, 12, 31) if vintage else date(2100, 12, 31)


def _parsed_date(v: str) -> str:
    """SQL DATE of a cleaned value expression ``v`` in the release's date format, else NULL."""
    return f"(case when regexp_full_match({v}, {_lit(DATE_TEXT_SQL)}) then try_cast(left({v}, 10) as date) end)"


def load_file(
    con: duckdb.DuckDBPyConnection,
    rf: ReleaseFile,
    *,
    vintage: date | None,
    input_kind: str,
    work_dir: Path,
    thresholds: DiffThresholds | None = None,
) -> EoirLoadResult:
    """Land one release file into ``raw.<spec.raw_table>`` and record its ledger row (see module doc).

    thresholds: release-diff thresholds (default :class:`DiffThresholds`); a blocking diff raises
    :class:`~orchestration.eoir.diff.ReleaseDiffError` before anything is committed.
    """
    spec = rf.spec
    tmp = work_dir / f"{spec.raw_table}.utf8.txt"
    with open_release_file(rf) as src:
        tc = _transcode(src, tmp)
    try:
        return _load_transcoded(con, rf, tc, vintage=vintage, input_kind=input_kind,
                                thresholds=thresholds or DiffThresholds())
    finally:
        tmp.unlink(missing_ok=True)


def _load_transcoded(con, rf: ReleaseFile, tc: _Transcoded, *, vintage, input_kind,
                     thresholds: DiffThresholds) -> EoirLoadResult:
    spec = rf.spec
    display = rf.display
    header_line = _read_header(tc.path)
    if header_line is None or header_line.strip() == "":
        raise ReleaseError(f"{display}: empty file or empty header line (line 1)")
    lay = _layout(spec, header_line, display)
    n = len(lay.header)
    pos = {h: i + 1 for i, h in enumerate(lay.header)}  # 1-based list index
    result = EoirLoadResult(
        table_name=spec.raw_table, source=SOURCE, source_file=display, sha256=tc.sha256, vintage=vintage,
        input_kind=input_kind, rows_read=tc.lines - 1, rows_loaded=0, raw_table=f"raw.{spec.raw_table}",
        columns_missing=lay.missing, columns_extra=lay.extra, columns_reordered=lay.reordered,
        columns_renamed=lay.renamed,
    )
    max_date = _lit(max_plausible_date(vintage))
    line = "line"
    if tc.has_cr:
        line = f"replace(regexp_replace(line, '{_CR_STANDIN}$', ''), '{_CR_STANDIN}', chr(13))"
    nf = f"(length({line}) - length(replace({line}, chr(9), '')) + 1)"
    scan = f"(select ln, {line} as line, {nf} as nf from {_line_scan(tc.path)})"

    # -- one aggregate pass: physical line count check (exactness of DuckDB's line reading) and row widths
    bad_pred = f"(coalesce(line, '') = '' or nf < {n} or nf > {n + 1})"
    got = con.execute(
        f"select count(*), max(ln), count(*) filter (where ln > 1 and {bad_pred}), "
        f"count(*) filter (where ln > 1 and nf = {n + 1} and line <> '') from {scan}"
    ).fetchone()
    if got[0] != tc.lines or (tc.lines and got[1] != tc.lines):
        raise ReleaseError(f"{display}: DuckDB read {got[0]} lines but the file has {tc.lines} physical lines")
    n_bad, n_one_extra = got[2], got[3]

    tbl = spec.raw_table
    con.execute("create or replace temp table _eoir_repaired (ln bigint, line varchar)")
    # -- quarantine: blank lines, too few fields, two or more extra fields
    if n_bad:
        con.execute(
        f"""
        insert into raw._rejects
        select {_lit(result.load_id)}, {_lit(tbl)}, {_lit(display)}, ln, coalesce(line, ''),
               case when coalesce(line, '') = '' then 'blank_line'
                    when nf < {n} then 'too_few_fields: expected {n}, found ' || nf
                    else 'too_many_fields: expected {n}, found ' || nf end
        from {scan}
        where ln > 1 and (coalesce(line, '') = '' or nf < {n} or nf > {n + 1})
        order by ln
        """
    )
    quarantined = n_bad
    # -- one extra field: apply the repair rule (few rows, Python)
    one_extra = []
    if n_one_extra:
        one_extra = con.execute(
            f"select ln, line from {scan} where ln > 1 and nf = {n + 1} and line <> '' order by ln"
        ).fetchall()
    date_idx = [pos[c] - 1 for c in spec.date_columns if c in pos]
    id_idx = [pos[c] - 1 for c in spec.id_columns if c in pos]
    repaired_ln, repaired_f, rej_ln, rej_text, rej_reason = [], [], [], [], []
    for ln, text in one_extra:
        fields = text.split("\t")
        fixed, reason = repair_extra_field(fields, date_idx, id_idx)
        if fixed is not None:
            repaired_ln.append(ln)
            repaired_f.append(fixed)
        else:
            rej_ln.append(ln)
            rej_text.append(text)
            rej_reason.append(f"{reason}: expected {n} fields, found {n + 1}")
    if repaired_ln:
        con.execute(
            "insert into _eoir_repaired select unnest(?::bigint[]), unnest(?::varchar[])",
            [repaired_ln, ["\t".join(x) for x in repaired_f]],
        )
    if rej_ln:
        con.execute(
            f"insert into raw._rejects select {_lit(result.load_id)}, {_lit(tbl)}, {_lit(display)}, "
            "unnest(?::bigint[]), unnest(?::varchar[]), unnest(?::varchar[])",
            [rej_ln, rej_text, rej_reason],
        )
    quarantined += len(rej_ln)
    result.rows_quarantined = quarantined
    result.rows_repaired = len(repaired_ln)

    # well-formed rows (ln, line), repaired rows included
    rows_rel = (
        f"(select ln, line from {scan} where ln > 1 and nf = {n} and line <> '' "
        f"union all select ln, line from _eoir_repaired)"
    )
    # normalised line: every field trimmed of spaces, NUL-only fields emptied. Only "dirty" lines (a space
    # next to a TAB or at an end, or a NUL byte) go through the per-field list transform.
    dirty = "(contains(line, ' ' || chr(9)) or contains(line, chr(9) || ' ') or starts_with(line, ' ') " \
            "or ends_with(line, ' ')" + (" or contains(line, chr(0))" if tc.has_nul else "") + ")"
    fix = "trim(x)"
    if tc.has_nul:
        fix = "case when trim(replace(x, chr(0), '')) = '' then '' else trim(x) end"
    norm_rel = (
        f"(select ln, case when {dirty} then array_to_string(list_transform(string_split(line, chr(9)), "
        f"lambda x: {fix}), chr(9)) else line end as nl from {rows_rel})"
    )
    split_rel = f"(select ln, string_split(nl, chr(9)) as g from {norm_rel})"
    dates_in_file = [h for h in lay.header if h in spec.date_columns]

    # -- nullification counts: NUL-only values (only lines holding a NUL are split), then dates
    if tc.has_nul:
        sel = ", ".join(
            f"count(*) filter (where contains(f[{pos[h]}], chr(0)) and trim(replace(f[{pos[h]}], chr(0), '')) = '')"
            for h in lay.header
        )
        counts = con.execute(
            f"select {sel} from (select string_split(line, chr(9)) as f from {rows_rel} "
            f"where contains(line, chr(0)))"
        ).fetchone()
        for h, c in zip(lay.header, counts, strict=True):
            if c:
                result.nullifications.setdefault(h, {})["nul_byte"] = int(c)
    # per column: v_i = trimmed value or NULL; for dates d_i = the parsed DATE (NULL when not a date)
    inner_cols = []
    final: dict[str, str] = {}
    count_exprs: list[tuple[str, str, str]] = []
    for h in lay.header:
        i = pos[h]
        inner_cols.append(f"nullif(g[{i}], '') as v_{i}")
        if h in dates_in_file:
            inner_cols.append(f"{_parsed_date(f'v_{i}')} as d_{i}")
            d = f"d_{i}"
            final[h] = (f"case when {d} is null or {d} = date '1900-01-01' or {d} > {max_date} "
                        f"or {d} < date '1950-01-01' then null else v_{i} end")
            count_exprs += [
                (h, "not_a_date", f"v_{i} is not null and {d} is null"),
                (h, "sentinel_date", f"{d} = date '1900-01-01'"),
                (h, "out_of_range_date", f"{d} <> date '1900-01-01' and ({d} > {max_date} or {d} < date '1950-01-01')"),
            ]
        else:
            final[h] = f"v_{i}"
    if count_exprs:
        inner = ", ".join(
            f"nullif(g[{pos[h]}], '') as v_{pos[h]}, {_parsed_date(f'nullif(g[{pos[h]}], {chr(39)}{chr(39)})')} as d_{pos[h]}"
            for h in dates_in_file
        )
        sel = ", ".join(f"count(*) filter (where {e})" for _, _, e in count_exprs)
        counts = con.execute(f"select {sel} from (select {inner} from {split_rel})").fetchone()
        for (col, reason, _), c in zip(count_exprs, counts, strict=True):
            if c:
                result.nullifications.setdefault(col, {})[reason] = int(c)
    for reasons in result.nullifications.values():
        for reason, c in reasons.items():
            result.nulls_by_reason[reason] = result.nulls_by_reason.get(reason, 0) + c
    if result.rows_repaired:
        result.nullifications[ROW_REPAIR_COLUMN] = {"stray_tab_repaired": result.rows_repaired}

    # -- exact duplicates: same normalised line; candidates found by hash, confirmed by text
    con.execute(
        f"""
        create or replace temp table _eoir_dups as
        select ln from (
            select ln, row_number() over (partition by nl order by ln) as k
            from {norm_rel}
            where hash(nl) in (select hash(nl) from {norm_rel} group by 1 having count(*) > 1)
        ) where k > 1
        """
    )
    result.duplicates_collapsed = con.execute("select count(*) from _eoir_dups").fetchone()[0]

    # -- keys: a row whose key is empty, not digits, or repeated (with different values) is quarantined
    excluded = "_eoir_dups"
    key = spec.key if spec.required and spec.key in pos else None
    if key is not None:
        kv = f"g[{pos[key]}]"
        con.execute(
            f"""
            create or replace temp table _eoir_keyrej as
            with k as (select ln, {kv} as k from {split_rel} where ln not in (select ln from _eoir_dups)),
            dupkeys as (select k, count(*) as n, min(ln) as first_ln from k
                        where regexp_full_match(coalesce(k, ''), '[0-9]+') group by k having count(*) > 1)
            select ln, case when coalesce(k, '') = '' then 'bad_key: {key} is empty'
                            else 'bad_key: {key} is not digits (got ' || k || ')' end as reason
            from k where not regexp_full_match(coalesce(k, ''), '[0-9]+')
            union all
            select k.ln, 'duplicate_key: {key}=' || k.k || ' on ' || d.n || ' rows with different values (first line '
                         || d.first_ln || ')'
            from k join dupkeys d using (k)
            """
        )
        result.key_rejects = con.execute("select count(*) from _eoir_keyrej").fetchone()[0]
        if result.key_rejects:
            con.execute(
                f"""
                insert into raw._rejects
                select {_lit(result.load_id)}, {_lit(tbl)}, {_lit(display)}, r.ln, s.line, r.reason
                from _eoir_keyrej r join {rows_rel} s using (ln) order by r.ln
                """
            )
            result.rows_quarantined += result.key_rejects
            excluded = "(select ln from _eoir_dups union all select ln from _eoir_keyrej)"

    # -- land: final values, file order, into a new table; diff it against the previous load; swap
    anti = f"where ln not in (select ln from {excluded})" if (result.duplicates_collapsed or excluded != "_eoir_dups") else ""
    value_cols = [
        f"{final[c]} as {_q(c)}" if c in pos else f"cast(null as varchar) as {_q(c)}" for c in lay.out_columns
    ]
    incoming = f"{tbl}__incoming"
    con.execute(
        f"""
        create or replace table raw.{_q(incoming)} as
        select {', '.join(value_cols)}, ln as _source_line,
               {_lit(result.load_id)} as _load_id, {_lit(display)} as _source_file,
               {_lit(tc.sha256)} as _source_sha256, cast({_lit(vintage)} as date) as _vintage,
               {_lit(input_kind)} as _input_kind, {_lit(result.loaded_at)} as _loaded_at
        from (select ln, {', '.join(inner_cols)} from {split_rel})
        {anti}
        """
    )
    result.rows_loaded = con.execute(f"select count(*) from raw.{_q(incoming)}").fetchone()[0]
    if key is not None and table_exists(con, "raw", tbl) and key in _relation_columns(con, f"raw.{_q(tbl)}"):
        result.diff = diff_tables(con, f"raw.{_q(tbl)}", f"raw.{_q(incoming)}", key, tbl)
        apply_thresholds(result.diff, thresholds, display)
        record_diff(con, result.diff, result.load_id, display)
    con.execute(f"drop table if exists raw.{_q(tbl)}")
    con.execute(f"alter table raw.{_q(incoming)} rename to {_q(tbl)}")
    record_load(con, result)
    return result


def _relation_columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    return [d[0] for d in con.execute(f"select * from {relation} limit 0").description]


def _resolve_kind_and_vintage(release: Release, vintage: date | None, input_kind: str | None):
    marker = release.marker
    if marker is not None:
        if input_kind not in (None, "synthetic"):
            raise ReleaseError(
                f"{release.path}: contains {SYNTHETIC_MARKER} (a synthetic release) but input_kind={input_kind!r}"
            )
        kind = "synthetic"
    else:
        kind = input_kind or "real"
    if vintage is None and marker is not None and marker.get("vintage"):
        vintage = date.fromisoformat(marker["vintage"])
    if vintage is None:
        vintage = datetime.fromtimestamp(release.path.stat().st_mtime, UTC).date()
    return kind, vintage


def load_release(
    con: duckdb.DuckDBPyConnection,
    release_path: Path | str,
    *,
    vintage: date | None = None,
    input_kind: str | None = None,
    work_dir: Path | None = None,
    memory_limit: str | None = "3GB",
    thresholds: DiffThresholds | None = None,
) -> list[EoirLoadResult]:
    """Land every required table and every lookup of an EOIR release; return one result per file.

    Runs inside the caller's open transaction on ``con`` (see ``ledger.load_transaction``): it creates or
    replaces ``raw.eoir_*`` tables, appends to ``raw._rejects``, ``raw._load_ledger`` and
    ``raw._value_nullifications``, and commits nothing itself.

    release_path: a folder or a ``.zip``. vintage: release date; default from the synthetic marker, else the
    release's modification date (UTC). input_kind: ``'synthetic'`` when the marker file is present (passing
    ``'real'`` then raises), else ``'real'``. work_dir: where per-file UTF-8 temporaries go (one at a time;
    about the size of the largest uncompressed file); default: the system temp folder. memory_limit:
    DuckDB memory limit set for the duration of the load (restored after); None leaves it unchanged.

    Raises :class:`ReleaseError` (missing table, bad header, ...); the ledger raises
    ``RowAccountingError`` if a file's rows do not add up (cannot happen by construction).
    """
    release = locate_release(Path(release_path))
    kind, vint = _resolve_kind_and_vintage(release, vintage, input_kind)
    ensure_ledger(con)
    ensure_diff_table(con)
    settings = _push_settings(con, memory_limit)
    tmpdir = Path(tempfile.mkdtemp(prefix="eoir_load_", dir=work_dir))
    try:
        return [load_file(con, rf, vintage=vint, input_kind=kind, work_dir=tmpdir, thresholds=thresholds)
                for rf in release.files]
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
        try:
            con.execute("drop table if exists _eoir_repaired")
            con.execute("drop table if exists _eoir_dups")
            con.execute("drop table if exists _eoir_keyrej")
        except duckdb.Error:
            pass
        _pop_settings(con, settings)


def _push_settings(con, memory_limit: str | None) -> dict[str, str]:
    names = ["preserve_insertion_order"] + (["memory_limit"] if memory_limit else [])
    old = {k: con.execute(f"select current_setting('{k}')").fetchone()[0] for k in names}
    con.execute("set preserve_insertion_order = true")
    if memory_limit:
        con.execute(f"set memory_limit = {_lit(memory_limit)}")
    return old


def _pop_settings(con, old: dict[str, str]) -> None:
    for k, v in old.items():
        try:
            con.execute(f"set {k} = {_lit(str(v))}")
        except duckdb.Error:
            pass


def lookup_codes(con: duckdb.DuckDBPyConnection, lookup: str, code_column: str | None = None) -> set[str]:
    """Distinct codes of a landed lookup table, e.g. ``lookup_codes(con, 'hloc')`` -> {'SYP', 'ENP', ...}.

    lookup: the suffix of ``raw.eoir_lookup_<lookup>`` (or the full raw table name).
    code_column: which column holds the code; default: the first column whose name does not start with
    ``IDN`` (EOIR lookups put the code first, sometimes after a numeric surrogate key).
    Returns an empty set when the lookup was not in the release.
    """
    table = lookup if lookup.startswith("eoir_lookup_") else f"eoir_lookup_{lookup.lower()}"
    cols = [
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns where table_schema = 'raw' and table_name = ? "
            "order by ordinal_position",
            [table],
        ).fetchall()
    ]
    if not cols:
        return set()
    if code_column is None:
        code_column = next(c for c in cols if not c.upper().startswith("IDN") and not c.startswith("_"))
    rows = con.execute(f"select distinct {_q(code_column.upper())} from raw.{_q(table)} where {_q(code_column.upper())} is not null").fetchall()
    return {r[0] for r in rows}


def summarize(results: Iterable[EoirLoadResult]) -> dict[str, dict[str, object]]:
    """Per raw table counts for Dagster metadata: {raw_table: result.metadata() + nullification totals}."""
    out = {}
    for r in results:
        md = r.metadata()
        out[r.raw_table] = md
    return out


__all__ = ["ROW_REPAIR_COLUMN", "EoirLoadResult", "load_file", "load_release", "lookup_codes", "summarize"]
