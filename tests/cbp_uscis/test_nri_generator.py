"""The synthetic NRI generator: published counts kept, imputed months flagged, determinism, EOIR linking."""

from __future__ import annotations

import csv
from datetime import date

import duckdb

from orchestration.uscis import generate_nri_extract, load_nri_extract, mpp_cases_from_eoir_release
from orchestration.uscis.generator import MppCase

PUBLISHED = """table,fiscal_year,month,component,location,value,source_url,page_version,parse_method
uscis_mpp_fear_assessment_referrals,2020,2020-01,USCIS,All,40,u,p,hand
uscis_mpp_fear_assessment_referrals,2020,2020-03,USCIS,All,60,u,p,hand
mpp_enrollments,2020,2020-01,CBP,CBP Total,80,u,p,hand
mpp_enrollments,2020,2020-02,CBP,CBP Total,100,u,p,hand
mpp_enrollments,2020,2020-03,CBP,CBP Total,120,u,p,hand
mpp_enrollments,2020,2020-01,USBP,El Paso,80,u,p,hand
mpp_enrollments,2020,2020-02,USBP,El Paso,60,u,p,hand
mpp_enrollments,2020,2020-02,OFO,San Diego,40,u,p,hand
mpp_enrollments,2020,2020-03,USBP,El Paso,120,u,p,hand
"""


def _published(tmp_path):
    p = tmp_path / "published.csv"
    p.write_text(PUBLISHED, encoding="utf-8")
    return p


def _rows(path):
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_months_published_or_imputed(tmp_path):
    s = generate_nri_extract(tmp_path / "a.csv", seed=3, published_tables=_published(tmp_path))
    # ratio = (40 + 60) / (80 + 120) = 0.5; Feb imputed = 100 x 0.5 = 50
    assert [(m["month"], m["referrals"], m["count_basis"]) for m in s["months"]] == [
        ("2020-01", 40, "published"),
        ("2020-02", 50, "imputed"),
        ("2020-03", 60, "published"),
    ]
    rows = _rows(tmp_path / "a.csv")
    assert len(rows) == 150 and s["rows"] == 150
    by_month = {}
    for r in rows:
        by_month.setdefault(r["referral_date"][:7], set()).add(r["count_basis"])
    assert by_month == {"2020-01": {"published"}, "2020-02": {"imputed"}, "2020-03": {"published"}}
    assert {r["data_origin"] for r in rows} == {"SYNTHETIC"}
    assert {(r["component"], r["port_or_sector"]) for r in rows} <= {
        ("USBP", "El Paso"),
        ("OFO", "San Diego"),
    }
    assert (tmp_path / "a.SYNTHETIC.txt").read_text().startswith("SYNTHETIC DATA")
    assert [r["count_basis"] for r in _rows(tmp_path / "a.months.csv")] == [
        "published",
        "imputed",
        "published",
    ]


def test_deterministic_for_a_seed(tmp_path):
    pub = _published(tmp_path)
    generate_nri_extract(tmp_path / "a.csv", seed=5, published_tables=pub)
    generate_nri_extract(tmp_path / "b.csv", seed=5, published_tables=pub)
    generate_nri_extract(tmp_path / "c.csv", seed=6, published_tables=pub)
    a, b, c = (
        (tmp_path / f"{x}.csv").read_text().replace(f"NRI-S{n}-", "NRI-")
        for x, n in (("a", 5), ("b", 5), ("c", 6))
    )
    assert a == b and a != c


def test_bundled_file_outcome_shares_and_loadable(tmp_path):
    s = generate_nri_extract(tmp_path / "nri.csv", seed=1)  # bundled CBP page table
    n = s["rows"]
    assert 0.11 < s["outcomes"]["positive"] / n < 0.15
    assert 0.08 < s["outcomes"]["administratively_closed"] / n < 0.12
    published_2019 = [m["referrals"] for m in s["months"] if m["month"].startswith("2019")]
    assert sum(published_2019) == 13337
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    res = load_nri_extract(con, tmp_path / "nri.csv", input_kind="synthetic", vintage=date(2021, 3, 1))
    con.close()
    assert res.rows_loaded == n and res.rows_quarantined == 0


