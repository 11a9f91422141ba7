-- Deprecated alias of cbp_page_enrollments_monthly (old name cbp_enrollments_monthly; issue 18 item 4): removed after 2027-06-30. Use cbp_page_enrollments_monthly.
select * from {{ ref('cbp_page_enrollments_monthly') }}
