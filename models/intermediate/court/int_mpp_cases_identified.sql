with

cases as (

    select * from {{ ref('stg_eoir__cases') }}

),

case_identifiers as (

    select * from {{ ref('stg_eoir__case_identifiers') }}

),

proceedings as (

    select * from {{ ref('stg_eoir__proceedings') }}

),

hearings as (

    select * from {{ ref('stg_eoir__hearings') }}

),

identifier_codes as (

    select * from {{ ref('mpp_case_identifier_codes') }}

),

hearing_locations as (

    select * from {{ ref('mpp_hearing_locations') }}

),

case_types as (

    select * from {{ ref('eoir_case_types') }}

),

mpp_locations as (

    select hearing_loc_code
    from hearing_locations
    where counts_as_mpp and not is_test_location

),

via_identifier as (

    select distinct case_identifiers.case_id
    from case_identifiers
    inner join identifier_codes
        on case_identifiers.case_identifier_code = identifier_codes.case_identifier_code
    where identifier_codes.is_mpp_marker

),

via_proceeding_location as (

    -- the MPP location of the case's first proceeding held at one
    select
        proceedings.case_id,
        arg_min(proceedings.hearing_loc_code, proceedings.proceeding_id) as hearing_loc_code
    from proceedings
    inner join mpp_locations on proceedings.hearing_loc_code = mpp_locations.hearing_loc_code
    group by proceedings.case_id

),

via_schedule_location as (

    -- the MPP location of the case's earliest hearing held at one (by date, then hearing id)
    select
        case_id,
        hearing_loc_code
    from (
        select
            hearings.case_id,
            hearings.hearing_loc_code,
            row_number() over (
                partition by hearings.case_id
                order by hearings.hearing_date nulls last, hearings.hearing_id
            ) as hearing_order
        from hearings
        inner join mpp_locations on hearings.hearing_loc_code = mpp_locations.hearing_loc_code
    )
    where hearing_order = 1

),

first_proceedings as (

    -- enrollment = the NTA of the case's first proceeding (lowest IDNPROCEEDING)
    select *
    from (
        select
            proceedings.*,
            row_number() over (partition by proceedings.case_id order by proceedings.proceeding_id) as proceeding_order
        from proceedings
    )
    where proceeding_order = 1

),

candidates as (

    select case_id from via_identifier
    union
    select case_id from via_proceeding_location
    union
    select case_id from via_schedule_location

),

joined as (

    select
        candidates.case_id,
        first_proceedings.proceeding_id as first_proceeding_id,
        coalesce(cases.case_type, first_proceedings.case_type) as case_type,
        coalesce(cases.nationality_code, first_proceedings.nationality_code) as nationality_code,
        first_proceedings.nta_date as enrollment_date,
        -- the NTA is filed when EOIR creates the first proceeding record
        coalesce(first_proceedings.input_date, first_proceedings.nta_date) as nta_filed_date,
        coalesce(via_proceeding_location.hearing_loc_code, via_schedule_location.hearing_loc_code) as mpp_hearing_loc_code,
        via_identifier.case_id is not null as via_identifier,
        via_proceeding_location.case_id is not null as via_proceeding_location,
        via_schedule_location.case_id is not null as via_schedule_location
    from candidates
    inner join first_proceedings on candidates.case_id = first_proceedings.case_id
    left join cases on candidates.case_id = cases.case_id
    left join via_identifier on candidates.case_id = via_identifier.case_id
    left join via_proceeding_location on candidates.case_id = via_proceeding_location.case_id
    left join via_schedule_location on candidates.case_id = via_schedule_location.case_id

),

final as (

    select
        joined.case_id,
        joined.first_proceeding_id,
        joined.case_type,
        joined.nationality_code,
        joined.enrollment_date,
        strftime(joined.enrollment_date, '%Y-%m') as enrollment_month,
        joined.nta_filed_date,
        joined.mpp_hearing_loc_code,
        joined.via_identifier,
        joined.via_proceeding_location,
        joined.via_schedule_location
    from joined
    inner join case_types on joined.case_type = case_types.case_type
    where case_types.is_removal
        and joined.enrollment_date >= {{ mpp_event_date('inception') }}
        and joined.nta_filed_date <= {{ as_of_date() }}

)

select * from final
