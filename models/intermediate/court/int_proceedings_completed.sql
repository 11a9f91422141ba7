with

proceedings as (

    select * from {{ ref('stg_eoir__proceedings') }}

),

mpp_cases as (

    select * from {{ ref('int_mpp_cases_identified') }}

),

completion_codes as (

    select * from {{ ref('eoir_completion_codes') }}

),

case_types as (

    select * from {{ ref('eoir_case_types') }}

),

removal_proceedings as (

    -- only proceedings of a removal-type case type (seed eoir_case_types.completes_removal_case: RMV and
    -- the legacy DEP / EXC) can complete an MPP removal case; a bond redetermination, a fear review or any
    -- other case type inside the case never does (counted in proceedings_by_case_type). A proceeding
    -- without a CASE_TYPE takes its case's.
    select
        proceedings.*,
        coalesce(proceedings.case_type, mpp_cases.case_type) as proceeding_case_type
    from proceedings
    inner join mpp_cases on proceedings.case_id = mpp_cases.case_id
    inner join case_types on coalesce(proceedings.case_type, mpp_cases.case_type) = case_types.case_type
    where case_types.completes_removal_case

),

decision_codes as (

    select * from completion_codes where code_field = 'DEC_CODE'

),

other_completion_codes as (

    select * from completion_codes where code_field = 'OTHER_COMP'

),

decoded as (

    select
        proceedings.proceeding_id,
        proceedings.case_id,
        proceedings.proceeding_case_type,
        proceedings.completion_date,
        proceedings.hearing_loc_code,
        proceedings.base_city_code,
        proceedings.decision_code,
        proceedings.other_completion_code,
        proceedings.is_in_absentia,
        -- a DEC_CODE (merits decision) takes precedence over OTHER_COMP; a code missing from the seed
        -- still completes the proceeding and falls in 'other' (seed eoir_completion_codes)
        case
            when proceedings.decision_code is not null then 'DEC_CODE'
            when proceedings.other_completion_code is not null then 'OTHER_COMP'
        end as completion_code_field,
        coalesce(proceedings.decision_code, proceedings.other_completion_code) as completion_code,
        case
            when proceedings.decision_code is not null then coalesce(decision_codes.is_completion, true)
            when proceedings.other_completion_code is not null then coalesce(other_completion_codes.is_completion, true)
            else false
        end as is_completion,
        case
            when proceedings.decision_code is not null then coalesce(decision_codes.is_admin_closure, false)
            else coalesce(other_completion_codes.is_admin_closure, false)
        end as is_admin_closure,
        coalesce(
            case
                when proceedings.decision_code is not null then decision_codes.outcome_bucket
                else other_completion_codes.outcome_bucket
            end,
            'other'
        ) as outcome_bucket
    from removal_proceedings as proceedings
    left join decision_codes
        on proceedings.proceeding_case_type = decision_codes.case_type
        and proceedings.decision_code = decision_codes.code
    left join other_completion_codes
        on proceedings.proceeding_case_type = other_completion_codes.case_type
        and proceedings.other_completion_code = other_completion_codes.code
    where proceedings.completion_date is not null
        and proceedings.completion_date <= {{ as_of_date() }}

),

final as (

    select
        proceeding_id,
        case_id,
        proceeding_case_type,
        completion_date,
        strftime(completion_date, '%Y-%m') as completion_month,
        hearing_loc_code,
        base_city_code,
        decision_code,
        other_completion_code,
        completion_code_field,
        completion_code,
        outcome_bucket,
        is_admin_closure,
        is_in_absentia
    from decoded
    where is_completion
        and (not is_admin_closure or {{ court_variant('admin_closures_are_completions') }})

)

select * from final
