-- Deprecated alias of enrollments_monthly (old name g3_cbp_enrollments_monthly; issue 18 item 4): removed after 2027-06-30. Use enrollments_monthly.
select * from {{ ref('enrollments_monthly') }}
