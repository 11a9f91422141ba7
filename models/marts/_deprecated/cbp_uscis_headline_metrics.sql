-- Deprecated alias of nri_headline_metrics (old name cbp_uscis_headline_metrics; issue 18 item 4): removed after 2027-06-30. Use nri_headline_metrics.
select * from {{ ref('nri_headline_metrics') }}
