-- Deprecated alias of case_status_by_cohort (old name goal_2_case_status_by_cohort; issue 18 item 4): removed after 2027-06-30. Use case_status_by_cohort.
select * from {{ ref('case_status_by_cohort') }}
