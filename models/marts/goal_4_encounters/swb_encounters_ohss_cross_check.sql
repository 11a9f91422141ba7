-- One row per calendar month of the goal-4 series (swb_encounters_monthly, months ended by the as-of date)
-- beside DHS OHSS's rounded SW border encounters (sheet "SWB Enc by Sector+Field Ofc", Total CBP / Total
-- USBP / Total OFO): the differences and whether rounding to the nearest 10 explains them (macro
-- rounding_tolerance, one rounded cell). OHSS reads CBP's records from its own dataset with its own rules,
-- so a larger difference is reported, not an error; a month OHSS does not cover has NULL OHSS columns.
with

goal_4 as (

    select * from {{ ref('swb_encounters_monthly') }}

),

ohss as (

    select
        month_start,
        max(encounters) filter (where agency = 'CBP' and location_label = 'Total CBP') as ohss_encounters,
        max(encounters) filter (where agency = 'USBP' and location_label = 'Total USBP') as ohss_usbp_encounters,
        max(encounters) filter (where agency = 'OFO' and location_label = 'Total OFO') as ohss_ofo_encounters,
        max(rounded_to) as ohss_rounded_to,
        max(vintage) as ohss_vintage
    from {{ ref('stg_ohss__swb_encounters_by_location') }}
    where is_agency_total
    group by month_start

),

final as (

    select
        goal_4.month_start,
        goal_4.period,
        goal_4.encounters,
        ohss.ohss_encounters,
        goal_4.encounters - ohss.ohss_encounters as difference,
        goal_4.usbp_encounters - ohss.ohss_usbp_encounters as usbp_difference,
        goal_4.ofo_encounters - ohss.ohss_ofo_encounters as ofo_difference,
        {{ rounding_tolerance('ohss.ohss_rounded_to', 0) }} as rounding_tolerance,
        abs(goal_4.encounters - ohss.ohss_encounters)
            <= {{ rounding_tolerance('ohss.ohss_rounded_to', 0) }} as within_rounding,
        ohss.ohss_vintage
    from goal_4
    left join ohss on goal_4.month_start = ohss.month_start

)

select * from final
