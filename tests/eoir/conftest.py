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
