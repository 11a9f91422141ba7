{{ config(severity='warn') }}
-- Warns (never fails) for every published MPP enrolment / book-out by CBP in a month that overlaps no phase
-- in which MPP enrolled people (seed mpp_phases, enrollments_open). Known: OHSS prints 40 MPP book-outs for
-- November 2021 (book-outs are dated by encounter date; MPP 2.0 restarted on 2021-12-06).
select period, agency, source, enrollments, mpp_phase, source_detail
from {{ ref('enrollments_by_source_monthly') }}
where enrollments > 0
  and not in_enrollment_phase
