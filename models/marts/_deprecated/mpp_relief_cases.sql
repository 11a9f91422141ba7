-- Deprecated alias of relief_cases (old name mpp_relief_cases; issue 18 item 4): removed after 2027-06-30. Use relief_cases.
select * from {{ ref('relief_cases') }}
