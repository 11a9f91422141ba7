"""orchestration.eoir.reader.keys: exact duplicates collapse; bad and repeated keys are quarantined."""

from __future__ import annotations

from tests.eoir.conftest import appln_through_keys as _run

D = "2019-03-14 00:00:00.000"


def test_exact_duplicates_collapse_and_repeated_keys_are_quarantined(tmp_path, con):
    body = (f"1\t2\t3\tASYL\t{D}\tG\n"      # 2 lands
            f"1\t2\t3\tASYL \t{D}\tG\n"     # 3 exact duplicate of 2 once trimmed: collapsed
            f"5\t2\t3\tASYL\t{D}\tG\n"      # 4 key 5 on two distinct rows: quarantined
            f"5\t2\t3\tWCAT\t{D}\tD\n"      # 5 quarantined
            f"5\t2\t3\tWCAT\t{D}\tD\n"      # 6 exact duplicate of 5: collapsed
            f"x9\t2\t3\tASYL\t{D}\tG\n"     # 7 bad_key (not digits)
            f"\t2\t3\tASYL\t{D}\tG\n")      # 8 bad_key (empty)
    ctx, excluded = _run(con, tmp_path, body)
    assert excluded == ["_eoir_dups", "_eoir_keyrej"]
    assert sorted(r[0] for r in con.execute("select ln from _eoir_dups").fetchall()) == [3, 6]
    r = ctx.result
    assert (r.duplicates_collapsed, r.key_rejects, r.rows_quarantined) == (2, 4, 4)
    assert con.execute("select line_number, raw_text, reason from raw._rejects order by 1").fetchall() == [
        (4, f"5\t2\t3\tASYL\t{D}\tG", "duplicate_key: IDNPROCEEDINGAPPLN=5 on 2 distinct rows (3 lines, first line 4)"),
        (5, f"5\t2\t3\tWCAT\t{D}\tD", "duplicate_key: IDNPROCEEDINGAPPLN=5 on 2 distinct rows (3 lines, first line 4)"),
        (7, f"x9\t2\t3\tASYL\t{D}\tG", "bad_key: IDNPROCEEDINGAPPLN is not digits (got x9)"),
        (8, f"\t2\t3\tASYL\t{D}\tG", "bad_key: IDNPROCEEDINGAPPLN is empty")]


def test_a_file_without_key_problems_excludes_only_duplicates(tmp_path, con):
    ctx, excluded = _run(con, tmp_path, f"1\t2\t3\tASYL\t{D}\tG\n2\t2\t3\tASYL\t{D}\tG\n")
    assert excluded == ["_eoir_dups"] and (ctx.result.duplicates_collapsed, ctx.result.key_rejects) == (0, 0)
