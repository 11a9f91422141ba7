"""The run state: what incremental runs remember between runs, in ONE store with ONE writer.

Kept under ``var/state/`` (never in the warehouse). The store is ``var/state/run_state.json``, one JSON
object with a section per kind of memory:

``file_hashes``
    ``{key: {"size": int, "mtime_ns": int, "sha256": str}}``, key = absolute path or
    ``<zip path>!<member>``: the sha256 of a file, recomputed only when its size or modification time
    changed (the way make and git's index decide), so an unchanged multi-GB release is not re-read just to
    learn that it did not change (:func:`cached_sha256`, :func:`cached_sha256_many`).
``dbt_builds``
    ``{warehouse path: build fingerprint}``: the last successful dbt build per warehouse
    (orchestration/build_state.py).
``dbt_check_results``
    ``{warehouse path: {"build": fingerprint, "checks": [{asset, check, passed, severity}]}}``: the dbt tests'
    results of the last successful build, reported again (not re-run) when a run finds that build unchanged
    (orchestration/build_state.py).
``published_copies``
    ``{publication folder: identity}``: its DuckDB file and Parquet files as the publish step left them
    (inode, size, mtime), so a copy edited or damaged since is published again, never kept
    (orchestration/assets/published.py).
``runs``
    ``{output folder: record}``: the last successful ``mpp-metrics run`` per output folder, with the
    fingerprint of everything that decides its figures and what it left behind
    (orchestration/unchanged_run.py: the check that answers an unchanged run before Dagster starts).
``ge_outcomes``
    ``{suite name: {"key": fingerprint, "outcome": SuiteOutcome.to_dict()}}``: the last outcome of each
    Great Expectations suite whose input is fully identified (suites on raw loads and on a dbt build),
    reused while its key (inputs, suite code, parameters) is unchanged (orchestration/assets/ge_checks.py).

Every write goes through :func:`update` (the one writer): under a file lock (``run_state.json.lock``,
released by the OS if its holder dies) it re-reads the store, applies the change to one section and
renames a complete new file into place, so concurrent writers (a CLI run, a sensor tick) never lose each
other's sections and a killed writer never leaves half a file. A missing or unreadable store is empty:
it only costs a re-hash or a rebuild, never a wrong skip (nothing is ever skipped on a missing record).

Also here: :func:`fingerprint` (stable sha256 of a JSON-able value) and :func:`sha256_of_stream`.
Nothing else is kept under ``var/state/``: the folder of pickled outcomes that older versions kept beside
the store (``var/state/ge_outcomes/``) is never read, and is removed by the first write of the store.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from filelock import FileLock

from orchestration.files import write_atomically
from orchestration.settings import get_settings

SECTIONS = ("file_hashes", "dbt_builds", "dbt_check_results", "published_copies", "runs", "ge_outcomes")
#: Stores of older versions, beside the store: never read, removed by the next write (see module docstring).
_RETIRED = ("ge_outcomes",)
_LOCK = threading.Lock()


def store_path() -> Path:
    """``<var>/state/run_state.json``."""
    return get_settings().var_dir / "state" / "run_state.json"


def _read_all() -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(store_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def read(section: str) -> dict[str, Any]:
    """One section of the store (empty when the store or the section is missing or unreadable)."""
    assert section in SECTIONS, section
    value = _read_all().get(section)
    return value if isinstance(value, dict) else {}


def update(section: str, change: Callable[[dict[str, Any]], None]) -> None:
    """The one writer: apply ``change`` to the current content of ``section`` and write the store atomically."""
    assert section in SECTIONS, section
    path = store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with _LOCK, FileLock(str(path) + ".lock"):
        data = _read_all()
        current = data.get(section)
        current = current if isinstance(current, dict) else {}
        change(current)
        data[section] = current
        write_atomically(path, json.dumps(data, indent=1, sort_keys=True).encode("utf-8"))
        for name in _RETIRED:
            if (path.parent / name).is_dir():
                shutil.rmtree(path.parent / name, ignore_errors=True)


def sha256_of_stream(stream: IO[bytes], chunk_size: int = 4 << 20) -> str:
    """Hex sha256 of a binary stream, read in 4 MiB chunks."""
    h = hashlib.sha256()
    while chunk := stream.read(chunk_size):
        h.update(chunk)
    return h.hexdigest()


def _key(path: Path, member: str | None) -> str:
    return f"{path.resolve()}!{member}" if member else str(path.resolve())


def _fresh(entry: Any, stat: os.stat_result) -> bool:
    return isinstance(entry, dict) and entry.get("size") == stat.st_size and entry.get("mtime_ns") == stat.st_mtime_ns


def cached_sha256(path: Path, open_stream: Callable[[], IO[bytes]] | None = None, member: str | None = None) -> str:
    """sha256 of ``path`` (or of ``member`` inside the zip ``path``, read through ``open_stream``),
    reusing the cached value while the file's size and mtime are unchanged."""
    stat = path.stat()
    key = _key(path, member)
    entry = read("file_hashes").get(key)
    if _fresh(entry, stat):
        return entry["sha256"]
    with (open_stream() if open_stream else open(path, "rb")) as fh:
        digest = sha256_of_stream(fh)
    update("file_hashes", lambda cache: cache.__setitem__(
        key, {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": digest}))
    return digest


def cached_sha256_many(paths: Iterable[Path]) -> dict[str, str]:
    """sha256 of many plain files (absolute path -> sha256): one read of the store, one write when any file
    had to be hashed (size or mtime changed, or never hashed)."""
    cache = read("file_hashes")
    out: dict[str, str] = {}
    fresh: dict[str, dict[str, Any]] = {}
    for path in paths:
        stat = path.stat()
        key = _key(path, None)
        entry = cache.get(key)
        if _fresh(entry, stat):
            out[key] = entry["sha256"]
            continue
        with open(path, "rb") as fh:
            out[key] = sha256_of_stream(fh)
        fresh[key] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": out[key]}
    if fresh:
        update("file_hashes", lambda c: c.update(fresh))
    return out


def fingerprint(value: Any) -> str:
    """sha256 of the canonical JSON of ``value`` (sorted keys)."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()
