{#
  How CBP's published encounter files print a period and a count (the one place; every stg_cbp__ model of the
  "Southwest Land Border Encounters" / "Nationwide Encounters" family uses it).

  cbp_fiscal_month(fiscal_year_label, month_label): the four period columns, in this order:
    fiscal_year             integer: the first four digits of the label ('2020', ' 2025 (FYTD)' -> 2025)
    is_fiscal_year_to_date  true when the label says FYTD in any case (the current, still-open fiscal year
                            of a file: its months are preliminary and revised by later vintages)
    month_abbv              the month abbreviation, upper-cased ('OCT'..'SEP')
    month_start             first day of the calendar month (macro fiscal_month_start)

  cbp_count(text): a printed count as BIGINT ('45,139' -> 45139); NULL when the text is not a count.
#}
{% macro cbp_fiscal_month(fiscal_year_label, month_label) -%}
    {%- set fiscal_year -%}
        cast(regexp_extract({{ fiscal_year_label }}, '^\s*([0-9]{4})', 1) as integer)
    {%- endset -%}
    {%- set month_abbv -%}
        upper(trim({{ month_label }}))
    {%- endset -%}
    {{ fiscal_year }} as fiscal_year,
    ({{ fiscal_year_label }} ilike '%FYTD%') as is_fiscal_year_to_date,
    {{ month_abbv }} as month_abbv,
    {{ fiscal_month_start(fiscal_year, month_abbv) }} as month_start
{%- endmacro %}

{% macro cbp_count(text) -%}
    try_cast(replace(trim({{ text }}), ',', '') as bigint)
{%- endmacro %}
