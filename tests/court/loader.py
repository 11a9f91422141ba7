"""A SMALL stand-in loader for the EOIR fixture release (tests only).

# TODO(merge): replace with orchestration.eoir.reader.load_release
Ingestion (orchestration/eoir/reader.py, ``load_release(con, release_path)``) is being written in another
branch. Until it lands, this reads the TAB-delimited, Latin-1 fixture files with DuckDB and writes the raw
contract the court models read: schema ``raw``, every published column upper-cased, all VARCHAR, trimmed,
'' -> NULL, then ``_source_line`` and the load columns, with ``_input_kind = 'synthetic'``, plus one
``raw._load_ledger`` row per file, all inside ``ledger.load_transaction``.
"""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

from orchestration.raw import ledger

#: Release file name -> raw table name (the raw contract).
EOIR_FILES = {
    "A_TblCase.csv": "eoir_a_tblcase",
    "A_TblCaseIdentifier.csv": "eoir_a_tblcaseidentifier",
    "B_TblProceeding.csv": "eoir_b_tblproceeding",
    "tbl_Court_Appln.csv": "eoir_tbl_court_appln",
    "tbl_schedule.csv": "eoir_tbl_schedule",
}


def load_fixture_release(warehouse: Path, release_path: Path, vintage: date = date(2021, 1, 31)) -> None:
    """Land every EOIR file of ``release_path`` into ``raw`` of the DuckDB file ``warehouse``."""
    with ledger.load_transaction(warehouse) as con:
        for file_name, table in EOIR_FILES.items():
            path = release_path / file_name
            if not path.exists():
                raise FileNotFoundError(f"fixture release is missing {file_name}: {path}")
            sha = ledger.file_sha256(path)
            load_id = uuid.uuid4().hex
            reader = (
                f"read_csv('{path}', delim='\\t', header=true, all_varchar=true, quote='', escape='', "
                f"encoding='latin-1', strict_mode=true)"
            )
            columns = [r[0] for r in con.execute(f"describe select * from {reader}").fetchall()]
            select_cols = ",\n".join(f'nullif(trim("{c}"), \'\') as "{c.upper()}"' for c in columns)
            con.execute(f"drop table if exists raw.{table}")
            con.execute(
                f"""
                create table raw.{table} as
                select {select_cols},
                       cast(row_number() over () + 1 as bigint) as _source_line,
                       ? as _load_id, ? as _source_file, ? as _source_sha256, cast(? as date) as _vintage,
                       'synthetic' as _input_kind, now()::timestamp as _loaded_at
                from {reader}
                """,
                [load_id, file_name, sha, vintage],
            )
            n = con.execute(f"select count(*) from raw.{table}").fetchone()[0]
            ledger.record_load(
                con,
                ledger.LoadResult(
                    table_name=table,
                    source="eoir",
                    source_file=file_name,
                    sha256=sha,
                    vintage=vintage,
                    input_kind="synthetic",
                    rows_read=n,
                    rows_loaded=n,
                    load_id=load_id,
                ),
            )
