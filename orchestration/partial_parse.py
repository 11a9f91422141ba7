"""dbt's partial parsing for every warehouse, not only the one ``make setup`` parsed for.

dbt re-parses the whole project (about 10 s on 2 cores, more under load) when the profile's connection
settings differ from those of the ``partial_parse.msgpack`` it is given: the warehouse path and the DuckDB
memory limit are part of them, and so are the ``--vars``. ``make setup`` parses for the default warehouse
and vars (target/partial_parse.msgpack), so a run on another warehouse (``MPP_VAR_DIR``, ``MPP_WAREHOUSE``,
every test's scratch var/ folder) or at another as-of date parsed everything twice per run: once for
``dbt build``, once for ``dbt docs generate``.

So each dbt invocation of a run that parsed leaves its ``partial_parse.msgpack`` in
``<var>/state/dbt_partial_parse/<key>.msgpack`` (:func:`keep`), keyed by the warehouse path, the memory
limit and the vars, and the next invocation with the same key starts from it (:func:`place`). This is only
a starting point: dbt itself checks every file's checksum, the vars, the profile and its version, and
parses again whatever changed (or everything), so a stale file costs a parse, never a wrong manifest.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from orchestration.settings import get_settings
from orchestration.state import fingerprint

FILE_NAME = "partial_parse.msgpack"


def _key(args: Sequence[str]) -> str:
    args = list(args)
    dbt_vars = args[args.index("--vars") + 1] if "--vars" in args[:-1] else ""
    settings = get_settings()
    return fingerprint({
        "warehouse": os.environ.get("MPP_WAREHOUSE", str(settings.warehouse)),
        "memory_limit": os.environ.get("MPP_DUCKDB_MEMORY_LIMIT", settings.duckdb_memory_limit),
        "vars": dbt_vars,
    })[:16]


def cached_file(args: Sequence[str]) -> Path:
    """Where the partial-parse file of invocations like ``args`` is kept."""
    return get_settings().var_dir / "state" / "dbt_partial_parse" / f"{_key(args)}.msgpack"


def place(target_path: Path, args: Sequence[str]) -> bool:
    """Put the kept partial-parse file of this warehouse and vars into ``target_path`` (before dbt starts);
    False when none is kept (dagster-dbt then copies target/partial_parse.msgpack, as before)."""
    kept = cached_file(args)
    if not kept.is_file():
        return False
    target_path.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(kept, target_path / FILE_NAME)
    return True


def keep(target_path: Path, args: Sequence[str]) -> None:
    """After a dbt invocation: keep the partial-parse file it wrote (renamed into place: never half a file)."""
    written = target_path / FILE_NAME
    if not written.is_file():
        return
    kept = cached_file(args)
    kept.parent.mkdir(parents=True, exist_ok=True)
    tmp = kept.with_name(f".{kept.name}.{os.getpid()}.tmp")
    shutil.copyfile(written, tmp)
    os.replace(tmp, kept)
