-- One row per source that serves a headline figure: what it covers, and whether it covers the as-of date.
-- Two kinds of source (column coverage_kind):
-- - as_of_snapshot: the source is a snapshot of case records (EOIR release, USCIS NRI extract); its figures
--   are counts as known on the as-of date, so it covers an as-of date up to the day it was extracted
--   (covered_through = its vintage; for an NRI extract without a vintage, its latest referral or
--   interview date). A figure from it as of a later date would count as settled what it cannot know.
-- - monthly: published monthly counts (CBP encounter extracts, CBP MPP pages, USCIS' published referral
--   counts); a month's figure exists only where the source has that month (covered_from .. covered_through
--   = its first and last month), so it never stands in for a month it lacks.
with

proceedings as (

    select * from {{ ref('stg_eoir__proceedings') }}

),

nri as (

    select * from {{ ref('stg_uscis__nri_referrals') }}

),

encounters as (

    select * from {{ ref('swb_encounters_by_source_monthly') }}

),

enrollments as (

    select * from {{ ref('cbp_page_enrollments_monthly') }}
    where cbp_enrollments is not null

),

ohss_book_outs as (

    select * from {{ ref('stg_ohss__swb_book_outs') }}
    where outcome_id = 'migrant_protection_protocols'
      and not is_fiscal_year_total
      and book_outs is not null

),

published_referrals as (

    select * from {{ ref('nri_referrals_monthly') }}
    where published_referrals is not null

),

snapshots as (

    select
        'eoir_release' as source,
        'as_of_snapshot' as coverage_kind,
        cast(null as date) as covered_from,
        max(vintage) as covered_through,
        'EOIR release vintage (the date the release was extracted)' as basis
    from proceedings

    union all

    select
        'uscis_nri_extract',
        'as_of_snapshot',
        cast(null as date),
        coalesce(max(vintage), greatest(max(referral_date), max(interview_date))),
        case when max(vintage) is not null then 'USCIS NRI extract vintage'
             else 'latest referral or interview date in the USCIS NRI extract (no vintage recorded)' end
    from nri

),

monthly as (

    select
        source_table as source,
        'monthly' as coverage_kind,
        min(month_start) as covered_from,
        last_day(max(month_start)) as covered_through,
        'months in the CBP encounter extract (newest vintage per month)' as basis
    from encounters
    group by source_table

    union all

    select 'cbp_mpp_pages', 'monthly', min(month_start), last_day(max(month_start)),
           'months of MPP enrollments printed on CBP''s MPP pages'
    from enrollments
    having count(*) > 0

    union all

    select 'ohss_monthly_tables', 'monthly', min(month_start), last_day(max(month_start)),
           'months of MPP book-outs printed in the DHS OHSS monthly tables (newest vintage per month)'
    from ohss_book_outs
    having count(*) > 0

    union all

    select 'uscis_published_referrals', 'monthly', min(month_start), last_day(max(month_start)),
           'months whose NRI referral count USCIS published (CBP''s MPP pages)'
    from published_referrals
    having count(*) > 0

),

final as (

    select
        cast(source as varchar) as source,
        cast(coverage_kind as varchar) as coverage_kind,
        cast(covered_from as date) as covered_from,
        cast(covered_through as date) as covered_through,
        cast(basis as varchar) as basis,
        {{ as_of_date() }} as as_of_date,
        coalesce(covered_through >= {{ as_of_date() }}, false) as covers_as_of
    from (select * from snapshots union all select * from monthly)

)

select * from final
