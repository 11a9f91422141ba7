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

{#
  Generic column test: every non-NULL value of the column satisfies `<column> <expression>`,
  e.g. expression ">= 0". Fails with the offending rows.
#}
{% test expression_is_true_column(model, column_name, expression) %}
select *
from {{ model }}
where {{ column_name }} is not null and not ({{ column_name }} {{ expression }})
{% endtest %}
