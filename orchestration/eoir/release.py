"""EOIR "Case Data" release layout: table specs and locating the files of a release.

A *release* is a folder of files or a ``.zip`` of them, as EOIR publishes "EOIR Case Data.zip".
Files may sit at the root or inside one top-level folder; file names and column names match
case-insensitively. Lookup tables live in a ``Lookup/`` sub-folder (``Lookup/tblLookupHloc.csv`` ...).

Required tables (:data:`REQUIRED_TABLES`) and their raw DuckDB tables:

=====================  ===========================  ==================================
file                   raw table                    grain
=====================  ===========================  ==================================
A_TblCase.csv          raw.eoir_a_tblcase           one row per case (IDNCASE)
A_TblCaseIdentifier    raw.eoir_a_tblcaseidentifier 0..n case flags (IDNCASEID)
B_TblProceeding.csv    raw.eoir_b_tblproceeding     one row per proceeding (IDNPROCEEDING)
tbl_Court_Appln.csv    raw.eoir_tbl_court_appln     one row per application (IDNPROCEEDINGAPPLN)
tbl_schedule.csv       raw.eoir_tbl_schedule        one row per hearing (IDNSCHEDULE)
=====================  ===========================  ==================================

Lookup tables ``tblLookupXxx.csv`` / ``tblLookUpXxx.csv`` land in ``raw.eoir_lookup_xxx`` (lower-cased,
prefix removed, e.g. ``raw.eoir_lookup_hloc``); their columns are whatever their header says. The other
lookups the models need (:data:`LOOKUP_SPECS`: ``Lookup/tblLanguage.csv``, ``Lookup/tblDecCode.csv``) land
the same way (``raw.eoir_lookup_language``). Every lookup is optional.

Column lists come from the published metadata (``deportationdata/eoir`` ``variable_types.csv``, cross-checked
with ``marrowb/eoir`` ``table-dtypes/*.json``; see ``shared/data/MANIFEST.md`` section B) and are
embedded here so that a run does not depend on those files. Published header spelling is kept in
:attr:`TableSpec.published`; raw column names are the header upper-cased (``Sex`` -> ``SEX``).

Date columns are those typed Date in ``variable_types.csv`` *and* ``timestamp`` in the marrowb dtypes;
``UP_BOND_DATE``, ``DETENTION_DATE`` (free text in the real data) and ``C_BIRTHDATE`` (``MM/YYYY``) are
typed Date by one source only and are treated as text.

Columns renamed between releases: ``column_aliases.csv`` beside this module (a seed-like table: ``table,
canonical, alias, evidence``) maps every known old/new name of a field to one canonical raw column. E.g.
``A_TblCase`` gender is ``Sex`` in the deportationdata column list and ``GENDER`` in the marrowb schema: either
header lands in raw column ``SEX``; a header with both, or (for a needed field) neither, is an error.

Primary keys (:attr:`TableSpec.key`): IDNCASE, IDNCASEID, IDNPROCEEDING, IDNPROCEEDINGAPPLN, IDNSCHEDULE.
The reader quarantines rows whose key is empty, not digits or repeated with different values, and diffs
each release against the previous one by key (orchestration/eoir/diff.py).
"""

from __future__ import annotations

import csv
import json
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Self

#: Name of the marker file the synthetic generator writes at the release root.
SYNTHETIC_MARKER = "_SYNTHETIC_RELEASE.json"
#: Name of the publisher's row-count file at the release root: one line per table, ``<table>\t<rows>``.
COUNT_FILE = "Count.txt"

#: Release lineages by input kind: a release is diffed only against the previous load of its own lineage
#: (orchestration/eoir/diff.py). EOIR publishes one series of real releases; the generator makes the other.
LINEAGES = {"real": "real: EOIR FOIA case data", "synthetic": "synthetic: mpp-metrics generator"}


def release_lineage(input_kind: str) -> str:
    """The lineage of a release of this input kind ('real' | 'synthetic'), e.g. ``'real: EOIR FOIA case data'``."""
    return LINEAGES[input_kind]


