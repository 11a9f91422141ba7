"""The Dagster event log on SQLite, with its connections kept open (``orchestration/dagster.yaml``).

Dagster's ``SqliteEventLogStorage`` makes a new SQLAlchemy engine, opens the run's database file and
commits with a full fsync for every event it stores. A run stores one event per step start and end,
materialization, asset check result (338 dbt tests) and planned check: on the demo run that was 8-9 s of a
47 s run (the largest item after the dbt build). :class:`PooledSqliteEventLogStorage` is the same storage,
same files and tables (``$DAGSTER_HOME/history/runs/<run id>.db`` and ``index.db``: the UI, the daemon and
an instance without this class read them as before), with two changes:

* one engine per database file, its connection reused, for the index and the few most recent runs
  (:data:`KEEP_ENGINES`; older ones are closed, so a long-running webserver does not keep a file open per
  run it showed);
* ``PRAGMA synchronous = NORMAL`` on those connections. The files are in WAL mode (Dagster sets it): a
  commit then waits for no fsync; a power cut (not a crash of the process) can lose the last events, never
  corrupt the file. The event log is a record of runs, not an input of any figure.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from dagster import Field, StringSource
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SqliteEventLogStorage,
)
from dagster._serdes import ConfigurableClassData
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import QueuePool

#: Engines kept open besides the index's: the runs written or read most recently.
KEEP_ENGINES = 4
#: Seconds a writer waits for another process's lock (Dagster's own value).
BUSY_TIMEOUT_SECONDS = 30


def _fast_commits(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """Dagster's SQLite event log storage with one reused connection per database file (see module doc).

    Config (``dagster.yaml``, ``event_log_storage``): ``base_dir`` (optional): the folder of the event log
    files; default ``$DAGSTER_HOME/history/runs``, where Dagster's default storage keeps them."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        super().__init__(base_dir, inst_data)

    @classmethod
    def config_type(cls) -> dict[str, Field]:
        return {"base_dir": Field(StringSource, is_required=False)}

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData | None,  # ty: ignore[invalid-method-override]
                          config_value: Any) -> PooledSqliteEventLogStorage:
        base_dir = (config_value or {}).get("base_dir") or default_base_dir()
        return cls(base_dir, inst_data=inst_data)

    def _engine(self, shard: str) -> Engine:
        """The shard's engine, made on first use; the least recently used run's engine is closed beyond
        :data:`KEEP_ENGINES` (the index's is kept)."""
        engine = self._engines.pop(shard, None)
        if engine is None:
            engine = create_engine(self.conn_string_for_shard(shard), poolclass=QueuePool, pool_size=1,
                                   max_overflow=2,
                                   connect_args={"timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False})
            event.listen(engine, "connect", _fast_commits)
        self._engines[shard] = engine  # most recently used last
        runs = [s for s in self._engines if s != INDEX_SHARD_NAME]
        for old in runs[: max(0, len(runs) - KEEP_ENGINES)]:
            self._engines.pop(old).dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:  # same contract as the parent's
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def store_event(self, event: EventLogEntry) -> None:
        """Dagster's, then the run's file touched: watchers (the UI's run page, :meth:`watch`) wait for a
        change of ``<run id>.db``. Dagster's storage closed its connection after each event, which
        checkpointed the WAL into that file; a connection kept open writes to ``<run id>.db-wal`` only, and
        without the touch a run's events reached the UI only when its process ended."""
        super().store_event(event)
        with suppress(FileNotFoundError):  # e.g. wiped meanwhile
            os.utime(self.path_for_shard(event.run_id))

    def _close_engines(self) -> None:
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()

    def wipe(self) -> None:
        """Delete every run's file (Dagster's wipe): their connections are closed first, else later events
        would go to the deleted files."""
        self._close_engines()
        super().wipe()

    def dispose(self) -> None:
        self._close_engines()
        super().dispose()


def default_base_dir() -> str:
    """Where Dagster's default SQLite storage keeps the event log: ``$DAGSTER_HOME/history/runs``."""
    home = os.environ.get("DAGSTER_HOME")
    if not home:
        raise RuntimeError("DAGSTER_HOME is not set: the event log storage needs it (or a base_dir in dagster.yaml)")
    return os.path.join(os.path.abspath(home), "history", "runs")
