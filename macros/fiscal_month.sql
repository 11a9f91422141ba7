{#
  Federal fiscal years start in October: FY2020 = 2019-10-01 .. 2020-09-30.

  fiscal_month_start(fy, month_abbv): first day of the calendar month, from a fiscal year (integer
  expression) and a three-letter month abbreviation expression ('OCT'..'SEP', any case).
  Months OCT, NOV, DEC fall in calendar year fy - 1; JAN..SEP in calendar year fy.

  fiscal_year_of(date_expr): the fiscal year (integer) of a date.
#}
{% macro fiscal_month_start(fiscal_year, month_abbv) -%}
    make_date(
        cast({{ fiscal_year }} as integer)
            - case when upper(trim({{ month_abbv }})) in ('OCT', 'NOV', 'DEC') then 1 else 0 end,
        list_position(['JAN','FEB','MAR','APR','MAY','JUN','JUL','AUG','SEP','OCT','NOV','DEC'], upper(trim({{ month_abbv }}))),
        1
    )
{%- endmacro %}

{% macro fiscal_year_of(date_expr) -%}
    (extract(year from {{ date_expr }}) + case when extract(month from {{ date_expr }}) >= 10 then 1 else 0 end)::integer
{%- endmacro %}