@dataclass(frozen=True)
class TableSpec:
    """What the project expects of one EOIR table file.

    name:          published table name, e.g. ``A_TblCase`` (file ``A_TblCase.csv``).
    raw_table:     DuckDB table name inside schema ``raw`` (no schema prefix), e.g. ``eoir_a_tblcase``.
    published:     published column names, in published order (original spelling).
    date_columns:  upper-cased names of columns holding ``YYYY-MM-DD 00:00:00.000`` dates.
    id_columns:    upper-cased names of numeric id columns (digits only).
    needed:        upper-cased names the project needs; a file lacking one is rejected.
    used:          upper-cased names the models read (``needed`` plus optional ones such as the schedule's ``CAL_TYPE``): the
                   columns landed by default (``models/staging/eoir/_eoir__sources.yml`` declares exactly
                   these; a test keeps the two equal). Loading with ``all_columns=True`` lands every column.
    required:      True for the five required tables, False for lookups.
    key:           upper-cased primary key column (digits, unique per release), None for lookups.
    """

    name: str
    raw_table: str
    published: tuple[str, ...] = ()
    date_columns: frozenset[str] = frozenset()
    id_columns: frozenset[str] = frozenset()
    needed: tuple[str, ...] = ()
    used: tuple[str, ...] = ()
    required: bool = True
    key: str | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        """Published columns upper-cased (the raw column names), in published order."""
        return tuple(c.upper() for c in self.published)

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"


def _spec(name, published, dates, ids, needed, optional_used=()) -> TableSpec:
    return TableSpec(
        name=name,
        raw_table=f"eoir_{name.lower()}",
        published=tuple(published),
        date_columns=frozenset(dates),
        id_columns=frozenset(ids),
        needed=tuple(needed),
        used=tuple(needed) + tuple(optional_used),
        key=ids[0],
    )


