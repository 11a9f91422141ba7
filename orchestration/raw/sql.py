"""SQL text helpers shared by every loader that writes DuckDB SQL by hand (raw/, eoir/): one place for
quoting identifiers and literals and for reading a relation's columns."""

from __future__ import annotations

from datetime import date, datetime

import duckdb


def quote_ident(name: str) -> str:
    """Quote an SQL identifier (``a"b`` -> ``"a""b"``)."""
    return '"' + name.replace('"', '""') + '"'


def sql_literal(value: object) -> str:
    """An SQL literal for a str / date / datetime / None (``NULL``); quotes inside a string are doubled."""
    if value is None:
        return "NULL"
    if isinstance(value, datetime):
        return f"TIMESTAMP '{value.isoformat(sep=' ')}'"
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    return "'" + str(value).replace("'", "''") + "'"


def relation_columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    """Column names of a relation (an SQL name such as ``raw."t"``), in order."""
    return [d[0] for d in con.execute(f"select * from {relation} limit 0").description]
