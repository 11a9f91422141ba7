-- One row per calendar month from the first to the last month with an NRI referral or disenrollment on or
-- before the as-of date: referrals by outcome (as of the as-of date, by referral month), positive rate,
-- disenrollments (positive NRIs by month of the interview), running totals, and the published monthly
-- referral count from CBP's MPP page beside the extract's count.
with

referrals as (

    select * from {{ ref('int_nri_referrals_as_of') }}

),

by_outcome as (

    select * from {{ ref('nri_referrals_by_outcome_monthly') }}

),

published as (

    -- latest page version printing the month wins (page_version sorts fy2020 < fy2021_*)
    select
        month_start,
        arg_max(value, page_version) as published_referrals
    from {{ ref('int_cbp_mpp_rows_classified') }}
    where table_name = 'uscis_mpp_fear_assessment_referrals'
      and row_kind = 'series_total'
    group by month_start

),

disenrollments as (

    select
        disenrollment_month as month_start,
        count(*) as disenrollments
    from referrals
    where disenrollment_month is not null
    group by all

),

basis as (

    select
        referral_month as month_start,
        case
            when count(count_basis) = 0 then null
            when count(distinct count_basis) = 1 then min(count_basis)
            else 'mixed'
        end as count_basis,
        case when bool_or(input_kind = 'synthetic') then 'synthetic' else 'real' end as input_kind
    from referrals
    group by all

),

month_bounds as (

    select min(month_start) as first_month, max(month_start) as last_month
    from (select month_start from basis union all select month_start from disenrollments)

),

months as (

    select cast(generate_series as date) as month_start
    from month_bounds, generate_series(first_month, last_month, interval 1 month)

),

wide as (

    select
        months.month_start,
        {{ nri_outcome_counts('by_outcome.referrals') }}
    from months
    left join by_outcome on months.month_start = by_outcome.month_start
    group by months.month_start

),

final as (

    select
        wide.month_start,
        strftime(wide.month_start, '%Y-%m') as period,
        {{ nri_outcome_columns('wide') }},
        cast(coalesce(disenrollments.disenrollments, 0) as bigint) as disenrollments,
        cast(sum(wide.referrals) over (order by wide.month_start) as bigint) as cumulative_referrals,
        cast(sum(wide.positive) over (order by wide.month_start) as bigint) as cumulative_positive,
        cast(sum(coalesce(disenrollments.disenrollments, 0)) over (order by wide.month_start) as bigint)
            as cumulative_disenrollments,
        published.published_referrals,
        cast(wide.referrals - published.published_referrals as bigint) as referrals_minus_published,
        basis.count_basis,
        coalesce(basis.input_kind, 'real') as input_kind
    from wide
    left join disenrollments on wide.month_start = disenrollments.month_start
    left join published on wide.month_start = published.month_start
    left join basis on wide.month_start = basis.month_start

)

select * from final
