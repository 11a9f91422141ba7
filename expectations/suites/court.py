"""Court-side suites (EOIR, goals 1a, 2 and 3 court side): definitions of DOMAIN.md, restated independently.

Code sets below are DOMAIN.md definitions (not metric values); the suites read the raw-decoded staging
views, not the pipeline's seeds, so a wrong seed is caught too.
Sources of every frame: dbt models in the warehouse (schemas staging / intermediate / marts).
"""

from __future__ import annotations

import csv
from pathlib import Path

from expectations.spec import (
    Suite,
    a_at_least_b,
    always_true,
    between,
    equal,
    in_set,
    non_negative_integers,
    not_in_set,
    not_null,
    unique,
)

INCEPTION = "2019-01-28"  # DOMAIN.md: "Only NTAs issued on or after inception (2019-01-28) count."
NOT_COMPLETIONS = ["C", "T"]  # DOMAIN.md: "OTHER_COMP: C change of venue and T transfer (NOT completions)"
ADMIN_CLOSURES = ["A", "K", "M", "Y", "B"]  # DOMAIN.md: "A, K, M, Y, B administrative closures"
RELIEF_APPL_CODES = ["ASYL", "ASYW", "WCAT"]  # DOMAIN.md APPL_CODE: relief for goal 1
NOT_RELIEF_APPL_CODES = ["42A", "42B", "245"]  # cancellation (42A/42B), adjustment (245): not relief
GRANT_DECISIONS = ["G", "F", "C", "I", "P", "L"]  # DOMAIN.md APPL_DEC grants
CAT_DEFERRAL = "H"  # DOMAIN.md DEC_CODE H: CAT deferral granted ("CAT deferral is not relief here")

_sql_list = lambda xs: ", ".join(f"'{x}'" for x in xs)

# A completion per DOMAIN.md: COMP_DATE on or before the as-of date, and a DEC_CODE or an OTHER_COMP other
# than C/T (administrative closures only when the run's switch counts them).
_IS_COMPLETION = f"""(p.completion_date is not null and p.completion_date <= cast($as_of as date)
    and (p.decision_code is not null
         or (p.other_completion_code not in ({_sql_list(NOT_COMPLETIONS)})
             and ($admin_closures_are_completions or p.other_completion_code not in ({_sql_list(ADMIN_CLOSURES)})))))"""

