"""The bundled synthetic inputs of a default run: the EOIR release and the NRI extract linked to it, where
they lie and how they are made (no Dagster here).

Seed and scale are fixed (:data:`BUNDLED_SEED`, :data:`BUNDLED_SCALE`: ~120k cases, the calibrated MPP
population); the folder name carries the generator version, so a new generator makes a new release.
Used by the EOIR ingestion asset (orchestration/assets/raw_eoir.py), the NRI asset (to link the synthetic
referrals to it), ``mpp-metrics generate bundled`` and the unchanged-run check (orchestration/unchanged_run.py),
which makes them before it fingerprints the inputs, so a first run's inputs are those of the next.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import date
from pathlib import Path

import duckdb

from orchestration.eoir.generator import GENERATOR_VERSION, generate_release
from orchestration.eoir.release import SYNTHETIC_MARKER
from orchestration.settings import get_settings
from orchestration.state import fingerprint
from orchestration.uscis import generator as generator_module
from orchestration.uscis.generator import generate_nri_extract

#: Seed and scale of the bundled synthetic release (scale 0.01: ~120k cases, the calibrated MPP population).
BUNDLED_SEED = 20201231
BUNDLED_SCALE = 0.01


def bundled_release_path() -> Path:
    """Folder of the bundled synthetic release for this generator version (not created here)."""
    return get_settings().generated_dir / f"eoir_release_v{GENERATOR_VERSION}_seed{BUNDLED_SEED}_scale{BUNDLED_SCALE}"


def ensure_bundled_release() -> Path:
    """The bundled synthetic release, generated (deterministically) when missing or from another version."""
    path = bundled_release_path()
    marker = path / SYNTHETIC_MARKER
    if marker.is_file():
        meta = json.loads(marker.read_text(encoding="utf-8"))
        if meta.get("generator_version") == GENERATOR_VERSION and meta.get("seed") == BUNDLED_SEED:
            return path
    generate_release(path, seed=BUNDLED_SEED, scale=BUNDLED_SCALE)
    return path


SYNTHETIC_SEED = 20190128
#: Vintage stamped on the generated extract: the last published referral month is Feb-2021 (FY2021 page).
SYNTHETIC_VINTAGE = date(2021, 3, 1)


def synthetic_release_to_link(eoir_release: str) -> Path | None:
    """The EOIR release folder the synthetic NRI extract links its referrals to: the run's release when it
    is a synthetic release folder, the bundled synthetic release when none is given, and none for a real
    release (synthetic referrals are never attached to real court cases) or a zipped one."""
    if not eoir_release:
        return ensure_bundled_release()
    release = Path(eoir_release).expanduser().resolve()
    if release.is_dir() and (release / SYNTHETIC_MARKER).is_file():
        return release
    return None


def synthetic_nri_path(link_to: Path | None) -> Path:
    """Where the synthetic NRI extract linked to ``link_to`` lies (see :func:`synthetic_nri_extract`); its
    ``_unlinked`` variant is beside it."""
    key = fingerprint({
        "seed": SYNTHETIC_SEED,
        "generator": hashlib.sha256(Path(generator_module.__file__).read_bytes()).hexdigest(),
        "release": json.loads((link_to / SYNTHETIC_MARKER).read_text()) if link_to else None,
    })[:12]
    return get_settings().generated_dir / "uscis" / f"uscis_nri_referrals_synthetic_{key}.csv"


def synthetic_nri_extract(link_to: Path | None, log: logging.Logger | None = None) -> Path:
    """Path of the SYNTHETIC NRI extract (seed :data:`SYNTHETIC_SEED`) linked to release folder ``link_to``.

    The file is ``Settings.generated_dir/uscis/uscis_nri_referrals_synthetic_<key>.csv``, ``<key>`` a hash of
    the seed, the generator's code and the linked release's marker; it is generated when missing and reused
    otherwise (generation is deterministic). When ``link_to`` cannot be read (duckdb.Error, missing file,
    ValueError: the EOIR asset reports that release's own error), the referrals are generated unlinked
    (``..._unlinked.csv``) and a warning is logged.
    """
    log = log or logging.getLogger(__name__)
    path = synthetic_nri_path(link_to)
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


def make_bundled_inputs(eoir_release: str, uscis_nri: str) -> None:
    """Generate the bundled synthetic inputs a run with these options reads, when missing (what its raw assets
    would do first; nothing when they exist). A problem is left to the run, whose assets report it."""
    try:
        if not uscis_nri:
            synthetic_nri_extract(synthetic_release_to_link(eoir_release))
        elif not eoir_release:
            ensure_bundled_release()
    except Exception:
        logging.getLogger(__name__).debug("bundled inputs not made before the run", exc_info=True)
