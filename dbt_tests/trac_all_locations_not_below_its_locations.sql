-- TRAC's printed all-locations count of a month covers every MPP hearing location, so it is at least the
-- sum of the five locations printed beside it (it may be more: other locations are not printed). A total
-- below its parts is a broken row (a scaled, zeroed or swapped count). Fails with each such month.
with

trac as (

    select * from {{ ref('stg_trac__mpp_court_cases_by_location') }}

),

months as (

    select
        month_start,
        sum(new_court_cases) filter (where is_printed_total) as all_locations,
        sum(new_court_cases) filter (where not is_printed_total) as listed_locations
    from trac
    group by month_start

)

select * from months
where all_locations < listed_locations