INITIAL_COMPLETIONS = Suite(
    name="initial_completions",
    asset_key=("intermediate", "int_initial_completions"),
    description=(
        "Goal 2 initial completions (intermediate.int_initial_completions, one row per case) beside helper "
        "columns recomputed from intermediate.int_proceedings_completed and staging.stg_eoir__proceedings."
    ),
    sql=f"""
with initial as (
    select case_id, proceeding_id, completion_date from intermediate.int_initial_completions
),
earliest as (
    -- the case's earliest completion by COMP_DATE, then IDNPROCEEDING
    select case_id, arg_min(proceeding_id, (completion_date, proceeding_id)) as earliest_proceeding_id
    from intermediate.int_proceedings_completed
    group by case_id
),
earlier_completions as (
    -- completions of the same case before the initial one (a reopened / remanded case completed earlier)
    select i.case_id, i.proceeding_id, count(*) as earlier_completions
    from initial as i
    inner join staging.stg_eoir__proceedings as p
        on p.case_id = i.case_id
        and (p.completion_date < i.completion_date
             or (p.completion_date = i.completion_date and p.proceeding_id < i.proceeding_id))
    -- only a proceeding of a removal-type case type completes a removal case (a bond redetermination
    -- inside it never does); one without CASE_TYPE takes its MPP case's, which is RMV
    left join seeds.eoir_case_types as ct on ct.case_type = p.case_type
    where {_IS_COMPLETION}
        and (p.case_type is null or coalesce(ct.completes_removal_case, false))
    group by all
)
select
    i.case_id,
    i.proceeding_id,
    i.completion_date,
    cast($as_of as date) as as_of_date,
    e.earliest_proceeding_id,
    coalesce(ec.earlier_completions, 0) as earlier_completions,
    case when p.decision_code is null then p.other_completion_code end as non_merits_completion_code
from initial as i
left join earliest as e on e.case_id = i.case_id
left join earlier_completions as ec on ec.case_id = i.case_id and ec.proceeding_id = i.proceeding_id
left join staging.stg_eoir__proceedings as p on p.proceeding_id = i.proceeding_id
order by i.case_id, i.proceeding_id
""",
    id_columns=("case_id", "proceeding_id", "completion_date"),
    expectations=(
        unique("ic_at_most_one_per_case", "case_id",
               "A case has at most one initial completion."),
        equal("ic_is_earliest_completion", "proceeding_id", "earliest_proceeding_id",
              "Initial completion = the case's earliest completion (order by COMP_DATE, then IDNPROCEEDING).",
              how="earliest_proceeding_id = arg_min(proceeding_id, (completion_date, proceeding_id)) per case "
                  "over int_proceedings_completed"),
        a_at_least_b("ic_not_after_as_of", "as_of_date", "completion_date",
                     "Completion = a proceeding with COMP_DATE on or before the as-of date."),
        not_in_set("ic_not_change_of_venue_or_transfer", "non_merits_completion_code", NOT_COMPLETIONS,
                   "OTHER_COMP: C change of venue and T transfer (NOT completions)."),
        between("ic_not_after_reopening_or_remand", "earlier_completions",
                "Every later completion (after reopening, recalendaring, remand) is subsequent and excluded "
                "from measure 2: no completion of the case precedes the initial one.",
                min_value=0, max_value=0,
                how="earlier_completions = completions (DOMAIN.md rule, from staging proceedings of a removal-type "
                    "case type, seed eoir_case_types.completes_removal_case) of the same case ordered before the "
                    "initial one by (COMP_DATE, IDNPROCEEDING)"),
    ),
)

RELIEF_GRANTS = Suite(
    name="relief_grants",
    asset_key=("marts", "relief_cases"),
    description=(
        "Goal 1a relief cases (marts.relief_cases, one row per case) beside the applications and the "
        "decision of the proceeding the reported grant is on (staging.stg_eoir__applications / proceedings)."
    ),
    sql=f"""
with relief as (
    select case_id, relief_form, relief_proceeding_id, relief_completion_date from marts.relief_cases
),
granted as (
    -- granted applications on the reported proceeding; the relief codes first, so a non-relief code is
    -- only reported when no relief application was granted there
    select r.case_id,
        arg_min(a.application_code,
                case a.application_code when 'ASYL' then 1 when 'ASYW' then 2 when 'WCAT' then 3 else 9 end)
            as granted_application_code
    from relief as r
    inner join staging.stg_eoir__applications as a on a.proceeding_id = r.relief_proceeding_id
    where a.application_decision_code in ({_sql_list(GRANT_DECISIONS)})
    group by r.case_id
)
select
    r.case_id,
    r.relief_form,
    r.relief_proceeding_id,
    r.relief_completion_date,
    cast($as_of as date) as as_of_date,
    p.decision_code as relief_proceeding_decision_code,
    g.granted_application_code,
    case g.granted_application_code when 'ASYL' then 'asylum' when 'ASYW' then 'statutory_withholding'
        when 'WCAT' then 'cat_withholding' end as granted_relief_form,
    coalesce(p.decision_code = '{CAT_DEFERRAL}', false)
        and coalesce(g.granted_application_code not in ({_sql_list(RELIEF_APPL_CODES)}), true)
        as is_cat_deferral_alone,
    coalesce({_IS_COMPLETION}, false) as on_completed_proceeding
from relief as r
left join granted as g on g.case_id = r.case_id
left join staging.stg_eoir__proceedings as p on p.proceeding_id = r.relief_proceeding_id
order by r.case_id
""",
    id_columns=("case_id", "relief_proceeding_id"),
    expectations=(
        unique("relief_one_row_per_case", "case_id", "Relief grant (measure 1a): count cases."),
        not_null("relief_has_granted_application", "granted_application_code",
                 "Relief grant = a granted ASYL/ASYW/WCAT application (APPL_DEC G, F, C, I, P, L) on a "
                 "completed proceeding."),
        in_set("relief_only_asyl_asyw_wcat", "granted_application_code", RELIEF_APPL_CODES,
               "APPL_CODE: ASYL asylum, ASYW statutory withholding, WCAT withholding under CAT; others are not "
               "relief for goal 1."),
        not_in_set("relief_never_cancellation_or_adjustment", "granted_application_code", NOT_RELIEF_APPL_CODES,
                   "Cancellation of removal (42A, 42B) and adjustment of status (245) are not relief for goal 1."),
        in_set("relief_not_cat_deferral_alone", "is_cat_deferral_alone", [False],
               "CAT deferral (DEC_CODE H) is not relief here.",
               how="is_cat_deferral_alone = the reported proceeding's DEC_CODE is H and no ASYL/ASYW/WCAT "
                   "application was granted on it"),
        always_true("relief_on_completed_proceeding", "on_completed_proceeding",
                    "Relief grant = ... on a completed proceeding of an MPP case, COMP_DATE on or before the "
                    "as-of date."),
        equal("relief_form_is_granted_form", "relief_form", "granted_relief_form",
              "Report the most protective form (asylum > statutory withholding > CAT withholding).",
              ignore_missing=True),
        a_at_least_b("relief_not_after_as_of", "as_of_date", "relief_completion_date",
                     "COMP_DATE on or before the as-of date."),
    ),
)

