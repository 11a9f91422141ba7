{{ config(severity='warn') }}
-- Warns about every DEC_CODE / OTHER_COMP on a proceeding of an MPP case that decodes neither by the
-- definitions (seed eoir_completion_codes) nor by the release's own tblLookupCourtDecision for its case
-- type: one row per unknown (case type, code field, code), with the cases and proceedings carrying it.
select case_type, code_field, code, completes_removal_case, release_lookup_landed, cases, proceeding_codes
from {{ ref('proceeding_completion_codes') }}
where not is_decoded
