{#
  closed_month_revision_tolerance(): the largest share by which a newer vintage of a CBP encounter file may
  revise a month of a CLOSED fiscal year (labelled without "(FYTD)" in the older vintage) before
  cbp_encounter_revisions flags it (a warning, never blocking): 0.01 = 1 % of the month's Southwest Land
  Border total. CBP revises the months of the running fiscal year routinely (preliminary, "FYTD"); a closed
  year's month moving by more than 1 % is unusual, so it is reported for review. Months of a preliminary
  fiscal year are reported in the revisions table but not flagged.
#}
{% macro closed_month_revision_tolerance() -%}
    0.01
{%- endmacro %}