ENROLLED_CASES = Suite(
    name="enrolled_cases",
    asset_key=("marts", "case_outcomes"),
    description=(
        "Goal 2/3 enrolled MPP cases (marts.case_outcomes, one row per case with NTA filed) beside the "
        "case type of the case (else of its first proceeding) from staging."
    ),
    sql=f"""
with first_proceeding as (
    select case_id, arg_min(case_type, proceeding_id) as case_type
    from staging.stg_eoir__proceedings group by case_id
)
select
    o.case_id,
    coalesce(c.case_type, fp.case_type) as case_type,
    o.enrollment_date,
    date_diff('day', date '{INCEPTION}', o.enrollment_date) as days_since_inception,
    o.nta_filed_date,
    cast($as_of as date) as as_of_date,
    o.initial_completion_date,
    coalesce(o.via_identifier or o.via_proceeding_location or o.via_schedule_location, false) as has_mpp_marker,
    o.is_pending = (o.initial_completion_date is null) as pending_iff_no_completion
from marts.case_outcomes as o
left join (select case_id, any_value(case_type) as case_type from staging.stg_eoir__cases group by case_id) as c
    on c.case_id = o.case_id
left join first_proceeding as fp on fp.case_id = o.case_id
order by o.case_id
""",
    id_columns=("case_id", "case_type", "enrollment_date", "nta_filed_date"),
    expectations=(
        unique("enrolled_one_row_per_case", "case_id", "NTA filed = the case exists in EOIR data (one per case)."),
        in_set("enrolled_removal_cases_only", "case_type", ["RMV"],
               "An MPP case is a RMV (INA 240 removal) case."),
        not_null("enrolled_case_type_known", "case_type", "An MPP case is a RMV case (type must be known)."),
        between("enrolled_nta_on_or_after_inception", "days_since_inception",
                f"Only NTAs issued on or after inception ({INCEPTION}) count; enrollment date = OSC_DATE of "
                "the first proceeding.", min_value=0),
        a_at_least_b("enrolled_nta_filed_by_as_of", "as_of_date", "nta_filed_date",
                     "Total Enrolled counts only cases whose NTA was filed (on or before the as-of date)."),
        always_true("enrolled_has_mpp_marker", "has_mpp_marker",
                    "MPP case: a CASE_ID of MP or RM, or any proceeding or hearing at an MPP hearing location."),
        a_at_least_b("enrolled_completion_by_as_of", "as_of_date", "initial_completion_date",
                     "Completion = COMP_DATE on or before the as-of date."),
        always_true("enrolled_pending_iff_not_completed", "pending_iff_no_completion",
                    "Pending = enrolled with no initial completion as of the date."),
    ),
)


