-- One row per USCIS NRI referral made on or before the as-of date, with the outcome known on the as-of date.
-- The one place goal 1b's as-of rule lives (every goal 1b mart reads it): a referral counts once its
-- referral date is on or before the as-of date; its outcome counts only when the interview is dated on or
-- before the as-of date (an interview after it, or none, is 'pending'); a positive outcome so known is a
-- disenrollment from MPP, in the month of the interview.
with

referrals as (

    select * from {{ ref('stg_uscis__nri_referrals') }}
    where referral_date <= {{ as_of_date() }}

),

final as (

    select
        referral_id,
        date_trunc('month', referral_date)::date as referral_month,
        case
            when outcome is not null and interview_date <= {{ as_of_date() }} then outcome
            else 'pending'
        end as outcome_as_of,
        case
            when outcome = 'positive' and interview_date <= {{ as_of_date() }}
                then date_trunc('month', interview_date)::date
        end as disenrollment_month,
        count_basis,
        input_kind
    from referrals

)

select * from final
