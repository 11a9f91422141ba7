-- Deprecated alias of enrollments_vs_court_ntas_monthly (old name cbp_enrollments_vs_court_nta_monthly; issue 18 item 4): removed after 2027-06-30. Use enrollments_vs_court_ntas_monthly.
select * from {{ ref('enrollments_vs_court_ntas_monthly') }}
