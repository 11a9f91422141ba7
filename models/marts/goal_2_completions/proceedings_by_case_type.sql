-- Proceedings of MPP cases by case type: the case's CASE_TYPE (A_TblCase) beside each proceeding's. Only
-- removal-type proceedings (seed eoir_case_types.completes_removal_case) can complete a case; the others
-- (bond redeterminations, fear reviews, ...) are counted here and never become an initial completion.
with

mpp_cases as (

    select * from {{ ref('int_mpp_cases_identified') }}

),

cases as (

    select * from {{ ref('stg_eoir__cases') }}

),

proceedings as (

    select * from {{ ref('stg_eoir__proceedings') }}

),

case_types as (

    select * from {{ ref('eoir_case_types') }}

),

mpp_proceedings as (

    select
        mpp_cases.case_id,
        coalesce(cases.case_type, 'UNKNOWN') as case_case_type,
        coalesce(proceedings.case_type, 'UNKNOWN') as proceeding_case_type,
        coalesce(case_types.completes_removal_case, false) as completes_removal_case,
        -- a proceeding that states a case type other than its case's A_TblCase row (a proceeding without
        -- one takes the case's; a case without an A_TblCase row is an orphan, reported by GE, not a mismatch)
        coalesce(proceedings.case_type <> cases.case_type, false) as is_case_type_mismatch,
        proceedings.completion_date is not null
            and proceedings.completion_date <= {{ as_of_date() }} as is_completed
    from mpp_cases
    inner join proceedings on mpp_cases.case_id = proceedings.case_id
    left join cases on mpp_cases.case_id = cases.case_id
    left join case_types on coalesce(proceedings.case_type, mpp_cases.case_type) = case_types.case_type

),

final as (

    select
        cast(case_case_type as varchar) as case_case_type,
        cast(proceeding_case_type as varchar) as proceeding_case_type,
        completes_removal_case,
        is_case_type_mismatch,
        cast(count(distinct case_id) as bigint) as cases,
        cast(count(*) as bigint) as proceedings,
        cast(count(*) filter (where is_completed) as bigint) as completed_proceedings,
        {{ as_of_date() }} as as_of_date
    from mpp_proceedings
    group by all

)

select * from final
