-- Deprecated alias of encounter_headline_metrics (old name g4_headline_metrics; issue 18 item 4): removed after 2027-06-30. Use encounter_headline_metrics.
select * from {{ ref('encounter_headline_metrics') }}
