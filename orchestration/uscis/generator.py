"""Write a SYNTHETIC USCIS NRI referral extract that follows docs/contracts/uscis_nri_referrals.md.

No case-level USCIS NRI data is public. This generator writes one that is consistent with what is public:

Monthly referral totals
    Months with a published count (CBP MPP page table ``uscis_mpp_fear_assessment_referrals``:
    Jan-Dec 2019 and Oct-2020..Feb-2021, read from the bundled file, latest page version) get exactly
    that many referrals (count_basis = 'published'). Months without one (Jan-Sep 2020, truncated in the
    stored page copy) are imputed (count_basis = 'imputed') as round(CBP total MPP enrollments of the
    month x r), where r = sum(published referrals) / sum(CBP enrollments) over the months that have both
    (Oct-2020..Jan-2021): referrals follow enrollments, including the COVID collapse of April 2020. A
    month with neither figure is interpolated linearly between its neighbours. The months run from the
    first to the last month with a published count.

Outcomes (documented choice)
    positive 13%, administratively closed 10%, negative the rest. 13% positive is the share the brief
    gives for 2019 (DHS reporting in late 2019, not in the bundled reference file); the bundled figures
    are Reuters ~1% (Jun-2019, USCIS acting director, reference figure reuters_2019_06_fear_of_mexico) and
    DHS's MPP 2.0 cohort of Dec-2021 (28/242 = 12% positive, 23/242 = 10% admin closed, 78% negative,
    dhs_2021_12_mpp2_nri). Both shares are parameters.
Interview lag
    1 to 14 days after the referral (most within 3), synthetic.
Location
    (component, port_or_sector) drawn with weights = CBP's published MPP enrollments by USBP sector and
    OFO field office, Jan-2020..Jan-2021 (bundled file), names as printed by CBP.
Nationality
    EOIR nationality codes with synthetic weights (HO 30, GT 22, ES 12, CU 10, EC 8, VE 6, NU 6, BR 3,
    CO 2, PE 1 percent).

Link to a synthetic EOIR release (optional ``eoir_release``)
    :func:`mpp_cases_from_eoir_release` reads the release's A_TblCase / B_TblProceeding (TAB, Latin-1,
    header; A_TblCaseIdentifier too when present) and returns its MPP cases. Referrals, in date order,
    are assigned to distinct cases whose NTA date is before the referral date (random among eligible
    cases); a linked referral takes the case's nationality and the port/sector of its MPP hearing
    location. Referrals left when no eligible case remains keep an empty idncase. Positive NRIs disenroll,
    consistently with the court release: a positive referral links only to an MPP case that later leaves
    MPP hearing locations (its first proceeding away from them, e.g. after a change of venue, is recorded
    after the interview date); negative and administratively closed referrals link to cases that stay.
    The sidecar ``<stem>.disenrollments.csv`` lists (idncase, subject_id, referral_id, disenrollment_date)
    for linked positive referrals.

Markers: every row has data_origin = 'SYNTHETIC'; the sidecars ``<stem>.months.csv`` (month, referrals,
count_basis, published_referrals, cbp_enrollments) and ``<stem>.SYNTHETIC.txt`` say how it was made.
Deterministic: the same seed and inputs give byte-identical files.
"""

from __future__ import annotations

import csv
import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb

from orchestration.uscis.nri import COLUMNS, MPP_INCEPTION

#: MPP hearing locations (DOMAIN.md); MPP (test location) excluded.
MPP_HEARING_LOCATIONS = ("SYP", "OPP", "CIX", "ENP", "MPL", "MPB", "TUM")
#: Hearing location -> port_or_sector as printed by CBP (the sector/field office that feeds the court).
HEARING_LOC_TO_LOCATION = {
    "SYP": "San Diego",
    "OPP": "San Diego",
    "CIX": "El Centro",
    "ENP": "El Paso",
    "MPL": "Laredo",
    "MPB": "Rio Grande",
    "TUM": "Tucson",
}
NATIONALITY_WEIGHTS = {
    "HO": 30,
    "GT": 22,
    "ES": 12,
    "CU": 10,
    "EC": 8,
    "VE": 6,
    "NU": 6,
    "BR": 3,
    "CO": 2,
    "PE": 1,
}
POSITIVE_SHARE = 0.13
ADMIN_CLOSED_SHARE = 0.10
_LAG_DAYS = list(range(1, 15))
_LAG_WEIGHTS = [20, 25, 18, 10, 7, 5, 4, 3, 2, 2, 1, 1, 1, 1]
_EOIR_DATE = "%Y-%m-%d %H:%M:%S.%g"


