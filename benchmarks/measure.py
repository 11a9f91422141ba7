"""Run one command as a child process and report its wall time and the peak RSS of its process tree.

Usage: ``python -m benchmarks.measure -- CMD [ARGS...]`` prints one JSON line:
``{"wall_seconds": float, "peak_rss_mb": float, "returncode": int, "killed_by_signal": int | null}``.
The peak is the kernel's ru_maxrss over every descendant this process waited for (getrusage
RUSAGE_CHILDREN), so it must run in a fresh process per measurement (it is monotonic per process).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time


def main(argv: list[str]) -> int:
    if "--" not in argv:
        print("usage: python -m benchmarks.measure -- CMD [ARGS...]", file=sys.stderr)
        return 2
    cmd = argv[argv.index("--") + 1 :]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=sys.stderr, stderr=sys.stderr, check=False)
    wall = time.perf_counter() - t0
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    print(json.dumps({
        "wall_seconds": round(wall, 3),
        "peak_rss_mb": round(peak_kib / 1024, 1),
        "returncode": proc.returncode,
        "killed_by_signal": -proc.returncode if proc.returncode < 0 else None,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
