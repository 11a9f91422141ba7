-- One row per USCIS non-refoulement interview (NRI) referral, typed. The reader
-- (orchestration/uscis/nri.py) has already validated formats, so the casts here cannot fail on loaded rows.
with

source as (

    select * from {{ source('uscis', 'uscis_nri_referrals') }}

),

renamed as (

    select
        -- ids
        trim(referral_id) as referral_id,
        trim(subject_id) as subject_id,
        cast(nullif(trim(idncase), '') as bigint) as idncase,

        -- dates
        cast(nullif(trim(referral_date), '') as date) as referral_date,
        cast(nullif(trim(interview_date), '') as date) as interview_date,

        -- codes
        nullif(lower(trim(outcome)), '') as outcome,
        nullif(upper(trim(component)), '') as component,
        nullif(trim(port_or_sector), '') as port_or_sector,
        nullif(upper(trim(nationality)), '') as nationality,
        nullif(lower(trim(count_basis)), '') as count_basis,

        -- provenance
        upper(coalesce(trim(data_origin), '')) = 'SYNTHETIC' or _input_kind = 'synthetic' as is_synthetic,
        {{ load_lineage(line=false) }}

    from source

),

final as (

    select * from renamed

)

select * from final