@dataclass(frozen=True)
class MppCase:
    """One MPP case of an EOIR release, as needed to link referrals to it."""

    idncase: int
    nationality: str | None
    hearing_loc_code: str
    nta_date: date
    #: record date (INPUT_DATE) of the case's first proceeding after its last proceeding at an MPP hearing
    #: location (the case left MPP then, e.g. by a change of venue); None if it never left
    left_mpp_date: date | None = None
    #: last date the case was active at an MPP hearing location: the latest record date of its MPP-location
    #: proceedings and the latest hearing date at an MPP location (tbl_schedule, when present)
    last_mpp_activity: date | None = None


def _default_published_tables() -> Path:
    from orchestration.raw.registry import load_registry
    from orchestration.settings import get_settings

    return load_registry(get_settings().raw_data_dir)["cbp_mpp_published_tables"].path


def _month_seq(first: date, last: date) -> list[date]:
    months, m = [], first
    while m <= last:
        months.append(m)
        m = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    return months


def _next_month(m: date) -> date:
    return date(m.year + (m.month == 12), m.month % 12 + 1, 1)


def monthly_plan(published_tables: Path) -> list[dict]:
    """Month-level plan: one dict per month with referrals, count_basis, published_referrals, cbp_enrollments."""
    con = duckdb.connect()
    try:
        rows = con.execute(
            """
            with t as (
                select "table" as table_name, cast(strptime("month", '%Y-%m') as date) as month_start,
                       component, location, page_version, cast(replace("value", ',', '') as bigint) as value
                from read_csv(?, all_varchar = true, header = true)
            )
            select month_start,
                   arg_max(value, page_version) filter (where table_name = 'uscis_mpp_fear_assessment_referrals')
                       as published_referrals,
                   max(value) filter (where table_name = 'mpp_enrollments' and component = 'CBP') as cbp_enrollments
            from t
            group by month_start
            order by month_start
            """,
            [str(published_tables)],
        ).fetchall()
    finally:
        con.close()
    published = {m: p for m, p, _ in rows if p is not None}
    enrollments = {m: e for m, _, e in rows if e is not None}
    if not published:
        raise ValueError(f"{published_tables}: no uscis_mpp_fear_assessment_referrals rows")
    both = [m for m in published if m in enrollments]
    ratio = (sum(published[m] for m in both) / sum(enrollments[m] for m in both)) if both else None
    plan = []
    for m in _month_seq(min(published), max(published)):
        if m in published:
            n, basis = published[m], "published"
        elif ratio is not None and m in enrollments:
            n, basis = round(enrollments[m] * ratio), "imputed"
        else:
            n, basis = None, "imputed"
        plan.append(
            {
                "month": m,
                "referrals": n,
                "count_basis": basis,
                "published_referrals": published.get(m),
                "cbp_enrollments": enrollments.get(m),
            }
        )
    # linear interpolation for months with neither a published count nor enrollments
    for i, p in enumerate(plan):
        if p["referrals"] is None:
            lo = next(j for j in range(i, -1, -1) if plan[j]["referrals"] is not None)
            hi = next(j for j in range(i, len(plan)) if plan[j]["referrals"] is not None)
            a, b = plan[lo]["referrals"], plan[hi]["referrals"]
            p["referrals"] = round(a + (b - a) * (i - lo) / (hi - lo))
    return plan


def location_weights(published_tables: Path) -> list[tuple[str, str, int]]:
    """(component, port_or_sector, weight) from CBP's published MPP enrollments by location."""
    con = duckdb.connect()
    try:
        return con.execute(
            """
            select component, location, sum(cast("value" as bigint))::bigint as w
            from read_csv(?, all_varchar = true, header = true)
            where "table" = 'mpp_enrollments' and component in ('USBP', 'OFO')
              and lower(location) not like '%total%'
            group by all having w > 0 order by component, location
            """,
            [str(published_tables)],
        ).fetchall()
    finally:
        con.close()


def _find(release_dir: Path, stem: str) -> Path | None:
    for p in sorted(release_dir.iterdir()):
        if p.is_file() and p.stem.lower() == stem.lower() and p.suffix.lower() in (".csv", ".txt", ".tsv"):
            return p
    return None


