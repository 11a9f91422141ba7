{#
  Court-side open choices (DOMAIN.md "Open questions"), as dbt vars declared in dbt_project.yml:
    admin_closures_are_completions  (default true)  an administrative closure (OTHER_COMP A, K, M, Y, B)
                                                    completes a proceeding
    relief_after_reopening_counts   (default true)  a relief grant on a subsequent completion (after
                                                    reopening, recalendaring or remand) counts for goal 1a

  court_variant(name): the var as a SQL boolean literal (true / false). Accepts YAML booleans and the
  strings true/false (any case); anything else is a compilation error, so a typo never changes a figure.
#}
{% macro court_variant(name) -%}
    {%- set allowed = ['admin_closures_are_completions', 'relief_after_reopening_counts'] -%}
    {%- if name not in allowed -%}
        {{ exceptions.raise_compiler_error("unknown court variant: " ~ name) }}
    {%- endif -%}
    {%- set value = var(name) -%}
    {%- if value is sameas true or (value is string and value | lower == 'true') -%}
        true
    {%- elif value is sameas false or (value is string and value | lower == 'false') -%}
        false
    {%- else -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " must be true or false, got: " ~ value) }}
    {%- endif -%}
{%- endmacro %}
