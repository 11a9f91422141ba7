"""Release-sized benchmark: the targets of issue 17, each as a ratio to the DuckDB floor, with exact row accounting.

``python -m benchmarks.run --scale 1.0`` (or ``make bench SCALE=1.0``):

1. the inputs: a synthetic EOIR release at ``--scale`` (1.0 = release size: ~12M cases, ~16M proceedings,
   ~16M applications, ~2.5M case identifiers, a hearing schedule several times the proceedings) and the
   synthetic NRI extract linked to it, generated once per seed and scale under the work folder
   (``--work-dir``, env ``MPP_BENCH_WORK_DIR``) and reused: demo inputs, not pipeline work;
2. floor: DuckDB ``count(*)`` over the five release files (benchmarks.peers floor);
3. EOIR ingestion alone, the whole release into a fresh DuckDB file as the pipeline lands it, default
   columns and ``--all-columns`` (benchmarks.peers ours); optionally (``--peers``) ``pandas.read_csv`` of
   B_TblProceeding and A_TblCase, default engine and ``engine="pyarrow"`` (needs the ``bench`` extra);
4. the pipeline: ``mpp-metrics run --eoir-release <release> --uscis-nri <extract>`` on a fresh warehouse
   (ingest, dbt build with tests, checks, outputs; per-step wall and sampled RSS from its run_stats.json),
   then again on unchanged inputs;
5. the default demo run as a new user makes it after ``make setup`` (a fresh var folder with the bundled
   inputs generated, then ``mpp-metrics run``), then again on unchanged inputs;
6. row accounting (benchmarks.accounting): for every file of every current load in the pipeline's warehouse
   and in the reader's files, rows_read = rows_loaded + rows_quarantined + duplicates_collapsed, or the
   benchmark fails; the rejects by table and reason are recorded (``--compare-rejects`` an earlier result
   JSON: the benchmark fails when they differ).
Each measured command runs in its own process under benchmarks.measure (wall time, kernel peak RSS).

Writes a dated ``benchmarks/results/<UTC time>_scale<scale>.{json,md}``, at scale 1.0 also ``latest.json``
and ``latest.md`` (the README quotes them), and prints the table and the targets (met / NOT met).
Exit code 1 when a measured process fails or is killed (e.g. by the OOM killer) or a row is unaccounted for.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from benchmarks.accounting import AccountingError, account, compare_rejects

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
RESULTS = HERE / "results"
BIN = Path(sys.executable).parent
console = Console()
app = typer.Typer(add_completion=False)

PEER_TABLES = ("B_TblProceeding", "A_TblCase")
MIB_PER_GB = 1000**3 / 2**20


class BenchmarkFailed(RuntimeError):
    """A measured process failed or was killed, or rows were not accounted for."""


def measure(label: str, cmd: list[Any], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``cmd`` under benchmarks.measure in a fresh process; return its measurement (+ label)."""
    console.print(f"[bold]{label}[/bold]: {' '.join(str(c) for c in cmd)}")
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.measure", "--", *map(str, cmd)],
        env={**os.environ, **(env or {})}, cwd=PROJECT, capture_output=True, text=True, check=False,
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


@dataclass
class Inputs:
    """The generated inputs of one seed and scale under the work folder."""

    release: Path
    nri: Path
    generated: dict[str, Any] | None  # the release generation's measurement, when it ran now


def prepare_inputs(work: Path, scale: float, seed: int) -> Inputs:
    """Generate the release and its linked NRI extract unless the work folder already holds them."""
    release = work / f"release_seed{seed}_scale{scale}"
    gen = None
    if not (release / "_SYNTHETIC_RELEASE.json").is_file():
        gen = measure("generate release (not part of the pipeline)",
                      [BIN / "mpp-metrics", "generate", "eoir", "--out", release, "--scale", scale, "--seed", seed])
    else:
        console.print(f"reusing {release}")
    # the synthetic NRI extract linked to this release is demo input, like the release: generated once,
    # outside the measured pipeline (the pipeline would otherwise generate it on its first run)
    nri = work / f"nri_seed{seed}_scale{scale}.csv"
    if not nri.is_file():
        measure("generate the synthetic NRI extract (not part of the pipeline)",
                [BIN / "mpp-metrics", "generate", "nri", "--out", nri, "--eoir-release", release])
    return Inputs(release, nri, gen)


