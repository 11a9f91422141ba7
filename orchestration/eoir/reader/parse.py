"""Steps 2-3 of a load: read each part as numbered lines, split and clean its fields, land them.

2. Each part is read as whole lines into a temporary table: ``read_csv(columns={'line': VARCHAR},
   delim=U+E001, quote='', escape='', header=false) WITH ORDINALITY`` (U+E001 cannot occur in Latin-1 text,
   quoting is off: an unbalanced ``"`` is data). The ordinal plus the part's offset is the physical line
   number, checked against the part's line count (a mismatch raises). This read is single-threaded, hence
   the bounded parts; everything after it runs in parallel from memory.
3. One parallel INSERT per part into ``raw.<table>__rows_incoming``: fields = ``string_split(line, TAB)``;
   values trimmed of spaces, empty -> NULL, a value made only of NUL bytes (and spaces) -> NULL (reason
   ``nul_byte``; NUL bytes inside a longer value are left as they are). Date columns: text not matching
   ``YYYY-MM-DD[ hh:mm:ss[.fff]]`` or not a real date -> NULL (``not_a_date``), 1900-01-01 -> NULL
   (``sentinel_date``), before 1950 or after :func:`max_plausible_date` (31 Dec ten years after the
   vintage; 2100 without vintage) -> NULL (``out_of_range_date``); other dates keep their original text
   (near-future hearing dates stay). The row also carries helper columns (all but the field count dropped
   before the swap): the line when its width is wrong, a 64-bit hash of the normalised fields, for the key
   its digits check and hash, and the original text of each nullified date.
   Nullifications are counted per landed column and reason over every well-formed row (before duplicates
   collapse): NUL-only values as each part lands, dates once every row has landed
   (:func:`count_date_nullifications`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from orchestration.eoir.defects import DATE_TEXT_SQL
from orchestration.eoir.reader.context import FileLoad
from orchestration.eoir.reader.sql import BAD, KEY_OK, KH, LINE_DELIM, NF, H, lit, q, restored, x
from orchestration.eoir.reader.transcode import Part
from orchestration.eoir.release import ReleaseError


def max_plausible_date(vintage: date | None) -> date:
    """Latest date a release can hold: 31 December ten years after its vintage (hearings are scheduled a
    few years ahead), or 2100-12-31 when the vintage is unknown. Later dates are ``out_of_range_date``."""
    return date(vintage.year + 10, 12, 31) if vintage else date(2100, 12, 31)


def parsed_date(v: str) -> str:
    """SQL DATE of a cleaned value expression ``v`` in the release's date format, else NULL."""
    return f"(case when regexp_full_match({v}, {lit(DATE_TEXT_SQL)}) then try_cast(left({v}, 10) as date) end)"


def line_scan(part: Part) -> str:
    """SQL relation: (ln BIGINT, line VARCHAR) for every physical line of a part, line ending removed.

    ``ln`` is the physical line number in the whole file. The read is single-threaded (line numbers come
    from WITH ORDINALITY), which is why it lands in a temporary table before any per-row work. A part with
    :attr:`Part.long_lines` is read with a maximum line size (and buffer) of the whole part."""
    size = ""
    if part.long_lines:
        n = part.path.stat().st_size + 1
        size = f", max_line_size={n}, buffer_size={n}"
    return (
        f"(select ordinality + {part.first_line - 1} as ln, line from read_csv({lit(str(part.path))}, "
        f"columns={{'line': 'VARCHAR'}}, delim={lit(LINE_DELIM)}, quote='', escape='', header=false, "
        f"auto_detect=false, strict_mode=true, all_varchar=true{size}) with ordinality)"
    )


def _fix(value: str, has_nul: bool) -> str:
    """SQL: a field normalised: trimmed of spaces, and (when the part may hold NUL bytes) emptied when made
    only of NUL bytes and spaces."""
    if has_nul:
        return f"case when trim(replace({value}, chr(0), '')) = '' then '' else trim({value}) end"
    return f"trim({value})"


def _split_fields(lines_rel: str, has_nul: bool) -> str:
    """SQL: (ln, line, g, nf, dirty) per data line: its fields as written and their count. A "dirty" line (a
    space next to a TAB or at an end, or a NUL byte) is the only kind whose fields change when normalised
    (:func:`_fix`): a clean line is its own normalisation, so only dirty lines pay for the per-field work."""
    dirty = "(contains(line, ' ' || chr(9)) or contains(line, chr(9) || ' ') or starts_with(line, ' ') " \
            "or ends_with(line, ' ')" + (" or contains(line, chr(0))" if has_nul else "") + ")"
    return (f"select ln, line, g, len(g) as nf, {dirty} as dirty from (select ln, line, "
            f"string_split(line, chr(9)) as g from {lines_rel} where ln > 1)")


def _output_columns(ctx: FileLoad) -> tuple[list[str], list[str]]:
    """SQL expressions of the landed columns (dates nullified) and of the nullified dates' original text."""
    pos, max_date = ctx.pos, lit(max_plausible_date(ctx.vintage))
    cols, xcols = [], []
    for c in ctx.lay.out_columns:
        if c not in pos:
            cols.append(f"cast(null as varchar) as {q(c)}")
        elif c in ctx.dates_in_file:
            i = pos[c]
            bad_date = (f"(d_{i} is null or d_{i} = date '1900-01-01' or d_{i} > {max_date} "
                        f"or d_{i} < date '1950-01-01')")
            cols.append(f"case when {bad_date} then null else v_{i} end as {q(c)}")
            xcols.append(f"case when v_{i} is not null and {bad_date} then v_{i} end as {x(i)}")
        else:
            cols.append(f"v_{pos[c]} as {q(c)}")
    return cols, xcols