A_TBLCASE = _spec(
    "A_TblCase",
    ["IDNCASE", "ALIEN_CITY", "ALIEN_STATE", "ALIEN_ZIPCODE", "UPDATED_ZIPCODE", "UPDATED_CITY", "NAT",
     "LANG", "CUSTODY", "SITE_TYPE", "E_28_DATE", "ATTY_NBR", "CASE_TYPE", "UPDATE_SITE", "LATEST_HEARING",
     "LATEST_TIME", "LATEST_CAL_TYPE", "UP_BOND_DATE", "UP_BOND_RSN", "CORRECTIONAL_FAC", "RELEASE_MONTH",
     "RELEASE_YEAR", "INMATE_HOUSING", "DATE_OF_ENTRY", "C_ASY_TYPE", "C_BIRTHDATE", "C_RELEASE_DATE",
     "UPDATED_STATE", "ADDRESS_CHANGEDON", "ZBOND_MRG_FLAG", "Sex", "DATE_DETAINED", "DATE_RELEASED", "LPR",
     "DETENTION_DATE", "DETENTION_LOCATION", "DCO_LOCATION", "DETENTION_FACILITY_TYPE", "CASEPRIORITY_CODE"],
    ["E_28_DATE", "LATEST_HEARING", "DATE_OF_ENTRY", "C_RELEASE_DATE", "ADDRESS_CHANGEDON", "DATE_DETAINED",
     "DATE_RELEASED"],
    ["IDNCASE"],
    ["IDNCASE", "NAT", "LANG", "CUSTODY", "CASE_TYPE", "DATE_OF_ENTRY", "SEX"],
)
A_TBLCASEIDENTIFIER = _spec(
    "A_TblCaseIdentifier", ["IDNCASEID", "IDNCASE", "CASE_ID"], [], ["IDNCASEID", "IDNCASE"],
    ["IDNCASEID", "IDNCASE", "CASE_ID"],
)
B_TBLPROCEEDING = _spec(
    "B_TblProceeding",
    ["IDNPROCEEDING", "IDNCASE", "OSC_DATE", "INPUT_DATE", "BASE_CITY_CODE", "HEARING_LOC_CODE", "IJ_CODE",
     "TRANS_IN_DATE", "PREV_HEARING_LOC", "PREV_HEARING_BASE", "PREV_IJ_CODE", "TRANS_NBR", "HEARING_DATE",
     "HEARING_TIME", "DEC_TYPE", "DEC_CODE", "DEPORTED_1", "DEPORTED_2", "OTHER_COMP", "APPEAL_RSVD",
     "APPEAL_NOT_FILED", "COMP_DATE", "ABSENTIA", "VENUE_CHG_GRANTED", "TRANSFER_TO", "DATE_APPEAL_DUE_STATUS",
     "TRANSFER_STATUS", "CUSTODY", "CASE_TYPE", "NAT", "LANG", "SCHEDULED_HEAR_LOC", "CORRECTIONAL_FAC",
     "CRIM_IND", "IHP", "AGGRAVATE_FELON", "DATE_DETAINED", "DATE_RELEASED"],
    ["OSC_DATE", "INPUT_DATE", "TRANS_IN_DATE", "HEARING_DATE", "COMP_DATE", "VENUE_CHG_GRANTED",
     "DATE_APPEAL_DUE_STATUS", "DATE_DETAINED", "DATE_RELEASED"],
    ["IDNPROCEEDING", "IDNCASE"],
    ["IDNPROCEEDING", "IDNCASE", "OSC_DATE", "INPUT_DATE", "BASE_CITY_CODE", "HEARING_LOC_CODE", "IJ_CODE",
     "CASE_TYPE", "NAT", "DEC_TYPE", "DEC_CODE", "OTHER_COMP", "COMP_DATE", "ABSENTIA"],
)
TBL_COURT_APPLN = _spec(
    "tbl_Court_Appln",
    ["IDNPROCEEDINGAPPLN", "IDNPROCEEDING", "IDNCASE", "APPL_CODE", "APPL_RECD_DATE", "APPL_DEC"],
    ["APPL_RECD_DATE"],
    ["IDNPROCEEDINGAPPLN", "IDNPROCEEDING", "IDNCASE"],
    ["IDNPROCEEDINGAPPLN", "IDNPROCEEDING", "IDNCASE", "APPL_CODE", "APPL_RECD_DATE", "APPL_DEC"],
)
TBL_SCHEDULE = _spec(
    "tbl_schedule",
    ["IDNSCHEDULE", "IDNPROCEEDING", "IDNCASE", "OSC_DATE", "GENERATION", "SUB_GENERATION", "REC_TYPE", "LANG",
     "HEARING_LOC_CODE", "BASE_CITY_CODE", "IJ_CODE", "INTERPRETER_CODE", "INPUT_DATE", "INPUT_TIME",
     "UPDATE_DATE", "UPDATE_TIME", "ASSIGNMENT_PATH", "CAL_TYPE", "ADJ_DATE", "ADJ_TIME_START", "ADJ_TIME_STOP",
     "ADJ_RSN", "ADJ_MEDIUM", "ADJ_MSG", "ADJ_ELAP_DAYS", "LNGSESSNID", "SCHEDULE_TYPE", "NOTICE_CODE",
     "BLNCLOCKOVERRIDE", "EOIRAttorneyID"],
    ["OSC_DATE", "INPUT_DATE", "UPDATE_DATE", "ADJ_DATE"],
    ["IDNSCHEDULE", "IDNPROCEEDING", "IDNCASE", "LNGSESSNID"],
    ["IDNSCHEDULE", "IDNPROCEEDING", "IDNCASE", "HEARING_LOC_CODE", "ADJ_DATE"],
    ["BASE_CITY_CODE", "CAL_TYPE"],
)

#: The five tables every release must contain, in load order.
REQUIRED_TABLES: tuple[TableSpec, ...] = (A_TBLCASE, A_TBLCASEIDENTIFIER, B_TBLPROCEEDING, TBL_COURT_APPLN,
                                          TBL_SCHEDULE)
SPECS_BY_NAME: dict[str, TableSpec] = {s.name.lower(): s for s in REQUIRED_TABLES}

