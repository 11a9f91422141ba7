-- Deprecated alias of proceeding_completion_codes (old name mpp_proceeding_codes; issue 18 item 4): removed after 2027-06-30. Use proceeding_completion_codes.
select * from {{ ref('proceeding_completion_codes') }}
