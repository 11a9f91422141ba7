{% macro eoir_lookup_relation(table_name, required_columns) %}
    {#-
      The raw relation of an optional EOIR release lookup (raw.<table_name>, landed from the release's
      Lookup/ folder: orchestration/eoir/release.py LOOKUP_SPECS), or none when the release did not ship it.
      Not a dbt source on purpose: a release without the lookup is valid (the models then decode with the
      seeds alone), and a source would make every dependent model wait for an asset that may never exist.
      A landed lookup lacking one of required_columns (upper-case names) is a compile error naming them.
    -#}
    {% if not execute %}
        {{ return(none) }}
    {% endif %}
    {% set relation = adapter.get_relation(database=target.database, schema='raw', identifier=table_name) %}
    {% if relation is none %}
        {{ return(none) }}
    {% endif %}
    {% set present = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('upper') | list %}
    {% set missing = required_columns | reject('in', present) | list %}
    {% if missing %}
        {{ exceptions.raise_compiler_error(
            "raw." ~ table_name ~ " (an EOIR release lookup) lacks column(s) " ~ missing | join(', ')
            ~ "; it has: " ~ present | join(', ')) }}
    {% endif %}
    {{ return(relation) }}
{% endmacro %}

{% macro eoir_lookup_column(relation, column, default='null') %}
    {#- An optional column of a landed lookup, as text; `default` (SQL) when the file lacks it. -#}
    {% set present = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('upper') | list %}
    {% if column | upper in present %}nullif(trim(cast({{ adapter.quote(column | upper) }} as varchar)), ''){% else %}{{ default }}{% endif %}
{% endmacro %}