ALIASES_CSV = Path(__file__).with_name("column_aliases.csv")


def load_column_aliases(path: Path = ALIASES_CSV) -> dict[str, dict[str, tuple[str, ...]]]:
    """``{table name lower-cased: {CANONICAL: (ALIAS, ...)}}`` from ``column_aliases.csv`` (upper-cased).

    Raises :class:`ValueError` when an alias is listed for two canonical names of one table.
    """
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    seen: dict[tuple[str, str], str] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            table, canonical, alias = row["table"].lower(), row["canonical"].upper(), row["alias"].upper()
            if seen.setdefault((table, alias), canonical) != canonical:
                raise ValueError(f"{path}: alias {alias} of {table} maps to two fields")
            out.setdefault(table, {})
            out[table][canonical] = (*out[table].get(canonical, ()), alias)
    return out


#: Known renamings between releases: {table lower-cased: {canonical column: (old/new names...)}}.
COLUMN_ALIASES: dict[str, dict[str, tuple[str, ...]]] = load_column_aliases()

class ReleaseError(ValueError):
    """A release is unusable: missing required tables, unreadable archive, bad header..."""


def lookup_raw_table(file_stem: str) -> str:
    """``tblLookupHloc`` -> ``eoir_lookup_hloc``; ``tblLookUp_Appln`` -> ``eoir_lookup_appln``;
    ``tblLanguage`` -> ``eoir_lookup_language``."""
    stem = file_stem
    if stem.lower().startswith("tbllookup"):
        stem = stem[len("tbllookup"):]
    elif stem.lower().startswith("tbl"):  # tblLanguage -> eoir_lookup_language, tblDecCode -> eoir_lookup_deccode
        stem = stem[len("tbl"):]
    cleaned = "".join(ch if ch.isalnum() else "_" for ch in stem.lower()).strip("_")
    return f"eoir_lookup_{cleaned}"


def _lookup(name: str, published: str) -> TableSpec:
    return TableSpec(name=name, raw_table=lookup_raw_table(name), published=tuple(published.split()),
                     required=False)


#: Optional lookup tables the models decode with, as the real release ships them in ``Lookup/`` (columns from
#: ``deportationdata/eoir`` ``variable_types.csv``, MANIFEST B1). A release without them still loads (the
#: models then decode with the seeds alone); one with them lands each as ``raw.eoir_lookup_<name>``, every
#: column as its header says. ``tblLookupCourtDecision`` is keyed by (strCaseType, strDecType C = DEC_CODE /
#: O = OTHER_COMP, strDecCode) and carries active and inactive duplicates (blnActive): staging model
#: ``stg_eoir__court_decisions`` keeps one row per key, preferring the active one.
LOOKUP_SPECS: dict[str, TableSpec] = {s.name.lower(): s for s in (
    _lookup("tblLookupCourtDecision", "idnCourtDecision strCaseType strDecCode strDecDescription strDecType "
                                      "strFinalDisposition blnActive datCreatedOn datModifiedOn"),
    _lookup("tblLookupCaseType", "idnCaseType strCode strDescription blnActive datCreatedOn datModifiedOn "
                                 "strAnsirCode"),
    _lookup("tblDecCode", "idnDecCode strCode strDescription datCreatedOn datModifiedOn blnActive"),
    _lookup("tblLanguage", "idnLang strCode strDescription datCreatedOn datModifiedOn blnActive"),
    _lookup("tblLookupNationality", "ID NAT_CODE NAT_NAME NAT_COUNTRY_NAME NAT_NACARA_COUNTRY datCreatedOn "
                                    "datModifiedOn blnActive"),
    _lookup("tblLookupHloc", "idnHloc HEARING_LOC_CODE HEARING_LOC_NAME HEARING_CITY HEARING_STATE "
                             "HEARING_BASE_CITY blnActive"),
    _lookup("tblLookupBaseCity", "idnBaseCity BASE_CITY_CODE BASE_CITY_NAME BASE_CITY BASE_STATE blnActive"),
    _lookup("tblLookUpCaseIdentifier", "idnCaseIdentifier strcode strDescription datCreatedOn datModifiedOn "
                                       "blnActive"),
    _lookup("tblLookUp_Appln", "idnAppln strcode strdescription strAllowedCaseTypes strAllowedDecisionCodes "
                               "datCreatedOn datModifiedOn blnActive"),
    _lookup("tblLookupCourtAppDecisions", "idnCourtApplnDec strCourtApplnDecCode strCourtApplnDecDesc blnActive "
                                          "datCreatedOn datModifiedOn Comments"),
)}