def _eoir_release(folder):
    folder.mkdir()
    case = "IDNCASE\tNAT\tCASE_TYPE\n1\tHO\tRMV\n2\tGT\tRMV\n3\tCU\tRMV\n4\tES\tRMV\n5\tVE\tRMV\n6\tNU\tRMV\n"
    d = " 00:00:00.000"
    procs = (
        "IDNPROCEEDING\tIDNCASE\tOSC_DATE\tINPUT_DATE\tHEARING_LOC_CODE\tCASE_TYPE\n"
        f"10\t1\t2020-01-02{d}\t2020-01-02{d}\tENP\tRMV\n"  # MPP, El Paso; never leaves
        f"20\t2\t2020-01-05{d}\t2020-01-05{d}\tSYP\tRMV\n"  # MPP, San Ysidro
        f"21\t2\t2020-01-05{d}\t2020-02-01{d}\tHOU\tRMV\n"  # left MPP locations on 2020-02-01
        f"30\t3\t2020-01-03{d}\t2020-01-03{d}\tHOU\tRMV\n"  # not MPP (no MPP location, no identifier)
        f"40\t4\t2020-01-03{d}\t2020-01-03{d}\tMPP\tRMV\n"  # test location: excluded
        f"50\t5\t2018-12-01{d}\t2018-12-01{d}\tENP\tRMV\n"  # NTA before inception
        f"60\t6\t2020-04-15{d}\t2020-04-15{d}\tHOU\tRMV\n"  # MPP by identifier; NTA after every referral
    )
    # case 2's last hearing at an MPP location: 2020-01-20 -> its MPP activity ends then
    sched = f"IDNSCHEDULE\tIDNPROCEEDING\tIDNCASE\tHEARING_LOC_CODE\tADJ_DATE\n1\t20\t2\tSYP\t2020-01-20{d}\n"
    (folder / "tbl_schedule.csv").write_bytes(sched.encode("latin-1"))
    ident = "IDNCASEID\tIDNCASE\tCASE_ID\n1\t6\tMP\n"
    (folder / "A_TblCase.csv").write_bytes(case.encode("latin-1"))
    (folder / "B_TblProceeding.csv").write_bytes(procs.encode("latin-1"))
    (folder / "A_TblCaseIdentifier.csv").write_bytes(ident.encode("latin-1"))
    return folder


def test_mpp_cases_from_eoir_release(tmp_path):
    cases = mpp_cases_from_eoir_release(_eoir_release(tmp_path / "rel"))
    assert cases == [
        MppCase(1, "HO", "ENP", date(2020, 1, 2)),
        MppCase(2, "GT", "SYP", date(2020, 1, 5), left_mpp_date=date(2020, 2, 1), last_mpp_activity=date(2020, 1, 20)),
        MppCase(6, "NU", "HOU", date(2020, 4, 15)),
    ]


def test_positive_referrals_link_only_to_cases_that_leave_mpp_after_the_interview(tmp_path):
    """All referrals positive: only case 2 leaves MPP locations (2020-02-01, last MPP hearing 2020-01-20),
    so only it can be linked, with its interview after 2020-01-20 and no later than 2020-02-01."""
    release = _eoir_release(tmp_path / "rel")
    s = generate_nri_extract(
        tmp_path / "nri.csv",
        seed=2,
        eoir_release=release,
        published_tables=_published(tmp_path),
        positive_share=1.0,
        admin_closed_share=0.0,
    )
    rows = _rows(tmp_path / "nri.csv")
    linked = [r for r in rows if r["idncase"]]
    assert s["linked_referrals"] == len(linked) == 1
    [r] = linked
    assert (r["idncase"], r["nationality"], r["port_or_sector"]) == ("2", "GT", "San Diego")
    assert date(2020, 1, 5) < date.fromisoformat(r["referral_date"]) < date(2020, 2, 1)
    assert date(2020, 1, 20) < date.fromisoformat(r["interview_date"]) <= date(2020, 2, 1)
    assert 0 < (date.fromisoformat(r["interview_date"]) - date.fromisoformat(r["referral_date"])).days <= 14
    dis = _rows(tmp_path / "nri.disenrollments.csv")
    assert [d["idncase"] for d in dis] == ["2"]
    assert {(str(d["idncase"]), d["disenrollment_date"]) for d in s["disenrolled_cases"]} == {
        (r["idncase"], r["interview_date"]) for r in linked
    }


