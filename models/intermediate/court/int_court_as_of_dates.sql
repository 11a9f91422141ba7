-- The dates every court figure is evaluated at: each month-end from the inception month to the as-of
-- date (for the history mart), plus the as-of date itself (for the headline).
with

month_ends as (

    select cast(last_day(cast(month_start as date)) as date) as as_of_date
    from generate_series(
            cast(date_trunc('month', {{ mpp_event_date('inception') }}) as timestamp),
            cast({{ as_of_date() }} as timestamp),
            interval 1 month
        ) as months(month_start)

),

evaluation_dates as (

    select as_of_date from month_ends where as_of_date <= {{ as_of_date() }}
    union
    select {{ as_of_date() }} as as_of_date

),

final as (

    select
        as_of_date,
        as_of_date = last_day(as_of_date) as is_month_end,
        as_of_date = {{ as_of_date() }} as is_run_as_of
    from evaluation_dates

)

select * from final