def _eoir_reader(path: Path) -> str:
    return (
        f"read_csv('{str(path).replace(chr(39), chr(39) * 2)}', delim = '\\t', header = true, "
        "encoding = 'latin-1', all_varchar = true, quote = '', strict_mode = false, "
        "null_padding = true, ignore_errors = true)"
    )


def mpp_cases_from_eoir_release(release_dir: Path | str) -> list[MppCase]:
    """The MPP cases of an EOIR release folder, ordered by NTA date then IDNCASE.

    MPP case (DOMAIN.md, TRAC's rule): CASE_TYPE RMV and either a CASE_ID MP/RM (A_TblCaseIdentifier, when
    the file exists) or any proceeding at an MPP hearing location (SYP OPP CIX ENP MPL MPB TUM; MPP, the
    test location, excluded), with the NTA (OSC_DATE of the case's first proceeding) on or after
    2019-01-28. hearing_loc_code is that of the first proceeding at an MPP location (else of the first
    proceeding); nationality is A_TblCase.NAT. Files are TAB-delimited Latin-1 with a header; dates like
    ``2019-03-14 00:00:00.000``. Lines DuckDB cannot read (e.g. stray tabs) are skipped here: this is a
    linking helper for the generator, not the court-side ingestion.
    """
    release_dir = Path(release_dir)
    case_file = _find(release_dir, "A_TblCase")
    proc_file = _find(release_dir, "B_TblProceeding")
    if case_file is None or proc_file is None:
        raise FileNotFoundError(f"{release_dir}: A_TblCase and B_TblProceeding files are required")
    sql = _mpp_cases_sql(
        case_file, proc_file, _find(release_dir, "A_TblCaseIdentifier"), _find(release_dir, "tbl_schedule")
    )
    con = duckdb.connect()
    try:
        rows = con.execute(sql, [MPP_INCEPTION]).fetchall()
    finally:
        con.close()
    return [MppCase(int(i), n, h, d, left, last) for i, n, h, d, left, last in rows]


def _mpp_flag_ctes(ident_file: Path | None, sched_file: Path | None, locs: str) -> tuple[str, str]:
    """The ``ident`` CTE (cases with CASE_ID MP or RM) and the ``mpp_hearings`` CTE (each case's last
    hearing at an MPP location, tbl_schedule); empty when the release lacks the file."""
    ident_cte = (
        f"""ident as (select distinct try_cast(trim(IDNCASE) as bigint) as idncase
                      from {_eoir_reader(ident_file)} where upper(trim(CASE_ID)) in ('MP', 'RM')),"""
        if ident_file
        else "ident as (select cast(null as bigint) as idncase where false),"
    )
    sched_cte = (
        f"""mpp_hearings as (select try_cast(trim(IDNCASE) as bigint) as idncase,
                    max(cast(try_strptime(trim(ADJ_DATE), '{_EOIR_DATE}') as date)) as last_hearing
                 from {_eoir_reader(sched_file)} where upper(trim(HEARING_LOC_CODE)) in ({locs}) group by 1),"""
        if sched_file
        else "mpp_hearings as (select cast(null as bigint) as idncase, cast(null as date) as last_hearing where false),"
    )
    return ident_cte, sched_cte


