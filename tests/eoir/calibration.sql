-- MPP calibration counts over the raw EOIR tables (as of 2020-12-31), plain SQL, used by the generator test.
with mpp_locs(code) as (values ('SYP'), ('OPP'), ('CIX'), ('ENP'), ('MPL'), ('MPB'), ('TUM')),
flag_id as (select distinct IDNCASE from raw.eoir_a_tblcaseidentifier where CASE_ID in ('MP', 'RM')),
flag_loc as (
    select IDNCASE from raw.eoir_b_tblproceeding where HEARING_LOC_CODE in (select code from mpp_locs)
    union select IDNCASE from raw.eoir_tbl_schedule where HEARING_LOC_CODE in (select code from mpp_locs)
),
first_proc as (
    select IDNCASE, arg_min(cast(left(OSC_DATE, 10) as date), cast(IDNPROCEEDING as bigint)) as nta
    from raw.eoir_b_tblproceeding group by 1
),
mpp as (
    select c.IDNCASE, f.nta from raw.eoir_a_tblcase c join first_proc f using (IDNCASE)
    where c.CASE_TYPE = 'RMV' and f.nta between date '2019-01-28' and date '2021-01-31'
      and (c.IDNCASE in (select IDNCASE from flag_id) or c.IDNCASE in (select IDNCASE from flag_loc))
),
completions as (
    select p.IDNCASE, cast(p.IDNPROCEEDING as bigint) as idn, cast(left(p.COMP_DATE, 10) as date) as comp,
           p.DEC_CODE, p.OTHER_COMP, p.ABSENTIA
    from raw.eoir_b_tblproceeding p join mpp using (IDNCASE)
    where cast(left(p.COMP_DATE, 10) as date) <= date '2020-12-31'
      and (p.DEC_CODE is not null or (p.OTHER_COMP is not null and p.OTHER_COMP not in ('C', 'T')))
),
initial as (select * from completions qualify row_number() over (partition by IDNCASE order by comp, idn) = 1),
relief as (
    select distinct a.IDNCASE from raw.eoir_tbl_court_appln a
    join completions c on c.idn = cast(a.IDNPROCEEDING as bigint)
    where a.APPL_CODE in ('ASYL', 'ASYW', 'WCAT') and a.APPL_DEC in ('G', 'F', 'C', 'I', 'P', 'L')
)
select
    (select count(*) from mpp) as enrolled,
    (select count(*) from mpp where nta <= date '2019-07-31') as enrolled_2019_07,
    (select count(*) from mpp where nta <= date '2019-12-31') as enrolled_2019_12,
    (select count(*) from initial) as initial_completions,
    (select count(*) from initial where DEC_CODE = 'X') as removal_orders,
    (select count(*) from initial where DEC_CODE = 'X' and ABSENTIA = 'Y') as in_absentia,
    (select count(*) from relief) as relief_cases
