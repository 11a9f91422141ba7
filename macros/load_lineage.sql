{#
  load_lineage(relation=none, line=true): the load lineage every staging model carries, in one place. Every
  raw table holds the ledger's load columns (orchestration/raw/ledger.py LOAD_COLUMNS) and, for a file read
  line by line, _source_line; staging renames them, in this order:
    load_id      the load (raw._load_ledger.load_id) that landed the row
    source_file  the file it came from
    vintage      the file's vintage (data-through date; NULL when unknown)
    input_kind   'real' or 'synthetic'
    source_line  the row's physical line in the file (header = 1); only with line=true
  relation: the alias of the raw relation when the model joins (e.g. 'source'); none when it does not.
#}
{% macro load_lineage(relation=none, line=true) -%}
    {%- set prefix = relation ~ '.' if relation else '' -%}
    {%- set columns = ['load_id', 'source_file', 'vintage', 'input_kind'] + (['source_line'] if line else []) -%}
    {%- for column in columns -%}
        {{ prefix }}_{{ column }} as {{ column }}{{ ',\n        ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}
