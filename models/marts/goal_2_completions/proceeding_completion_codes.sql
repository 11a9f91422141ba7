-- Every DEC_CODE / OTHER_COMP on a proceeding of an MPP case, by case type, decoded twice: by the
-- definitions (seed eoir_completion_codes, which decide the outcome bucket) and by the release's own
-- lookup (stg_eoir__court_decisions, keyed by case type and decision type). The warnings
-- eoir_completion_codes_cover_mpp_proceedings and warn_mpp_proceeding_codes_unknown list what is missing.
with

mpp_cases as (

    select * from {{ ref('int_mpp_cases_identified') }}

),

proceedings as (

    select * from {{ ref('stg_eoir__proceedings') }}

),

case_types as (

    select * from {{ ref('eoir_case_types') }}

),

completion_codes as (

    select * from {{ ref('eoir_completion_codes') }}

),

release_decisions as (

    select * from {{ ref('stg_eoir__court_decisions') }}

),

mpp_proceedings as (

    select
        proceedings.*,
        coalesce(proceedings.case_type, mpp_cases.case_type) as proceeding_case_type
    from proceedings
    inner join mpp_cases on proceedings.case_id = mpp_cases.case_id

),

codes as (

    select case_id, proceeding_case_type, 'DEC_CODE' as code_field, decision_code as code, completion_date
    from mpp_proceedings
    where decision_code is not null
    union all
    select case_id, proceeding_case_type, 'OTHER_COMP', other_completion_code, completion_date
    from mpp_proceedings
    where other_completion_code is not null

),

final as (

    select
        cast(codes.proceeding_case_type as varchar) as case_type,
        cast(codes.code_field as varchar) as code_field,
        cast(codes.code as varchar) as code,
        coalesce(any_value(case_types.completes_removal_case), false) as completes_removal_case,
        count(completion_codes.code) > 0 as in_definitions,
        cast(any_value(completion_codes.outcome_bucket) as varchar) as outcome_bucket,
        count(release_decisions.code) > 0 as in_release_lookup,
        cast(any_value(release_decisions.description) as varchar) as release_description,
        (select count(*) from release_decisions) > 0 as release_lookup_landed,
        count(completion_codes.code) > 0 or count(release_decisions.code) > 0 as is_decoded,
        cast(count(distinct codes.case_id) as bigint) as cases,
        cast(count(*) as bigint) as proceeding_codes,
        cast(count(*) filter (where codes.completion_date <= {{ as_of_date() }}) as bigint) as completed_proceeding_codes,
        {{ as_of_date() }} as as_of_date
    from codes
    left join case_types on codes.proceeding_case_type = case_types.case_type
    left join completion_codes
        on codes.proceeding_case_type = completion_codes.case_type
        and codes.code_field = completion_codes.code_field
        and codes.code = completion_codes.code
    left join release_decisions
        on codes.proceeding_case_type = release_decisions.case_type
        and codes.code_field = release_decisions.code_field
        and codes.code = release_decisions.code
    group by codes.proceeding_case_type, codes.code_field, codes.code

)

select * from final
