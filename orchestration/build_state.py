"""The fingerprint of a dbt build, to skip a rebuild when nothing it depends on changed.

fingerprint = sha256 of: the current raw loads (table -> sha256 from raw._load_ledger), the dbt vars of
the run, the selected assets, and the content of every dbt project file (models, seeds, macros, tests,
dbt_project.yml, selectors.yml, profiles.yml). It is stored after a successful build in the run state's
``dbt_builds`` section (orchestration/state.py) keyed by warehouse path (a warehouse that is deleted or replaced has
no ledger, so its fingerprint differs and it is rebuilt).

"Built" is not "done": a build is done only once its checks passed and its copy was published (or written
as the run's own copy) with the same fingerprint in ``meta.publication.build_fingerprint``
(:func:`published_build`). The dbt step skips a build only when both agree, so a run killed after dbt and
before publishing (or whose blocking checks failed) is rebuilt, checked and published by the next run.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from orchestration import state
from orchestration.settings import PROJECT_DIR
from orchestration.state import fingerprint

_PROJECT_FILES = ("dbt_project.yml", "selectors.yml", "profiles.yml")
_PROJECT_FOLDERS = ("models", "seeds", "macros", "dbt_tests")


def project_digest() -> str:
    """sha256 over the relative path and bytes of every dbt project file."""
    h = hashlib.sha256()
    paths = [PROJECT_DIR / f for f in _PROJECT_FILES]
    for folder in _PROJECT_FOLDERS:
        paths.extend(sorted(p for p in (PROJECT_DIR / folder).rglob("*") if p.is_file()))
    for p in paths:
        if p.is_file():
            h.update(str(p.relative_to(PROJECT_DIR)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def current_loads(warehouse: Path) -> dict[str, list[str]]:
    """raw table -> sorted '<load_id>:<sha256>' of its current load (empty without warehouse or ledger).

    Load ids, not only hashes: a warehouse rebuilt from scratch with the same files has new load ids, so
    it is never mistaken for the one that was built."""
    if not warehouse.exists():
        return {}
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            """
            select table_name, list(load_id || ':' || sha256 order by sha256)
            from raw._load_ledger
            where load_id in (select arg_max(load_id, loaded_at) from raw._load_ledger group by table_name)
            group by table_name
            """
        ).fetchall()
    except duckdb.CatalogException:
        return {}
    finally:
        con.close()
    return {t: list(h) for t, h in rows}


def build_fingerprint(warehouse: Path, dbt_vars: dict, selection: list[str]) -> str:
    """The fingerprint of a build of ``selection`` with ``dbt_vars`` on the warehouse's current raw data."""
    return fingerprint({
        "raw": current_loads(warehouse),
        "vars": dbt_vars,
        "selection": selection,
        "project": project_digest(),
    })


def last_build(warehouse: Path) -> str | None:
    """Fingerprint of the last successful build on this warehouse, if any."""
    return state.read("dbt_builds").get(str(warehouse.resolve()))


def marts_match(warehouse: Path, dbt_vars: dict) -> bool:
    """True when marts.headline_metrics exists and is stamped with these vars (as-of date and variants):
    a guard against a build made outside this pipeline (e.g. a manual dbt run with other vars)."""
    if not warehouse.exists():
        return False
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            """select distinct cast(as_of_date as varchar), admin_closures_are_completions,
                      relief_after_reopening_counts from marts.headline_metrics"""
        ).fetchall()
    except duckdb.Error:
        return False
    finally:
        con.close()
    expected = (
        dbt_vars["as_of_date"],
        bool(dbt_vars["admin_closures_are_completions"]),
        bool(dbt_vars["relief_after_reopening_counts"]),
    )
    return rows == [expected]


def record_build(warehouse: Path, build: str) -> None:
    """Remember a successful build's fingerprint."""
    state.update("dbt_builds", lambda builds: builds.__setitem__(str(warehouse.resolve()), build))


def record_check_results(warehouse: Path, build: str, checks: list[dict]) -> None:
    """Remember the dbt tests' results of a successful build: ``[{asset, check, passed, severity}]``."""
    state.update("dbt_check_results",
                 lambda results: results.__setitem__(str(warehouse.resolve()), {"build": build, "checks": checks}))


def check_results(warehouse: Path, build: str) -> list[dict]:
    """The dbt tests' results recorded for ``build`` on this warehouse; [] for another or no build."""
    recorded = state.read("dbt_check_results").get(str(warehouse.resolve()))
    if not isinstance(recorded, dict) or recorded.get("build") != build or not isinstance(recorded.get("checks"), list):
        return []
    return [c for c in recorded["checks"] if isinstance(c, dict)
            and isinstance(c.get("asset"), str) and isinstance(c.get("check"), str)
            and isinstance(c.get("passed"), bool) and c.get("severity") in ("ERROR", "WARN")]


def file_identity(path: Path) -> list[int] | None:
    """(inode, size, mtime_ns) of a file, None when missing: a file replaced or written since is different."""
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_ino, st.st_size, st.st_mtime_ns]


def copy_identity(database: Path, parquet: Path) -> dict:
    """What a published copy is on disk: :func:`file_identity` of its DuckDB file and of every file of the
    Parquet folder its link points to. Any write, replacement or deletion since changes it."""
    folder = parquet.resolve() if parquet.exists() else None
    files = sorted(folder.iterdir()) if folder is not None and folder.is_dir() else []
    return {"database": file_identity(database), "parquet": str(folder) if folder else None,
            "parquet_files": [[f.name, file_identity(f)] for f in files]}


def record_copy(directory: Path, identity: dict) -> None:
    """Remember what a publication folder held right after this pipeline wrote it (run state ``published_copies``)."""
    state.update("published_copies", lambda copies: copies.__setitem__(str(directory.resolve()), identity))


def copy_untouched(directory: Path, identity: dict) -> bool:
    """True when the publication folder is exactly as this pipeline left it (:func:`record_copy`)."""
    return state.read("published_copies").get(str(directory.resolve())) == identity


def published_build(database: Path) -> str | None:
    """The build fingerprint a published copy (or a run's own copy) was made from, if any."""
    if not database.is_file():
        return None
    try:  # a copy another process holds open for writing cannot be read: as none (it is published again)
        con = duckdb.connect(str(database), read_only=True)
    except duckdb.Error:
        return None
    try:
        return con.execute("select build_fingerprint from meta.publication").fetchone()[0]
    except duckdb.Error:  # no copy, or one from before fingerprints were recorded
        return None
    finally:
        con.close()
