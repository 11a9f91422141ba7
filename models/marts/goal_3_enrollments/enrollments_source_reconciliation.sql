-- One row per calendar month x agency where either published source prints MPP enrolments by CBP (months
-- ended by the as-of date): CBP MPP pages' enrolments beside OHSS's MPP book-outs, their difference, which
-- one the headline uses (seed goal_3_source_precedence) and why they differ (rounding, book-out vs enrolment,
-- revision between OHSS vintages). Never merged: both figures stay as published.
with

by_source as (

    select * from {{ ref('enrollments_by_source_monthly') }}

),

served as (

    select month_start, agency, source as served_source
    from {{ ref('enrollments_monthly') }}

),

pivoted as (

    select
        month_start,
        any_value(period) as period,
        agency,
        max(enrollments) filter (where source = 'cbp_mpp_pages') as cbp_pages_enrollments,
        max(enrollments) filter (where source = 'ohss_monthly_tables') as ohss_book_outs,
        max(rounded_to) filter (where source = 'ohss_monthly_tables') as ohss_rounded_to,
        bool_or(is_revised) filter (where source = 'ohss_monthly_tables') as ohss_revised,
        max(first_published_value) filter (where source = 'ohss_monthly_tables') as ohss_first_published,
        any_value(mpp_phase) as mpp_phase
    from by_source
    group by month_start, agency

),

compared as (

    select
        pivoted.*,
        served.served_source,
        cbp_pages_enrollments - ohss_book_outs as difference,
        {{ rounding_tolerance('ohss_rounded_to', 0) }} as rounding_tolerance
    from pivoted
    left join served
        on pivoted.month_start = served.month_start
        and pivoted.agency = served.agency

),

final as (

    select
        month_start,
        period,
        agency,
        cbp_pages_enrollments,
        ohss_book_outs,
        difference,
        rounding_tolerance,
        difference is not null and abs(difference) <= rounding_tolerance as within_rounding,
        served_source,
        coalesce(ohss_revised, false) as ohss_revised,
        mpp_phase,
        concat_ws(' ',
            'Headline: ' || served_source || ' (seed goal_3_source_precedence).',
            case
                when difference is null and cbp_pages_enrollments is null
                    then 'Only OHSS prints this month (MPP book-outs, rounded to the nearest 10).'
                when difference is null
                    then 'Only the CBP MPP pages print this month (OHSS prints X or does not cover it).'
                when abs(difference) <= rounding_tolerance
                    then 'The difference is within OHSS rounding to the nearest 10.'
                else 'The difference exceeds rounding: OHSS counts MPP book-outs (the outcome of an encounter,'
                    || ' dated by encounter date), CBP counts enrolments by month of enrolment.'
            end,
            case
                when ohss_revised
                    then 'OHSS revised this month between vintages (first printed '
                        || ohss_first_published || ', now ' || ohss_book_outs || ').'
            end
        ) as explanation
    from compared

)

select * from final