def _mpp_cases_sql(case_file: Path, proc_file: Path, ident_file: Path | None, sched_file: Path | None) -> str:
    """DuckDB query of a release's MPP cases (rule: :func:`mpp_cases_from_eoir_release`), parameter: the
    MPP inception date. Per case: NTA date, MPP (else first) hearing location, nationality, and the day it
    left MPP hearing locations with its last MPP activity, when a later proceeding opened after both."""
    locs = ", ".join(f"'{c}'" for c in MPP_HEARING_LOCATIONS)
    ident_cte, sched_cte = _mpp_flag_ctes(ident_file, sched_file, locs)
    return f"""
        with
        cases as (
            select try_cast(trim(IDNCASE) as bigint) as idncase, nullif(upper(trim(NAT)), '') as nat,
                   upper(trim(CASE_TYPE)) as case_type
            from {_eoir_reader(case_file)}
        ),
        procs as (
            select try_cast(trim(IDNPROCEEDING) as bigint) as idnproceeding,
                   try_cast(trim(IDNCASE) as bigint) as idncase,
                   cast(try_strptime(trim(OSC_DATE), '{_EOIR_DATE}') as date) as osc_date,
                   cast(try_strptime(trim(INPUT_DATE), '{_EOIR_DATE}') as date) as input_date,
                   upper(trim(HEARING_LOC_CODE)) as hloc,
                   upper(trim(CASE_TYPE)) as case_type
            from {_eoir_reader(proc_file)}
        ),
        {ident_cte}
        per_case as (
            select idncase,
                   arg_min(osc_date, idnproceeding) as nta_date,
                   arg_min(hloc, idnproceeding) filter (where hloc in ({locs})) as mpp_hloc,
                   arg_min(hloc, idnproceeding) as first_hloc,
                   bool_or(hloc in ({locs})) as at_mpp_location,
                   bool_or(case_type = 'RMV') as any_rmv
            from procs where idncase is not null
            group by idncase
        ),
        {sched_cte}
        last_mpp as (
            select idncase, max(idnproceeding) as last_mpp_proceeding, max(input_date) as last_record
            from procs where hloc in ({locs}) group by idncase
        ),
        left_mpp as (
            -- the case's proceedings after its last one at an MPP location: it left MPP locations then
            select later.idncase, min(later.input_date) as left_mpp_date,
                   greatest(max(m.last_record), max(h.last_hearing)) as last_mpp_activity
            from procs as later
            inner join last_mpp as m on later.idncase = m.idncase and later.idnproceeding > m.last_mpp_proceeding
            left join mpp_hearings as h on h.idncase = later.idncase
            group by later.idncase
        )
        select p.idncase, c.nat, coalesce(p.mpp_hloc, p.first_hloc) as hloc, p.nta_date,
               case when l.left_mpp_date > l.last_mpp_activity then l.left_mpp_date end,
               case when l.left_mpp_date > l.last_mpp_activity then l.last_mpp_activity end
        from per_case as p
        left join cases as c on c.idncase = p.idncase
        left join left_mpp as l on l.idncase = p.idncase
        where (p.any_rmv or c.case_type = 'RMV')
          and (p.at_mpp_location or p.idncase in (select idncase from ident))
          and p.nta_date >= ?
        order by p.nta_date, p.idncase
    """


def _weighted(rng: random.Random, items: Sequence, weights: Sequence[float]):
    return rng.choices(items, weights=weights, k=1)[0]


@dataclass(frozen=True)
class _Draws:
    """The extract's random source and the weighted choices every referral draws from."""

    rng: random.Random
    loc_items: list[tuple[str, str]]  # (component, port_or_sector)
    loc_w: list[int]
    nats: list[str]
    nat_w: list[float]

    @classmethod
    def make(cls, seed: int, locations: list[tuple[str, str, int]]) -> _Draws:
        """Seeded draws; locations weighted by CBP's published MPP enrollments, nationalities synthetic."""
        return cls(random.Random(seed), [(c, loc) for c, loc, _ in locations], [w for *_, w in locations],
                   list(NATIONALITY_WEIGHTS), list(NATIONALITY_WEIGHTS.values()))

    def location(self, only: str | None = None) -> tuple[str, str] | None:
        """A (component, port_or_sector) at its weight, among the ``only`` port/sector when given (None if
        the published table has none of that name)."""
        if only is None:
            return _weighted(self.rng, self.loc_items, self.loc_w)
        options = [(i, w) for i, w in zip(self.loc_items, self.loc_w, strict=True) if i[1] == only]
        if not options:
            return None
        return _weighted(self.rng, [o[0] for o in options], [o[1] for o in options])


def _linked_cases(eoir_release: Path | str | Sequence[MppCase] | None) -> list[MppCase]:
    """The MPP cases to link to, by NTA date then IDNCASE: read from a release folder, or given."""
    if eoir_release is None:
        return []
    if isinstance(eoir_release, (str, Path)):
        return mpp_cases_from_eoir_release(eoir_release)
    return sorted(eoir_release, key=lambda c: (c.nta_date, c.idncase))


