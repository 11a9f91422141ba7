"""The bundled synthetic EOIR release of a default run: where it lies and how it is made (no Dagster here).

Seed and scale are fixed (:data:`BUNDLED_SEED`, :data:`BUNDLED_SCALE`: ~120k cases, the calibrated MPP
population); the folder name carries the generator version, so a new generator makes a new release.
Used by the EOIR ingestion asset (orchestration/assets/raw_eoir.py), the NRI asset (to link the synthetic
referrals to it), ``mpp-metrics generate bundled`` and the unchanged-run check (orchestration/unchanged_run.py).
"""

from __future__ import annotations

import json
from pathlib import Path

from orchestration.eoir.generator import GENERATOR_VERSION, generate_release
from orchestration.eoir.release import SYNTHETIC_MARKER
from orchestration.settings import get_settings

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
