"""The registry of bundled extracts, read from ``data/raw/<source>/provenance.yml``.

Each provenance file is the single place that says, for every bundled file: the raw table it lands in,
its origin (repository, path, commit), licence, sha256, vintage (release date), input kind and reader
format. Ingestion, tests and the report all read it from here.

Natural keys: every entry declares ``key_columns``, the columns whose values identify one data row of
the file (e.g. fiscal year, month, component, demographic, citizenship, title of authority for a CBP
cube). Landing refuses a file in which one key occurs twice (orchestration/raw/landing.py
:func:`~orchestration.raw.landing.check_natural_key`): in an aggregate extract a repeated row, even an
exact repeat, doubles a figure. A file that truly has no natural key says so with ``key_columns: []`` and
a ``no_key_reason``; an entry with neither is refused.

Errors: :class:`ProvenanceError` when a provenance file is malformed (including a missing or unknown key
column) or a listed file is missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from orchestration.raw.ledger import InputKind


class ProvenanceError(ValueError):
    """A provenance.yml entry is malformed, or the file it lists is missing."""


@dataclass(frozen=True)
class ExtractSpec:
    """One bundled extract file and the raw table it lands in.

    ``columns`` are the published header names, in published order (matched case-insensitively).
    ``delimiter`` and ``header`` describe the file format. ``path`` is absolute.
    ``period_columns``: the columns that name a row's period (e.g. fiscal year and month); a newer vintage
    replaces an older one period by period (orchestration/raw/history.py). Empty: a load replaces the whole
    table. ``count_columns``: columns holding counts, checked at landing (non-negative integers, optional
    thousands separators); ``empty_markers``: the values that mean "empty cell" in a count column
    (besides the empty string), e.g. ``%null%``; any other text (``D``, ``*``, ``<10``, ``-``) is an error.
    ``key_columns``: the natural key, a subset of ``columns``: no two data rows of one file may share it
    (compared trimmed and case-insensitively; period columns also ignore a trailing note such as
    ``(FYTD)``). ``no_key_reason``: set instead of ``key_columns`` when a file truly has no natural key
    (why, in words); landing refuses a spec with neither (see :meth:`key_problem`).
    """

    table: str
    source: str
    path: Path
    sha256: str
    vintage: date
    input_kind: InputKind
    description: str
    columns: tuple[str, ...]
    delimiter: str = ","
    encoding: str = "utf-8"
    header: bool = True
    origin: dict[str, str] = field(default_factory=dict)
    licence: str = ""
    period_columns: tuple[str, ...] = ()
    count_columns: tuple[str, ...] = ()
    empty_markers: tuple[str, ...] = ()
    key_columns: tuple[str, ...] = ()
    no_key_reason: str = ""

    def key_problem(self) -> str | None:
        """Why the natural-key declaration is unusable (no key and no reason, a key column that is not a
        declared column, both a key and a reason), or None when it is sound."""
        if not self.key_columns and not self.no_key_reason.strip():
            return (
                "declares no natural key: list key_columns (the columns identifying one row; a repeated "
                "key doubles a figure), or key_columns: [] with a no_key_reason"
            )
        if self.key_columns and self.no_key_reason.strip():
            return "declares both key_columns and a no_key_reason; keep one"
        declared = {c.lower() for c in self.columns}
        unknown = [c for c in self.key_columns if c.lower() not in declared]
        if unknown:
            return f"key column(s) {', '.join(repr(c) for c in unknown)} are not among its declared columns"
        return None

    @property
    def relative_path(self) -> str:
        """The path as stored in the ledger: relative to the raw data folder when possible."""
        parts = self.path.parts
        return "/".join(parts[parts.index("raw") + 1 :]) if "raw" in parts else self.path.name


def _parse_entry(source: str, folder: Path, doc: dict, entry: dict, provenance: Path) -> ExtractSpec:
    required = ("table", "path", "sha256", "vintage", "columns")
    missing = [k for k in required if k not in entry]
    if missing:
        raise ProvenanceError(f"{provenance}: entry {entry.get('table', '?')} lacks {', '.join(missing)}")
    path = folder / entry["path"]
    if not path.is_file():
        raise ProvenanceError(f"{provenance}: listed file {path} does not exist")
    fmt = entry.get("format", {})
    vintage = entry["vintage"]
    if not isinstance(vintage, date):
        vintage = date.fromisoformat(str(vintage))
    spec = ExtractSpec(
        table=entry["table"],
        source=source,
        path=path,
        sha256=str(entry["sha256"]),
        vintage=vintage,
        input_kind=entry.get("input_kind", doc.get("input_kind", "real")),
        description=" ".join(str(entry.get("description", "")).split()),
        columns=tuple(entry["columns"]),
        delimiter=fmt.get("delimiter", ","),
        encoding=fmt.get("encoding", "utf-8"),
        header=bool(fmt.get("header", True)),
        origin={k: str(v) for k, v in (entry.get("origin") or {}).items()},
        licence=str(entry.get("licence", "")),
        period_columns=tuple(entry.get("period_columns") or ()),
        count_columns=tuple(entry.get("count_columns") or ()),
        empty_markers=tuple(str(m) for m in (entry.get("empty_markers") or ())),
        key_columns=tuple(entry.get("key_columns") or ()),
        no_key_reason=" ".join(str(entry.get("no_key_reason") or "").split()),
    )
    problem = spec.key_problem()
    if problem:
        raise ProvenanceError(f"{provenance}: entry {spec.table} {problem}")
    return spec


def load_registry(raw_data_dir: Path) -> dict[str, ExtractSpec]:
    """All bundled extracts keyed by raw table name, from every ``<raw_data_dir>/*/provenance.yml``.

    Raises :class:`ProvenanceError` on a malformed entry, a missing file or a table listed twice.
    """
    specs: dict[str, ExtractSpec] = {}
    for provenance in sorted(raw_data_dir.glob("*/provenance.yml")):
        doc = yaml.safe_load(provenance.read_text(encoding="utf-8")) or {}
        source = doc.get("source") or provenance.parent.name
        for entry in doc.get("files", []):
            spec = _parse_entry(source, provenance.parent, doc, entry, provenance)
            if spec.table in specs:
                raise ProvenanceError(f"{provenance}: raw table {spec.table} is listed twice")
            specs[spec.table] = spec
    return specs
