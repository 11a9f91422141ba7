"""Small persistent state for incremental runs, kept under ``var/state/`` (never in the warehouse).

- :func:`cached_sha256`: the sha256 of a file (or of a zip member), recomputed only when the file's size
  or modification time changed since it was last hashed (the way make and git's index decide), so an
  unchanged multi-GB release is not re-read just to learn that it did not change.
- :func:`fingerprint`: a stable sha256 of a JSON-able value (inputs + settings of a build).

The cache file is ``var/state/file_hashes.json``: ``{key: {"size": int, "mtime_ns": int, "sha256": str}}``
with key = absolute path, or ``<zip path>!<member>``. It is written atomically; a missing or unreadable
cache only costs a re-hash.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from orchestration.settings import get_settings

_LOCK = threading.Lock()


def _cache_path() -> Path:
    return get_settings().var_dir / "state" / "file_hashes.json"


def _load() -> dict[str, dict[str, Any]]:
    try:
        return json.loads(_cache_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _save(cache: dict[str, dict[str, Any]]) -> None:
    from orchestration.files import write_json_atomically

    write_json_atomically(cache, _cache_path())


def sha256_of_stream(stream: IO[bytes], chunk_size: int = 4 << 20) -> str:
    """Hex sha256 of a binary stream, read in 4 MiB chunks."""
    h = hashlib.sha256()
    while chunk := stream.read(chunk_size):
        h.update(chunk)
    return h.hexdigest()


def cached_sha256(path: Path, open_stream: Callable[[], IO[bytes]] | None = None, member: str | None = None) -> str:
    """sha256 of ``path`` (or of ``member`` inside the zip ``path``, read through ``open_stream``),
    reusing the cached value while the file's size and mtime are unchanged."""
    stat = path.stat()
    key = f"{path.resolve()}!{member}" if member else str(path.resolve())
    with _LOCK:
        entry = _load().get(key)
    if entry and entry["size"] == stat.st_size and entry["mtime_ns"] == stat.st_mtime_ns:
        return entry["sha256"]
    with (open_stream() if open_stream else open(path, "rb")) as fh:
        digest = sha256_of_stream(fh)
    with _LOCK:
        cache = _load()
        cache[key] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": digest}
        _save(cache)
    return digest


def fingerprint(value: Any) -> str:
    """sha256 of the canonical JSON of ``value`` (sorted keys)."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()
