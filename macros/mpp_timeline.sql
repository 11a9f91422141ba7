{#
  mpp_event_date(event_id): the date of one dated MPP event of the seed mpp_timeline (DOMAIN.md "Timeline"),
  as a scalar DATE subquery; 'inception' (2019-01-28) is the first day an NTA can count for an MPP case.
  The one place a model reads an event date: every "since inception" filter and series starts from it.
  A model using it depends on the seed through the ref() inside.
#}
{% macro mpp_event_date(event_id) -%}
    (
        select cast(event_date as date)
        from {{ ref('mpp_timeline') }}
        where event_id = '{{ event_id }}'
    )
{%- endmacro %}