#: The seed holding the plausibility bands (also loaded by dbt, documented in seeds/_cbp_uscis__seeds.yml).
PLAUSIBILITY_BANDS_SEED = Path(__file__).resolve().parents[2] / "seeds" / "plausibility_bands.csv"


def plausibility_bands(path: Path = PLAUSIBILITY_BANDS_SEED) -> dict[str, dict[str, object]]:
    """The plausibility bands of the court headline, by check id, from the dbt seed ``plausibility_bands``
    (seeds/plausibility_bands.csv: the one place they are written; basis and sources in its rows).

    Shape: {check_id: {"numerator": metric id, "denominator": metric id, "min": float, "max": float,
    "basis": str}}. Raises ValueError naming the file and row when a band is not 0 <= min < max <= 1.
    """
    bands: dict[str, dict[str, object]] = {}
    with open(path, newline="", encoding="utf-8") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            lo, hi = float(row["min_share"]), float(row["max_share"])
            if not 0 <= lo < hi <= 1:
                raise ValueError(f"{path}: row {line} ({row['check_id']}): need 0 <= min_share < max_share <= 1, "
                                 f"got {lo} and {hi}")
            bands[row["check_id"]] = {"numerator": row["numerator_metric_id"],
                                      "denominator": row["denominator_metric_id"],
                                      "min": lo, "max": hi, "basis": row["basis"]}
    return bands


BANDS = plausibility_bands()


def _share(check_id: str) -> str:
    """Column of the court_headline frame holding a band's share: the check id without 'plausible_'."""
    return check_id.removeprefix("plausible_")

_BUCKETS = ["g2_removal_orders", "g2_voluntary_departures", "g2_terminations", "g2_relief_granted",
            "g2_dismissals", "g2_administrative_closures", "g2_other_completions"]
_FORMS = ["g1a_relief_asylum", "g1a_relief_statutory_withholding", "g1a_relief_cat_withholding"]


def _m(metric_id: str) -> str:
    return f"coalesce(max(value) filter (where metric_id = '{metric_id}' and period is null), 0)"


