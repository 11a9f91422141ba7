"""GE renders the Data Docs of every suite with a new jinja2 Environment; the compiled templates are shared
across suites (expectations.runner._CompiledTemplates), so a second suite compiles no template again."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from expectations.runner import run_suite
from expectations.spec import Suite, not_null
from tests.expectations.conftest import PARAMS, make_warehouse

SUITE = Suite(name="docs_probe", asset_key=("marts", "probe"), sql="select id from marts.probe",
              description="probe", expectations=(not_null("probe_id_present", "id", "id: required."),))


def test_a_second_suite_renders_its_data_docs_without_compiling_templates_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wh = make_warehouse(tmp_path / "w.duckdb", {"marts.probe": "select * from (values (1), (2)) t(id)"})
    docs = tmp_path / "docs"
    first = run_suite(SUITE, wh, PARAMS, docs_dir=docs)
    compiled: list[str | None] = []
    original = jinja2.Environment.compile

    def spy(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return original(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", spy)
    second = run_suite(SUITE, wh, PARAMS, docs_dir=docs)
    assert compiled == []
    assert first.validation_page and second.validation_page and second.validation_page != first.validation_page
    page = Path(second.validation_page).read_text(encoding="utf-8")
    assert "docs_probe" in page
