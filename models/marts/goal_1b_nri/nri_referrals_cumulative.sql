-- One row: NRI referrals since inception as of the as-of date, by outcome known on the as-of date,
-- with the positive rate among decided referrals and the disenrollments (positive NRIs) to date.
with

by_outcome as (

    select * from {{ ref('nri_referrals_by_month_outcome') }}

),

referrals as (

    select * from {{ ref('int_nri_referrals_as_of') }}

),

totals as (

    select
        coalesce(sum(referrals), 0) as referrals,
        coalesce(sum(referrals) filter (where outcome_as_of = 'positive'), 0) as positive,
        coalesce(sum(referrals) filter (where outcome_as_of = 'negative'), 0) as negative,
        coalesce(sum(referrals) filter (where outcome_as_of = 'administratively_closed'), 0) as admin_closed,
        coalesce(sum(referrals) filter (where outcome_as_of = 'pending'), 0) as pending,
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
        cast(totals.referrals as bigint) as referrals,
        cast(totals.positive as bigint) as positive,
        cast(totals.negative as bigint) as negative,
        cast(totals.admin_closed as bigint) as admin_closed,
        cast(totals.pending as bigint) as pending,
        cast(totals.positive as double) / nullif(totals.positive + totals.negative + totals.admin_closed, 0)
            as positive_rate,
        cast(disenrolled.disenrollments as bigint) as disenrollments,
        coalesce(totals.input_kind, 'real') as input_kind
    from totals
    cross join disenrolled

)

select * from final
