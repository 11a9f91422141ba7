-- The cases behind every court figure, at every evaluation date. Cumulative figures (period NULL) at
-- every date; monthly figures ('YYYY-MM') at the run's as-of date only. Headline, drill-down and history
-- marts all count this one table, so they reconcile by construction.
with

evaluation_dates as (

    select * from {{ ref('int_court_as_of_dates') }}

),

mpp_cases as (

    select * from {{ ref('int_mpp_cases_identified') }}

),

initial_completions as (

    select * from {{ ref('int_initial_completions') }}

),

relief_grants as (

    select * from {{ ref('int_relief_grants') }}

),

outcome_buckets as (

    select * from {{ ref('court_outcome_buckets') }}

),

relief_applications as (

    select * from {{ ref('eoir_relief_applications') }}

),

enrolled as (

    select
        evaluation_dates.as_of_date,
        evaluation_dates.is_run_as_of,
        mpp_cases.case_id,
        mpp_cases.enrollment_month
    from evaluation_dates
    inner join mpp_cases on mpp_cases.nta_filed_date <= evaluation_dates.as_of_date

),

completed as (

    select
        enrolled.as_of_date,
        enrolled.is_run_as_of,
        initial_completions.*
    from enrolled
    inner join initial_completions
        on enrolled.case_id = initial_completions.case_id
        and initial_completions.completion_date <= enrolled.as_of_date

),

memberships as (

    select as_of_date, 'g2_enrolled_nta_filed' as metric_id, null as period, case_id from enrolled
    union all
    select as_of_date, 'g3_enrolled_nta_filed', null, case_id from enrolled
    union all
    select as_of_date, 'g3_enrolled_nta_filed', enrollment_month, case_id from enrolled where is_run_as_of
    union all
    select as_of_date, 'g2_initial_completions', null, case_id from completed
    union all
    select as_of_date, 'g2_initial_completions', completion_month, case_id from completed where is_run_as_of
    union all
    select completed.as_of_date, outcome_buckets.metric_id, null, completed.case_id
    from completed
    inner join outcome_buckets on completed.outcome_bucket = outcome_buckets.outcome_bucket
    union all
    select completed.as_of_date, outcome_buckets.in_absentia_metric_id, null, completed.case_id
    from completed
    inner join outcome_buckets on completed.outcome_bucket = outcome_buckets.outcome_bucket
    where completed.is_in_absentia and outcome_buckets.in_absentia_metric_id is not null
    union all
    select enrolled.as_of_date, 'g2_pending', null, enrolled.case_id
    from enrolled
    where not exists (
        select 1 from completed
        where completed.as_of_date = enrolled.as_of_date and completed.case_id = enrolled.case_id
    )
    union all
    select as_of_date, 'g1a_relief_granted_cases', null, case_id from relief_grants
    union all
    select as_of_date, 'g1a_relief_granted_cases', first_relief_month, case_id from relief_grants where is_run_as_of
    union all
    select relief_grants.as_of_date, relief_applications.metric_id, null, relief_grants.case_id
    from relief_grants
    inner join relief_applications on relief_grants.relief_form = relief_applications.relief_form
    union all
    select as_of_date, 'g1a_relief_after_reopening', null, case_id from relief_grants where is_relief_after_reopening

),

final as (

    select
        memberships.as_of_date,
        cast(memberships.metric_id as varchar) as metric_id,
        cast(memberships.period as varchar) as period,
        memberships.case_id
    from memberships

)

select * from final