#: The lookup tables the project uses (others named ``tblLookup*`` present in ``Lookup/`` are loaded too).
KNOWN_LOOKUPS = tuple(s.name for s in LOOKUP_SPECS.values())


def lookup_spec(file_stem: str) -> TableSpec:
    """Spec for a lookup file: no dates, nothing needed, every column as the header says (the reader lands a
    lookup's header as is); a lookup of :data:`LOOKUP_SPECS` carries its published columns for reference."""
    known = LOOKUP_SPECS.get(file_stem.lower())
    if known is not None:
        return TableSpec(name=file_stem, raw_table=known.raw_table, published=known.published, required=False)
    return TableSpec(name=file_stem, raw_table=lookup_raw_table(file_stem), required=False)


@dataclass(frozen=True)
class ReleaseFile:
    """One file of a release: its spec and where it is.

    member: path inside the zip (``zip_path`` set) or absolute path of the file (folder release).
    display: ``<release folder name>/<relative path>`` for a folder, ``<zip file name>!<member>`` for a zip:
    the file's name in error messages, ``_source_file``, the ledger, ``raw._rejects`` and metrics.json's
    ``inputs``. Relative to the release's parent folder, so that the warehouse and metrics.json do not
    depend on where the release lies on this machine (the same release gives the same names anywhere).
    """

    spec: TableSpec
    member: str
    display: str
    zip_path: Path | None = None


@dataclass
class Release:
    """A located release: the files to load and what else was found.

    files:      required tables (in :data:`REQUIRED_TABLES` order) then lookups (sorted by name).
    ignored:    other files present (other EOIR tables such as B_TblProceedCharges, readmes...).
    marker:     the parsed ``_SYNTHETIC_RELEASE.json`` or None for a real release.
    counts:     the publisher's row counts from ``Count.txt`` ({table name lower-cased: data rows}), or None
                when the release has no Count.txt (reported, not refused).
    count_file: the display name of ``Count.txt`` (``<release>/Count.txt`` or ``<zip>!<member>``), or None.
    """

    path: Path
    files: list[ReleaseFile]
    ignored: list[str] = field(default_factory=list)
    marker: dict | None = None
    counts: dict[str, int] | None = None
    count_file: str | None = None

    @property
    def is_zip(self) -> bool:
        return self.path.is_file()


def _members(path: Path) -> list[str]:
    """Relative POSIX paths of every file in the release (zip members or folder files)."""
    if path.is_dir():
        return sorted(p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file())
    if path.is_file():
        try:
            with zipfile.ZipFile(path) as zf:
                return sorted(i.filename for i in zf.infolist() if not i.is_dir())
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise ReleaseError(f"{path}: not a folder and not a readable zip archive ({exc})") from exc
    raise ReleaseError(f"{path}: release not found (expected a folder or a .zip)")


def _strip_top_folder(members: list[str]) -> tuple[str, dict[str, list[str]]]:
    """Map relative-to-release-root paths (lower-cased) to the real member names carrying them.

    If every member sits under one common top-level folder, that folder is stripped. Two members whose
    names differ only by case (``A_TblCase.csv`` and ``A_tblCase.csv`` in a zip) share one key.
    """
    parts = [PurePosixPath(m).parts for m in members]
    prefix = ""
    tops = {p[0] for p in parts if len(p) > 1}
    if parts and all(len(p) > 1 for p in parts) and len(tops) == 1:
        prefix = tops.pop()
    mapping: dict[str, list[str]] = {}
    for m, p in zip(members, parts, strict=True):
        rel = PurePosixPath(*p[1:]) if prefix else PurePosixPath(*p)
        mapping.setdefault(rel.as_posix().lower(), []).append(m)
    return prefix, mapping


