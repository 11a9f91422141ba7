{#-
  One row per calendar month: CBP's published MPP enrollments beside court-side MPP cases with an NTA
  filed in the month.

  Court side: ref('court_headline_metrics') rows with metric_id = 'g3_enrolled_nta_filed' and a 'YYYY-MM'
  period (MPP cases with an NTA filed in the month, as of the as-of date).
  The real TRAC 2019 series (NTAs filed per month, Jan-Jul 2019) is always shown as a second court-side
  reference. Every month is on or before the as-of date: the CBP and TRAC series hold months that ended by
  then (macro month_closed_as_of; cbp_page_enrollments_monthly is cut already), the court side months up to it.
-#}
with

cbp as (

    select * from {{ ref('cbp_page_enrollments_monthly') }}

),

trac as (

    select
        month_start,
        new_court_cases as trac_new_court_cases,
        vintage as trac_vintage
    from {{ ref('stg_trac__mpp_court_cases_by_location') }}
    where is_printed_total
      and {{ month_closed_as_of('month_start') }}

),

court as (

    select
        cast(strptime(period, '%Y-%m') as date) as month_start,
        cast(value as bigint) as court_nta_filed_cases,
        input_kind as court_input_kind
    from {{ ref('court_headline_metrics') }}
    where metric_id = 'g3_enrolled_nta_filed'
      and regexp_full_match(period, '[0-9]{4}-[0-9]{2}')
      and strptime(period, '%Y-%m') <= {{ as_of_date() }}

),

months as (

    select month_start from cbp
    union
    select month_start from trac
    union
    select month_start from court

),

joined as (

    select
        months.month_start,
        cbp.cbp_enrollments,
        court.court_nta_filed_cases,
        trac.trac_new_court_cases,
        cbp.page_versions as cbp_page_versions,
        cbp.vintage as cbp_vintage,
        cbp.input_kind as cbp_input_kind,
        court.court_input_kind,
        trac.trac_vintage
    from months
    left join cbp on months.month_start = cbp.month_start
    left join court on months.month_start = court.month_start
    left join trac on months.month_start = trac.month_start

),

final as (

    select
        month_start,
        strftime(month_start, '%Y-%m') as period,
        cbp_enrollments,
        court_nta_filed_cases,
        cbp_enrollments - court_nta_filed_cases as cbp_minus_court,
        trac_new_court_cases,
        court_nta_filed_cases is not null as court_side_available,
        cbp_input_kind,
        court_input_kind,
        cbp_vintage,
        concat_ws(' ',
            'Not the same count:',
            'CBP counts people enrolled in MPP, by month of enrollment (printed CBP total'
                || coalesce(', page ' || cbp_page_versions, '') || coalesce(', vintage ' || cbp_vintage, '') || ');',
            'the court side counts EOIR cases with an NTA filed, by month of the NTA (OSC_DATE of the first proceeding) -'
                || ' one case per charging document, filed days to weeks after enrollment, so months shift and'
                || ' family members may be separate cases;',
            case
                when court_nta_filed_cases is not null
                    then 'court figure from ' || court_input_kind || ' EOIR data as of '
                        || strftime({{ as_of_date() }}, '%Y-%m-%d') || ';'
                else 'no court-side figure for this month;'
            end,
            case
                when trac_new_court_cases is not null
                    then 'TRAC (real, vintage ' || trac_vintage || ') counted new MPP court cases from EOIR records.'
            end
        ) as explanation
    from joined

)

select * from final