def test_other_outcomes_link_to_cases_that_stay_in_mpp(tmp_path):
    """All referrals negative: a negative NRI returns the alien to Mexico, so it links to case 1 (stays at
    El Paso) and never to case 2 (leaves MPP locations); case 6's NTA comes after every referral."""
    release = _eoir_release(tmp_path / "rel")
    s = generate_nri_extract(
        tmp_path / "nri.csv", seed=2, eoir_release=release, published_tables=_published(tmp_path),
        positive_share=0.0, admin_closed_share=0.0,
    )
    linked = [r for r in _rows(tmp_path / "nri.csv") if r["idncase"]]
    assert [(r["idncase"], r["outcome"], r["nationality"], r["port_or_sector"]) for r in linked] == [
        ("1", "negative", "HO", "El Paso")
    ]
    assert date.fromisoformat(linked[0]["referral_date"]) > date(2020, 1, 2)
    assert s["disenrolled_cases"] == []


def test_disenrolled_cases_leave_mpp_locations_in_a_generated_release(tmp_path):
    """On a small synthetic EOIR release: every linked positive referral's case has no proceeding recorded
    and no hearing held at an MPP location from its disenrollment date on, and does have a proceeding
    elsewhere (checked on the raw tables landed by the production reader)."""
    from orchestration.eoir.generator import generate_release
    from orchestration.eoir.reader import load_release
    from orchestration.raw.ledger import load_transaction

    release = tmp_path / "release"
    generate_release(release, seed=5, scale=0.002)
    s = generate_nri_extract(tmp_path / "nri.csv", seed=5, eoir_release=release)
    assert len(s["disenrolled_cases"]) > 20
    wh = tmp_path / "w.duckdb"
    with load_transaction(wh) as con:
        load_release(con, release)
        con.execute("create table dis as select * from read_csv(?, header = true)", [str(tmp_path / "nri.disenrollments.csv")])
        locs = "('SYP', 'OPP', 'CIX', 'ENP', 'MPL', 'MPB', 'TUM')"
        fmt = "'%Y-%m-%d %H:%M:%S.%g'"
        row = con.execute(f"""
            select
                count(*),
                count(*) filter (where exists (
                    select 1 from raw.eoir_b_tblproceeding p
                    where p.IDNCASE::bigint = dis.idncase and p.HEARING_LOC_CODE not in {locs}
                      and strptime(p.INPUT_DATE, {fmt})::date >= dis.disenrollment_date)),
                count(*) filter (where exists (
                    select 1 from raw.eoir_b_tblproceeding p
                    where p.IDNCASE::bigint = dis.idncase and p.HEARING_LOC_CODE in {locs}
                      and strptime(p.INPUT_DATE, {fmt})::date >= dis.disenrollment_date)),
                count(*) filter (where exists (
                    select 1 from raw.eoir_tbl_schedule h
                    where h.IDNCASE::bigint = dis.idncase and h.HEARING_LOC_CODE in {locs}
                      and strptime(h.ADJ_DATE, {fmt})::date >= dis.disenrollment_date))
            from dis""").fetchone()
    n, left_elsewhere, mpp_proceeding_after, mpp_hearing_after = row
    assert (left_elsewhere, mpp_proceeding_after, mpp_hearing_after) == (n, 0, 0)
