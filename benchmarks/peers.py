"""The reference readers the pipeline is compared with (each run in its own process by benchmarks.run).

- ``floor``: DuckDB's plain ``SELECT count(*) FROM read_csv(...)`` over the release files (TAB, no
  quoting, all VARCHAR; lenient, since it only counts): the least any reader of these files must do.
- ``pandas``: ``pandas.read_csv`` of one file as the issue specifies (TAB, Latin-1, every column a
  string), with the default C engine or ``engine="pyarrow"``; bad lines are skipped (the C engine would
  otherwise stop at the first stray tab), so the peer does less than our reader, which accounts for them.
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


if __name__ == "__main__":
    app()
