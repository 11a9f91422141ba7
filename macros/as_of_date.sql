{#
  as_of_date(): the as-of date of every figure, as a DATE literal.
  Source: dbt var `as_of_date` (default 2020-12-31, the DHS document's cut-off; DOMAIN.md).
  Raises a compilation error when the var is not an ISO date (YYYY-MM-DD), so a bad value never reaches SQL.
#}
{% macro as_of_date() -%}
    {%- set raw_value = var('as_of_date') | string -%}
    {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', raw_value) -%}
        {{ exceptions.raise_compiler_error("var as_of_date must be YYYY-MM-DD, got: " ~ raw_value) }}
    {%- endif -%}
    date '{{ raw_value }}'
{%- endmacro %}
