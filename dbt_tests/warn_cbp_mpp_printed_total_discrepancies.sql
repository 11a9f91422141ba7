{{ config(severity='warn') }}
-- Warns (never fails) for every printed total on CBP's MPP pages that differs from the sum of its parts.
-- Known, real page errors (shared/data/MANIFEST.md C1): Aug-2021 USBP apprehensions printed 195,514
-- against sectors summing to 196,514; the early FY2021 snapshot prints Feb-2021 96,974 against 96,956.
select
    table_name,
    month_start,
    component,
    printed_value,
    summed_value,
    difference,
    printed_page_version,
    printed_source_url
from {{ ref('int_cbp_mpp_printed_total_discrepancies') }}