def fresh_var(var: Path) -> dict[str, str]:
    """An empty var folder with its own Dagster home (as ``make setup`` prepares it); its environment."""
    shutil.rmtree(var, ignore_errors=True)
    home = var / "dagster_home"
    home.mkdir(parents=True)
    shutil.copy2(PROJECT / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    return {"MPP_VAR_DIR": str(var), "DAGSTER_HOME": str(home)}


def run_ingestion(inputs: Inputs, work: Path, peers: bool) -> dict[str, dict[str, Any]]:
    """Our reader alone (default and all columns) on the whole release, and optionally the pandas peers."""
    out: dict[str, dict[str, Any]] = {}
    for name, extra in (("ours", []), ("ours_all_columns", ["--all-columns"])):
        db = work / f"{name}_{inputs.release.name}.duckdb"
        out[name] = measure(f"our reader: the whole release{', all columns' if extra else ''}",
                            [sys.executable, "-m", "benchmarks.peers", "ours", inputs.release, "--db", db, *extra])
        try:
            out[name]["accounting"] = account(db)
        except AccountingError as exc:
            raise BenchmarkFailed(str(exc)) from exc
        finally:
            for p in (db, db.with_name(db.name + ".wal")):
                p.unlink(missing_ok=True)
    if peers:
        files = release_files(inputs.release)
        for table in PEER_TABLES:
            path = next(f for f in files if f.stem.lower() == table.lower())
            for engine in ("c", "pyarrow"):
                try:
                    out[f"{table}/{engine}"] = measure(
                        f"peer: pandas.read_csv {table} engine={engine}",
                        [sys.executable, "-m", "benchmarks.peers", "pandas", path, "--engine", engine])
                except BenchmarkFailed as exc:
                    if "No module named 'pyarrow'" not in str(exc):
                        raise
                    console.print("[yellow]pyarrow not installed (make bench installs the bench extra)[/yellow]")
    return out


def run_twice(label: str, cmd: list[Any], env: dict[str, str], output: Path) -> dict[str, Any]:
    """``cmd`` on a fresh var folder, then again on unchanged inputs; each with its run_stats.json."""
    first = measure(f"{label}: first run (fresh warehouse)", cmd, env)
    first["stats"] = json.loads((output / "run_stats.json").read_text())
    second = measure(f"{label}: second run, unchanged inputs", cmd, env)
    second["stats"] = own_stats(output / "run_stats.json", first["stats"])
    return {"first": first, "second": second}


def own_stats(path: Path, earlier: dict[str, Any]) -> dict[str, Any]:
    """The run_stats.json a run left, or {} when it left the earlier run's (an unchanged run answered before
    Dagster starts writes none: the earlier run's figures, e.g. its peak RSS, are not this run's)."""
    stats = json.loads(path.read_text())
    return {} if stats == earlier else stats


def run_pipeline(inputs: Inputs, work: Path) -> dict[str, Any]:
    """The release-size pipeline twice; its row accounting from the warehouse's ledger."""
    var = work / f"var_{inputs.release.name}"
    env = fresh_var(var)
    out = var / "output"
    cmd = [BIN / "mpp-metrics", "run", "--eoir-release", inputs.release, "--uscis-nri", inputs.nri, "--output", out]
    runs = run_twice("pipeline", cmd, env, out)
    try:
        runs["accounting"] = account(var / "warehouse" / "build.duckdb")
    except AccountingError as exc:
        raise BenchmarkFailed(str(exc)) from exc
    return runs


def run_demo(work: Path) -> dict[str, Any]:
    """The default demo run as after ``make setup``: bundled inputs generated (not measured), then run twice."""
    var = work / "var_demo"
    env = fresh_var(var)
    subprocess.run([BIN / "mpp-metrics", "generate", "bundled"], env={**os.environ, **env}, cwd=PROJECT,
                   check=True, capture_output=True)
    return run_twice("default demo run", [BIN / "mpp-metrics", "run"], env, var / "output")


def step_totals(stats: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """(wall, sampled peak RSS) of the pipeline's parts: ingestion, dbt build, checks, outputs."""
    steps = stats["steps"]
    parts: dict[str, list[str]] = {"ingest": [], "dbt": [], "checks": [], "outputs": []}
    for key in steps:
        part = ("ingest" if key.startswith("raw") else "dbt" if key == "mpp_dbt_models"
                else "outputs" if key.startswith("outputs") else "checks")
        parts[part].append(key)
    return {part: (round(sum(steps[k]["wall_seconds"] for k in keys), 2),
                   max((steps[k]["peak_rss_mb"] for k in keys), default=0.0))
            for part, keys in parts.items()}


def stage_rows(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The table of measured stages, each with its ratio to the floor."""
    fw = doc["floor"]["wall_seconds"]

    def row(stage: str, wall: float | None, rss: float | None) -> dict[str, Any]:
        return {"stage": stage, "wall_seconds": wall, "x_floor": ratio(wall, fw), "peak_rss_mb": rss}

    ing, pipe, demo = doc["ingestion"], doc["pipeline"], doc["demo"]
    rows = [row("floor: DuckDB count(*) of the release files", fw, doc["floor"]["peak_rss_mb"])]
    if doc["generate"]:
        rows.append(row("(generate the synthetic release)", doc["generate"]["wall_seconds"],
                        doc["generate"]["peak_rss_mb"]))
    rows.append(row("EOIR ingestion alone, default columns (whole release)", ing["ours"]["wall_seconds"],
                    ing["ours"]["peak_rss_mb"]))
    rows.append(row("EOIR ingestion alone, all columns (whole release)", ing["ours_all_columns"]["wall_seconds"],
                    ing["ours_all_columns"]["peak_rss_mb"]))
    for name, res in ing.items():
        if "/" in name:
            rows.append(row(f"peer: pandas.read_csv {name.replace('/c', ' (default engine)').replace('/pyarrow', ' (pyarrow)')}",
                            res["wall_seconds"], res["peak_rss_mb"]))
    stats = pipe["first"]["stats"]
    parts = step_totals(stats)
    eoir = stats["steps"].get("raw_eoir_release", {})
    rows += [row("pipeline: ingest (all raw assets)", *parts["ingest"]),
             row("  of which EOIR release (with its sha256)", eoir.get("wall_seconds"), eoir.get("peak_rss_mb")),
             row("pipeline: dbt build (models + tests)", *parts["dbt"]),
             row("pipeline: Great Expectations checks", *parts["checks"]),
             row("pipeline: outputs (publish, metrics.json, report, docs)", *parts["outputs"]),
             row("whole pipeline, first run (process)", pipe["first"]["wall_seconds"], pipeline_peak(pipe["first"])),
             row("whole pipeline, unchanged inputs", pipe["second"]["wall_seconds"], pipeline_peak(pipe["second"])),
             row("default demo run after setup (bundled data)", demo["first"]["wall_seconds"],
                 pipeline_peak(demo["first"])),
             row("default demo run, unchanged inputs", demo["second"]["wall_seconds"], pipeline_peak(demo["second"]))]
    return rows


def pipeline_peak(run: dict[str, Any]) -> float:
    """Peak RSS of a run: the larger of the kernel's (largest single process) and the sampled tree's."""
    return max(run["peak_rss_mb"], run["stats"].get("peak_rss_mb", 0.0))


def target(what: str, figure: str, limit: str, value: float, bound: float, unit: str, detail: str = "") -> dict[str, Any]:
    """One target of issue 17: ``value`` (in ``unit``) against its ``bound``. The ratio column is to the floor
    for a target set as a multiple of it, else to the target itself (1.33x target: a third over it)."""
    ratio = f"{value:.2f}{unit}" if unit.endswith("floor") else f"{value / bound:.2f}x target"
    return {"target": what, "figure": figure, "limit": limit, "ratio": ratio, "met": value <= bound, "detail": detail}


def targets(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The targets of issue 17 at release size, each met / NOT met with its figure."""
    fw = doc["floor"]["wall_seconds"]
    ing, pipe, demo = doc["ingestion"], doc["pipeline"], doc["demo"]
    all_cols, default = ing["ours_all_columns"], ing["ours"]
    ingest_rss = max(all_cols["peak_rss_mb"], default["peak_rss_mb"])
    eoir_step = pipe["first"]["stats"]["steps"].get("raw_eoir_release", {})
    first, second = pipe["first"], pipe["second"]
    files = len(pipe["accounting"]["files"]) + sum(len(ing[k]["accounting"]["files"]) for k in ("ours", "ours_all_columns"))
    out = [
        target("EOIR ingestion, all columns", f"{all_cols['wall_seconds']:.1f} s", "<= 3.5x the floor",
               all_cols["wall_seconds"] / fw, 3.5, "x floor"),
        target("EOIR ingestion, default columns", f"{default['wall_seconds']:.1f} s", "<= 2.5x the floor",
               default["wall_seconds"] / fw, 2.5, "x floor",
               f"in the pipeline (with the files' sha256): {eoir_step.get('wall_seconds', 0):.1f} s"),
        target("peak RSS of ingestion", f"{ingest_rss:.0f} MiB", "<= 1 GB (954 MiB)", ingest_rss / MIB_PER_GB, 1.0,
               " GB", f"default columns {default['peak_rss_mb']:.0f} MiB, all columns {all_cols['peak_rss_mb']:.0f} "
               f"MiB; the pipeline's ingestion step (sampled, with the Dagster process) "
               f"{eoir_step.get('peak_rss_mb', 0):.0f} MiB"),
        target("whole pipeline, first run: time", f"{first['wall_seconds']:.1f} s", "<= 5x the floor",
               first["wall_seconds"] / fw, 5.0, "x floor"),
        target("whole pipeline, first run: peak RSS", f"{pipeline_peak(first):.0f} MiB", "<= 2 GB (1907 MiB)",
               pipeline_peak(first) / MIB_PER_GB, 2.0, " GB",
               f"largest process {first['peak_rss_mb']:.0f} MiB, process tree (sampled) "
               f"{first['stats'].get('peak_rss_mb', 0):.0f} MiB"),
        target("default demo run after make setup", f"{demo['first']['wall_seconds']:.1f} s", "<= 30 s",
               demo["first"]["wall_seconds"], 30.0, " s"),
        target("unchanged-input run, including process start", f"{second['wall_seconds']:.1f} s", "<= 5 s",
               second["wall_seconds"], 5.0, " s",
               f"at this scale; the default demo run unchanged: {demo['second']['wall_seconds']:.1f} s"),
    ]
    diffs = doc.get("rejects_differ_from")
    out.append({"target": "row accounting exact", "figure": f"{files} file loads", "limit":
                "read = loaded + quarantined + collapsed", "ratio": "", "met": not diffs,
                "detail": "every file accounted for" + (f"; rejects differ from {doc['rejects_compared_with']}: "
                                                        + "; ".join(diffs) if diffs else
                                                        f"; rejects identical to {doc['rejects_compared_with']}"
                                                        if doc.get("rejects_compared_with") else "")})
    return out


def markdown(doc: dict[str, Any]) -> str:
    """The results as markdown tables (quoted in the README)."""
    m = doc["machine"]
    lines = [
        (f"Benchmark of {doc['date']} at scale {doc['scale']} ({doc['release_rows']:,} data rows, "
         f"{doc['release_gib']:.2f} GiB of text); machine: {m['cores']} cores ({m['cpu']}), "
         f"{m['memory_gib']} GiB RAM, Python {m['python']}, DuckDB {m['duckdb']}."),
        "", "Targets (issue 17):", "",
        "| what | figure | target | ratio (to the floor, or to the target) | met |", "|---|---:|---|---:|---|",
    ]
    lines += [f"| {t['target']} | {t['figure']} | {t['limit']} | {t['ratio']} | {'met' if t['met'] else '**NOT met**'} |"
              for t in doc["targets"]]
    lines += [f"- {t['target']}: {t['detail']}" for t in doc["targets"] if t["detail"]]
    lines += ["", "| stage | wall (s) | x floor | peak RSS (MiB) |", "|---|---:|---:|---:|"]
    for row in doc["rows"]:
        wall = f"{row['wall_seconds']:.1f}" if row["wall_seconds"] is not None else "n/a"
        x = f"{row['x_floor']:.2f}" if row["x_floor"] is not None else ""
        rss = f"{row['peak_rss_mb']:.0f}" if row["peak_rss_mb"] is not None else "n/a"
        lines.append(f"| {row['stage']} | {wall} | {x} | {rss} |")
    rejects = doc["pipeline"]["accounting"]["rejects"]
    lines += ["", "Rejects of the pipeline's load (table: reason = lines): "
              + ("; ".join(f"{t}: " + ", ".join(f"{r} = {n:,}" for r, n in v.items()) for t, v in rejects.items())
                 or "none")]
    return "\n".join(lines) + "\n"


def print_table(doc: dict[str, Any]) -> None:
    table = Table(title=f"mpp-metrics benchmark, scale {doc['scale']}")
    for col in ("stage", "wall (s)", "x floor", "peak RSS (MiB)"):
        table.add_column(col, justify="left" if col == "stage" else "right")
    for r in doc["rows"]:
        table.add_row(r["stage"], f"{r['wall_seconds']}", f"{r['x_floor'] or ''}", f"{r['peak_rss_mb']}")
    console.print(table)
    for t in doc["targets"]:
        ratio_text = f"{t['ratio']}; " if t["ratio"] else ""
        console.print(f"{'[green]met[/green]' if t['met'] else '[red]NOT met[/red]'}: {t['target']}: "
                      f"{t['figure']} ({ratio_text}target {t['limit']}) {t['detail']}")


def write_results(doc: dict[str, Any], md: str) -> None:
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M")
    # latest.* (quoted by the README) is the release-size result only: a quick look at a smaller scale
    # writes its dated files and leaves the committed release-size figures alone
    names = [f"{stamp}_scale{doc['scale']}"] + (["latest"] if doc["scale"] == 1.0 else [])
    for name in names:
        (RESULTS / f"{name}.json").write_text(json.dumps(doc, indent=2) + "\n")
        (RESULTS / f"{name}.md").write_text(md)
    console.print(f"results: {RESULTS / (names[-1] + '.md')}")


def measure_all(work: Path, scale: float, seed: int, peers: bool) -> dict[str, Any]:
    """Every measurement of one benchmark (raises BenchmarkFailed)."""
    inputs = prepare_inputs(work, scale, seed)
    files = release_files(inputs.release)
    marker = json.loads((inputs.release / "_SYNTHETIC_RELEASE.json").read_text())
    floor = measure("floor: DuckDB count(*) over the release files",
                    [sys.executable, "-m", "benchmarks.peers", "floor", *files])
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "scale": scale, "seed": seed, "work_dir": work.name, "machine": machine(),
        "release_rows": sum(t["rows_generated"] for name, t in marker["tables"].items()
                            if any(f.name == name or f.stem == Path(name).stem for f in files)),
        "release_gib": sum(f.stat().st_size for f in files) / 2**30,
        "generate": inputs.generated, "floor": floor,
        "ingestion": run_ingestion(inputs, work, peers),
        "pipeline": run_pipeline(inputs, work),
        "demo": run_demo(work),
    }


@app.command()
def main(
    scale: Annotated[float, typer.Option(min=1e-5, max=1.0, help="Fraction of the full release.")] = 1.0,
    seed: Annotated[int, typer.Option(help="Generator seed.")] = 7,
    work: Annotated[Path, typer.Option("--work-dir", "--work", envvar="MPP_BENCH_WORK_DIR",
                                       help="Work folder: the generated release and NRI extract (reused when "
                                            "present), warehouses.")] = HERE / "work",
    peers: Annotated[bool, typer.Option(help="Also measure the pandas peers.")] = False,
    compare_rejects_with: Annotated[Path | None, typer.Option(
        "--compare-rejects", exists=True, dir_okay=False,
        help="An earlier result JSON on the same release: fail when the rejects by table and reason differ.")] = None,
    write: Annotated[bool, typer.Option("--write-results/--no-write-results", help="Write benchmarks/results/.")] = True,
) -> None:
    """Generate (or reuse) the inputs, measure the floor, ingestion, the pipeline and the demo run; print and save."""
    work = work.expanduser().resolve()
    work.mkdir(parents=True, exist_ok=True)
    previous = None
    if compare_rejects_with is not None:  # checked before hours of measuring
        try:
            previous = json.loads(compare_rejects_with.read_text())["pipeline"]["accounting"]["rejects"]
        except (KeyError, TypeError, ValueError) as exc:
            raise typer.BadParameter(f"{compare_rejects_with} holds no pipeline.accounting.rejects (a result of "
                                     "this benchmark is needed)", param_hint="--compare-rejects") from exc
    try:
        doc = measure_all(work, scale, seed, peers)
        if previous is not None:
            doc["rejects_compared_with"] = str(compare_rejects_with)
            doc["rejects_differ_from"] = compare_rejects(doc["pipeline"]["accounting"]["rejects"], previous)
    except BenchmarkFailed as exc:
        console.print(f"[bold red]BENCHMARK FAILED:[/bold red] {exc}")
        raise typer.Exit(code=1) from exc
    doc["rows"] = stage_rows(doc)
    doc["targets"] = targets(doc)
    md = markdown(doc)
    print_table(doc)
    if write:
        write_results(doc, md)
    if doc.get("rejects_differ_from"):
        console.print("[bold red]BENCHMARK FAILED:[/bold red] the rejects differ from " + str(compare_rejects_with))
        raise typer.Exit(code=1)


if __name__ == "__main__":
    app()
