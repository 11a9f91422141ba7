"""Derive the bundled real-code reference files of this folder from the shared EOIR metadata.

Run once when the sources change (not part of a pipeline run; CI has no shared data folder):

    python -m orchestration.eoir.reference.derive ../shared/data/eoir

Inputs (``shared/data/MANIFEST.md`` section B): ``deportationdata_eoir_lookup_tables_combined.csv`` (B4,
every ``Lookup/*.csv`` of the real release flattened to code -> description, CC0),
``marrowb_eoir_metadata/lookups.json`` (B5, MIT; adds codes the flattening lost, e.g. RMV ``R`` Relief
Granted of tblLookupCourtDecision) and ``deportationdata_eoir_value_frequencies_by_field.csv`` (B2, CC0).
Outputs: ``eoir_lookup_codes.csv`` (table, code, description, source) for the lookups of
:data:`LOOKUP_TABLES` and ``eoir_value_frequencies.csv`` (table, field, value, n) for :data:`FREQUENCY_FIELDS`.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: lookup tables whose codes the generator writes or the models decode (file stem as in ``Lookup/``)
LOOKUP_TABLES = ("tblLookupCourtDecision", "tblLookupCaseType", "tblDecCode", "tblLanguage", "tblLookupNationality",
                 "tblLookupHloc", "tblLookupBaseCity", "tblLookUpCaseIdentifier", "tblLookUp_Appln",
                 "tblLookupCourtAppDecisions", "tbllookupCal_Type", "tblLookupCustodyStatus", "tblDecType",
                 "tblLookupAbsentia")
#: (table, field) pairs whose real value frequencies the generator is calibrated to
FREQUENCY_FIELDS = (("B_TblProceeding", "CASE_TYPE"), ("B_TblProceeding", "DEC_CODE"),
                    ("B_TblProceeding", "OTHER_COMP"), ("B_TblProceeding", "DEC_TYPE"),
                    ("B_TblProceeding", "ABSENTIA"), ("A_TblCase", "CUSTODY"), ("A_TblCase", "CASE_TYPE"),
                    ("tbl_Court_Appln", "APPL_CODE"), ("tbl_Court_Appln", "APPL_DEC"),
                    ("A_TblCaseIdentifier", "CASE_ID"), ("tbl_schedule", "CAL_TYPE"))
#: a code in the flattened court-decision lookup (its rows also hold shifted flags and timestamps)
CODE = re.compile(r"^[A-Za-z0-9?]{1,4}$")


def derive(shared: Path, out: Path = HERE) -> None:
    rows: dict[tuple[str, str], tuple[str, str]] = {}
    with open(shared / "deportationdata_eoir_lookup_tables_combined.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["table"] in LOOKUP_TABLES and r["value"] and r["value"] != "NA" and CODE.match(r["value"]):
                if r["table"] == "tblLookupCourtDecision" and r["value"].isdigit():
                    continue  # blnActive flags shifted into the value column by the flattening
                rows.setdefault((r["table"], r["value"]), (r["description"], "deportationdata/eoir"))
    lookups = json.loads((shared / "marrowb_eoir_metadata" / "lookups.json").read_text(encoding="utf-8"))
    for table in LOOKUP_TABLES:
        for code, desc in (lookups.get(f"{table}.json") or {}).items():
            if CODE.match(code):
                rows.setdefault((table, code), (str(desc), "marrowb/eoir"))
    with open(out / "eoir_lookup_codes.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["table", "code", "description", "source"])
        w.writerows((t, c, d, s) for (t, c), (d, s) in sorted(rows.items()))
    wanted = set(FREQUENCY_FIELDS)
    with open(shared / "deportationdata_eoir_value_frequencies_by_field.csv", encoding="utf-8", newline="") as fh:
        freq = [(r["table"], r["name"], r["value"], int(r["n"])) for r in csv.DictReader(fh)
                if (r["table"], r["name"]) in wanted]
    with open(out / "eoir_value_frequencies.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["table", "field", "value", "n"])
        w.writerows(sorted(freq, key=lambda r: (r[0], r[1], -r[3], r[2])))


if __name__ == "__main__":
    derive(Path(sys.argv[1]))
