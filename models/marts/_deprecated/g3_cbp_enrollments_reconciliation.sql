-- Deprecated alias of enrollments_source_reconciliation (old name g3_cbp_enrollments_reconciliation; issue 18 item 4): removed after 2027-06-30. Use enrollments_source_reconciliation.
select * from {{ ref('enrollments_source_reconciliation') }}
