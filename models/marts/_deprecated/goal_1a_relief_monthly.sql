-- Deprecated alias of relief_cases_monthly (old name goal_1a_relief_monthly; issue 18 item 4): removed after 2027-06-30. Use relief_cases_monthly.
select * from {{ ref('relief_cases_monthly') }}
