"""Dagster ingestion asset for ``raw.uscis_nri_referrals`` (key ``["raw", "uscis_nri_referrals"]``).

With ``pipeline.uscis_nri`` set (PipelineConfig), that extract is landed as ``input_kind='real'`` unless
its rows say ``data_origin = SYNTHETIC``; otherwise the synthetic extract is generated (seed
:data:`SYNTHETIC_SEED`) under ``Settings.generated_dir/uscis``, its referrals linked to MPP cases of the
run's synthetic EOIR release (the bundled one by default; never a real release), and landed as
``synthetic``. Generation is deterministic, so a file already generated for the same seed, generator code
and linked release is reused. Either way through
:func:`orchestration.uscis.nri.load_nri_extract` in one transaction; an unchanged file is not re-loaded.
"""

import hashlib
import json
import logging
from datetime import date
from pathlib import Path

import duckdb
from dagster import AssetExecutionContext, AssetKey, DataVersion, MaterializeResult, asset

from orchestration.assets.raw_extracts import WAREHOUSE_POOL, load_metadata
from orchestration.bundled import ensure_bundled_release
from orchestration.eoir.release import SYNTHETIC_MARKER
from orchestration.raw.ledger import load_transaction
from orchestration.resources import PipelineConfig
from orchestration.settings import get_settings
from orchestration.state import fingerprint
from orchestration.uscis import generator as generator_module
from orchestration.uscis.generator import generate_nri_extract
from orchestration.uscis.nri import load_nri_extract

SYNTHETIC_SEED = 20190128
#: Vintage stamped on the generated extract: the last published referral month is Feb-2021 (FY2021 page).
SYNTHETIC_VINTAGE = date(2021, 3, 1)


def _is_synthetic(path: Path) -> bool:
    """True when ANY row of the extract says data_origin = SYNTHETIC (a mixed file is not real input).

    A file DuckDB cannot scan here (bad encoding, malformed lines) is left to the strict reader
    (orchestration.uscis.nri), which raises the precise error naming file, line and column.
    """
    con = duckdb.connect()
    try:
        row = con.execute(
            "select count(*) filter (where upper(trim(coalesce(data_origin, ''))) = 'SYNTHETIC') "
            "from read_csv(?, header = true, all_varchar = true)",
            [str(path)],
        ).fetchone()
    except duckdb.Error:
        return False
    finally:
        con.close()
    return bool(row and row[0])


def synthetic_release_to_link(pipeline: PipelineConfig) -> Path | None:
    """The EOIR release folder the synthetic NRI extract links its referrals to: the run's release when it
    is a synthetic release folder, the bundled synthetic release when none is given, and none for a real
    release (synthetic referrals are never attached to real court cases) or a zipped one."""
    if not pipeline.eoir_release:
        return ensure_bundled_release()
    release = Path(pipeline.eoir_release).expanduser().resolve()
    if release.is_dir() and (release / SYNTHETIC_MARKER).is_file():
        return release
    return None


def synthetic_nri_extract(link_to: Path | None, log: logging.Logger | None = None) -> Path:
    """Path of the SYNTHETIC NRI extract (seed :data:`SYNTHETIC_SEED`) linked to release folder ``link_to``.

    The file is ``Settings.generated_dir/uscis/uscis_nri_referrals_synthetic_<key>.csv``, ``<key>`` a hash of
    the seed, the generator's code and the linked release's marker; it is generated when missing and reused
    otherwise (generation is deterministic). When ``link_to`` cannot be read (duckdb.Error, missing file,
    ValueError: the EOIR asset reports that release's own error), the referrals are generated unlinked
    (``..._unlinked.csv``) and a warning is logged.
    """
    log = log or logging.getLogger(__name__)
    key = fingerprint({
        "seed": SYNTHETIC_SEED,
        "generator": hashlib.sha256(Path(generator_module.__file__).read_bytes()).hexdigest(),
        "release": json.loads((link_to / SYNTHETIC_MARKER).read_text()) if link_to else None,
    })[:12]
    path = get_settings().generated_dir / "uscis" / f"uscis_nri_referrals_synthetic_{key}.csv"
    if path.is_file():
        log.info(f"reusing the SYNTHETIC NRI extract {path} (same seed, generator and linked release)")
        return path
    try:
        summary = generate_nri_extract(path, seed=SYNTHETIC_SEED, eoir_release=link_to)
    except (duckdb.Error, FileNotFoundError, ValueError) as exc:
        # an unreadable court release is the EOIR asset's error to report (it names file and line);
        # here the referrals are generated unlinked rather than adding a second, confusing failure
        log.warning(f"cannot link the synthetic NRI extract to {link_to}: {exc}; generating it unlinked")
        path = path.with_name(path.stem + "_unlinked.csv")
        summary = generate_nri_extract(path, seed=SYNTHETIC_SEED, eoir_release=None)
    log.info(f"generated SYNTHETIC NRI extract: {summary['rows']} referrals -> {path}")
    return path


@asset(
    key=AssetKey(["raw", "uscis_nri_referrals"]),
    group_name="raw_uscis",
    description="USCIS NRI referrals, one row per referral (contract docs/contracts/uscis_nri_referrals.md); "
    "SYNTHETIC unless a real extract is configured.",
    kinds={"duckdb", "csv"},
    pool=WAREHOUSE_POOL,
)
def uscis_nri_referrals(context: AssetExecutionContext, pipeline: PipelineConfig) -> MaterializeResult:
    settings = get_settings()
    if pipeline.uscis_nri:
        path = Path(pipeline.uscis_nri).expanduser().resolve()
        kind = "synthetic" if _is_synthetic(path) else "real"
        vintage = None
    else:
        path = synthetic_nri_extract(synthetic_release_to_link(pipeline), log=context.log)
        kind, vintage = "synthetic", SYNTHETIC_VINTAGE
    with load_transaction(settings.warehouse) as con:
        result = load_nri_extract(con, path, input_kind=kind, vintage=vintage)
    return MaterializeResult(metadata=load_metadata(result), data_version=DataVersion(result.sha256))
