-- One row: NRI referrals since inception as of the as-of date, by outcome known on the as-of date,
-- with the positive rate among decided referrals and the disenrollments (positive NRIs) to date.
with

by_outcome as (

    select * from {{ ref('nri_referrals_by_outcome_monthly') }}

),

referrals as (

    select * from {{ ref('int_nri_referrals_as_of') }}

),

totals as (

    select
        {{ nri_outcome_counts('referrals') }},
        case when bool_or(input_kind = 'synthetic') then 'synthetic' else 'real' end as input_kind
    from by_outcome

),

disenrolled as (

    select count(*) as disenrollments
    from referrals
    where disenrollment_month is not null

),

final as (

    select
        {{ as_of_date() }} as as_of_date,
        {{ nri_outcome_columns('totals') }},
        cast(disenrolled.disenrollments as bigint) as disenrollments,
        coalesce(totals.input_kind, 'real') as input_kind
    from totals
    cross join disenrolled

)

select * from final
