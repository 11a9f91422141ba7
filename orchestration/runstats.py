"""Per-step wall time and peak memory of a pipeline run, for the CLI's run_stats.json and the benchmark.

:class:`RunStatsRecorder` samples the resident set size (RSS) of this process and all its children (dbt
runs as a child process) every ``interval`` seconds in a background thread, and attributes each sample
to the step that is running (set by the CLI's progress handler). Result shape (``as_dict()``)::

    {"wall_seconds": float, "peak_rss_mb": float,
     "steps": {step_key: {"wall_seconds": float, "peak_rss_mb": float}}}

RSS is in MiB (2**20 bytes). Sampling can miss a spike shorter than the interval; the benchmark also
reports the kernel's own peak (getrusage) for the whole process tree.
"""

from __future__ import annotations

import threading
import time
from typing import Self

import psutil


def tree_rss_bytes(process: psutil.Process) -> int:
    """RSS of a process plus all its living descendants, in bytes (processes that vanish count 0)."""
    total = 0
    for p in [process, *process.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total


class RunStatsRecorder:
    """Samples the process tree's RSS and times steps; use as a context manager around a run."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self._process = psutil.Process()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="run-stats", daemon=True)
        self._current: str | None = None
        self._started: dict[str, float] = {}
        self._wall: dict[str, float] = {}
        self._peak: dict[str, int] = {}
        self._overall_peak = 0
        self._t0 = 0.0
        self._t1 = 0.0

    def __enter__(self) -> Self:
        self._t0 = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._t1 = time.perf_counter()

    def step_started(self, step: str) -> None:
        """Attribute samples from now on to ``step`` (and take one now: short steps get a figure too)."""
        with self._lock:
            self._current = step
            self._started[step] = time.perf_counter()
        self._record(tree_rss_bytes(self._process))

    def step_finished(self, step: str) -> None:
        """Close the timing of ``step`` after a last sample."""
        self._record(tree_rss_bytes(self._process))
        with self._lock:
            if step in self._started:
                self._wall[step] = time.perf_counter() - self._started[step]
            if self._current == step:
                self._current = None

    def wall_seconds(self, step: str) -> float | None:
        """The wall time of a finished step, None before it finished."""
        with self._lock:
            return self._wall.get(step)

    def _record(self, rss: int) -> None:
        with self._lock:
            self._overall_peak = max(self._overall_peak, rss)
            if self._current is not None:
                self._peak[self._current] = max(self._peak.get(self._current, 0), rss)

    def _sample(self) -> None:
        while not self._stop.wait(self.interval):
            self._record(tree_rss_bytes(self._process))

    def as_dict(self) -> dict[str, object]:
        """Timings and peaks (see module docstring)."""
        mib = float(1 << 20)
        return {
            "wall_seconds": round(self._t1 - self._t0, 3),
            "peak_rss_mb": round(self._overall_peak / mib, 1),
            "steps": {
                step: {"wall_seconds": round(wall, 3), "peak_rss_mb": round(self._peak.get(step, 0) / mib, 1)}
                for step, wall in self._wall.items()
            },
        }
