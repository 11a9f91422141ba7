{#
  Goal 1b's outcome columns (the referrals of int_nri_referrals_as_of by the outcome known on the as-of date),
  in one place for every goal 1b mart:

  nri_outcome_counts(referrals): aggregates over rows carrying outcome_as_of and a referral count expression
    referrals     BIGINT  all referrals
    positive      BIGINT  outcome known positive on the as-of date
    negative      BIGINT  outcome known negative
    admin_closed  BIGINT  administratively closed
    pending       BIGINT  no outcome known on the as-of date

  nri_outcome_columns(relation): those five columns of `relation` and the positive rate among decided
  referrals, positive / (positive + negative + admin_closed) (DOUBLE; NULL when none is decided).
#}
{% macro nri_outcome_counts(referrals) -%}
    cast(coalesce(sum({{ referrals }}), 0) as bigint) as referrals,
    {%- for outcome, column in [('positive', 'positive'), ('negative', 'negative'),
                                ('administratively_closed', 'admin_closed'), ('pending', 'pending')] %}
        cast(coalesce(sum({{ referrals }}) filter (where outcome_as_of = '{{ outcome }}'), 0) as bigint)
            as {{ column }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{% macro nri_outcome_columns(relation) -%}
    {{ relation }}.referrals,
        {{ relation }}.positive,
        {{ relation }}.negative,
        {{ relation }}.admin_closed,
        {{ relation }}.pending,
        cast({{ relation }}.positive as double)
            / nullif({{ relation }}.positive + {{ relation }}.negative + {{ relation }}.admin_closed, 0)
            as positive_rate
{%- endmacro %}
