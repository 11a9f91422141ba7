with

applications as (

    select * from {{ ref('stg_eoir__applications') }}

),

relief_applications as (

    select * from {{ ref('eoir_relief_applications') }}

),

application_decisions as (

    select * from {{ ref('eoir_application_decisions') }}

),

completed_proceedings as (

    select * from {{ ref('int_proceedings_completed') }}

),

initial_completions as (

    select * from {{ ref('int_initial_completions') }}

),

mpp_cases as (

    select * from {{ ref('int_mpp_cases_identified') }}

),

evaluation_dates as (

    select * from {{ ref('int_court_as_of_dates') }}

),

grants as (

    -- granted ASYL / ASYW / WCAT applications on a completed proceeding of an MPP case; completed
    -- proceedings are removal-type ones only (int_proceedings_completed, seed
    -- eoir_case_types.completes_removal_case): an application on a bond or fear-review proceeding never counts
    select
        applications.application_id,
        completed_proceedings.case_id,
        completed_proceedings.proceeding_id,
        completed_proceedings.completion_date,
        relief_applications.relief_form,
        relief_applications.protection_rank,
        initial_completions.proceeding_id is not null as is_on_initial_completion
    from applications
    inner join relief_applications on applications.application_code = relief_applications.appl_code
    inner join application_decisions
        on applications.application_decision_code = application_decisions.appl_dec
    inner join completed_proceedings on applications.proceeding_id = completed_proceedings.proceeding_id
    left join initial_completions on completed_proceedings.proceeding_id = initial_completions.proceeding_id
    where relief_applications.is_relief
        and application_decisions.is_grant

),

counted_grants as (

    select *
    from grants
    where is_on_initial_completion or {{ court_variant('relief_after_reopening_counts') }}

),

grants_as_of as (

    -- each counted grant at every evaluation date on or after its completion, for enrolled cases
    select
        evaluation_dates.as_of_date,
        evaluation_dates.is_run_as_of,
        counted_grants.*
    from evaluation_dates
    inner join counted_grants on counted_grants.completion_date <= evaluation_dates.as_of_date
    inner join mpp_cases
        on counted_grants.case_id = mpp_cases.case_id
        and mpp_cases.nta_filed_date <= evaluation_dates.as_of_date

),

ranked as (

    select
        *,
        -- most protective form first (seed rank); among equals the earliest grant
        row_number() over (
            partition by as_of_date, case_id
            order by protection_rank, completion_date, proceeding_id, application_id
        ) as protection_order,
        min(completion_date) over (partition by as_of_date, case_id) as first_relief_date,
        bool_or(is_on_initial_completion) over (partition by as_of_date, case_id) as has_initial_completion_grant,
        count(*) over (partition by as_of_date, case_id) as counted_grants_count
    from grants_as_of

),

final as (

    select
        as_of_date,
        is_run_as_of,
        case_id,
        relief_form,
        protection_rank,
        proceeding_id as relief_proceeding_id,
        completion_date as relief_completion_date,
        case when is_on_initial_completion then 'initial' else 'subsequent' end as relief_form_source,
        has_initial_completion_grant,
        not has_initial_completion_grant as is_relief_after_reopening,
        first_relief_date,
        strftime(first_relief_date, '%Y-%m') as first_relief_month,
        counted_grants_count
    from ranked
    where protection_order = 1

)

select * from final
