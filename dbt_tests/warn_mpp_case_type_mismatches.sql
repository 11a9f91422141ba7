{{ config(severity='warn') }}
-- Warns when an MPP case's proceedings state a case type other than the case's own (A_TblCase CASE_TYPE):
-- e.g. a bond redetermination (BND) inside a removal case. Such a proceeding completes the case only when
-- its case type is removal-type (seed eoir_case_types.completes_removal_case); the rows say how many.
select *
from {{ ref('proceedings_by_case_type') }}
where is_case_type_mismatch