def _draw_referrals(d: _Draws, plan: list[dict], positive_share: float, admin_closed_share: float) -> list[dict]:
    """The month plan's referrals, each on a random day of its month (from the day after inception), with
    an outcome at the given shares, an interview 1-14 days later, a location and a nationality; sorted by
    referral date (stable: generation order within a day). Not linked yet (idncase empty)."""
    rng = d.rng
    referrals: list[dict[str, str]] = []
    for p in plan:
        start = max(p["month"], MPP_INCEPTION + timedelta(days=1))
        span = (_next_month(p["month"]) - start).days
        for _ in range(p["referrals"]):
            referral = start + timedelta(days=rng.randrange(span))
            u = rng.random()
            outcome = (
                "positive"
                if u < positive_share
                else "administratively_closed"
                if u < positive_share + admin_closed_share
                else "negative"
            )
            component, location = d.location()
            referrals.append(
                {
                    "referral_date": referral.isoformat(),
                    "interview_date": (
                        referral + timedelta(days=_weighted(rng, _LAG_DAYS, _LAG_WEIGHTS))
                    ).isoformat(),
                    "outcome": outcome,
                    "component": component,
                    "port_or_sector": location,
                    "nationality": _weighted(rng, d.nats, d.nat_w),
                    "count_basis": p["count_basis"],
                    "idncase": "",
                }
            )
    referrals.sort(key=lambda r: r["referral_date"])
    return referrals


def _pick_positive(rng: random.Random, r: dict, rdate: date, leaving: list[MppCase]) -> int | None:
    """Index in ``leaving`` of the case a positive referral disenrolls, or None: the interview (within 14
    days of the referral) falls after the case's last MPP activity and no later than the day it left MPP
    locations; the referral's interview date is moved into that window."""
    eligible = [
        k for k, c in enumerate(leaving)
        if c.last_mpp_activity - timedelta(days=13) <= rdate < c.left_mpp_date
    ]
    if not eligible:
        return None
    k = eligible[rng.randrange(len(eligible))]
    chosen = leaving[k]
    interview = max(date.fromisoformat(r["interview_date"]), chosen.last_mpp_activity + timedelta(days=1))
    r["interview_date"] = min(interview, chosen.left_mpp_date, rdate + timedelta(days=14)).isoformat()
    return k


def _take_case(d: _Draws, r: dict, case: MppCase) -> None:
    """A linked referral takes the case's IDNCASE, nationality and the port/sector of its MPP hearing
    location (a USBP sector of that name when CBP's table has no such location)."""
    r["idncase"] = str(case.idncase)
    if case.nationality:
        r["nationality"] = case.nationality
    mapped = HEARING_LOC_TO_LOCATION.get(case.hearing_loc_code)
    if mapped:
        r["component"], r["port_or_sector"] = d.location(mapped) or ("USBP", mapped)


def _link_referrals(d: _Draws, referrals: list[dict], cases: list[MppCase]) -> int:
    """Link referrals, in date order, to distinct cases with NTA before the referral date; return how many.

    A positive NRI disenrolls, so a positive referral links only to a case that later left MPP hearing
    locations (left_mpp_date), with its interview before that date; other outcomes link to cases that
    stayed. A referral with no eligible case stays unlinked (idncase empty: "EOIR case id where known")."""
    staying: list[MppCase] = []
    leaving: list[MppCase] = []
    next_case = 0
    linked = 0
    for r in referrals:
        rdate = date.fromisoformat(r["referral_date"])
        while next_case < len(cases) and cases[next_case].nta_date < rdate:
            case = cases[next_case]
            (leaving if case.left_mpp_date is not None else staying).append(case)
            next_case += 1
        if r["outcome"] == "positive":
            pool, k = leaving, _pick_positive(d.rng, r, rdate, leaving)
            if k is None:
                continue
        else:
            if not staying:
                continue
            pool, k = staying, d.rng.randrange(len(staying))
        case = pool[k]
        pool[k] = pool[-1]
        pool.pop()
        linked += 1
        _take_case(d, r, case)
    return linked


def _identify(referrals: list[dict], seed: int) -> None:
    """Referral ids ``NRI-S<seed>-<n>`` in date order, a pseudonymous subject id (from the linked case,
    else from the referral) and data_origin SYNTHETIC."""
    for i, r in enumerate(referrals, 1):
        r["referral_id"] = f"NRI-S{seed}-{i:06d}"
        key = r["idncase"] or f"{seed}:{i}"
        r["subject_id"] = "SUBJ-" + hashlib.sha256(f"synthetic-subject:{key}".encode()).hexdigest()[:16]
        r["data_origin"] = "SYNTHETIC"


