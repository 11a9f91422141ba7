-- Deprecated alias of court_enrollments_monthly (old name goal_3_court_enrollments_monthly; issue 18 item 4): removed after 2027-06-30. Use court_enrollments_monthly.
select * from {{ ref('court_enrollments_monthly') }}
