-- Deprecated alias of proceedings_by_case_type (old name mpp_proceedings_by_case_type; issue 18 item 4): removed after 2027-06-30. Use proceedings_by_case_type.
select * from {{ ref('proceedings_by_case_type') }}
