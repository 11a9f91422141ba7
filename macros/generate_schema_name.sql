{#
  Schemas read raw / seeds / staging / intermediate / marts, not dbt's default <target>_<custom>.
  A model without a custom schema lands in the target schema (main).
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
