-- The CBP PDF "U.S. Border Patrol Monthly Encounters FY2000-FY2020" prints, on every month's row, the sum of
-- each border's sectors (southwest_border, northern_border, coastal_border) and their sum (monthly_total).
-- All 252 rows of the published file add up exactly, so a row that does not is a broken row: a dropped,
-- scaled, zeroed or swapped sector count. Fails with each such row and the differences.
with

source as (

    select * from {{ source('cbp', 'cbp_usbp_monthly_encounters_sector') }}

),

counts as (

    select
        fy,
        month,
        {% for col in ['big_bend', 'del_rio', 'el_centro', 'el_paso', 'laredo', 'rio_grande_valley', 'san_diego',
                       'tucson', 'yuma', 'blaine', 'buffalo', 'detroit', 'grand_forks', 'havre', 'houlton',
                       'spokane', 'swanton', 'livermore', 'miami', 'new_orleans', 'ramey', 'southwest_border',
                       'northern_border', 'coastal_border', 'monthly_total'] -%}
        try_cast(replace(trim({{ col }}), ',', '') as bigint) as {{ col }}{{ ',' if not loop.last }}
        {% endfor %}
    from source

),

differences as (

    select
        fy,
        month,
        big_bend + del_rio + el_centro + el_paso + laredo + rio_grande_valley + san_diego + tucson + yuma
            - southwest_border as southwest_difference,
        blaine + buffalo + detroit + grand_forks + havre + houlton + spokane + swanton
            - northern_border as northern_difference,
        livermore + miami + new_orleans + ramey - coastal_border as coastal_difference,
        southwest_border + northern_border + coastal_border - monthly_total as total_difference
    from counts

)

select * from differences
where coalesce(southwest_difference, 1) <> 0 or coalesce(northern_difference, 1) <> 0
    or coalesce(coastal_difference, 1) <> 0 or coalesce(total_difference, 1) <> 0