def _one(path: Path, mapping: dict[str, list[str]], key: str, what: str) -> str | None:
    """The one member for ``key``; None when absent; :class:`ReleaseError` naming both (all) when two
    files map to it (names match case-insensitively, so either could be the table: none is guessed)."""
    found = mapping.get(key, [])
    if len(found) > 1:
        raise ReleaseError(
            f"EOIR release {path}: {len(found)} files map to {what}: {' and '.join(found)} (file names match "
            "case-insensitively); remove all but the right one"
        )
    return found[0] if found else None


def _lookup_files(path: Path, mapping: dict[str, list[str]], ref) -> list[ReleaseFile]:
    """The lookup files (``tblLookup*.csv`` at the root or in ``Lookup/``, and :data:`LOOKUP_SPECS` in
    ``Lookup/``), sorted by raw table; refuses two
    files for one lookup table."""
    lookups: dict[str, ReleaseFile] = {}
    for key in sorted(mapping):
        p = PurePosixPath(key)
        in_lookup_dir = len(p.parts) == 2 and p.parts[0] == "lookup"
        # any tblLookup*.csv at the root or in Lookup/; the other lookups the models need (tblLanguage,
        # tblDecCode: LOOKUP_SPECS) in Lookup/ only, where the release ships them
        is_lookup = p.name.startswith("tbllookup") or (in_lookup_dir and p.stem in LOOKUP_SPECS)
        if p.suffix == ".csv" and is_lookup and (in_lookup_dir or len(p.parts) == 1):
            member = _one(path, mapping, key, f"lookup table {PurePosixPath(mapping[key][0]).stem}")
            lk = ref(lookup_spec(PurePosixPath(member).stem), member)
            if lk.spec.raw_table in lookups:
                raise ReleaseError(
                    f"EOIR release {path}: two lookup files map to raw.{lk.spec.raw_table}: "
                    f"{lookups[lk.spec.raw_table].member} and {lk.member}"
                )
            lookups[lk.spec.raw_table] = lk
    return [lookups[k] for k in sorted(lookups)]


def locate_release(path: Path | str) -> Release:
    """Find the required and lookup table files of a release, its marker and its Count.txt.

    Raises :class:`ReleaseError` naming the release path and every missing required table, or naming both
    files when two files map to one table (names differing only by case), or naming Count.txt and its line
    when that file cannot be read.
    """
    path = Path(path)
    _, mapping = _strip_top_folder(_members(path))
    is_zip = path.is_file()

    def ref(spec: TableSpec, member: str) -> ReleaseFile:
        if is_zip:
            return ReleaseFile(spec, member, f"{path.name}!{member}", zip_path=path)
        return ReleaseFile(spec, str(path / member), f"{path.name}/{member}")

    files: list[ReleaseFile] = []
    missing: list[str] = []
    for spec in REQUIRED_TABLES:
        member = _one(path, mapping, spec.file_name.lower(), f"table {spec.name}")
        if member is not None:
            files.append(ref(spec, member))
        else:
            missing.append(spec.file_name)
    if missing:
        raise ReleaseError(
            f"EOIR release {path} lacks required table(s): {', '.join(missing)} "
            f"(looked for these names, case-insensitively, at the root or in one top-level folder)"
        )
    files.extend(_lookup_files(path, mapping, ref))
    marker = None
    if (member := _one(path, mapping, SYNTHETIC_MARKER.lower(), SYNTHETIC_MARKER)) is not None:
        marker = json.loads(read_member_bytes(path, member).decode("utf-8"))
    counts = count_file = None
    if (member := _one(path, mapping, COUNT_FILE.lower(), COUNT_FILE)) is not None:
        count_file = f"{path.name}!{member}" if is_zip else f"{path.name}/{member}"
        counts = parse_count_file(read_member_bytes(path, member), count_file)
    used = {f.member if is_zip else Path(f.member).relative_to(path).as_posix() for f in files}
    used.update(mapping.get(SYNTHETIC_MARKER.lower(), []) + mapping.get(COUNT_FILE.lower(), []))
    ignored = sorted(m for ms in mapping.values() for m in ms if m not in used)
    return Release(path=path, files=files, ignored=ignored, marker=marker, counts=counts, count_file=count_file)


