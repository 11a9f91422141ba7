"""Writing an output file so that a reader never sees it half-written: the one helper every output uses."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def write_atomically(path: Path, payload: bytes) -> None:
    """Write ``payload`` to a temporary file beside ``path``, then rename it into place (no torn file).

    The file is made readable by everyone (0644; ``mkstemp`` creates 0600): outputs are for downstream
    readers. On any error the temporary file is removed and ``path`` keeps its previous content.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json_atomically(doc: dict[str, Any], path: Path) -> None:
    """:func:`write_atomically` of ``doc`` as indented JSON with a final newline."""
    write_atomically(path, (json.dumps(doc, indent=2) + "\n").encode("utf-8"))
