"""Step 4 of a load: rows of the wrong width, and writing rejected rows to ``raw._rejects``.

Blank lines, too few fields, two or more extra are quarantined into ``raw._rejects`` with their line; rows
with exactly one extra field go through :func:`orchestration.eoir.defects.repair_extra_field` (few rows;
Python) and are landed repaired or quarantined. A repaired row that lands is recorded in
``raw._value_nullifications`` under the pseudo column ``_row`` with reason ``stray_tab_repaired`` (and in
:attr:`EoirLoadResult.rows_repaired`); one that the duplicate and key steps then collapse or quarantine is
not counted as repaired (:func:`count_repaired`).

Rows quarantined for their key (:mod:`orchestration.eoir.reader.keys`) are written with their line re-read
from its part (:func:`quarantine_key_rejects`): the landed table keeps values, not lines, and a repaired
row's reject shows the line as in the file, stray TAB included.
"""

from __future__ import annotations

import bisect

from orchestration.eoir.defects import repair_extra_field, row_rules
from orchestration.eoir.reader.context import FileLoad
from orchestration.eoir.reader.parse import count_nul_only, landing_select, line_scan
from orchestration.eoir.reader.result import ROW_REPAIR_COLUMN
from orchestration.eoir.reader.sql import BAD, NF, lit, restored
from orchestration.eoir.reader.transcode import Transcoded


def repair_one_extra(one_extra: list[tuple[int, str]], rules) -> tuple[list, list, list, list, list]:
    """The stray-tab rule (:func:`~orchestration.eoir.defects.repair_extra_field`) over the rows with one
    field too many, ``(line number, line)``: (repaired line numbers, their fields, rejected line numbers,
    their lines, their reasons)."""
    repaired_ln, repaired_f, rej_ln, rej_text, rej_reason = [], [], [], [], []
    n = len(rules)
    for ln, text in one_extra:
        fixed, reason = repair_extra_field(text.split("\t"), rules)
        if fixed is not None:
            repaired_ln.append(ln)
            repaired_f.append(fixed)
        else:
            rej_ln.append(ln)
            rej_text.append(text)
            rej_reason.append(f"{reason}: expected {n} fields, found {n + 1}")
    return repaired_ln, repaired_f, rej_ln, rej_text, rej_reason


def _reject_prefix(ctx: FileLoad) -> str:
    """The constant leading columns of a ``raw._rejects`` row of this load: load id, table, file."""
    return f"{lit(ctx.result.load_id)}, {lit(ctx.tbl)}, {lit(ctx.display)}"


def _quarantine_wrong_width(ctx: FileLoad) -> int:
    """Write blank lines, rows with too few fields and rows with two or more extra to ``raw._rejects``;
    return how many rows are of the wrong width but not one field too many."""
    n, parsed = ctx.n, ctx.parsed
    ctx.con.execute(
        f"""
        insert into raw._rejects
        select {_reject_prefix(ctx)}, _source_line, {BAD},
               case when {BAD} = '' then 'blank_line'
                    when {NF} < {n} then 'too_few_fields: expected {n}, found ' || {NF}
                    else 'too_many_fields: expected {n}, found ' || {NF} end
        from {parsed}
        where {BAD} is not null and ({BAD} = '' or {NF} < {n} or {NF} > {n + 1})
        order by _source_line
        """
    )
    return ctx.con.execute(
        f"select count(*) from {parsed} where {BAD} is not null and ({BAD} = '' or {NF} <> {n + 1})"
    ).fetchone()[0]


def quarantine_malformed(ctx: FileLoad, tc: Transcoded) -> list[int]:
    """Quarantine the rows of the wrong width, repair or quarantine those with one extra field (the repaired
    ones are appended to the parsed rows); set rows_quarantined. Returns the repaired line numbers (also in
    the temporary table ``_eoir_repaired``)."""
    con = ctx.con
    con.execute("create or replace temp table _eoir_repaired (ln bigint, line varchar)")
    quarantined = _quarantine_wrong_width(ctx)
    one_extra = con.execute(
        f"select _source_line, {BAD} from {ctx.parsed} where {BAD} <> '' and {NF} = {ctx.n + 1} order by 1"
    ).fetchall()
    repaired_ln, repaired_f, rej_ln, rej_text, rej_reason = repair_one_extra(
        one_extra, row_rules(ctx.spec, ctx.lay.header))
    if rej_ln:
        con.execute(
            f"insert into raw._rejects select {_reject_prefix(ctx)}, "
            "unnest(?::bigint[]), unnest(?::varchar[]), unnest(?::varchar[])",
            [rej_ln, rej_text, rej_reason],
        )
    if repaired_ln:
        con.execute(
            "insert into _eoir_repaired select unnest(?::bigint[]), unnest(?::varchar[])",
            [repaired_ln, ["\t".join(f) for f in repaired_f]],
        )
        if tc.has_nul:
            count_nul_only(ctx, "_eoir_repaired")
        con.execute(f"insert into {ctx.parsed} {landing_select(ctx, '_eoir_repaired', tc.has_nul)}")
    ctx.result.rows_quarantined = quarantined + len(rej_ln)
    return repaired_ln


def quarantine_key_rejects(ctx: FileLoad, tc: Transcoded) -> None:
    """Write the rows of ``_eoir_keyrej`` to ``raw._rejects`` with their line text as in the file: re-read
    from the parts holding them (the landed table keeps values, not lines; a repaired row too, so that its
    reject shows the line with its stray TAB, not the repaired text)."""
    con = ctx.con
    con.execute("create or replace temp table _eoir_keyrej_lines (ln bigint, line varchar)")
    wanted = [r[0] for r in con.execute("select ln from _eoir_keyrej order by ln").fetchall()]
    for part in tc.parts:  # re-read only the parts holding a wanted line (binary search in the sorted list)
        i = bisect.bisect_left(wanted, part.first_line)
        if i < len(wanted) and wanted[i] <= part.first_line + part.lines - 1:
            con.execute(
                f"insert into _eoir_keyrej_lines select ln, {restored('line', part.has_cr)} from {line_scan(part)} "
                "where ln in (select ln from _eoir_keyrej)"
            )
    con.execute(
        f"""
        insert into raw._rejects
        select {_reject_prefix(ctx)}, r.ln, s.line, r.reason
        from _eoir_keyrej r join _eoir_keyrej_lines s using (ln) order by r.ln
        """
    )
    con.execute("drop table if exists _eoir_keyrej_lines")


def count_repaired(ctx: FileLoad, repaired_ln: list[int], excluded: list[str]) -> None:
    """Repaired rows count as repaired only when they land (not quarantined for their key, not collapsed:
    not in any of the ``excluded`` relations of line numbers)."""
    result = ctx.result
    if repaired_ln:
        result.rows_repaired = ctx.con.execute(
            "select count(*) from _eoir_repaired where "
            + " and ".join(f"ln not in (select ln from {rel})" for rel in excluded)
        ).fetchone()[0]
    if result.rows_repaired:
        result.nullifications[ROW_REPAIR_COLUMN] = {"stray_tab_repaired": result.rows_repaired}
