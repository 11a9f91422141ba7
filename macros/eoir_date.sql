{#
  eoir_date(column): an EOIR FOIA date text ('2019-03-14 00:00:00.000', or a bare '2019-03-14') as a DATE;
  NULL when empty or not a date (ingestion already nulls invalid dates; this never fails a build).
#}
{% macro eoir_date(column) -%}
    cast(coalesce(
        try_strptime({{ column }}, '%Y-%m-%d %H:%M:%S.%g'),
        try_strptime({{ column }}, '%Y-%m-%d %H:%M:%S'),
        try_strptime({{ column }}, '%Y-%m-%d')
    ) as date)
{%- endmacro %}
