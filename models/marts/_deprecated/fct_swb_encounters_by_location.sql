-- Deprecated alias of swb_encounters_by_location_monthly (old name fct_swb_encounters_by_location; issue 18 item 4): removed after 2027-06-30. Use swb_encounters_by_location_monthly.
select * from {{ ref('swb_encounters_by_location_monthly') }}
