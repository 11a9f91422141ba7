-- One row per referral month x outcome as of the as-of date (positive, negative,
-- administratively_closed, pending): NRI referrals made on or before the as-of date, by the outcome known
-- on the as-of date (an interview dated after it, or none, counts as pending).
with

referrals as (

    select * from {{ ref('stg_uscis__nri_referrals') }}
    where referral_date <= {{ as_of_date() }}

),

outcome_as_of as (

    select
        date_trunc('month', referral_date)::date as month_start,
        case
            when outcome is not null and interview_date <= {{ as_of_date() }} then outcome
            else 'pending'
        end as outcome_as_of,
        input_kind
    from referrals

),

final as (

    select
        month_start,
        strftime(month_start, '%Y-%m') as period,
        outcome_as_of,
        count(*) as referrals,
        case when bool_or(input_kind = 'synthetic') then 'synthetic' else 'real' end as input_kind
    from outcome_as_of
    group by month_start, outcome_as_of

)

select * from final