def _write_months(months_path: Path, plan: list[dict]) -> None:
    """``<stem>.months.csv``: the month plan (referrals, count basis and the published figures it used)."""
    with open(months_path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(
            ["month", "referrals", "count_basis", "published_referrals", "cbp_enrollments", "data_origin"]
        )
        for p in plan:
            w.writerow(
                [
                    p["month"].strftime("%Y-%m"),
                    p["referrals"],
                    p["count_basis"],
                    p["published_referrals"] if p["published_referrals"] is not None else "",
                    p["cbp_enrollments"] if p["cbp_enrollments"] is not None else "",
                    "SYNTHETIC",
                ]
            )


def _write_disenrollments(dis_path: Path, referrals: list[dict]) -> list[dict]:
    """``<stem>.disenrollments.csv``: the linked positive referrals (the cases they disenrolled); returned."""
    disenrolled = [
        {
            "idncase": int(r["idncase"]),
            "subject_id": r["subject_id"],
            "referral_id": r["referral_id"],
            "disenrollment_date": r["interview_date"],
        }
        for r in referrals
        if r["outcome"] == "positive" and r["idncase"]
    ]
    with open(dis_path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(
            fh, fieldnames=["idncase", "subject_id", "referral_id", "disenrollment_date"], lineterminator="\n"
        )
        w.writeheader()
        w.writerows(disenrolled)
    return disenrolled


def generate_nri_extract(
    out_path: Path | str,
    *,
    seed: int,
    eoir_release: Path | str | Sequence[MppCase] | None = None,
    published_tables: Path | str | None = None,
    positive_share: float = POSITIVE_SHARE,
    admin_closed_share: float = ADMIN_CLOSED_SHARE,
) -> dict:
    """Write the synthetic extract (CSV, UTF-8) and its sidecars; return a summary dict.

    ``eoir_release``: an EOIR release folder (read with :func:`mpp_cases_from_eoir_release`) or a list of
    :class:`MppCase`, or None for no linking. ``published_tables``: the CBP MPP page table CSV (default:
    the bundled file from the registry). The summary holds paths, row counts, the month plan, outcome
    counts, the number of linked referrals and the linked positive (disenrolled) cases.
    """
    if not (0 <= positive_share and 0 <= admin_closed_share and positive_share + admin_closed_share <= 1):
        raise ValueError("positive_share and admin_closed_share must be shares summing to at most 1")
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tables = Path(published_tables) if published_tables else _default_published_tables()
    plan = monthly_plan(tables)
    draws = _Draws.make(seed, location_weights(tables))
    cases = _linked_cases(eoir_release)
    referrals = _draw_referrals(draws, plan, positive_share, admin_closed_share)
    linked = _link_referrals(draws, referrals, cases)
    _identify(referrals, seed)
    with open(out_path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(COLUMNS), lineterminator="\n")
        w.writeheader()
        w.writerows({c: r[c] for c in COLUMNS} for r in referrals)
    stem = out_path.with_suffix("")
    months_path = Path(f"{stem}.months.csv")
    _write_months(months_path, plan)
    dis_path = Path(f"{stem}.disenrollments.csv")
    disenrolled = _write_disenrollments(dis_path, referrals)
    marker = Path(f"{stem}.SYNTHETIC.txt")
    marker.write_text(
        "SYNTHETIC DATA - not a USCIS record.\n"
        f"Generated by orchestration/uscis/generator.py with seed {seed} from {tables.name}"
        f"{' and an EOIR release of ' + str(len(cases)) + ' MPP cases' if cases else ''}.\n"
        "Method: see the module docstring (published monthly counts, imputed months flagged in "
        f"{months_path.name}, outcome shares positive {positive_share:.0%} / admin closed "
        f"{admin_closed_share:.0%}).\n",
        encoding="utf-8",
    )
    outcomes = {
        o: sum(r["outcome"] == o for r in referrals)
        for o in ("positive", "negative", "administratively_closed")
    }
    return {
        "path": str(out_path),
        "months_path": str(months_path),
        "disenrollments_path": str(dis_path),
        "marker_path": str(marker),
        "seed": seed,
        "synthetic": True,
        "rows": len(referrals),
        "months": [{**p, "month": p["month"].strftime("%Y-%m")} for p in plan],
        "outcomes": outcomes,
        "mpp_cases_available": len(cases),
        "linked_referrals": linked,
        "disenrolled_cases": disenrolled,
    }
