{{ config(severity='warn') }}
-- Warns when a completed removal-type proceeding of an MPP case carries a DEC_CODE / OTHER_COMP missing from
-- seed eoir_completion_codes for its case type: it still counts (bucket 'other'), but the seed should say
-- so. One row per (case type, code field, code) with its counts and the release lookup's description.
select case_type, code_field, code, release_description, cases, completed_proceeding_codes
from {{ ref('proceeding_completion_codes') }}
where completes_removal_case
    and not in_definitions
    and completed_proceeding_codes > 0
