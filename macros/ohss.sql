{#
  Decoding of OHSS monthly-table labels, shared by the OHSS staging models.
  ohss_agency(col): the sheet's group header 'Total CBP' is the CBP total -> 'CBP'; USBP and OFO stay.
  ohss_outcome_id(col): a column label (footnote digits already stripped at landing) in snake case,
  e.g. 'Migrant Protection Protocols' -> 'migrant_protection_protocols' (returns to Mexico under MPP).
#}
{% macro ohss_agency(col) -%}
    case {{ col }} when 'Total CBP' then 'CBP' else {{ col }} end
{%- endmacro %}

{% macro ohss_outcome_id(col) -%}
    trim(regexp_replace(lower({{ col }}), '[^a-z0-9]+', '_', 'g'), '_')
{%- endmacro %}
