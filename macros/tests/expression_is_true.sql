{#
  Generic test: every row satisfies a boolean SQL expression (dbt_utils.expression_is_true, rewritten
  here because dbt packages cannot be installed in this environment; see STACK.md).
  Fails with the rows where the expression is false or NULL.
#}
{% test expression_is_true(model, expression) %}
select *
from {{ model }}
where not coalesce(({{ expression }}), false)
{% endtest %}
