"""Session fixtures of the property test: the baseline warehouse, and the verdict collector whose table is
printed at the end of the pytest run (terminal summary, shown with or without ``-s``) and written as JSON."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import pytest

from orchestration.settings import PROJECT_DIR, get_settings
from tests.properties.harness import BLOCKED, EQUAL, VIOLATION, Baseline, Outcome

#: Where the summary is written (override with MPP_FAULT_INJECTION_REPORT).
DEFAULT_REPORT = PROJECT_DIR / "var" / "test_reports" / "fault_injection.json"
KNOWN_GAP = "VIOLATION (known gap)"
COLUMNS = (BLOCKED, EQUAL, VIOLATION, KNOWN_GAP)


class VerdictCollector:
    """Every judged example of the session: (target, mutation, description, outcome, verdict label)."""

    def __init__(self) -> None:
        self.records: list[dict] = []
        self.gaps: dict[tuple[str, str], str] = {}
        self.started: float | None = None
        self.finished: float | None = None

    def record(self, target: str, mutation: str, description: str, outcome: Outcome, label: str) -> None:
        if any((r["target"], r["mutation"], r["description"]) == (target, mutation, description) for r in self.records):
            return  # Hypothesis replays a failing example once more
        self.records.append({"target": target, "mutation": mutation, "description": description,
                             "label": label, **asdict(outcome)})

    def counts(self, by: str) -> dict[str, Counter]:
        table: dict[str, Counter] = {}
        for r in self.records:
            table.setdefault(r[by], Counter())[r["label"]] += 1
        return table

    def lines(self) -> list[str]:
        out = []
        for by in ("mutation", "target"):
            counts = self.counts(by)
            width = max([len(by), *map(len, counts)])
            out.append(f"{by:<{width}} | " + " | ".join(COLUMNS))
            out.append("-" * width + "-|-" + "-|-".join("-" * len(c) for c in COLUMNS))
            for key in sorted(counts):
                out.append(f"{key:<{width}} | " + " | ".join(f"{counts[key][c]:>{len(c)}}" for c in COLUMNS))
            total = Counter(r["label"] for r in self.records)
            out.append(f"{'total':<{width}} | " + " | ".join(f"{total[c]:>{len(c)}}" for c in COLUMNS))
            out.append("")
        stages = Counter(f"{r['verdict']} at {r['stage']}" for r in self.records)
        out.append("decided at: " + ", ".join(f"{k} {v}" for k, v in sorted(stages.items())))
        unnamed = [r for r in self.records if r["verdict"] == BLOCKED and not r["names_file"]]
        out.append(f"blocked by a check or model whose message does not name the file or its raw table: {len(unnamed)}")
        seen = {(r["target"], r["mutation"]) for r in self.records if r["label"] == KNOWN_GAP}
        for (target, mutation), reason in sorted(self.gaps.items()):
            shown = "seen" if (target, mutation) in seen else "not seen in this run"
            out.append(f"known gap ({shown}): {target} x {mutation}: {reason}")
        return out

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        doc = {
            "examples": len(self.records),
            "seconds": round((self.finished or 0) - (self.started or 0), 1),
            "by_mutation": {k: dict(v) for k, v in self.counts("mutation").items()},
            "by_target": {k: dict(v) for k, v in self.counts("target").items()},
            "known_gaps": [{"target": t, "mutation": m, "reason": r} for (t, m), r in sorted(self.gaps.items())],
            "examples_judged": self.records,
        }
        path.write_text(json.dumps(doc, indent=2, default=str), encoding="utf-8")


_COLLECTOR = VerdictCollector()


@pytest.fixture(scope="session")
def verdicts() -> VerdictCollector:
    return _COLLECTOR


@pytest.fixture(scope="session")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Baseline]:
    """The unmutated run's warehouse (tests/properties/harness.py), in a private var/ folder."""
    import time

    work = tmp_path_factory.mktemp("fault_injection")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MPP_VAR_DIR", str(work / "var"))
        mp.setenv("MPP_BUILD_DATA_DOCS", "false")
        mp.delenv("MPP_WAREHOUSE", raising=False)
        get_settings.cache_clear()
        _COLLECTOR.started = time.monotonic()
        try:
            yield Baseline(work).build()
        finally:
            _COLLECTOR.finished = time.monotonic()
            get_settings.cache_clear()


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if not _COLLECTOR.records:
        return
    path = Path(os.environ.get("MPP_FAULT_INJECTION_REPORT", DEFAULT_REPORT))
    _COLLECTOR.write(path)
    seconds = (_COLLECTOR.finished or 0) - (_COLLECTOR.started or 0)
    terminalreporter.section("fault injection: mutation x verdict")
    terminalreporter.write_line(f"{len(_COLLECTOR.records)} distinct mutated inputs judged in {seconds:.0f} s "
                                f"(baseline included); JSON: {path}")
    for line in _COLLECTOR.lines():
        terminalreporter.write_line(line)
