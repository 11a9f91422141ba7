"""Helpers for the EOIR tests: build tiny releases by hand.

``make_release(folder, overrides)`` writes the five required tables with their published headers (TAB,
Latin-1) and no data rows, then replaces the files named in ``overrides`` ({file name: raw bytes}) so a
test can hand-craft exactly the bytes of one file. Every fixture is built in the test that uses it, with
the expected outcome worked out by hand next to it.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration.eoir.release import REQUIRED_TABLES


def header(name: str) -> bytes:
    spec = next(s for s in REQUIRED_TABLES if s.name == name)
    return ("\t".join(spec.published) + "\n").encode("latin-1")


def make_release(folder: Path, overrides: dict[str, bytes] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for spec in REQUIRED_TABLES:
        (folder / spec.file_name).write_bytes(header(spec.name))
    for fname, data in (overrides or {}).items():
        p = folder / fname
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    return folder


@pytest.fixture
def con():
    c = duckdb.connect()
    yield c
    c.close()


APPLN_HDR = b"IDNPROCEEDINGAPPLN\tIDNPROCEEDING\tIDNCASE\tAPPL_CODE\tAPPL_RECD_DATE\tAPPL_DEC\n"


def appln_load(con, tmp_path: Path, body: bytes, *, part_bytes: int | None = None, vintage=None):
    """A ``tbl_Court_Appln.csv`` of ``APPLN_HDR + body`` transcoded into parts under ``tmp_path`` and set up
    for the reader's steps: returns (FileLoad, Transcoded), nothing landed yet (ledger tables created)."""
    from datetime import date

    from orchestration.eoir.diff import DiffThresholds, ensure_diff_table
    from orchestration.eoir.reader.context import FileLoad
    from orchestration.eoir.reader.layout import file_layout
    from orchestration.eoir.reader.result import EoirLoadResult
    from orchestration.eoir.reader.transcode import transcode
    from orchestration.eoir.release import TBL_COURT_APPLN
    from orchestration.raw.ledger import ensure_ledger

    src = tmp_path / "tbl_Court_Appln.csv"
    src.write_bytes(APPLN_HDR + body)
    with open(src, "rb") as fh:
        tc = transcode(fh, tmp_path, "appln", part_bytes)
    ensure_ledger(con)
    ensure_diff_table(con)
    vintage = vintage or date(2020, 12, 31)
    lay = file_layout(TBL_COURT_APPLN, APPLN_HDR.decode().rstrip("\n"), "rel/tbl_Court_Appln.csv")
    result = EoirLoadResult(table_name="eoir_tbl_court_appln", source="eoir", source_file="rel/tbl_Court_Appln.csv",
                            sha256=tc.sha256, vintage=vintage, input_kind="synthetic", rows_read=tc.lines - 1,
                            rows_loaded=0, raw_table="raw.eoir_tbl_court_appln")
    return FileLoad(con, TBL_COURT_APPLN, "rel/tbl_Court_Appln.csv", lay, result, vintage, "synthetic",
                    DiffThresholds()), tc


def appln_through_keys(con, tmp_path: Path, body: str):
    """:func:`appln_load`, then the reader's steps up to the keys (parts landed, wrong-width rows
    quarantined or repaired, duplicates collapsed, keys checked): returns (FileLoad, excluded relations)."""
    from orchestration.eoir.reader.keys import collapse_duplicates, quarantine_keys
    from orchestration.eoir.reader.parse import land_parts
    from orchestration.eoir.reader.quarantine import quarantine_malformed

    ctx, tc = appln_load(con, tmp_path, body.encode())
    land_parts(ctx, tc.parts)
    quarantine_malformed(ctx, tc)
    collapse_duplicates(ctx)
    return ctx, quarantine_keys(ctx, tc)
