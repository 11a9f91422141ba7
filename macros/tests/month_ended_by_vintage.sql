{#
  Generic column test: a monthly count is published only for a month that had ended by the extract's
  release date (vintage): last_day(<month column>) <= vintage. A month after it cannot carry a count (the
  figures of a month are known once it is over), so such a row means a mislabelled month, e.g. every
  month of the file shifted by one. Fails with the offending rows.
#}
{% test month_ended_by_vintage(model, column_name, vintage_column='vintage') %}
select *
from {{ model }}
where {{ column_name }} is not null
  and last_day({{ column_name }}) > {{ vintage_column }}
{% endtest %}
