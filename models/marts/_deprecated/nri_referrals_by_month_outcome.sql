-- Deprecated alias of nri_referrals_by_outcome_monthly (old name nri_referrals_by_month_outcome; issue 18 item 4): removed after 2027-06-30. Use nri_referrals_by_outcome_monthly.
select * from {{ ref('nri_referrals_by_outcome_monthly') }}
