"""Plain-data suite specifications (no Great Expectations import here).

An :class:`Expect` is one GE 1.x expectation: ``gx_type`` is the class name in
``great_expectations.expectations`` (e.g. ``"ExpectColumnValuesToBeUnique"``), ``kwargs`` its arguments.
``id`` is the stable name tests and check metadata use; ``definition`` quotes or paraphrases the DOMAIN.md
definition it enforces; ``severity`` is ``"error"`` (blocking: publishing stops) or ``"warning"`` (reported,
never blocking). GE receives the definition as ``notes`` and ``meta`` and the severity as its own
``FailureSeverity`` (error -> critical, warning -> warning).

A :class:`Suite` is one validation: the DuckDB ``sql`` that reads the needed columns (plus helper columns) of
one warehouse relation, the Dagster ``asset_key`` it validates, and its expectations. The SQL may use the
named parameters ``$as_of`` (run as-of date, 'YYYY-MM-DD') and ``$admin_closures_are_completions``
(boolean), bound from the run's ``pipeline`` resource.

A suite over a release-sized relation sets ``candidates_only``: DuckDB then sends GE only the rows that could
fail one of its expectations (:meth:`Suite.candidate_sql`: NULL where not-null is expected, a value outside
the set or range, a value that occurs twice where unique is expected), never the tens of millions of rows
that cannot. Every expectation succeeds or fails exactly as on the whole relation and reports the same
failing rows; the element count reported is the relation's row count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Expect:
    """One expectation of a suite (see module docstring)."""

    id: str
    gx_type: str
    kwargs: dict[str, Any]
    definition: str
    severity: Severity = "error"
    how: str = ""  # how the helper columns implement the rule, when it is cross-row

    @property
    def columns(self) -> list[str]:
        """Columns the expectation reads (for failing-row samples)."""
        keys = ("column", "column_A", "column_B", "column_list")
        cols: list[str] = []
        for k in keys:
            v = self.kwargs.get(k)
            if isinstance(v, str):
                cols.append(v)
            elif isinstance(v, (list, tuple)):
                cols.extend(v)
        return cols


@dataclass(frozen=True)
class Suite:
    """One GE suite over one warehouse relation (see module docstring)."""

    name: str
    asset_key: tuple[str, ...]
    sql: str
    description: str
    expectations: tuple[Expect, ...]
    id_columns: tuple[str, ...] = ()  # columns shown beside failing values (row identity)
    per_table_column: str | None = None  # set for suites judged per raw table (the load ledger)
    extra: dict[str, Any] = field(default_factory=dict)
    candidates_only: bool = False  # validate only the rows that could fail (release-sized relations)

    def candidate_sql(self) -> str:
        """The suite's SQL restricted to rows that could fail an expectation (see module docstring).

        Raises ValueError for an expectation type whose failing rows cannot be pre-selected row by row."""
        preds = [_candidate_predicate(e) for e in self.expectations]
        return f"with _suite as ({self.sql})\nselect * from _suite where " + " or ".join(f"({p})" for p in preds)

    def of_severity(self, severity: Severity) -> list[Expect]:
        return [e for e in self.expectations if e.severity == severity]

    @property
    def check_name(self) -> str:
        return f"ge_{self.name}"

    @property
    def warning_check_name(self) -> str:
        return f"ge_{self.name}_warnings"


def _sql_literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def _candidate_predicate(e: Expect) -> str:
    """SQL true on every row of ``_suite`` that could fail expectation ``e`` (GE ignores NULLs except in
    not-null)."""
    c = '"' + str(e.kwargs.get("column", "")).replace('"', '""') + '"'
    if e.gx_type == "ExpectColumnValuesToNotBeNull":
        return f"{c} is null"
    if e.gx_type == "ExpectColumnValuesToBeUnique":
        return f"{c} in (select {c} from _suite where {c} is not null group by all having count(*) > 1)"
    if e.gx_type == "ExpectColumnValuesToBeInSet":
        values = ", ".join(_sql_literal(v) for v in e.kwargs["value_set"])
        return f"{c} is not null and {c} not in ({values})"
    if e.gx_type == "ExpectColumnValuesToBeBetween":
        bounds = []
        if e.kwargs.get("min_value") is not None:
            bounds.append(f"{c} < {_sql_literal(e.kwargs['min_value'])}")
        if e.kwargs.get("max_value") is not None:
            bounds.append(f"{c} > {_sql_literal(e.kwargs['max_value'])}")
        return " or ".join(bounds) or "false"
    raise ValueError(f"expectation {e.id} ({e.gx_type}): failing rows cannot be pre-selected (candidates_only)")


# --- small builders used by the suite modules -------------------------------------------------------------

def unique(id: str, column: str, definition: str, **kw: Any) -> Expect:
    return Expect(id, "ExpectColumnValuesToBeUnique", {"column": column}, definition, **kw)


def not_null(id: str, column: str, definition: str, **kw: Any) -> Expect:
    return Expect(id, "ExpectColumnValuesToNotBeNull", {"column": column}, definition, **kw)


def in_set(id: str, column: str, values: list[Any], definition: str, **kw: Any) -> Expect:
    return Expect(id, "ExpectColumnValuesToBeInSet", {"column": column, "value_set": values}, definition, **kw)


def not_in_set(id: str, column: str, values: list[Any], definition: str, **kw: Any) -> Expect:
    return Expect(id, "ExpectColumnValuesToNotBeInSet", {"column": column, "value_set": values}, definition, **kw)


def always_true(id: str, column: str, definition: str, **kw: Any) -> Expect:
    """A boolean helper column that must be true on every row."""
    return in_set(id, column, [True], definition, **kw)


def between(id: str, column: str, definition: str, min_value: Any = None, max_value: Any = None, **kw: Any) -> Expect:
    args = {"column": column, "min_value": min_value, "max_value": max_value}
    return Expect(id, "ExpectColumnValuesToBeBetween", args, definition, **kw)


def equal(id: str, a: str, b: str, definition: str, ignore_missing: bool = False, **kw: Any) -> Expect:
    args: dict[str, Any] = {"column_A": a, "column_B": b}
    if ignore_missing:
        args["ignore_row_if"] = "either_value_is_missing"
    return Expect(id, "ExpectColumnPairValuesToBeEqual", args, definition, **kw)


def a_at_least_b(id: str, a: str, b: str, definition: str, **kw: Any) -> Expect:
    args = {"column_A": a, "column_B": b, "or_equal": True, "ignore_row_if": "either_value_is_missing"}
    return Expect(id, "ExpectColumnPairValuesAToBeGreaterThanB", args, definition, **kw)


def non_negative_integers(prefix: str, columns: list[str], definition: str, **kw: Any) -> list[Expect]:
    """Counts: >= 0 and stored as integers (two expectations per column)."""
    out: list[Expect] = []
    for c in columns:
        out.append(between(f"{prefix}_{c}_non_negative", c, definition, min_value=0, **kw))
        out.append(Expect(f"{prefix}_{c}_integer", "ExpectColumnValuesToBeInTypeList",
                          {"column": c, "type_list": ["int64", "Int64", "int32", "Int32", "int16", "int8"]},
                          definition, **kw))
    return out


def contiguous_months(id: str, column: str, definition: str, **kw: Any) -> Expect:
    """``column`` = months since the previous row's month (window ``lag``): 1 everywhere (NULL on the first)."""
    return between(id, column, definition, min_value=1, max_value=1,
                   how="helper column = date_diff('month', lag(month_start) over (order by month_start), month_start)",
                   **kw)
