"""Synthetic EOIR "Case Data" release in the exact published format, with the real defects injected.

:func:`generate_release` writes the five required tables (and a few ``Lookup/`` tables built from real
EOIR codes) as TAB-delimited ``.csv`` files in Latin-1 with a header row of every published column in
published order, dates as ``YYYY-MM-DD 00:00:00.000`` and blanks for unknown, plus
``_SYNTHETIC_RELEASE.json`` (seed, scale, generator version, rows per file, injected defects and the
ledger counts the reader must reproduce), ``Count.txt`` (rows per table, as EOIR ships it) and
``README.txt`` saying the release is SYNTHETIC.

Populations (scale = fraction of the full release: 1.0 ~ 12M cases, ~16M proceedings, ~16M applications,
~2.5M case-identifier rows, ~3 hearings per proceeding):

* MPP block, IDNCASE 20,000,001.. (stable for a seed at any scale >= 0.01): ``min(1, scale/0.01)`` x the
  calibrated MPP population (about 70,600 enrollments from 2019-01-28 to 2021-01, following the TRAC 2019
  monthly series and the CBP 2020 monthly enrollments), about 42,000 initial completions by 2020-12-31,
  about 77% of them removal orders (85% in absentia), about 640 cases with an ASYL/ASYW/WCAT grant.
  MPP flagging is mixed: identifier and location, identifier only (``MP`` or ``RM``), location only on the
  proceeding, location only on ``tbl_schedule``; plus decoys (test location ``MPP`` without identifier,
  MP-flagged NTAs before 2019-01-28).
* Background block, IDNCASE 1,000,000..: the rest, other hearing locations and case types, NTAs 1996-2020,
  generated vectorised in chunks of 50,000 cases (memory does not grow with scale).

Histories use the real codes (DOMAIN.md): change of venue (OTHER_COMP C) then completion at the new court;
in-absentia removal then reopened and terminated; BIA remands; administrative closures recalendared; CAT
deferral (DEC_CODE H); relief only after a reopening.

Determinism: ``numpy.random.Generator(PCG64(seed))`` streams, fixed chunking, fixed zip timestamps:
same seed and scale give identical bytes.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from orchestration.eoir.defects import repair_extra_field, row_rules
from orchestration.eoir.reference import real_lookup_codes, real_lookup_descriptions, real_value_frequencies
from orchestration.eoir.release import (
    COUNT_FILE,
    LOOKUP_SPECS,
    REQUIRED_TABLES,
    SYNTHETIC_MARKER,
    TableSpec,
)

GENERATOR_VERSION = "1.2.0"  # 1.1.0: Count.txt; lookups in the real layout, background weights from real frequencies
FULL_CASES = 12_000_000
MPP_REFERENCE_SCALE = 0.01
AS_OF = date(2020, 12, 31)
VINTAGE = date(2021, 2, 15)
BG_CHUNK = 50_000
MPP_IDNCASE0 = 20_000_000
EPOCH = np.datetime64("1970-01-01", "D")

# ---------------------------------------------------------------- calibration series
#: MPP enrollments (NTA = OSC_DATE of the first proceeding) per month. 2019-01..07: TRAC court cases by
#: month; 2019-08..12: chosen so that 2019 totals ~58,400 (TRAC: 59,241 by Dec-2019, which also counts
#: cases whose NTA came later); 2020-01..2021-01: CBP monthly MPP enrollments.
MPP_MONTHLY: tuple[tuple[int, int, int], ...] = (
    (2019, 1, 15), (2019, 2, 164), (2019, 3, 339), (2019, 4, 2629), (2019, 5, 5161), (2019, 6, 5883),
    (2019, 7, 11804), (2019, 8, 9900), (2019, 9, 8500), (2019, 10, 6600), (2019, 11, 4600), (2019, 12, 2800),
    (2020, 1, 1974), (2020, 2, 1829), (2020, 3, 2255), (2020, 4, 215), (2020, 5, 124), (2020, 6, 208),
    (2020, 7, 382), (2020, 8, 768), (2020, 9, 1167), (2020, 10, 648), (2020, 11, 887), (2020, 12, 1092),
    (2021, 1, 662),
)
#: TRAC 2019 location split (El Paso, San Ysidro, Calexico, Laredo, Brownsville) per month.
TRAC_LOCATIONS = {
    (2019, 1): (0, 15, 0, 0, 0), (2019, 2): (0, 164, 0, 0, 0), (2019, 3): (71, 240, 27, 1, 0),
    (2019, 4): (1169, 899, 560, 0, 0), (2019, 5): (2189, 1615, 1355, 0, 0), (2019, 6): (3425, 1447, 1009, 0, 0),
    (2019, 7): (3768, 1634, 1838, 3114, 1450),
}
TRAC_CODES = ("ENP", "SYP", "CIX", "MPL", "MPB")
LATER_LOC_MIX = {"ENP": 0.30, "MPB": 0.25, "MPL": 0.20, "SYP": 0.10, "CIX": 0.08, "TUM": 0.04, "OPP": 0.03}
#: Share of an enrollment month's cases with an initial completion on or before AS_OF.
COMPLETION_BY_ASOF = {2019: 0.70, (2020, 1): 0.25, (2020, 2): 0.25}
COMPLETION_LATE_2020 = 0.05

# ---------------------------------------------------------------- real codes (EOIR lookups)
MPP_HLOC = {  # code: (description, base city)
    "SYP": ("MPP COURT SAN YSIDRO PORT", "SND"), "OPP": ("MPP COURT OTAY MESA SAN DIEGO", "SND"),
    "CIX": ("MPP COURT CALEXICO PORT", "IMP"), "ENP": ("MPP COURT EL PASO", "ELP"),
    "MPL": ("MPP LAREDO,TEXAS - PORT OF ENTRY", "LRO"), "MPB": ("MPP BROWNSVILLE GATEWAY INTERNATIONAL BRIDGE", "HLG"),
    "TUM": ("MPP- TUM", "HLG"), "MPP": ("TEST HEARING LOC - ECAS MPP", "ELP"),
}
#: Non-MPP court used for identifier-only / schedule-only MPP cases, by MPP location.
NEAR_COURT = {"SYP": "OTY", "OPP": "OTY", "CIX": "IMP", "ENP": "ELP", "MPL": "SNA", "MPB": "HLG", "TUM": "HLG"}
COURT_HLOC = {  # code: (description, base city)
    "SNA": ("SAN ANTONIO, TEXAS", "SNA"), "HOU": ("HOUSTON, TEXAS", "HOU"), "LOS": ("LOS ANGELES, CALIFORNIA", "LOS"),
    "NYC": ("NEW YORK CITY, NEW YORK", "NYC"), "MIA": ("MIAMI, FLORIDA", "MIA"), "ELP": ("EL PASO, TEXAS", "ELP"),
    "HAR": ("HARTFORD, CONNECTICUT", "HAR"), "DAL": ("DALLAS, TEXAS", "DAL"), "CHI": ("CHICAGO, ILLINOIS", "CHI"),
    "ATL": ("ATLANTA, GEORGIA", "ATL"), "NEW": ("NEWARK, NEW JERSEY", "NEW"),
    "SFR": ("SAN FRANCISCO, CALIFORNIA", "SFR"), "PHO": ("PHOENIX, ARIZONA", "PHO"),
    "SEA": ("SEATTLE, WASHINGTON", "SEA"), "DEN": ("DENVER, COLORADO", "DEN"), "ORL": ("ORLANDO, FLORIDA", "ORL"),
    "OMA": ("OMAHA, NEBRASKA", "OMA"), "BAL": ("BALTIMORE, MARYLAND", "BAL"),
    "SLC": ("SALT LAKE CITY, UTAH", "SLC"), "KAN": ("KANSAS CITY, MISSOURI", "KAN"),
    "LVG": ("LAS VEGAS, NEVADA", "LVG"), "TUC": ("TUCSON, ARIZONA", "TUC"), "HLG": ("HARLINGEN, TEXAS", "HLG"),
    "POO": ("PORTLAND, OREGON", "POO"), "EPD": ("EL PASO SERVICE PROCESSING CENTER", "EPD"),
    "OTY": ("OTAY MESA, CALIFORNIA", "OTM"), "IMP": ("IMPERIAL, CALIFORNIA", "IMP"),
    "PIS": ("PORT ISABEL SERVICE PROCESSING CENTER", "PIS"), "BOS": ("BOSTON, MASSACHUSETTS", "BOS"),
    "MEM": ("MEMPHIS, TENNESSEE", "MEM"), "NOL": ("NEW ORLEANS, LOUISIANA", "NOL"),
    "DET": ("DETROIT, MICHIGAN", "DET"), "PHI": ("PHILADELPHIA, PENNSYLVANIA", "PHI"),
}
INTERIOR_COURTS = ("HOU", "LOS", "NYC", "MIA", "DAL", "CHI", "ATL", "NEW", "SFR", "DEN", "ORL", "BAL", "BOS",
                   "MEM", "NOL", "PHI", "SEA", "KAN")
BASE_CITY = {
    "ATL": "ATLANTA, GA", "BAL": "BALTIMORE, MD", "BOS": "BOSTON, MA", "CHI": "CHICAGO, IL", "DAL": "DALLAS, TX",
    "DEN": "DENVER, CO", "DET": "DETROIT, MI", "ELP": "EL PASO, TX", "EPD": "EL PASO, TX", "HAR": "HARTFORD, CT",
    "HLG": "HARLINGEN, TX", "HOU": "HOUSTON, TX", "IMP": "IMPERIAL, CA", "KAN": "KANSAS CITY, MO",
    "LOS": "LOS ANGELES, CA", "LRO": "LAREDO, TX", "LVG": "LAS VEGAS, NV", "MEM": "MEMPHIS, TN", "MIA": "MIAMI, FL",
    "NEW": "NEWARK, NJ", "NOL": "NEW ORLEANS, LA", "NYC": "NEW YORK, NY", "OMA": "OMAHA, NE", "ORL": "ORLANDO, FL",
    "OTM": "OTAY MESA, CA", "PHI": "PHILADELPHIA, PA", "PHO": "PHOENIX, AZ", "PIS": "LOS FRESNOS, TX",
    "POO": "PORTLAND, OR", "SEA": "SEATTLE, WA", "SFR": "SAN FRANCISCO, CA", "SLC": "WEST VALLEY, UT",
    "SNA": "SAN ANTONIO, TX", "SND": "SAN DIEGO, CA", "TUC": "TUCSON, AZ",
}
NATIONALITY = {
    "HO": "HONDURAS", "GT": "GUATEMALA", "ES": "EL SALVADOR", "CU": "CUBA", "EC": "ECUADOR", "NU": "NICARAGUA",
    "VE": "VENEZUELA", "MX": "MEXICO", "BR": "BRAZIL", "CO": "COLOMBIA", "PE": "PERU", "CH": "CHINA",
    "IN": "INDIA", "HA": "HAITI", "DR": "DOMINICAN REPUBLIC", "BL": "BOLIVIA", "RP": "PHILIPPINES",
    "RO": "ROMANIA", "RU": "RUSSIA", "UE": "UKRAINE", "AM": "ARMENIA", "BG": "BANGLADESH", "??": "UNKNOWN COUNTRY",
}
MPP_NAT = {"HO": 0.30, "GT": 0.25, "ES": 0.15, "CU": 0.10, "EC": 0.07, "NU": 0.05, "VE": 0.04, "BR": 0.02,
           "CO": 0.01, "PE": 0.01}
BG_NAT = {"MX": 0.30, "GT": 0.12, "HO": 0.11, "ES": 0.13, "CH": 0.05, "IN": 0.04, "HA": 0.03, "DR": 0.03,
          "CU": 0.03, "EC": 0.03, "CO": 0.02, "BR": 0.02, "NU": 0.02, "VE": 0.02, "RP": 0.01, "RU": 0.01,
          "UE": 0.01, "AM": 0.01, "BG": 0.01}
LANG_BY_NAT = {"BR": "POR", "CH": "MAN", "IN": "PUN", "HA": "CRE", "RU": "RUS", "UE": "RUS", "RP": "ENG",
               "AM": "RUS", "BG": "ENG", "RO": "ENG"}
CASE_IDENTIFIERS = {
    "MP": "MIGRANT PROTECTION PROTOCOL", "RM": "Remain in Mexico", "FA": "Family Units", "AD": "ATD Pilot",
    "AO": "ASYLUM OFFICE RULE", "DD": "Dedicated Docket", "J": "Juvenile Case", "UJ": "Unaccompanied Juvenile",
    "EM": "Electronic Monitoring", "SR": "Stipulated Removal", "CR": "Custody Review", "PB": "Pro Bono Representation",
    "C1": "Central America 2018", "TC": "Third Country",
}
BG_IDENTIFIERS = ("FA", "AD", "AO", "DD", "J", "UJ", "EM", "SR", "CR", "PB", "C1")
#: (strCaseType, code, strDecType C = DEC_CODE / O = OTHER_COMP, description, blnActive) for
#: tblLookupCourtDecision; like the real table it carries inactive duplicates of a few keys (an older wording).
COURT_DECISIONS = (
    ("RMV", "X", "C", "Removal", 1), ("RMV", "V", "C", "Voluntary Departure", 1), ("RMV", "T", "C", "Terminated", 1),
    ("RMV", "R", "C", "Relief Granted", 1), ("RMV", "U", "C", "Dismissed by IJ", 1),
    ("RMV", "E", "C", "Remove-INA Withholding Granted", 1), ("RMV", "Z", "C", "Grant-CAT Withholding", 1),
    ("RMV", "H", "C", "Grant-CAT Deferral", 1), ("RMV", "O", "C", "Other", 1), ("RMV", "W", "C", "Withdraw", 1),
    ("RMV", "C", "O", "Change of Venue", 1), ("RMV", "T", "O", "Transfer", 1),
    ("RMV", "A", "O", "Administrative Closing - Other", 1), ("RMV", "B", "O", "Administrative closing - Failure to Appear", 1),
    ("RMV", "K", "O", "Administrative Closure", 1), ("RMV", "M", "O", "In Court Prosecutorial Discretion - Admin Closure", 1),
    ("RMV", "Y", "O", "Prosecutorial Discretion - Admin Close", 1), ("RMV", "F", "O", "Failure to Prosecute (DHS cases only)", 1),
    ("RMV", "P", "O", "Temporary Protected Status", 1), ("RMV", "O", "O", "Other Administrative Completion", 1),
    ("RMV", "X", "C", "Removed", 0), ("RMV", "A", "O", "Administrative Closing", 0),
    ("DEP", "D", "C", "DEPORTED", 1), ("DEP", "G", "C", "Grant", 1), ("DEP", "T", "C", "Terminated", 1),
    ("EXC", "X", "C", "Excluded", 1), ("EXC", "G", "C", "Grant", 1),
)
MX_CITIES = ("CIUDAD JUÁREZ", "TIJUANA", "MATAMOROS", "NUEVO LAREDO", "MEXICALI", "REYNOSA", "MONTERREY")
US_CITIES = ("HOUSTON", "LOS ANGELES", "MIAMI", "NEW YORK", "SAN JOSÉ", "DALLAS", "CHICAGO", "ATLANTA",
             "NEWARK", "SAN ANTONIO", "PEÑASCO", "LA CAÑADA FLINTRIDGE")
US_STATES = ("TX", "CA", "FL", "NY", "CA", "TX", "IL", "GA", "NJ", "TX", "NM", "CA")

# ---------------------------------------------------------------- defects
#: Injection rate per data row, per file (at least one of each per file).
DEFECT_RATES = {
    "stray_tab": 5e-5, "stray_tab_double": 1e-5, "too_few_fields": 1e-5, "unbalanced_quote": 5e-5,
    "trailing_spaces": 1e-3, "nul_byte": 2e-5, "sentinel_date": 1e-4, "out_of_range_date": 2e-5,
    "not_a_date": 2e-5, "duplicate_row": 1e-4,
}
#: Row-breaking corruption injected on top of DEFECT_RATES when ``corrupt_rate`` > 0 (each kind gets a third
#: of the rate); the reader quarantines every such row: too_few_fields, too_many_fields, bad_key.
CORRUPTION_KINDS = ("corrupt_too_few_fields", "corrupt_extra_fields", "corrupt_bad_key")
NOT_DATES = ("UNKNOWN", "2019-02-30 00:00:00.000", "00/00/0000", "0")
CODE_COLUMNS = ("CASE_TYPE", "NAT", "LANG", "CUSTODY", "HEARING_LOC_CODE", "BASE_CITY_CODE", "DEC_CODE",
                "APPL_CODE", "APPL_DEC", "CASE_ID", "CAL_TYPE", "ABSENTIA", "IJ_CODE")


def _d(x: date | None) -> str:
    return "" if x is None else f"{x.isoformat()} 00:00:00.000"


def _fmt_dates(days: np.ndarray) -> np.ndarray:
    """int64 days since 1970-01-01 (-1 = unknown) -> object array of 'YYYY-MM-DD 00:00:00.000' or ''."""
    out = np.full(days.shape, "", dtype=object)
    ok = days >= 0
    if ok.any():
        s = np.datetime_as_string((days[ok]).astype("datetime64[D]"), unit="D").astype(object)
        out[ok] = s + " 00:00:00.000"
    return out


def _days(x: date) -> int:
    return (x - date(1970, 1, 1)).days


class _TableWriter:
    """Writes one table file in the release format, injecting defects and tallying what the reader will see."""

    def __init__(self, path: Path, spec: TableSpec, rng: np.random.Generator, corrupt_rate: float = 0.0):
        self.spec = spec
        self.corrupt_rate = corrupt_rate
        self.fh = open(path, "wb")  # noqa: SIM115 - kept open across write() calls, closed by close()
        self.rng = rng
        self.cols = list(spec.published)
        self.upper = [c.upper() for c in self.cols]
        self.date_idx = [i for i, c in enumerate(self.upper) if c in spec.date_columns]
        self.id_idx = [i for i, c in enumerate(self.upper) if c in spec.id_columns]
        self.rules = row_rules(spec, self.upper)
        self.code_idx = [i for i, c in enumerate(self.upper) if c in CODE_COLUMNS]
        self.text_idx = [i for i, c in enumerate(self.upper)
                         if i not in self.date_idx and i not in self.id_idx]
        self.rows_data = 0
        self.lines = 1
        self.first_block = True
        self.defects: dict[str, int] = defaultdict(int)
        self.quarantined = 0
        self.repaired = 0
        self.duplicates = 0
        self.nulls: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.fh.write(("\t".join(self.cols) + "\n").encode("latin-1"))

    def write(self, columns: dict[str, object], n: int) -> None:
        """Write ``n`` rows; ``columns`` maps published names to sequences of str (missing = blank)."""
        if n == 0:
            return
        blank = [""] * n
        arrays = [columns.get(c, blank) for c in self.cols]
        lines = list(map("\t".join, zip(*arrays, strict=True)))
        self._inject(lines)
        self.fh.write(("\n".join(lines) + "\n").encode("latin-1"))
        self.rows_data += n

    def _inject(self, lines: list[str]) -> None:
        n = len(lines)
        counts = {}
        for name, rate in DEFECT_RATES.items():
            k = int(self.rng.binomial(n, rate))
            if self.first_block:
                k = max(k, 1)
            counts[name] = k
        self.first_block = False
        if self.corrupt_rate > 0:
            for name in CORRUPTION_KINDS:
                counts[name] = int(self.rng.binomial(n, self.corrupt_rate / len(CORRUPTION_KINDS)))
        total = min(sum(counts.values()), n)
        if total == 0:
            return
        picks = self.rng.choice(n, size=total, replace=False)
        pos = 0
        for name, k in counts.items():
            for i in picks[pos:pos + k]:
                lines[i] = self._apply(name, lines[i])
            pos += k

    def _apply(self, name: str, line: str) -> str:
        f = line.split("\t")
        rng = self.rng
        ncols = len(f)
        if name == "stray_tab":
            j = int(rng.integers(1, ncols))
            g = f[:j] + [""] + f[j:]
            fixed, _ = repair_extra_field(g, self.rules)
            if fixed is None:
                self.defects["stray_tab_quarantined"] += 1
                self.quarantined += 1
            else:
                self.defects["stray_tab_repaired"] += 1
                self.repaired += 1
            return "\t".join(g)
        if name == "stray_tab_double":
            j = int(rng.integers(1, ncols))
            self.quarantined += 1
            self.defects[name] += 1
            return "\t".join(f[:j] + ["", ""] + f[j:])
        if name == "too_few_fields":
            if ncols < 2:
                return line
            keep = int(rng.integers(1, ncols))
            self.quarantined += 1
            self.defects[name] += 1
            return "\t".join(f[:keep])
        if name == "corrupt_too_few_fields":
            self.quarantined += 1
            self.defects[name] += 1
            return "\t".join(f[: max(1, ncols // 2)])
        if name == "corrupt_extra_fields":
            self.quarantined += 1
            self.defects[name] += 1
            return "\t".join(f + ["CORRUPT", "CORRUPT"])
        if name == "corrupt_bad_key":
            self.quarantined += 1
            self.defects[name] += 1
            return "\t".join(["X" + f[0], *f[1:]])
        if name == "duplicate_row":
            self.duplicates += 1
            self.defects[name] += 1
            return line + "\n" + line
        if name == "unbalanced_quote":
            i = self.text_idx[int(rng.integers(len(self.text_idx)))] if self.text_idx else 0
            f[i] = '"' + f[i]
            self.defects[name] += 1
            return "\t".join(f)
        if name == "trailing_spaces":
            idx = [i for i in self.code_idx if f[i]] or [i for i in self.text_idx if f[i]]
            if not idx:
                return line
            i = idx[int(rng.integers(len(idx)))]
            f[i] = f[i] + "   "
            self.defects[name] += 1
            return "\t".join(f)
        if name == "nul_byte":
            idx = self.code_idx or self.text_idx
            if not idx:
                return line
            i = idx[int(rng.integers(len(idx)))]
            f[i] = "\x00"
            self.defects[name] += 1
            self.nulls[self.upper[i]]["nul_byte"] += 1
            return "\t".join(f)
        if name in ("sentinel_date", "out_of_range_date", "not_a_date"):
            if not self.date_idx:
                return line
            i = self.date_idx[int(rng.integers(len(self.date_idx)))]
            if name == "sentinel_date":
                f[i] = "1900-01-01 00:00:00.000"
            elif name == "out_of_range_date":
                f[i] = "2925" + (f[i][4:] if f[i] else "-06-30 00:00:00.000")
            else:
                f[i] = NOT_DATES[int(rng.integers(len(NOT_DATES)))]
            self.defects[name] += 1
            self.nulls[self.upper[i]][name] += 1
            return "\t".join(f)
        raise ValueError(name)

    def close(self) -> dict:
        self.fh.close()
        read = self.rows_data + self.duplicates
        nulls = {c: dict(r) for c, r in sorted(self.nulls.items())}
        if self.repaired:
            nulls["_row"] = {"stray_tab_repaired": self.repaired}
        return {
            "rows_generated": self.rows_data,
            "defects": dict(sorted(self.defects.items())),
            "expected": {
                "rows_read": read,
                "rows_loaded": read - self.quarantined - self.duplicates,
                "rows_quarantined": self.quarantined,
                "duplicates_collapsed": self.duplicates,
                "rows_repaired": self.repaired,
                "nullifications": nulls,
            },
        }


class _Ids:
    def __init__(self, start: int):
        self.next = start

    def take(self, n: int = 1) -> int:
        v = self.next
        self.next += n
        return v


# ---------------------------------------------------------------- MPP block (rich histories, per case)
_MPP_OUTCOMES = ("X", "V", "T", "REL", "H", "U", "AC", "OTH")
_MPP_OUTCOME_P = np.array([0.770, 0.004, 0.150, 0.0135, 0.002, 0.035, 0.015, 0.0105])


def _mpp_enrollments(rng: np.random.Generator, factor: float) -> tuple[list[date], list[str], list[str]]:
    """NTA dates and first MPP hearing locations of the MPP enrollments, month by month (MPP_MONTHLY at
    ``factor``; TRAC's 2019 location split, later LATER_LOC_MIX), sorted by NTA date, then the decoys:
    MP-flagged NTAs before inception (2019-01-28) and cases at the test location ``MPP``.
    Returns (NTA dates, locations, kinds: ``mpp`` / ``pre_inception`` / ``test_location``)."""
    nta: list[date] = []
    locs: list[str] = []
    for y, m, cnt in MPP_MONTHLY:
        k = round(cnt * factor)
        if k == 0:
            continue
        first = 28 if (y, m) == (2019, 1) else 1
        last = (date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)).day
        days = rng.integers(first, last + 1, size=k)
        nta += [date(y, m, int(d)) for d in days]
        if (y, m) in TRAC_LOCATIONS:
            weights = np.array(TRAC_LOCATIONS[(y, m)], dtype=float)
            locs += list(rng.choice(TRAC_CODES, size=k, p=weights / weights.sum()))
        else:
            codes = list(LATER_LOC_MIX)
            p = np.array([LATER_LOC_MIX[c] for c in codes])
            locs += list(rng.choice(codes, size=k, p=p / p.sum()))
    order = np.argsort(np.array([d.toordinal() for d in nta]), kind="stable")
    nta = [nta[i] for i in order]
    locs = [str(locs[i]) for i in order]
    kinds = ["mpp"] * len(nta)
    for _ in range(max(1, round(60 * factor))):
        nta.append(date(2019, 1, 28) - timedelta(days=int(rng.integers(1, 60))))
        locs.append("SYP")
        kinds.append("pre_inception")
    for _ in range(max(1, round(40 * factor))):
        nta.append(date(2019, 6, 1) + timedelta(days=int(rng.integers(0, 300))))
        locs.append("MPP")
        kinds.append("test_location")
    return nta, locs, kinds


@dataclass
class _MppRows:
    """The MPP block's rows of the five tables (column -> values), filled case by case, and its id counters."""

    ids: dict[str, _Ids]
    case: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    proc: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    appl: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    ident: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    sched: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    summary: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def write(self, w: dict[str, _TableWriter], n_cases: int) -> None:
        """Write the rows to the release's tables."""
        w["A_TblCase"].write(self.case, n_cases)
        w["A_TblCaseIdentifier"].write(self.ident, len(self.ident["IDNCASE"]))
        w["B_TblProceeding"].write(self.proc, len(self.proc["IDNCASE"]))
        w["tbl_Court_Appln"].write(self.appl, len(self.appl["IDNCASE"]))
        w["tbl_schedule"].write(self.sched, len(self.sched["IDNCASE"]))


@dataclass
class _MppCase:
    """One MPP case being built: its IDNCASE, NTA date, nationality, language and proceedings (dicts of
    B_TblProceeding fields plus ``apps`` (code, decision, received) and ``sched_loc`` hearing locations)."""

    idncase: int
    nta: date
    nat: str
    lang: str
    procs: list[dict] = field(default_factory=list)

    def new_proc(self, rows: _MppRows, start: date, hloc: str) -> dict:
        """Open the case's next proceeding (next IDNPROCEEDING) at hearing location ``hloc``."""
        p = {"IDNPROCEEDING": rows.ids["proc"].take(), "INPUT_DATE": start, "HEARING_LOC_CODE": hloc, "apps": [],
             "sched_loc": [], "COMP_DATE": None}
        self.procs.append(p)
        return p


def _mpp_case_row(rows: _MppRows, c: _MppCase, ui: np.ndarray) -> None:
    """A_TblCase row of an MPP case (Mexican city of residence, mostly non-detained, RMV); the latest
    hearing columns are added once its hearings are written."""
    r = rows.case
    r["IDNCASE"].append(str(c.idncase))
    r["ALIEN_CITY"].append(MX_CITIES[int(ui[1] * len(MX_CITIES))])
    r["ALIEN_STATE"].append("")
    r["NAT"].append(c.nat)
    r["LANG"].append(c.lang)
    r["CUSTODY"].append("N" if ui[2] < 0.8 else ("R" if ui[2] < 0.95 else "D"))
    r["CASE_TYPE"].append("RMV")
    r["DATE_OF_ENTRY"].append(_d(c.nta - timedelta(days=int(ui[3] * 6))))
    r["Sex"].append("" if ui[4] < 0.1 else ("M" if ui[4] < 0.6 else "F"))
    r["SITE_TYPE"].append("")
    r["C_ASY_TYPE"].append("I" if ui[5] < 0.3 else "")


def _mpp_identifiers(rows: _MppRows, idncase: int, fk: str, ui: np.ndarray) -> None:
    """A_TblCaseIdentifier rows: the MPP identifier (``MP``, else ``RM``) when the case is flagged by
    identifier, sometimes with a second, unrelated identifier (``FA``)."""
    if fk not in ("both", "id_only"):
        return
    r = rows.ident
    r["IDNCASEID"].append(str(rows.ids["caseid"].take()))
    r["IDNCASE"].append(str(idncase))
    r["CASE_ID"].append("MP" if ui[6] < 0.85 else "RM")
    if ui[7] < 0.2:
        r["IDNCASEID"].append(str(rows.ids["caseid"].take()))
        r["IDNCASE"].append(str(idncase))
        r["CASE_ID"].append("FA")


def _mpp_initial_completion(rng: np.random.Generator, kind: str, n0: date, ui: np.ndarray) -> date | None:
    """Date of the initial completion: by AS_OF at the enrollment month's share (COMPLETION_BY_ASOF),
    else sometimes after AS_OF (up to ~18 months), else none (pending)."""
    if kind == "test_location":
        pc = 0.5
    elif n0.year == 2019 or n0 < date(2019, 1, 28):
        pc = COMPLETION_BY_ASOF[2019]
    else:
        pc = COMPLETION_BY_ASOF.get((n0.year, n0.month), COMPLETION_LATE_2020)
        if n0.year == 2021:
            pc = 0.0
    span = (AS_OF - n0).days
    if ui[9] < pc and span > 50:
        lag = int(45 + rng.gamma(2.0, 70.0))
        if lag > span:
            lag = int(45 + ui[10] * (span - 45))
        return n0 + timedelta(days=lag)
    if ui[10] < 0.3:
        return AS_OF + timedelta(days=int(1 + ui[11] * 540))
    return None


def _mpp_change_of_venue(rows: _MppRows, c: _MppCase, p: dict, comp: date | None, ui: np.ndarray) -> dict:
    """Sometimes (5%) a change of venue before the decision: the first proceeding completes with
    OTHER_COMP C and a new proceeding opens at an interior court; return the proceeding to be decided."""
    if ui[12] < 0.05 and (comp is None or (comp - p["INPUT_DATE"]).days > 40):
        cv = p["INPUT_DATE"] + timedelta(days=int(10 + ui[13] * 25))
        new_court = INTERIOR_COURTS[int(ui[14] * len(INTERIOR_COURTS))]
        p.update(COMP_DATE=cv, OTHER_COMP="C", VENUE_CHG_GRANTED=cv, TRANSFER_TO=COURT_HLOC[new_court][1])
        p = c.new_proc(rows, cv + timedelta(days=int(1 + ui[15] * 5)), new_court)
        rows.summary["change_of_venue"] += 1
    return p


def _mpp_decide(rng: np.random.Generator, decided: dict, comp: date | None, oc: str, relief: str) -> None:
    """Initial decision ``oc`` on ``comp`` (never before the proceeding's input date); a pending
    proceeding sometimes carries the undecided I-589 triple (ASYL, ASYW, WCAT)."""
    if comp is not None:
        decided["COMP_DATE"] = max(comp, decided["INPUT_DATE"] + timedelta(days=1))
        _set_outcome(decided, oc, relief, rng)
    elif rng.random() < 0.35:
        decided["apps"] = [("ASYL", "", decided["INPUT_DATE"] + timedelta(days=60)),
                           ("ASYW", "", decided["INPUT_DATE"] + timedelta(days=60)),
                           ("WCAT", "", decided["INPUT_DATE"] + timedelta(days=60))]


def _mpp_later_proceedings(rng: np.random.Generator, rows: _MppRows, c: _MppCase, decided: dict, oc: str) -> None:
    """Proceedings after the initial completion: an in-absentia removal reopened (then terminated or
    relief), a BIA remand of an attended removal order, an administrative closure recalendared."""
    done = decided["COMP_DATE"]
    if done is None:
        return
    if oc == "X" and decided.get("ABSENTIA") == "Y" and rng.random() < 0.04:
        q = c.new_proc(rows, done + timedelta(days=int(rng.integers(30, 300))), decided["HEARING_LOC_CODE"])
        r = rng.random()
        q_comp = q["INPUT_DATE"] + timedelta(days=int(rng.integers(30, 200)))
        if r < 0.5:
            q.update(COMP_DATE=q_comp, DEC_CODE="T", DEC_TYPE="O")
        elif r < 0.6:
            q["COMP_DATE"] = q_comp
            _set_outcome(q, "REL", "R", rng)
        rows.summary["reopened_after_absentia"] += 1
    elif oc == "X" and decided.get("ABSENTIA") == "N" and rng.random() < 0.03:
        q = c.new_proc(rows, done + timedelta(days=int(rng.integers(120, 400))), decided["HEARING_LOC_CODE"])
        r = rng.random()
        q_comp = q["INPUT_DATE"] + timedelta(days=int(rng.integers(60, 300)))
        if r < 0.4:
            q["COMP_DATE"] = q_comp
            _set_outcome(q, "X", "R", rng, absentia=False)
        elif r < 0.6:
            q["COMP_DATE"] = q_comp
            _set_outcome(q, "REL", "E", rng)
        rows.summary["bia_remand"] += 1
    elif oc == "AC" and rng.random() < 0.4:
        q = c.new_proc(rows, done + timedelta(days=int(rng.integers(90, 400))), decided["HEARING_LOC_CODE"])
        if rng.random() < 0.5:
            q["COMP_DATE"] = q["INPUT_DATE"] + timedelta(days=int(rng.integers(60, 300)))
            _set_outcome(q, "X", "R", rng)
        rows.summary["recalendared"] += 1


def _mpp_write_proceedings(rng: np.random.Generator, rows: _MppRows, c: _MppCase) -> None:
    """B_TblProceeding, tbl_Court_Appln and tbl_schedule rows of the case's proceedings (1 + Poisson(1.5)
    master hearings each, the first ones at the ``sched_loc`` locations), then its latest hearing."""
    last_hearing = None
    for q in c.procs:
        pid = q["IDNPROCEEDING"]
        base = (MPP_HLOC.get(q["HEARING_LOC_CODE"]) or COURT_HLOC[q["HEARING_LOC_CODE"]])[1]
        row = {
            "IDNPROCEEDING": str(pid), "IDNCASE": str(c.idncase), "OSC_DATE": _d(c.nta),
            "INPUT_DATE": _d(q["INPUT_DATE"]), "BASE_CITY_CODE": base, "HEARING_LOC_CODE": q["HEARING_LOC_CODE"],
            "IJ_CODE": f"{base[:2]}{int(rng.integers(1, 9))}", "DEC_TYPE": q.get("DEC_TYPE", ""),
            "DEC_CODE": q.get("DEC_CODE", ""), "OTHER_COMP": q.get("OTHER_COMP", ""),
            "COMP_DATE": _d(q["COMP_DATE"]), "ABSENTIA": q.get("ABSENTIA", "N" if q["COMP_DATE"] else ""),
            "VENUE_CHG_GRANTED": _d(q.get("VENUE_CHG_GRANTED")), "TRANSFER_TO": q.get("TRANSFER_TO", ""),
            "CUSTODY": "N", "CASE_TYPE": "RMV", "NAT": c.nat, "LANG": c.lang, "CRIM_IND": "N",
            "AGGRAVATE_FELON": "0", "HEARING_DATE": "", "TRANS_IN_DATE": "",
        }
        for k, v in row.items():
            rows.proc[k].append(v)
        for code, dec, recd in q["apps"]:
            rows.appl["IDNPROCEEDINGAPPLN"].append(str(rows.ids["appl"].take()))
            rows.appl["IDNPROCEEDING"].append(str(pid))
            rows.appl["IDNCASE"].append(str(c.idncase))
            rows.appl["APPL_CODE"].append(code)
            rows.appl["APPL_RECD_DATE"].append(_d(recd))
            rows.appl["APPL_DEC"].append(dec)
        start = q["INPUT_DATE"]
        end = q["COMP_DATE"] or (start + timedelta(days=int(rng.integers(200, 2400))))
        nh = 1 + int(rng.poisson(1.5))
        span_h = max(1, (end - start).days)
        offs = sorted(int(x) for x in rng.integers(1, span_h + 1, size=nh))
        for h, off in enumerate(offs):
            adj = start + timedelta(days=off)
            hl = q["sched_loc"][h] if h < len(q["sched_loc"]) else q["HEARING_LOC_CODE"]
            _sched(rows.sched, rows.ids, pid, c.idncase, c.nta, hl, base, c.lang, start, adj, h == nh - 1, rng)
            last_hearing = adj
    rows.case["LATEST_HEARING"].append(_d(last_hearing))
    rows.case["LATEST_CAL_TYPE"].append("M" if last_hearing else "")


def _mpp_block(rng: np.random.Generator, factor: float, w: dict[str, _TableWriter], ids: dict[str, _Ids]) -> dict:
    """Generate the MPP population (plus decoys) and write it; return a summary.

    Per case: the case row, identifiers, the first proceeding (at the MPP location, or at the nearby
    regular court when the case is flagged by identifier or schedule only), the initial completion, a
    change of venue, the decision, later proceedings, then the rows of every proceeding."""
    nta, locs, kinds = _mpp_enrollments(rng, factor)
    n = len(nta)
    flag_kind = rng.choice(["both", "id_only", "loc_only", "sched_only"], size=n, p=[0.55, 0.15, 0.22, 0.08])
    nat = rng.choice(list(MPP_NAT), size=n, p=np.array(list(MPP_NAT.values())) / sum(MPP_NAT.values()))
    u = rng.random((n, 16))
    outcome = rng.choice(_MPP_OUTCOMES, size=n, p=_MPP_OUTCOME_P / _MPP_OUTCOME_P.sum())
    relief_kind = rng.choice(["R", "E", "Z"], size=n, p=[0.55, 0.30, 0.15])
    rows = _MppRows(ids)
    for i in range(n):
        kind, loc, ui, nat_i = kinds[i], locs[i], u[i], str(nat[i])
        fk = "loc_only" if kind == "test_location" else ("id_only" if kind == "pre_inception" else str(flag_kind[i]))
        lang = LANG_BY_NAT.get(nat_i, "SP")
        if nat_i == "GT" and ui[0] < 0.15:
            lang = "MAM" if ui[0] < 0.08 else "QUI"
        c = _MppCase(MPP_IDNCASE0 + i + 1, nta[i], nat_i, lang)
        _mpp_case_row(rows, c, ui)
        _mpp_identifiers(rows, c.idncase, fk, ui)
        first_loc = loc if fk in ("both", "loc_only") else NEAR_COURT.get(loc, "ELP")
        p = c.new_proc(rows, c.nta + timedelta(days=int(1 + ui[8] * 20)), first_loc)
        if fk == "sched_only":
            p["sched_loc"] = [loc]
        comp = _mpp_initial_completion(rng, kind, c.nta, ui)
        decided = _mpp_change_of_venue(rows, c, p, comp, ui)
        oc = str(outcome[i])
        _mpp_decide(rng, decided, comp, oc, str(relief_kind[i]))
        _mpp_later_proceedings(rng, rows, c, decided, oc)
        rows.summary[f"kind_{kind}"] += 1
        _mpp_write_proceedings(rng, rows, c)
    rows.write(w, n)
    summary = rows.summary
    summary["cases"] = n
    summary["idncase_first"] = MPP_IDNCASE0 + 1
    summary["idncase_last"] = MPP_IDNCASE0 + n
    return dict(sorted(summary.items()))


def _sched(rows, ids, pid, idncase, n0, hloc, base, lang, input_date, adj, last, rng) -> None:
    rows["IDNSCHEDULE"].append(str(ids["sched"].take()))
    rows["IDNPROCEEDING"].append(str(pid))
    rows["IDNCASE"].append(str(idncase))
    rows["OSC_DATE"].append(_d(n0))
    rows["GENERATION"].append("99" if last else str(98 - int(rng.integers(0, 3))))
    rows["REC_TYPE"].append("O")
    rows["LANG"].append(lang)
    rows["HEARING_LOC_CODE"].append(hloc)
    rows["BASE_CITY_CODE"].append(base)
    rows["IJ_CODE"].append(f"{base[:2]}{int(rng.integers(1, 9))}")
    rows["INPUT_DATE"].append(_d(input_date))
    rows["INPUT_TIME"].append("0900")
    rows["UPDATE_DATE"].append(_d(min(adj, AS_OF + timedelta(days=45))))
    rows["UPDATE_TIME"].append("1015")
    rows["CAL_TYPE"].append("M")
    rows["ADJ_DATE"].append(_d(adj))
    rows["ADJ_TIME_START"].append("0830")
    rows["ADJ_TIME_STOP"].append("" if last else "0900")
    rows["ADJ_RSN"].append("" if last else "17")
    rows["ADJ_MEDIUM"].append("P")
    rows["SCHEDULE_TYPE"].append("MA")
    rows["BLNCLOCKOVERRIDE"].append("0")


def _set_outcome(p: dict, oc: str, relief: str, rng, absentia: bool | None = None) -> None:
    """Fill DEC_CODE / OTHER_COMP / ABSENTIA and applications of a completed proceeding for outcome ``oc``."""
    recd = p["INPUT_DATE"] + timedelta(days=int(rng.integers(20, 90)))
    triple = [("ASYL", "D", recd), ("ASYW", "D", recd), ("WCAT", "D", recd)]
    p["DEC_TYPE"] = "O"
    if oc == "X":
        if absentia is None:
            absentia = rng.random() < 0.85
        p["DEC_CODE"] = "X"
        p["ABSENTIA"] = "Y" if absentia else "N"
        if absentia:
            p["apps"] = [("ASYL", "A", recd)] if rng.random() < 0.15 else []
        else:
            p["apps"] = triple if rng.random() < 0.8 else []
    elif oc == "V":
        p["DEC_CODE"] = "V"
        p["apps"] = [("VD", "G", recd)]
    elif oc == "T":
        p["DEC_CODE"] = "T"
        p["apps"] = [("ASYL", "O", recd)] if rng.random() < 0.2 else []
    elif oc == "REL":
        p["DEC_CODE"] = relief
        if relief == "R":
            p["apps"] = [("ASYL", str(rng.choice(["G", "F", "G", "G"])), recd), ("ASYW", "M", recd), ("WCAT", "M", recd)]
        elif relief == "E":
            p["apps"] = [("ASYL", "D", recd), ("ASYW", "G", recd), ("WCAT", "M", recd)]
        else:
            p["apps"] = [("ASYL", "D", recd), ("ASYW", "D", recd), ("WCAT", str(rng.choice(["L", "G"])), recd)]
    elif oc == "H":
        p["DEC_CODE"] = "H"
        p["apps"] = triple
    elif oc == "U":
        p["DEC_CODE"] = "U"
    elif oc == "AC":
        p["OTHER_COMP"] = str(rng.choice(["A", "K", "M", "Y", "B"]))
        p["DEC_TYPE"] = ""
    else:
        code = str(rng.choice(["O", "W", "F"]))
        if code == "F":
            p["OTHER_COMP"] = "F"
            p["DEC_TYPE"] = ""
        else:
            p["DEC_CODE"] = code
        if rng.random() < 0.3:
            p["apps"] = [("42B", "W", recd)]


# ---------------------------------------------------------------- background block (vectorised)
def _real_weights(table: str, field: str, lookup: str, min_share: float) -> dict[str, float]:
    """Shares of the real release's values of ``table.field`` (orchestration/eoir/reference), keeping the
    codes of the real ``lookup`` that reach ``min_share`` of the valid rows (dirty values and rare codes out)."""
    counts = {v: n for v, n in real_value_frequencies(table, field).items() if v in real_lookup_codes()[lookup]}
    total = sum(counts.values())
    return {v: n / total for v, n in counts.items() if n / total >= min_share}


#: Background case types and DEC_CODE values at their real shares (B_TblProceeding, every case type):
#: RMV 87%, DEP 9%, EXC 1.7%, CFR 1.3%, WHO, RFR, AOC; X 48%, R 11%, V 10%, T 10%, D 8%, U 8%, A, E, O, G, W.
BG_CASE_TYPES = _real_weights("B_TblProceeding", "CASE_TYPE", "tblLookupCaseType", 1e-3)
BG_DEC = _real_weights("B_TblProceeding", "DEC_CODE", "tblLookupCourtDecision", 1e-3)
BG_COURTS = tuple(c for c in COURT_HLOC)


def _choice(rng, mapping: dict, size: int) -> np.ndarray:
    keys = np.array(list(mapping), dtype=object)
    p = np.array(list(mapping.values()), dtype=float)
    return keys[rng.choice(len(keys), size=size, p=p / p.sum())]


@dataclass
class _BgCases:
    """One chunk of background cases, as arrays over the chunk's cases (NTA dates as days since 1970)."""

    idncase: np.ndarray
    ctype: np.ndarray
    nat: np.ndarray
    lang: np.ndarray
    nta: np.ndarray
    court: np.ndarray
    court_base: np.ndarray
    city: np.ndarray
    custody: np.ndarray
    sex: np.ndarray
    entry: np.ndarray
    n_proc: np.ndarray


@dataclass
class _BgProceedings:
    """The proceedings of a chunk of background cases, as arrays over the proceedings."""

    case_of: np.ndarray  # index of the proceeding's case in the chunk
    pid: np.ndarray
    inp: np.ndarray  # INPUT_DATE (days)
    comp: np.ndarray  # COMP_DATE (days), -1 while pending
    court: np.ndarray
    base: np.ndarray


def _bg_cases(rng: np.random.Generator, n: int, idn0: int) -> _BgCases:
    """Draw ``n`` background cases from IDNCASE ``idn0``: case type and nationality at real shares, NTA
    1996-2020 (more in later years), a regular court, US residence, custody, sex, entry date (35% unknown,
    never before 1950-01-02) and 1-4 proceedings."""
    ctype = _choice(rng, BG_CASE_TYPES, n)
    nat = _choice(rng, BG_NAT, n)
    lang = np.array([LANG_BY_NAT.get(x, "SP") if x in LANG_BY_NAT or x in ("MX", "GT", "HO", "ES", "CU", "EC", "CO",
                     "NU", "VE", "DR", "BL", "PE") else "ENG" for x in nat], dtype=object)
    year_w = np.linspace(0.3, 1.6, 2020 - 1996 + 1)
    years = 1996 + rng.choice(len(year_w), size=n, p=year_w / year_w.sum())
    nta = np.array([_days(date(int(y), 1, 1)) for y in range(1996, 2021)], dtype=np.int64)[years - 1996]
    nta = nta + rng.integers(0, 365, size=n)
    court = np.array(BG_COURTS, dtype=object)[rng.integers(0, len(BG_COURTS), size=n)]
    base_of = dict(zip(BG_COURTS, (COURT_HLOC[c][1] for c in BG_COURTS), strict=True))
    court_base = np.array([base_of[c] for c in court], dtype=object)
    ci = rng.integers(0, len(US_CITIES), size=n)
    custody = _choice(rng, {"N": 0.6, "D": 0.25, "R": 0.15}, n)
    sex = _choice(rng, {"M": 0.33, "F": 0.2, "": 0.47}, n)
    entry = np.where(rng.random(n) < 0.35, -1, nta - rng.integers(0, 3000, size=n))
    entry = np.where((entry >= 0) & (entry < _days(date(1950, 1, 2))), _days(date(1950, 1, 2)), entry)
    n_proc = rng.choice([1, 2, 3, 4], size=n, p=[0.75, 0.18, 0.05, 0.02])
    return _BgCases(np.arange(idn0, idn0 + n, dtype=np.int64), ctype, nat, lang, nta, court, court_base, ci,
                    custody, sex, entry, n_proc)


def _bg_proceedings(rng: np.random.Generator, c: _BgCases, w: dict[str, _TableWriter], ids: dict[str, _Ids]
                    ) -> _BgProceedings:
    """Draw and write the cases' proceedings (B_TblProceeding): each opens 60-700 days after the previous
    one; all but the last complete with a change of venue, transfer or administrative closure; the last
    is decided (DEC_CODE at real shares) or otherwise completed, or pending (32%)."""
    n_proc = c.n_proc
    P = int(n_proc.sum())
    case_of = np.repeat(np.arange(len(n_proc)), n_proc)
    first_of_case = np.concatenate([[0], np.cumsum(n_proc)[:-1]])
    k_in_case = np.arange(P) - np.repeat(first_of_case, n_proc)
    is_last = k_in_case == (n_proc[case_of] - 1)
    pid = np.arange(ids["proc"].take(P), ids["proc"].next, dtype=np.int64)
    step = rng.integers(60, 700, size=P)
    # input dates accumulate along the case: offset of proceeding k = sum of the steps of proceedings < k
    excl = np.cumsum(step) - step
    inp = c.nta[case_of] + 5 + excl - np.repeat(excl[first_of_case], n_proc)
    comp = inp + rng.integers(30, 900, size=P)
    done = (~is_last) | (rng.random(P) < 0.68)
    comp = np.where(done, comp, -1)
    mid_oc = _choice(rng, {"C": 0.6, "T": 0.1, "A": 0.3}, P)
    dec = _choice(rng, BG_DEC, P)
    other_last = rng.random(P) < 0.06
    last_oc = _choice(rng, {"A": 0.5, "F": 0.2, "O": 0.2, "P": 0.1}, P)
    dec_code = np.where(done & is_last & ~other_last, dec, "")
    other = np.where(~is_last, mid_oc, np.where(done & other_last, last_oc, ""))
    absentia = np.where(dec_code == "X", np.where(rng.random(P) < 0.4, "Y", "N"), np.where(done, "N", ""))
    dec_type = np.where(dec_code != "", np.where(rng.random(P) < 0.5, "O", "W"), "")
    p = _BgProceedings(case_of, pid, inp, comp, c.court[case_of], c.court_base[case_of])
    proc_cols = {
        "IDNPROCEEDING": pid.astype(str).astype(object), "IDNCASE": c.idncase[case_of].astype(str).astype(object),
        "OSC_DATE": _fmt_dates(c.nta[case_of]), "INPUT_DATE": _fmt_dates(inp), "BASE_CITY_CODE": p.base,
        "HEARING_LOC_CODE": p.court, "IJ_CODE": np.char.add(p.base.astype(str).astype("<U3"), "1").astype(object),
        "DEC_TYPE": dec_type.astype(object), "DEC_CODE": dec_code.astype(object), "OTHER_COMP": other.astype(object),
        "COMP_DATE": _fmt_dates(comp), "ABSENTIA": absentia.astype(object),
        "CUSTODY": c.custody[case_of], "CASE_TYPE": c.ctype[case_of], "NAT": c.nat[case_of], "LANG": c.lang[case_of],
        "CRIM_IND": np.where(rng.random(P) < 0.08, "Y", "N").astype(object),
    }
    w["B_TblProceeding"].write(proc_cols, P)
    return p


def _bg_applications(rng: np.random.Generator, c: _BgCases, p: _BgProceedings, w: dict[str, _TableWriter],
                     ids: dict[str, _Ids]) -> None:
    """Draw and write tbl_Court_Appln: per proceeding none, one (non-relief or asylum) or the I-589 triple
    (ASYL, ASYW, WCAT), received 30 days after the proceeding's input; decisions only once completed."""
    P = len(p.pid)
    n_app = rng.choice([0, 1, 3], size=P, p=[0.55, 0.20, 0.25])
    A = int(n_app.sum())
    a_proc = np.repeat(np.arange(P), n_app)
    a_first = np.concatenate([[0], np.cumsum(n_app)[:-1]])
    a_k = np.arange(A) - np.repeat(a_first, n_app)
    single = _choice(rng, {"42B": 0.3, "245": 0.25, "VD": 0.25, "42A": 0.1, "ASYL": 0.1}, A)
    triple = np.array(["ASYL", "ASYW", "WCAT"], dtype=object)
    code = np.where(n_app[a_proc] == 3, triple[np.minimum(a_k, 2)], single)
    adec = _choice(rng, {"": 0.40, "D": 0.25, "G": 0.08, "A": 0.1, "W": 0.1, "M": 0.04, "O": 0.03}, A)
    adec = np.where(p.comp[a_proc] >= 0, adec, "")
    aid = np.arange(ids["appl"].take(A), ids["appl"].next, dtype=np.int64)
    appl_cols = {
        "IDNPROCEEDINGAPPLN": aid.astype(str).astype(object), "IDNPROCEEDING": p.pid[a_proc].astype(str).astype(object),
        "IDNCASE": c.idncase[p.case_of[a_proc]].astype(str).astype(object), "APPL_CODE": code.astype(object),
        "APPL_RECD_DATE": _fmt_dates(p.inp[a_proc] + 30), "APPL_DEC": adec.astype(object),
    }
    w["tbl_Court_Appln"].write(appl_cols, A)


def _bg_identifiers(rng: np.random.Generator, c: _BgCases, w: dict[str, _TableWriter], ids: dict[str, _Ids]) -> None:
    """Draw and write A_TblCaseIdentifier: 18% of the cases have one or (15% of those) two non-MPP
    identifiers (~0.21 rows per case)."""
    n = len(c.idncase)
    has_id = rng.random(n) < 0.18
    n_id = np.where(has_id, np.where(rng.random(n) < 0.15, 2, 1), 0)
    Ii = int(n_id.sum())
    i_case = np.repeat(np.arange(n), n_id)
    iid = np.arange(ids["caseid"].take(Ii), ids["caseid"].next, dtype=np.int64)
    id_cols = {"IDNCASEID": iid.astype(str).astype(object), "IDNCASE": c.idncase[i_case].astype(str).astype(object),
               "CASE_ID": np.array(BG_IDENTIFIERS, dtype=object)[rng.integers(0, len(BG_IDENTIFIERS), size=Ii)]}
    w["A_TblCaseIdentifier"].write(id_cols, Ii)


def _bg_schedule(rng: np.random.Generator, c: _BgCases, p: _BgProceedings, w: dict[str, _TableWriter],
                 ids: dict[str, _Ids]) -> np.ndarray:
    """Draw and write tbl_schedule: 1 + Poisson(2) hearings per proceeding, evenly spread up to its
    completion (or a future end while pending), 76% master calendar; return each case's latest hearing
    (days, -1 without one)."""
    P = len(p.pid)
    n_h = 1 + rng.poisson(2.0, size=P)
    H = int(n_h.sum())
    h_proc = np.repeat(np.arange(P), n_h)
    h_first = np.concatenate([[0], np.cumsum(n_h)[:-1]])
    h_k = np.arange(H) - np.repeat(h_first, n_h)
    h_last = h_k == (n_h[h_proc] - 1)
    end = np.where(p.comp >= 0, p.comp, p.inp + rng.integers(200, 2500, size=P))
    span = np.maximum(end - p.inp, 1)
    adj = p.inp[h_proc] + ((h_k + 1) * span[h_proc]) // n_h[h_proc]
    sid = np.arange(ids["sched"].take(H), ids["sched"].next, dtype=np.int64)
    upd = np.minimum(adj, _days(AS_OF) + 45)
    h_case = p.case_of[h_proc]
    sched_cols = {
        "IDNSCHEDULE": sid.astype(str).astype(object), "IDNPROCEEDING": p.pid[h_proc].astype(str).astype(object),
        "IDNCASE": c.idncase[h_case].astype(str).astype(object), "OSC_DATE": _fmt_dates(c.nta[h_case]),
        "GENERATION": np.where(h_last, "99", "98").astype(object), "REC_TYPE": np.full(H, "O", dtype=object),
        "LANG": c.lang[h_case], "HEARING_LOC_CODE": p.court[h_proc], "BASE_CITY_CODE": p.base[h_proc],
        "INPUT_DATE": _fmt_dates(p.inp[h_proc]), "INPUT_TIME": np.full(H, "0900", dtype=object),
        "UPDATE_DATE": _fmt_dates(upd), "UPDATE_TIME": np.full(H, "1015", dtype=object),
        "CAL_TYPE": np.where(rng.random(H) < 0.76, "M", "I").astype(object), "ADJ_DATE": _fmt_dates(adj),
        "ADJ_TIME_START": np.full(H, "0830", dtype=object), "ADJ_MEDIUM": np.full(H, "P", dtype=object),
        "SCHEDULE_TYPE": np.full(H, "MA", dtype=object), "BLNCLOCKOVERRIDE": np.full(H, "0", dtype=object),
    }
    w["tbl_schedule"].write(sched_cols, H)
    latest = np.full(len(c.idncase), -1, dtype=np.int64)
    np.maximum.at(latest, h_case, adj)
    return latest


def _bg_chunk(rng: np.random.Generator, n: int, idn0: int, w: dict[str, _TableWriter], ids: dict[str, _Ids]) -> None:
    """Generate and write ``n`` background cases from IDNCASE ``idn0``, vectorised: cases, proceedings,
    applications, identifiers, hearings, then the case rows (which carry the latest hearing)."""
    c = _bg_cases(rng, n, idn0)
    p = _bg_proceedings(rng, c, w, ids)
    _bg_applications(rng, c, p, w, ids)
    _bg_identifiers(rng, c, w, ids)
    latest = _bg_schedule(rng, c, p, w, ids)
    case_cols = {
        "IDNCASE": c.idncase.astype(str).astype(object), "ALIEN_CITY": np.array(US_CITIES, dtype=object)[c.city],
        "ALIEN_STATE": np.array(US_STATES, dtype=object)[c.city], "NAT": c.nat, "LANG": c.lang,
        "CUSTODY": c.custody, "CASE_TYPE": c.ctype, "Sex": c.sex,
        "DATE_OF_ENTRY": _fmt_dates(c.entry), "LATEST_HEARING": _fmt_dates(latest),
        "LATEST_CAL_TYPE": np.full(n, "M", dtype=object), "UPDATE_SITE": c.court,
    }
    w["A_TblCase"].write(case_cols, n)


# ---------------------------------------------------------------- lookups, marker, zip
def _write_lookup(folder: Path, stem: str, rows: list[dict[str, object]]) -> None:
    """``Lookup/<stem>.csv`` with the real table's columns (LOOKUP_SPECS), an ``idn`` surrogate key first,
    ``blnActive`` 1 unless the row says otherwise, blanks for the columns a row does not give."""
    header = list(LOOKUP_SPECS[stem.lower()].published)
    with open(folder / f"{stem}.csv", "wb") as fh:
        fh.write(("\t".join(header) + "\n").encode("latin-1"))
        for i, row in enumerate(rows, start=1):
            full = {header[0]: i, "blnActive": 1, "datCreatedOn": _d(date(2002, 11, 30)), **row}
            fh.write(("\t".join(str(full.get(c, "")) for c in header) + "\n").encode("latin-1"))


def _coded(stem: str, code_column: str, desc_column: str, codes, descriptions: dict[str, str]) -> list[dict]:
    """Rows of a code -> description lookup, descriptions from the real lookup where it has the code."""
    real = real_lookup_descriptions(stem)
    return [{code_column: c, desc_column: real.get(c, descriptions.get(c, ""))} for c in sorted(codes)]


def _write_lookups(folder: Path) -> list[str]:
    """The lookups the models decode with, in the real release's ``Lookup/`` layout (real file and column
    names; codes from the real lookups: tests/eoir/test_generator.py checks every one)."""
    folder.mkdir(parents=True, exist_ok=True)
    hloc = {**MPP_HLOC, **COURT_HLOC}
    _write_lookup(folder, "tblLookupHloc", [{"HEARING_LOC_CODE": k, "HEARING_LOC_NAME": v[0], "HEARING_BASE_CITY": v[1]}
                                            for k, v in sorted(hloc.items())])
    _write_lookup(folder, "tblLookupBaseCity", [{"BASE_CITY_CODE": k, "BASE_CITY_NAME": v}
                                                for k, v in sorted(BASE_CITY.items())])
    _write_lookup(folder, "tblLookupCourtDecision", [
        {"strCaseType": ct, "strDecCode": code, "strDecType": dt, "strDecDescription": desc, "blnActive": active,
         "datModifiedOn": _d(date(2016, 4, 2) if active else date(2004, 6, 22))}
        for ct, code, dt, desc, active in COURT_DECISIONS])
    _write_lookup(folder, "tblLookUpCaseIdentifier",
                  _coded("tblLookUpCaseIdentifier", "strcode", "strDescription", CASE_IDENTIFIERS, CASE_IDENTIFIERS))
    _write_lookup(folder, "tblLookupNationality",
                  _coded("tblLookupNationality", "NAT_CODE", "NAT_NAME", NATIONALITY, NATIONALITY))
    languages = {"SP", "ENG", "MAM", "QUI", *LANG_BY_NAT.values()}
    _write_lookup(folder, "tblLanguage", _coded("tblLanguage", "strCode", "strDescription", languages, {}))
    _write_lookup(folder, "tblLookupCaseType",
                  _coded("tblLookupCaseType", "strCode", "strDescription", real_lookup_codes()["tblLookupCaseType"], {}))
    return sorted(p.name for p in folder.iterdir())


def _write_count_file(folder: Path, table_rows: dict[str, int]) -> None:
    """``Count.txt`` as EOIR ships it: one line per table, ``<table>\\t<rows>`` (data lines, header not
    counted), for the required tables (``table_rows``) and every lookup file (counted from the file)."""
    rows = dict(table_rows)
    for p in sorted((folder / "Lookup").glob("*.csv")):
        rows[p.stem] = p.read_bytes().count(b"\n") - 1
    (folder / COUNT_FILE).write_bytes(b"".join(f"{t}\t{n}\r\n".encode("latin-1") for t, n in rows.items()))


README = """SYNTHETIC EOIR CASE DATA - NOT REAL DATA
=========================================
This release was generated by mpp-metrics (orchestration.eoir.generator). Every person, case, date and
decision in it is made up. It mimics the format of EOIR's FOIA "Case Data" release (TAB-delimited .csv,
Latin-1, published columns) and injects the format defects seen in the real files, so that ingestion can
be tested. See _SYNTHETIC_RELEASE.json for the seed, scale, generator version, row counts and injected
defects. Do not use it for any statement about the real immigration courts.
"""


def generate_release(out: Path, *, seed: int = 20201231, scale: float = 0.01, as_zip: bool = False,
                     corrupt_rate: float = 0.0) -> dict:
    """Write a synthetic EOIR release and return its marker (also written as ``_SYNTHETIC_RELEASE.json``).

    out: the release folder to create (replaced if it exists); with ``as_zip=True`` the release is a zip
    file at ``out`` (``.zip`` appended when missing) whose members sit at the archive root.
    seed: PCG64 seed; scale: fraction of the full release (> 0, <= 1). Identical bytes for the same seed and
    scale. Returns a dict with ``path`` plus the marker: ``seed``, ``scale``, ``generator_version``,
    ``vintage``, ``as_of``, ``tables`` ({file: {rows_generated, defects, expected}}), ``mpp`` (population
    summary).
    corrupt_rate: fraction of data rows per file additionally broken so that the reader must quarantine
    them (:data:`CORRUPTION_KINDS`: too few fields, two extra fields, a non-numeric key); 0 (default) adds
    nothing and leaves the bytes as before. Recorded in the marker (``corrupt_rate``) and in each table's
    ``defects`` / ``expected`` counts.
    Raises ValueError for a scale outside (0, 1] or a corrupt_rate outside [0, 0.5].
    """
    if not (0 < scale <= 1):
        raise ValueError(f"scale must be in (0, 1], got {scale}")
    if not (0 <= corrupt_rate <= 0.5):
        raise ValueError(f"corrupt_rate must be in [0, 0.5], got {corrupt_rate}")
    out = Path(out)
    final = out if not as_zip else (out if out.suffix == ".zip" else out.with_name(out.name + ".zip"))
    folder = final if not as_zip else final.with_name(final.name + ".tmpdir")
    for p in {folder, final}:
        if p.is_dir():
            shutil.rmtree(p)
        elif p.exists():
            p.unlink()
    folder.mkdir(parents=True)
    root = np.random.SeedSequence(seed)
    s_mpp, s_bg, *s_tables = root.spawn(2 + len(REQUIRED_TABLES))
    writers = {spec.name: _TableWriter(folder / spec.file_name, spec, np.random.Generator(np.random.PCG64(s)),
                                       corrupt_rate)
               for spec, s in zip(REQUIRED_TABLES, s_tables, strict=True)}
    ids = {"proc": _Ids(1_000_000), "appl": _Ids(1_000_000), "caseid": _Ids(1_000_000), "sched": _Ids(1_000_000)}
    factor = min(1.0, scale / MPP_REFERENCE_SCALE)
    total_cases = round(FULL_CASES * scale)
    rng_bg = np.random.Generator(np.random.PCG64(s_bg))
    try:
        mpp_rng = np.random.Generator(np.random.PCG64(s_mpp))
        # the MPP block is generated first (stable IDs), background chunks follow in the files
        mpp_ids = {"proc": _Ids(40_000_001), "appl": _Ids(40_000_001), "caseid": _Ids(40_000_001),
                   "sched": _Ids(140_000_001)}
        bg_cases = None
        summary = _mpp_block(mpp_rng, factor, writers, mpp_ids)
        bg_cases = max(0, total_cases - summary["cases"])
        done = 0
        while done < bg_cases:
            k = min(BG_CHUNK, bg_cases - done)
            _bg_chunk(rng_bg, k, 1_000_000 + done, writers, ids)
            done += k
    finally:
        tables = {spec.file_name: writers[spec.name].close() for spec in REQUIRED_TABLES}
    lookups = _write_lookups(folder / "Lookup")
    marker = {
        "synthetic": True,
        "generator": "orchestration.eoir.generator",
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "scale": scale,
        "corrupt_rate": corrupt_rate,
        "vintage": VINTAGE.isoformat(),
        "as_of": AS_OF.isoformat(),
        "background_cases": bg_cases,
        "mpp": summary,
        "tables": tables,
        "lookups": [f"Lookup/{x}" for x in lookups],
    }
    (folder / SYNTHETIC_MARKER).write_text(json.dumps(marker, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    (folder / "README.txt").write_text(README, encoding="utf-8")
    _write_count_file(folder, {spec.name: tables[spec.file_name]["expected"]["rows_read"] for spec in REQUIRED_TABLES})
    if as_zip:
        _zip_folder(folder, final)
        shutil.rmtree(folder)
    return {"path": str(final), **marker}


def _zip_folder(folder: Path, dest: Path) -> None:
    """Zip every file of ``folder`` (members relative to it) with fixed timestamps, streaming each file."""
    with zipfile.ZipFile(dest, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for p in sorted(x for x in folder.rglob("*") if x.is_file()):
            info = zipfile.ZipInfo(p.relative_to(folder).as_posix(), date_time=(2021, 2, 15, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with open(p, "rb") as src, zf.open(info, "w", force_zip64=True) as dst:
                shutil.copyfileobj(src, dst, 4 << 20)
