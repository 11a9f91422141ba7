"""Test-only pause points, to kill a real run at a known place (tests/reliability/test_interrupted_runs.py).

:func:`checkpoint` does nothing unless the environment variable ``MPP_TEST_CHECKPOINT`` names the
checkpoint. Then it writes the file named by ``MPP_TEST_CHECKPOINT_FILE`` (so the test knows the process
got there) and sleeps for ``MPP_TEST_CHECKPOINT_SLEEP`` seconds (default 600), giving the test time to
SIGKILL the process. Production runs never set these variables; the cost is one environment lookup.

Checkpoints:
- ``before_commit``: inside :func:`orchestration.raw.ledger.load_transaction`, after every raw table of a
  load is written, before COMMIT (any ingestion asset).
- ``eoir_before_commit``: in the EOIR ingestion asset, after every table of the release is landed (and
  diffed), before the transaction commits.
- ``dbt_mid_build``: in the dbt asset, after dbt reported its first finished model, while it builds the rest.
- ``after_dbt_build``: in the dbt asset, after ``dbt build`` finished and its fingerprint was recorded, before
  any check on the marts, metrics.json or the publish step ran.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

ENV_NAME = "MPP_TEST_CHECKPOINT"
ENV_FILE = "MPP_TEST_CHECKPOINT_FILE"
ENV_SLEEP = "MPP_TEST_CHECKPOINT_SLEEP"


def checkpoint(name: str) -> None:
    """Pause here when ``MPP_TEST_CHECKPOINT == name`` (test only; see the module docstring)."""
    if os.environ.get(ENV_NAME) != name:
        return
    marker = os.environ.get(ENV_FILE)
    if marker:
        Path(marker).write_text(f"{name} {os.getpid()}\n", encoding="utf-8")
    time.sleep(float(os.environ.get(ENV_SLEEP, "600")))
