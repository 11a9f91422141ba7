"""Release-sized benchmark: the whole pipeline against the DuckDB floor and two pandas peers.

``python -m benchmarks.run --scale 1.0`` (or ``make bench SCALE=1.0``):

1. generates a synthetic EOIR release at ``--scale`` (1.0 = release size: ~12M cases, ~16M proceedings,
   ~16M applications, ~2.5M case identifiers and a hearing schedule several times the proceedings), reused
   when the same seed and scale already exist under the work folder;
2. floor: DuckDB ``count(*)`` over the release files (benchmarks.peers floor);
3. peers: ``pandas.read_csv`` of B_TblProceeding and A_TblCase (TAB, Latin-1, all strings), default
   engine and ``engine="pyarrow"`` (needs the ``bench`` extra);
4. the pipeline: ``mpp-metrics run --eoir-release <release> --uscis-nri <extract>`` on a fresh warehouse
   (ingest, dbt build with tests, checks, outputs), then again on unchanged inputs (the incremental no-change
   run); the synthetic NRI extract linked to the release is generated once beforehand, like the release;
each in its own process, measured by benchmarks.measure (wall time, kernel peak RSS of the process tree).

Writes a dated ``benchmarks/results/<UTC time>_scale<scale>.{json,md}``, at scale 1.0 also ``latest.json``
and ``latest.md`` (the README quotes them), and prints the table.
Exit code 1 when a measured process fails or is killed (e.g. by the OOM killer): the run fails loudly.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
BIN = Path(sys.executable).parent
console = Console()
app = typer.Typer(add_completion=False)

PEER_TABLES = ("B_TblProceeding", "A_TblCase")
#: The smaller DuckDB memory limit the reader is measured with too (the default is 3GB: Settings).
SMALL_MEMORY_LIMIT = "2GB"


class BenchmarkFailed(RuntimeError):
    """A measured process failed or was killed."""


def measure(label: str, cmd: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``cmd`` under benchmarks.measure in a fresh process; return its measurement (+ label)."""
    console.print(f"[bold]{label}[/bold]: {' '.join(str(c) for c in cmd)}")
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.measure", "--", *map(str, cmd)],
        env={**os.environ, **(env or {})}, cwd=HERE.parent, capture_output=True, text=True,
    )
    if out.returncode != 0:
        raise BenchmarkFailed(f"{label}: the measuring process failed: {out.stderr[-2000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["label"] = label
    if result["killed_by_signal"]:
        raise BenchmarkFailed(f"{label} was KILLED by signal {result['killed_by_signal']} "
                              f"(peak RSS {result['peak_rss_mb']} MiB; out of memory?)\n{out.stderr[-2000:]}")
    if result["returncode"] != 0:
        raise BenchmarkFailed(f"{label} failed with exit code {result['returncode']}:\n{out.stderr[-3000:]}")
    console.print(f"  {result['wall_seconds']:.1f} s, peak {result['peak_rss_mb']:.0f} MiB")
    return result


def machine() -> dict[str, Any]:
    """The machine the numbers were measured on."""
    import duckdb
    import psutil

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "os": platform.platform(),
    }


def release_files(release: Path) -> list[Path]:
    """The five required table files of a generated release."""
    from orchestration.eoir.release import locate_release

    return [Path(rf.member) for rf in locate_release(release).files if rf.spec.required]


def ratio(value: float | None, floor: float) -> float | None:
    return round(value / floor, 2) if value is not None and floor else None


def markdown(doc: dict[str, Any]) -> str:
    """The results as a markdown table (quoted in the README)."""
    m = doc["machine"]
    lines = [
        f"Benchmark of {doc['date']} at scale {doc['scale']} ({doc['release_rows']:,} data rows, "
        f"{doc['release_gib']:.2f} GiB of text); machine: {m['cores']} cores ({m['cpu']}), "
        f"{m['memory_gib']} GiB RAM, Python {m['python']}, DuckDB {m['duckdb']}.",
        "",
        "| stage | wall (s) | x floor | peak RSS (MiB) |",
        "|---|---:|---:|---:|",
    ]
    for row in doc["rows"]:
        wall = f"{row['wall_seconds']:.1f}" if row["wall_seconds"] is not None else "n/a"
        x = f"{row['x_floor']:.2f}" if row["x_floor"] is not None else ""
        rss = f"{row['peak_rss_mb']:.0f}" if row["peak_rss_mb"] is not None else "n/a"
        lines.append(f"| {row['stage']} | {wall} | {x} | {rss} |")
    lines += ["", "Targets (issue 8):"]
    lines += [f"- {t['target']}: {'met' if t['met'] else 'NOT met'} ({t['detail']})" for t in doc["targets"]]
    return "\n".join(lines) + "\n"