COURT_HEADLINE = Suite(
    name="court_headline",
    asset_key=("marts", "court_headline_metrics"),
    description=(
        "Court headline figures (marts.court_headline_metrics) pivoted to one row (cumulative, period NULL) "
        "so identities between figures are column pairs; monthly sums and duplicate / negative counts are "
        "helper columns."
    ),
    sql=f"""
select
    {_m('g2_enrolled_nta_filed')} as enrolled,
    {_m('g3_enrolled_nta_filed')} as g3_enrolled,
    {_m('g2_initial_completions')} as initial_completions,
    {' + '.join(_m(b) for b in _BUCKETS)} as outcome_buckets_sum,
    coalesce(sum(value) filter (where metric_id = 'g2_initial_completions' and period is not null), 0)
        as initial_completions_monthly_sum,
    {_m('g2_pending')} as pending,
    {_m('g2_enrolled_nta_filed')} - {_m('g2_initial_completions')} as enrolled_minus_completions,
    {_m('g2_removal_orders')} as removal_orders,
    {_m('g2_removal_orders_in_absentia')} as removal_orders_in_absentia,
    {_m('g1a_relief_granted_cases')} as relief_cases,
    {' + '.join(_m(f) for f in _FORMS)} as relief_forms_sum,
    count(*) - count(distinct metric_id || '|' || coalesce(period, '')) as duplicate_figures,
    count(*) filter (where value < 0) as negative_figures,
    {', '.join(f"{_m(b['numerator'])} / nullif({_m(b['denominator'])}, 0) as {_share(c)}" for c, b in BANDS.items())},
    cast($as_of as date) as as_of_date
from marts.court_headline_metrics
""",
    expectations=(
        between("headline_one_figure_per_metric_period", "duplicate_figures",
                "One figure per (metric, period).", min_value=0, max_value=0),
        between("headline_no_negative_figure", "negative_figures", "Counts are non-negative.",
                min_value=0, max_value=0),
        equal("headline_buckets_sum_to_completions", "outcome_buckets_sum", "initial_completions",
              "Outcome buckets of an initial completion: removal order, voluntary departure, termination, "
              "relief granted, dismissal, administrative closure, other (they partition the completions)."),
        equal("headline_monthly_completions_sum_to_total", "initial_completions_monthly_sum",
              "initial_completions", "Cases Completed by month add up to Cases Completed since inception."),
        equal("headline_pending_is_enrolled_minus_completed", "pending", "enrolled_minus_completions",
              "Pending = enrolled (NTA filed) cases with no initial completion."),
        a_at_least_b("headline_in_absentia_within_removal_orders", "removal_orders", "removal_orders_in_absentia",
                     "Removal order (in absentia subset)."),
        equal("headline_relief_forms_sum_to_cases", "relief_forms_sum", "relief_cases",
              "Count cases, report the most protective form (one form per case)."),
        equal("headline_g3_enrolled_is_g2_enrolled", "g3_enrolled", "enrolled",
              "Goal 3 court side = NTA filed only, the same cases as Total Enrolled."),
        *(between(c, _share(c), f"Plausibility (band: seed plausibility_bands): {b['basis']}",
                  min_value=b["min"], max_value=b["max"], severity="warning") for c, b in BANDS.items()),
    ),
)

HEADLINE = Suite(
    name="headline_metrics",
    asset_key=("marts", "headline_metrics"),
    description=(
        "Every figure metrics.json publishes (marts.headline_metrics); also the publishing gate: this check "
        "runs only after every blocking GE check upstream passed."
    ),
    sql="""
select
    metric_id,
    period,
    value,
    input_kind,
    as_of_date,
    cast($as_of as date) as run_as_of_date,
    metric_id || '|' || coalesce(period, '') as figure_key,
    -- restated from the load ledger and the seed court_metrics, independently of the coverage models
    not coalesce(metric_id in (select metric_id from seeds.court_metrics)
                 and cast($as_of as date) > (select arg_max(vintage, loaded_at) from raw._load_ledger
                                             where table_name = 'eoir_b_tblproceeding'), false)
        as not_court_figure_after_release_vintage
from marts.headline_metrics
order by metric_id, period
""",
    id_columns=("metric_id", "period", "value"),
    expectations=(
        unique("published_one_figure_per_metric_period", "figure_key", "One published figure per (metric, period)."),
        *non_negative_integers("published", ["value"], "Published figures are counts: non-negative integers."),
        in_set("published_input_kind_known", "input_kind", ["real", "synthetic", "mixed"],
               "Every figure says whether it was built on real or synthetic input, or mixed (both)."),
        always_true("published_no_court_figure_after_release_vintage", "not_court_figure_after_release_vintage",
                    "Court figures exist only up to the EOIR release's vintage (the date it was extracted): as of a "
                    "later date they are listed as unavailable, never published (they would count as settled "
                    "what the release cannot know yet)."),
        equal("published_as_of_is_run_as_of", "as_of_date", "run_as_of_date",
              "Every figure is as of the run's as-of date.", ignore_missing=True),
    ),
)

SUITES = [INITIAL_COMPLETIONS, RELIEF_GRANTS, ENROLLED_CASES, COURT_HEADLINE, HEADLINE]
