"""The deprecated alias views of renamed marts in the published copy (issue 18 item 4; docs/architecture.md
"Mart names"): analysts' saved SQL against an old mart name keeps working for one release.

The build's marts schema holds them as dbt views (models/marts/_deprecated/); publishing recreates each one
as a view over the copied table (no Parquet file, not in meta.tables) and refuses any other kind of view.
"""

from __future__ import annotations

import json

import duckdb
import pytest

from orchestration.project import dbt_project
from orchestration.publish import (
    PARQUET_LINK_NAME,
    PublishError,
    mart_aliases,
    open_published,
    publish_warehouse,
)


def test_an_alias_view_is_published_as_a_view_over_its_table(small_build):
    # what dbt-duckdb leaves in the build for models/marts/_deprecated/<old>.sql
    small_build.sql("create view marts.g9_headline_metrics as select * from marts.headline_metrics")
    con = duckdb.connect(str(small_build.warehouse), read_only=True)
    try:
        assert mart_aliases(con, "small") == {}  # another catalog: none
        assert mart_aliases(con, con.execute("select current_database()").fetchone()[0]) == {
            "g9_headline_metrics": "headline_metrics"}
    finally:
        con.close()
    result = publish_warehouse(small_build.warehouse, small_build.published_dir, as_of_date="2020-12-31", run_id="r1")
    con = open_published(result.database)
    try:
        cols = "metric_id, period, value, input_kind"
        assert con.execute(f"select {cols} from marts.g9_headline_metrics order by all").fetchall() == con.execute(
            f"select {cols} from marts.headline_metrics order by all").fetchall() == [
            ("g2_initial_completions", None, 42, "synthetic"), ("g4_swb_encounters", "2020-12", 73994, "real")]
        assert con.execute("select table_type from information_schema.tables where table_name = 'g9_headline_metrics'"
                           ).fetchall() == [("VIEW",)]
        assert con.execute("select count(*) from meta.tables where table_name = 'g9_headline_metrics'").fetchone() == (0,)
    finally:
        con.close()
    parquet = small_build.published_dir / PARQUET_LINK_NAME
    assert (parquet / "marts__headline_metrics.parquet").is_file()
    assert not (parquet / "marts__g9_headline_metrics.parquet").exists()
    assert "marts.g9_headline_metrics" not in result.tables


def test_a_view_that_is_not_a_plain_alias_is_not_published(small_build):
    first = publish_warehouse(small_build.warehouse, small_build.published_dir, as_of_date="2020-12-31", run_id="r1")
    small_build.sql("create view marts.headline_real as select * from marts.headline_metrics where input_kind = 'real'")
    with pytest.raises(PublishError, match=r"marts.headline_real: a view that is not a plain alias"):
        publish_warehouse(small_build.warehouse, small_build.published_dir, as_of_date="2020-12-31", run_id="r2")
    con = open_published(first.database)
    try:
        assert con.execute("select publication_id from meta.publication").fetchone() == (first.publication_id,)
    finally:
        con.close()


def test_an_alias_of_another_alias_is_refused(small_build):
    small_build.sql("create view marts.old_headline as select * from marts.headline_metrics")
    small_build.sql("create view marts.older_headline as select * from marts.old_headline")
    with pytest.raises(PublishError, match=r"marts.older_headline is an alias of marts.old_headline, which is not a "
                                           r"published table"):
        publish_warehouse(small_build.warehouse, small_build.published_dir, as_of_date="2020-12-31", run_id="r1")


def test_every_old_mart_name_returns_the_rows_of_its_new_mart_in_the_published_copy(pipeline_run):
    manifest = json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))
    aliases = {n["name"]: n["config"]["meta"]["alias_of"] for n in manifest["nodes"].values()
               if n["resource_type"] == "model" and n["fqn"][1:3] == ["marts", "_deprecated"]}
    assert len(aliases) == 20
    con = open_published(pipeline_run.published)
    try:
        views = {r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' and table_type = 'VIEW'").fetchall()}
        assert views == set(aliases)
        assert mart_aliases(con, con.execute("select current_database()").fetchone()[0]) == aliases
        for old, new in aliases.items():
            rows = con.execute(f"select count(*) from marts.{old}").fetchone()[0]
            assert rows == con.execute(f"select count(*) from marts.{new}").fetchone()[0], old
            for a, b in ((old, new), (new, old)):
                assert con.execute(f"select count(*) from (from marts.{a} except all from marts.{b})").fetchone() == (0,), a
            assert con.execute(f"select table_type from information_schema.tables where table_name = '{new}'"
                               ).fetchone() == ("BASE TABLE",)
        # the marts analysts query every day are not empty behind their old names either
        assert con.execute("select count(*) from marts.g3_headline_metrics").fetchone()[0] > 0
        assert con.execute("select count(*) from marts.fct_swb_encounters").fetchone()[0] > 0
        published = {r[0] for r in con.execute("select table_name from meta.tables where schema_name = 'marts'").fetchall()}
    finally:
        con.close()
    assert published.isdisjoint(aliases) and set(aliases.values()) <= published
    parquet = pipeline_run.published.parent / PARQUET_LINK_NAME
    assert {p.name for p in parquet.glob("marts__*.parquet")} == {f"marts__{t}.parquet" for t in published}
