-- Deprecated alias of case_outcomes (old name mpp_case_outcomes; issue 18 item 4): removed after 2027-06-30. Use case_outcomes.
select * from {{ ref('case_outcomes') }}