def landing_select(ctx: FileLoad, lines_rel: str, has_nul: bool) -> str:
    """SELECT producing incoming rows (final values + helpers) from a relation (ln, line)."""
    pos, n = ctx.pos, ctx.n
    lvl1 = _split_fields(lines_rel, has_nul)
    # hash of the normalised line: a clean line is its own normalisation (one string hash, no list)
    norm = f"array_to_string(list_transform(g, lambda x: {_fix('x', has_nul)}), chr(9))"
    lvl2 = [f"ln, nf, hash(case when dirty then {norm} else line end) as {H}",
            f"case when coalesce(line, '') = '' or coalesce(nf, 0) <> {n} then coalesce(line, '') end as {BAD}"]
    lvl2 += [f"nullif(case when dirty then {_fix(f'g[{pos[h]}]', has_nul)} else g[{pos[h]}] end, '') as v_{pos[h]}"
             for h in ctx.in_file]
    lvl3 = [f"*, {parsed_date(f'v_{pos[h]}')} as d_{pos[h]}" for h in ctx.dates_in_file[:1]] or ["*"]
    lvl3 += [f"{parsed_date(f'v_{pos[h]}')} as d_{pos[h]}" for h in ctx.dates_in_file[1:]]
    cols, xcols = _output_columns(ctx)
    key = ctx.key
    return (
        f"select {', '.join(cols)}, ln as _source_line, {H}, nf as {NF}, {BAD}"
        # the key is digits: not empty and nothing left once leading digits are stripped (no regular expression)
        + (f", (coalesce(v_{pos[key]}, '') <> '' and ltrim(v_{pos[key]}, '0123456789') = '') as {KEY_OK}, "
           f"hash(v_{pos[key]}) as {KH}" if ctx.key_ok and key is not None else "")
        + "".join(f", {c}" for c in xcols)
        + f" from (select {', '.join(lvl3)} from (select {', '.join(lvl2)} from ({lvl1})))"
    )


def count_nul_only(ctx: FileLoad, lines_rel: str) -> None:
    """nul_byte nullifications per column over the well-formed rows of a relation (ln, line)."""
    pos = ctx.pos
    sel = ", ".join(
        f"count(*) filter (where contains(f[{pos[h]}], chr(0)) and trim(replace(f[{pos[h]}], chr(0), '')) = '')"
        for h in ctx.in_file
    )
    counts = ctx.con.execute(
        f"select {sel} from (select string_split(line, chr(9)) as f from {lines_rel} "
        f"where ln > 1 and contains(line, chr(0))) where len(f) = {ctx.n}"
    ).fetchone()
    for h, c in zip(ctx.in_file, counts, strict=True):
        if c:
            ctx.add_nullifications(h, "nul_byte", int(c))


def land_part(ctx: FileLoad, part: Part, k: int) -> None:
    """Read part ``k`` (0-based) as numbered lines, check its line count, land its rows (the first part
    creates ``raw.<table>__rows_incoming``, the others append)."""
    con = ctx.con
    lines_rel = f"(select ln, {restored('line', part.has_cr)} as line from _eoir_lines)"
    con.execute(f"create or replace temp table _eoir_lines as select * from {line_scan(part)}")
    got = con.execute("select count(*), coalesce(max(ln), 0) from _eoir_lines").fetchone()
    last = part.first_line + part.lines - 1
    if got[0] != part.lines or got[1] != last:
        raise ReleaseError(
            f"{ctx.display}: DuckDB read {got[0]} lines ending at line {got[1]} where the file has {part.lines} "
            f"physical lines ending at line {last} (part {k + 1})"
        )
    if part.has_nul:
        count_nul_only(ctx, lines_rel)
    verb = f"create or replace table {ctx.parsed} as" if k == 0 else f"insert into {ctx.parsed}"
    con.execute(f"{verb} {landing_select(ctx, lines_rel, part.has_nul)}")


def land_parts(ctx: FileLoad, parts: Iterable[Part]) -> None:
    """Land every part in order (see :func:`land_part`)."""
    for k, part in enumerate(parts):
        land_part(ctx, part, k)
    ctx.con.execute("drop table if exists _eoir_lines")


def count_date_nullifications(ctx: FileLoad) -> None:
    """Date nullification counts over the well-formed rows (repaired included, duplicates not collapsed),
    then the totals per reason (:attr:`EoirLoadResult.nulls_by_reason`)."""
    count_exprs: list[tuple[str, str, str]] = []
    for h in ctx.dates_in_file:
        xc = x(ctx.pos[h])
        d = parsed_date(xc)
        count_exprs += [
            (h, "not_a_date", f"{xc} is not null and {d} is null"),
            (h, "sentinel_date", f"{d} = date '1900-01-01'"),
            (h, "out_of_range_date", f"{d} <> date '1900-01-01'"),
        ]
    result = ctx.result
    if count_exprs:
        sel = ", ".join(f"count(*) filter (where {e})" for _, _, e in count_exprs)
        counts = ctx.con.execute(f"select {sel} from {ctx.good}").fetchone()
        for (col, reason, _), c in zip(count_exprs, counts, strict=True):
            if c:
                result.nullifications.setdefault(col, {})[reason] = int(c)
    for reasons in result.nullifications.values():
        for reason, c in reasons.items():
            result.nulls_by_reason[reason] = result.nulls_by_reason.get(reason, 0) + c
