{#
  Generic test: every row satisfies a SQL boolean expression (dbt_utils is not installable here).
#}
{% test expression_is_true(model, expression) %}
select *
from {{ model }}
where not ({{ expression }})
{% endtest %}
