"""orchestration.eoir.reader.quarantine: wrong-width rows quarantined, one stray TAB repaired or not."""

from __future__ import annotations

from orchestration.eoir.defects import row_rules
from orchestration.eoir.reader.parse import land_parts
from orchestration.eoir.reader.quarantine import count_repaired, quarantine_malformed, repair_one_extra
from orchestration.eoir.release import TBL_COURT_APPLN
from tests.eoir.conftest import appln_load

D = "2019-03-14 00:00:00.000"


def test_repair_one_extra_splits_repaired_and_rejected_rows():
    rules = row_rules(TBL_COURT_APPLN, list(TBL_COURT_APPLN.columns))
    rows = [(2, f"7\t8\t9\tASYL\t\t{D}\tG"),        # an empty field from the stray TAB: one valid reading
            (4, f"x\t8\t9\tASYL\t\t{D}\tG")]         # no valid reading (id not digits)
    ok_ln, ok_f, rej_ln, rej_text, rej_reason = repair_one_extra(rows, rules)
    assert (ok_ln, ok_f) == ([2], [["7", "8", "9", "ASYL", D, "G"]])
    assert (rej_ln, rej_text) == ([4], [rows[1][1]])
    assert rej_reason == ["extra_field_unrepairable: expected 6 fields, found 7"]


def test_wrong_width_rows_are_quarantined_and_a_stray_tab_row_lands_repaired(tmp_path, con):
    body = (f"1\t2\t3\tASYL\t{D}\tG\n"        # 2 lands
            f"7\t8\t9\tASYL\t\t{D}\tG\n"       # 3 repaired
            "\n"                                # 4 blank_line
            "5\t6\n"                            # 5 too_few_fields
            f"1\t2\t3\tA\t\t\t{D}\tG\n").encode()  # 6 too_many_fields (two extra)
    ctx, tc = appln_load(con, tmp_path, body)
    land_parts(ctx, tc.parts)
    repaired = quarantine_malformed(ctx, tc)
    assert repaired == [3] and ctx.result.rows_quarantined == 3
    assert con.execute("select line_number, raw_text, reason from raw._rejects order by 1").fetchall() == [
        (4, "", "blank_line"), (5, "5\t6", "too_few_fields: expected 6, found 2"),
        (6, f"1\t2\t3\tA\t\t\t{D}\tG", "too_many_fields: expected 6, found 8")]
    # the repaired row is appended as a well-formed row (the malformed original stays, hidden by its width)
    assert con.execute(f"select IDNPROCEEDINGAPPLN, APPL_RECD_DATE, _nf from {ctx.good} order by _source_line, _nf"
                       ).fetchall() == [("1", D, 6), ("7", D, 6)]
    con.execute("create temp table _none (ln bigint)")
    count_repaired(ctx, repaired, ["_none"])
    assert ctx.result.rows_repaired == 1 and ctx.result.nullifications["_row"] == {"stray_tab_repaired": 1}
