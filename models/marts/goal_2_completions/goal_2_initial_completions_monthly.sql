with

case_outcomes as (

    select * from {{ ref('mpp_case_outcomes') }}

),

final as (

    select
        initial_completion_month as completion_month,
        coalesce(completion_hearing_loc_code, 'UNKNOWN') as completion_hearing_loc_code,
        coalesce(nationality_code, 'UNKNOWN') as nationality_code,
        cast(count(*) as bigint) as initial_completions,
        cast(count(*) filter (where outcome_bucket = 'removal_order') as bigint) as removal_orders,
        cast(count(*) filter (where outcome_bucket = 'removal_order' and is_in_absentia) as bigint) as removal_orders_in_absentia,
        cast(count(*) filter (where outcome_bucket = 'voluntary_departure') as bigint) as voluntary_departures,
        cast(count(*) filter (where outcome_bucket = 'termination') as bigint) as terminations,
        cast(count(*) filter (where outcome_bucket = 'relief_granted') as bigint) as relief_granted,
        cast(count(*) filter (where outcome_bucket = 'dismissal') as bigint) as dismissals,
        cast(count(*) filter (where outcome_bucket = 'administrative_closure') as bigint) as administrative_closures,
        cast(count(*) filter (where outcome_bucket = 'other') as bigint) as other_completions,
        {{ as_of_date() }} as as_of_date,
        {{ court_variant('admin_closures_are_completions') }} as admin_closures_are_completions
    from case_outcomes
    where not is_pending
    group by all

)

select * from final
