{{ config(severity='warn') }}
-- Warns (never fails) for every fiscal-year Total of OHSS's book-outs sheet that differs from the sum of its
-- months by more than rounding to the nearest 10 can explain. Known (shared/data/MANIFEST.md F1): FY2019
-- MPP book-outs, Total CBP, Total 44,250 against March-September summing to 44,100 (January and February
-- 2019 printed 'X' although MPP began on 2019-01-29).
select fiscal_year, component, outcome_id, printed_value, summed_value, difference, rounding_tolerance, printed_cell
from {{ ref('int_ohss_printed_total_discrepancies') }}
