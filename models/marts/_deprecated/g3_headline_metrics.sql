-- Deprecated alias of enrollment_headline_metrics (old name g3_headline_metrics; issue 18 item 4): removed after 2027-06-30. Use enrollment_headline_metrics.
select * from {{ ref('enrollment_headline_metrics') }}
