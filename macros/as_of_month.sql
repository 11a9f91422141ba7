{#
  month_closed_as_of(month_start): true when the calendar month starting on month_start ended on or before
  the run's as-of date (macro as_of_date). A published monthly figure (CBP MPP pages, OHSS monthly tables,
  TRAC) counts the whole month, so it is known only once the month has ended: as of 2020-12-31 December 2020
  is in, as of 2020-12-30 it is not, and no month after the as-of date ever is. Every goal-3 mart built on
  published monthly series filters on it.
#}
{% macro month_closed_as_of(month_start) -%}
    (last_day({{ month_start }}) <= {{ as_of_date() }})
{%- endmacro %}
