-- The release's own tblLookupCourtDecision (Lookup/), one row per (case type, decision type, code): the
-- real table carries active and inactive duplicates of a key; the active row wins, then the most recently
-- modified, then the highest idnCourtDecision. Empty when the release has no such lookup.
{%- set lookup = eoir_lookup_relation('eoir_lookup_courtdecision', ['STRCASETYPE', 'STRDECCODE', 'STRDECTYPE']) %}

{% if lookup is none %}

select
    cast(null as varchar) as case_type,
    cast(null as varchar) as decision_type,
    cast(null as varchar) as code_field,
    cast(null as varchar) as code,
    cast(null as varchar) as description,
    cast(null as varchar) as final_disposition,
    cast(null as boolean) as is_active,
    cast(null as bigint) as key_rows
where false

{% else %}

with

source as (

    select
        upper(trim(STRCASETYPE)) as case_type,
        upper(trim(STRDECTYPE)) as decision_type,
        upper(trim(STRDECCODE)) as code,
        {{ eoir_lookup_column(lookup, 'STRDECDESCRIPTION') }} as description,
        {{ eoir_lookup_column(lookup, 'STRFINALDISPOSITION') }} as final_disposition,
        -- blnActive is 1/0 (True/False in some exports); a file without the column has only active rows
        coalesce(upper({{ eoir_lookup_column(lookup, 'BLNACTIVE') }}) in ('1', 'TRUE', 'T', 'Y', 'YES'), true) as is_active,
        {{ eoir_date(eoir_lookup_column(lookup, 'DATMODIFIEDON')) }} as modified_on,
        try_cast({{ eoir_lookup_column(lookup, 'IDNCOURTDECISION') }} as bigint) as lookup_id
    from {{ lookup }}
    where nullif(trim(STRDECCODE), '') is not null

),

ranked as (

    select
        *,
        row_number() over (
            partition by case_type, decision_type, code
            order by is_active desc, modified_on desc nulls last, lookup_id desc nulls last
        ) as key_order,
        count(*) over (partition by case_type, decision_type, code) as key_rows
    from source

)

select
    case_type,
    decision_type,
    case decision_type when 'C' then 'DEC_CODE' when 'O' then 'OTHER_COMP' end as code_field,
    code,
    description,
    final_disposition,
    is_active,
    key_rows
from ranked
where key_order = 1

{% endif %}