def parse_count_file(data: bytes, display: str) -> dict[str, int]:
    """``{table name lower-cased: rows}`` from the bytes of a ``Count.txt``.

    One line per table: ``<table>\t<rows>`` (the name with or without ``.csv``; the count digits, thousands
    commas allowed; a TAB, or else spaces, between them). Blank lines are skipped, and so is a first line
    whose count is not a number (a header). Raises :class:`ReleaseError` naming the file and the line for
    any other line, and for a table listed twice.
    """
    counts: dict[str, int] = {}
    text = data.decode("latin-1").removeprefix("\ufeff").removeprefix(_UTF8_BOM_LATIN1)
    for ln, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        fields = line.split("\t") if "\t" in line else line.split()
        name = fields[0].strip()
        value = fields[-1].strip().replace(",", "") if len(fields) > 1 else ""
        if len(fields) != 2 or not name or not value.isdigit():
            if ln == 1 and len(fields) == 2 and not value.isdigit():
                continue  # a header line, e.g. "Table<TAB>Count"
            raise ReleaseError(f"{display}: line {ln}: expected '<table><TAB><rows>', found {line!r}")
        key = name.lower().removesuffix(".csv")
        if key in counts:
            raise ReleaseError(f"{display}: line {ln}: table {name} is listed twice")
        counts[key] = int(value)
    return counts


#: A UTF-8 byte order mark read as Latin-1.
_UTF8_BOM_LATIN1 = b"\xef\xbb\xbf".decode("latin-1")


def read_member_bytes(release_path: Path, member: str) -> bytes:
    """Whole content of a small file of the release (marker, Count.txt). Not for the data tables."""
    if release_path.is_dir():
        return (release_path / member).read_bytes()
    with zip_errors(release_path, member), zipfile.ZipFile(release_path) as zf:
        return zf.read(member)


#: What reading a damaged zip member raises: a bad header or CRC (BadZipFile), deflate data that does not
#: decompress (zlib.error), a member cut short (EOFError), an encrypted member (RuntimeError) or an
#: unsupported compression method (NotImplementedError).
ZIP_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError)


@contextmanager
def zip_errors(zip_path: Path, member: str) -> Iterator[None]:
    """Turn an error raised while reading ``member`` of ``zip_path`` into a :class:`ReleaseError` naming the
    zip, the member and what was found (a bare ``BadZipFile`` or ``zlib.error`` names neither)."""
    try:
        yield
    except ZIP_READ_ERRORS as exc:
        raise ReleaseError(
            f"{zip_path}: member {member}: the zip archive is damaged or unreadable "
            f"({type(exc).__name__}: {exc}); download the release again"
        ) from exc


class ZipMemberStream:
    """A binary stream of one zip member whose read errors become :class:`ReleaseError` (:func:`zip_errors`);
    it keeps the archive open as long as the member stream."""

    def __init__(self, zip_path: Path, member: str) -> None:
        self.zip_path, self.member = zip_path, member
        with zip_errors(zip_path, member):
            self._zf = zipfile.ZipFile(zip_path)
            try:
                self._fh = self._zf.open(member)
            except BaseException:
                self._zf.close()
                raise

    def read(self, n: int = -1) -> bytes:
        with zip_errors(self.zip_path, self.member):
            return self._fh.read(n)

    def readline(self, limit: int = -1) -> bytes:
        with zip_errors(self.zip_path, self.member):
            return self._fh.readline(limit)

    def close(self) -> None:
        self._fh.close()
        self._zf.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
