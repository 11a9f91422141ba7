with

completed_proceedings as (

    select * from {{ ref('int_proceedings_completed') }}

),

ordered as (

    -- the initial completion is the earliest by COMP_DATE, ties broken by the lower IDNPROCEEDING
    select
        *,
        row_number() over (partition by case_id order by completion_date, proceeding_id) as completion_order,
        count(*) over (partition by case_id) as completions_count
    from completed_proceedings

),

final as (

    select
        case_id,
        proceeding_id,
        completion_date,
        completion_month,
        outcome_bucket,
        completion_code_field,
        completion_code,
        is_in_absentia,
        hearing_loc_code,
        completions_count - 1 as subsequent_completions_count
    from ordered
    where completion_order = 1

)

select * from final
