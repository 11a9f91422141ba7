"""Dagster ingestion asset for ``raw.uscis_nri_referrals`` (key ``["raw", "uscis_nri_referrals"]``).

With ``pipeline.uscis_nri`` set (PipelineConfig), that extract is landed as ``input_kind='real'`` unless
its rows say ``data_origin = SYNTHETIC``; otherwise the synthetic extract is generated (seed
:data:`SYNTHETIC_SEED`) under ``Settings.generated_dir/uscis``, its referrals linked to MPP cases of the
run's synthetic EOIR release (the bundled one by default; never a real release), and landed as
``synthetic``. Generation is deterministic, so a file already generated for the same seed, generator code
and linked release is reused. Either way through
:func:`orchestration.uscis.nri.load_nri_extract` in one transaction; an unchanged file is not re-loaded.
"""

from pathlib import Path

import duckdb
from dagster import AssetExecutionContext, AssetKey, DataVersion, MaterializeResult, asset

from orchestration.assets import groups
from orchestration.assets.common import WAREHOUSE_POOL, load_metadata
from orchestration.bundled import SYNTHETIC_VINTAGE, synthetic_nri_extract, synthetic_release_to_link
from orchestration.raw.ledger import load_transaction
from orchestration.resources import PipelineConfig
from orchestration.settings import get_settings
from orchestration.uscis.nri import load_nri_extract


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


@asset(
    key=AssetKey(["raw", "uscis_nri_referrals"]),
    group_name=groups.source_group("uscis"),
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
        path = synthetic_nri_extract(synthetic_release_to_link(pipeline.eoir_release), log=context.log)
        kind, vintage = "synthetic", SYNTHETIC_VINTAGE
    with load_transaction(settings.warehouse) as con:
        result = load_nri_extract(con, path, input_kind=kind, vintage=vintage)
    return MaterializeResult(metadata=load_metadata(result), data_version=DataVersion(result.sha256))
