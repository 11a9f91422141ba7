-- One row per referral month x outcome as of the as-of date (positive, negative,
-- administratively_closed, pending): NRI referrals made on or before the as-of date, by the outcome known
-- on the as-of date (an interview dated after it, or none, counts as pending).
with

referrals as (

    select * from {{ ref('int_nri_referrals_as_of') }}

),

final as (

    select
        referral_month as month_start,
        strftime(referral_month, '%Y-%m') as period,
        outcome_as_of,
        count(*) as referrals,
        case when bool_or(input_kind = 'synthetic') then 'synthetic' else 'real' end as input_kind
    from referrals
    group by referral_month, outcome_as_of

)

select * from final