@app.command()
def main(
    scale: Annotated[float, typer.Option(min=1e-5, max=1.0, help="Fraction of the full release.")] = 1.0,
    seed: Annotated[int, typer.Option(help="Generator seed.")] = 7,
    work: Annotated[Path, typer.Option(help="Scratch folder (release, warehouse).")] = HERE / "work",
    peers: Annotated[bool, typer.Option(help="Measure the pandas peers.")] = True,
    write_results: Annotated[bool, typer.Option(help="Write benchmarks/results/.")] = True,
) -> None:
    """Generate, measure the floor and peers, run the pipeline twice; print and save the table."""
    work.mkdir(parents=True, exist_ok=True)
    release = work / f"release_seed{seed}_scale{scale}"
    rows: list[dict[str, Any]] = []
    try:
        if not (release / "_SYNTHETIC_RELEASE.json").is_file():
            gen = measure("generate release (not part of the pipeline)",
                          [BIN / "mpp-metrics", "generate", "eoir", "--out", release, "--scale", scale, "--seed", seed])
        else:
            gen = None
            console.print(f"reusing {release}")
        # the synthetic NRI extract linked to this release is demo input, like the release: generated once,
        # outside the measured pipeline (the pipeline would otherwise generate it on its first run)
        nri = work / f"nri_seed{seed}_scale{scale}.csv"
        if not nri.is_file():
            measure("generate the synthetic NRI extract (not part of the pipeline)",
                    [BIN / "mpp-metrics", "generate", "nri", "--out", nri, "--eoir-release", release])
        files = release_files(release)
        text_bytes = sum(f.stat().st_size for f in files)
        marker = json.loads((release / "_SYNTHETIC_RELEASE.json").read_text())
        data_rows = sum(t["rows_generated"] for name, t in marker["tables"].items()
                        if any(f.name == name or f.stem == Path(name).stem for f in files))
        floor = measure("floor: DuckDB count(*) over the release files", [sys.executable, "-m", "benchmarks.peers", "floor", *files])
        peer_results: dict[str, dict[str, Any]] = {}
        if peers:
            for table in PEER_TABLES:
                path = next(f for f in files if f.stem.lower() == table.lower())
                for engine in ("c", "pyarrow"):
                    try:
                        peer_results[f"{table}/{engine}"] = measure(
                            f"peer: pandas.read_csv {table} engine={engine}",
                            [sys.executable, "-m", "benchmarks.peers", "pandas", path, "--engine", engine])
                    except BenchmarkFailed as exc:
                        if "No module named 'pyarrow'" in str(exc):
                            console.print("[yellow]pyarrow not installed (make bench installs the bench extra)[/yellow]")
                            continue
                        raise
            ours_db = work / f"ours_seed{seed}_scale{scale}.duckdb"
            # as the pipeline runs it, then under a smaller DuckDB memory limit (the reader's memory is
            # DuckDB's buffer pool)
            for name, label, env in (("ours", "", None),
                                     ("ours_2gb", f", MPP_DUCKDB_MEMORY_LIMIT={SMALL_MEMORY_LIMIT}",
                                      {"MPP_DUCKDB_MEMORY_LIMIT": SMALL_MEMORY_LIMIT})):
                peer_results[name] = measure(
                    f"our reader: {' + '.join(PEER_TABLES)}{label}",
                    [sys.executable, "-m", "benchmarks.peers", "ours", release,
                     *[a for t in PEER_TABLES for a in ("--table", t)], "--db", ours_db], env)
                ours_db.unlink(missing_ok=True)
        var = work / f"var_seed{seed}_scale{scale}"
        shutil.rmtree(var, ignore_errors=True)
        env = {"MPP_VAR_DIR": str(var)}
        out = var / "output"
        cmd = [BIN / "mpp-metrics", "run", "--eoir-release", release, "--uscis-nri", nri, "--output", out]
        first = measure("pipeline: first run (fresh warehouse)", cmd, env)
        stats = json.loads((out / "run_stats.json").read_text())
        second = measure("pipeline: second run, unchanged inputs", cmd, env)
        stats2 = json.loads((out / "run_stats.json").read_text())
    except BenchmarkFailed as exc:
        console.print(f"[bold red]BENCHMARK FAILED:[/bold red] {exc}")
        raise typer.Exit(code=1) from exc

    fw = floor["wall_seconds"]

    def row(stage: str, wall: float | None, rss: float | None) -> dict[str, Any]:
        return {"stage": stage, "wall_seconds": wall, "x_floor": ratio(wall, fw), "peak_rss_mb": rss}

    steps = stats["steps"]
    ingest_steps = [k for k in steps if k.startswith("raw")]
    ingest_wall = sum(steps[k]["wall_seconds"] for k in ingest_steps)
    ingest_rss = max((steps[k]["peak_rss_mb"] for k in ingest_steps), default=None)
    rows.append(row("floor: DuckDB count(*) of the release files", fw, floor["peak_rss_mb"]))
    if gen:
        rows.append(row("(generate the synthetic release)", gen["wall_seconds"], gen["peak_rss_mb"]))
    rows.append(row("ingest (all raw assets)", round(ingest_wall, 2), ingest_rss))
    rows.append(row("  of which EOIR release", steps.get("raw_eoir_release", {}).get("wall_seconds"),
                    steps.get("raw_eoir_release", {}).get("peak_rss_mb")))
    for key, label in (("mpp_dbt_models", "dbt build (models + tests)"),):
        if key in steps:
            rows.append(row(label, steps[key]["wall_seconds"], steps[key]["peak_rss_mb"]))
    other = [k for k in steps if not k.startswith("raw") and k != "mpp_dbt_models"]
    rows.append(row("checks, outputs (" + ", ".join(other) + ")",
                    round(sum(steps[k]["wall_seconds"] for k in other), 2),
                    max((steps[k]["peak_rss_mb"] for k in other), default=None)))
    rows.append(row("whole pipeline, first run (process)", first["wall_seconds"], first["peak_rss_mb"]))
    rows.append(row("whole pipeline, unchanged inputs", second["wall_seconds"], second["peak_rss_mb"]))
    for name, res in peer_results.items():
        if name == "ours":
            rows.append(row(f"our reader alone: {' + '.join(PEER_TABLES)} (as in the pipeline)",
                            res["wall_seconds"], res["peak_rss_mb"]))
            continue
        if name == "ours_2gb":
            rows.append(row(f"our reader alone, DuckDB memory limit {SMALL_MEMORY_LIMIT} (default 3GB)",
                            res["wall_seconds"], res["peak_rss_mb"]))
            continue
        rows.append(row(f"peer: pandas.read_csv {name.replace('/c', ' (default engine)').replace('/pyarrow', ' (pyarrow)')}",
                        res["wall_seconds"], res["peak_rss_mb"]))

    pandas_c = [peer_results[f"{t}/c"] for t in PEER_TABLES if f"{t}/c" in peer_results]
    pandas_c_wall = sum(p["wall_seconds"] for p in pandas_c) if len(pandas_c) == 2 else None
    pandas_c_rss = max((p["peak_rss_mb"] for p in pandas_c), default=None)
    targets = [
        {"target": "whole pipeline at most 6x the floor", "met": first["wall_seconds"] <= 6 * fw,
         "detail": f"{first['wall_seconds']:.1f} s = {ratio(first['wall_seconds'], fw)}x of {fw:.1f} s"},
        {"target": "peak RSS under 6 GB", "met": first["peak_rss_mb"] < 6 * 1000**3 / 2**20,
         "detail": f"{first['peak_rss_mb']:.0f} MiB"},
        {"target": "unchanged inputs: no-op run under 15 s", "met": second["wall_seconds"] < 15,
         "detail": f"{second['wall_seconds']:.1f} s (ingestion skipped: "
                   f"{all(stats2['steps'].get(k, {}).get('wall_seconds', 0) < 5 for k in ingest_steps)})"},
    ]
    ours = peer_results.get("ours")
    if pandas_c_wall and ours:
        pyarrow = [peer_results[f"{t}/pyarrow"] for t in PEER_TABLES if f"{t}/pyarrow" in peer_results]
        pa_wall = sum(p["wall_seconds"] for p in pyarrow) if len(pyarrow) == 2 else None

        def four_times_faster_third_memory(reader: dict[str, Any]) -> bool:
            return reader["wall_seconds"] * 4 <= pandas_c_wall and reader["peak_rss_mb"] * 3 < (pandas_c_rss or 0)

        targets.append({
            "target": "ingestion >= 4x faster than pandas default engine (B_TblProceeding + A_TblCase), < 1/3 of its memory",
            "met": four_times_faster_third_memory(ours),
            "detail": f"our reader {ours['wall_seconds']:.1f} s / {ours['peak_rss_mb']:.0f} MiB vs pandas default "
                      f"engine {pandas_c_wall:.1f} s / {pandas_c_rss:.0f} MiB "
                      f"({pandas_c_wall / ours['wall_seconds']:.1f}x faster)",
        })
        small = peer_results.get("ours_2gb")
        if small:
            targets.append({
                "target": f"the same with MPP_DUCKDB_MEMORY_LIMIT={SMALL_MEMORY_LIMIT}",
                "met": four_times_faster_third_memory(small),
                "detail": f"our reader {small['wall_seconds']:.1f} s / {small['peak_rss_mb']:.0f} MiB "
                          f"({pandas_c_wall / small['wall_seconds']:.1f}x faster, "
                          f"{small['peak_rss_mb'] / (pandas_c_rss or 1):.0%} of its memory)",
            })
        if pa_wall:
            targets.append({
                "target": "stretch: faster than the pandas pyarrow engine on the same two tables",
                "met": ours["wall_seconds"] < pa_wall,
                "detail": f"our reader {ours['wall_seconds']:.1f} s vs pyarrow {pa_wall:.1f} s "
                          f"(pyarrow parses only; ours also repairs, quarantines, deduplicates and writes DuckDB)",
            })
    doc = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "scale": scale, "seed": seed, "machine": machine(),
        "release_rows": data_rows, "release_gib": text_bytes / 2**30,
        "rows": rows, "targets": targets,
        "raw": {"generate": gen, "floor": floor, "peers": peer_results, "first_run": first,
                "first_run_steps": stats, "second_run": second, "second_run_steps": stats2},
    }
    md = markdown(doc)
    table = Table(title=f"mpp-metrics benchmark, scale {scale}")
    for col in ("stage", "wall (s)", "x floor", "peak RSS (MiB)"):
        table.add_column(col, justify="left" if col == "stage" else "right")
    for r in rows:
        table.add_row(r["stage"], f"{r['wall_seconds']}", f"{r['x_floor'] or ''}", f"{r['peak_rss_mb']}")
    console.print(table)
    for t in targets:
        console.print(f"{'[green]met[/green]' if t['met'] else '[red]NOT met[/red]'}: {t['target']} ({t['detail']})")
    if write_results:
        RESULTS.mkdir(exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M")
        # latest.* (quoted by the README) is the release-size result only: a quick look at a smaller scale
        # writes its dated files and leaves the committed release-size figures alone
        names = [f"{stamp}_scale{scale}"] + (["latest"] if scale == 1.0 else [])
        for name in names:
            (RESULTS / f"{name}.json").write_text(json.dumps(doc, indent=2) + "\n")
            (RESULTS / f"{name}.md").write_text(md)
        console.print(f"results: {RESULTS / (names[-1] + '.md')}")


if __name__ == "__main__":
    app()
