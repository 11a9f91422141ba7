"""The reference readers the pipeline is compared with (each run in its own process by benchmarks.run).

- ``floor``: DuckDB's plain ``SELECT count(*) FROM read_csv(...)`` over the release files (TAB, no
  quoting, all VARCHAR; lenient, since it only counts): the least any reader of these files must do.
- ``pandas``: ``pandas.read_csv`` of one file as the issue specifies (TAB, Latin-1, every column a
  string), with the default C engine or ``engine="pyarrow"``; bad lines are skipped (the C engine would
  otherwise stop at the first stray tab), so the peer does less than our reader, which accounts for them.
- ``ours``: our reader (orchestration.eoir.reader.load_release) landing the release (every table, or the
  ``--table`` ones) into a fresh DuckDB file in one transaction, as the pipeline's ingestion does; only the
  columns the models read by default, every column with ``--all-columns`` (as ``mpp-metrics run
  --eoir-all-columns``): the like-for-like comparison with the floor and the pandas peers (same files, same
  process boundaries). The file keeps the load ledger, so the benchmark checks its row accounting.
Prints one JSON line with the row counts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True)


@app.command()
def floor(files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False)]) -> None:
    """count(*) of every file with DuckDB's CSV reader."""
    import duckdb

    con = duckdb.connect()
    counts = {}
    for f in files:
        counts[f.name] = con.execute(
            "select count(*) from read_csv(?, delim = '\t', header = true, quote = '', escape = '', "
            "all_varchar = true, strict_mode = false, null_padding = true, ignore_errors = true, "
            "encoding = 'latin-1')",
            [str(f)],
        ).fetchone()[0]
    print(json.dumps(counts))


@app.command()
def pandas(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False)],
    engine: Annotated[str, typer.Option(help="c (default engine) or pyarrow")] = "c",
) -> None:
    """pandas.read_csv of one release file, every column as a string."""
    import pandas as pd

    kwargs = {"sep": "\t", "encoding": "latin-1", "dtype": str, "on_bad_lines": "skip"}
    if engine == "pyarrow":
        kwargs["engine"] = "pyarrow"
    else:
        kwargs["quoting"] = 3  # csv.QUOTE_NONE: an unbalanced quote is data, as in the release
    frame = pd.read_csv(file, **kwargs)
    print(json.dumps({file.name: len(frame)}))


@app.command()
def ours(
    release: Annotated[Path, typer.Argument(exists=True, help="Release folder or zip.")],
    db: Annotated[Path, typer.Option(help="DuckDB file to create (replaced).")],
    table: Annotated[list[str] | None, typer.Option(help="Table name, e.g. B_TblProceeding (repeatable; "
                                                         "default: every table of the release).")] = None,
    all_columns: Annotated[bool, typer.Option(help="Land every column (default: the columns the models read).")] = False,
) -> None:
    """Land a release (or the named tables) with our reader, as the pipeline's ingestion does."""
    import duckdb

    from orchestration.eoir.reader import load_release
    from orchestration.eoir.release import locate_release
    from orchestration.settings import cap_load_memory, get_settings

    wanted = {t.lower() for t in table or ()}
    if wanted and len([rf for rf in locate_release(release).files if rf.spec.name.lower() in wanted]) != len(wanted):
        raise typer.BadParameter(f"{release}: not every table of {sorted(wanted)} was found")
    for p in (db, db.with_name(db.name + ".wal")):
        p.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    try:
        con.execute("begin transaction")
        results = load_release(con, release, memory_limit=get_settings().duckdb_memory_limit, tables=table or None,
                               all_columns=all_columns)
        cap_load_memory(con)  # as the pipeline's load_transaction does
        con.execute("commit")
    finally:
        con.close()
    counts = {r.source_file.rsplit("/", 1)[-1]: r.rows_loaded for r in results}
    print(json.dumps(counts))


if __name__ == "__main__":
    app()
