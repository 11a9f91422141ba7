{#
  Generic model test: no two rows share the same values in `combination_of_columns` (the model's grain),
  NULL counting as a value (dbt_utils.unique_combination_of_columns, rewritten here because dbt packages
  cannot be installed in this environment; see STACK.md). Replaces `unique` on a concatenated expression,
  which let a row through unchecked whenever one part was NULL (the whole key is then NULL) and could
  take two different keys for one when a part was not separated. Grouping on the columns as they are
  also avoids building a string per row. Fails with each duplicated key and its number of rows.
#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
select {{ combination_of_columns | join(', ') }}, count(*) as n_rows
from {{ model }}
group by all
having count(*) > 1
{% endtest %}
