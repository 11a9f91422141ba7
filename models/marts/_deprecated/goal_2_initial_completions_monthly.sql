-- Deprecated alias of initial_completions_monthly (old name goal_2_initial_completions_monthly; issue 18 item 4): removed after 2027-06-30. Use initial_completions_monthly.
select * from {{ ref('initial_completions_monthly') }}
