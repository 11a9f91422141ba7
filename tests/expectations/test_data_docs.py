"""The Data Docs site (expectations/data_docs.py): every suite's latest validation has a page, every link of
the index resolves, the domain document is linked, and nothing is fetched from the network.

Issue 18 item 6: GE's own site builder kept only the last suite's validation pages (19 of 20 links of
suites.html were dead) and its index loaded Bootstrap/jQuery from CDNs; suites.html cited shared/DOMAIN.md,
a path that does not exist in the project.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pandas as pd

from expectations.runner import record_outcome, validate_frame
from expectations.spec import Expect, Suite


class Links(HTMLParser):
    """Every href / src of a page, and its visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.refs += [v for k, v in attrs if k in ("href", "src") and v]

    def handle_data(self, data):
        if data.strip():
            self.text.append(data.strip())


def parse(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def follow_every_link(index: Path) -> dict[Path, Links]:
    """Every page reachable from ``index`` (local links only: any remote reference fails), parsed."""
    seen: dict[Path, Links] = {}
    todo = [index.resolve()]
    while todo:
        page = todo.pop()
        if page in seen:
            continue
        seen[page] = parsed = parse(page)
        for ref in parsed.refs:
            assert not re.match(r"^[a-z]+:", ref), f"{page.name} references {ref}: the Data Docs must work offline"
            target = (page.parent / unquote(ref.split("#")[0])).resolve()
            assert target.is_file(), f"dead link in {page}: {ref}"
            if target.suffix == ".html":
                todo.append(target)
    return seen


def suite(name: str, severity: str = "error") -> Suite:
    return Suite(name=name, asset_key=("marts", f"{name}_table"), sql="select 1", description=f"{name} rules",
                 expectations=(Expect(id=f"{name}_x_positive", gx_type="ExpectColumnValuesToBeBetween",
                                      kwargs={"column": "x", "min_value": 1}, definition="x counts cases: at least 1",
                                      severity=severity),),
                 id_columns=("case_id",))


def test_every_suites_latest_validation_has_a_page_linked_from_the_index(tmp_path):
    docs = tmp_path / "data_docs"
    frame = pd.DataFrame({"case_id": [1, 2, 3], "x": [1, 0, 5]})
    # two suites validated one after the other (as two checks of one run do): both pages must remain
    record_outcome(validate_frame(suite("alpha"), frame), docs)
    record_outcome(validate_frame(suite("beta", "warning"), frame.assign(x=[1, 2, 3])), docs)
    pages = follow_every_link(docs / "index.html")
    alpha, beta = docs / "validations" / "alpha.html", docs / "validations" / "beta.html"
    assert {alpha.resolve(), beta.resolve()} <= set(pages)
    alpha_text = " ".join(pages[alpha.resolve()].text)
    # the suite's name, its status, the failed expectation, its definition and the failing row (case 2, x = 0)
    assert "alpha" in alpha_text and "FAILED (blocking)" in alpha_text
    assert "alpha_x_positive" in alpha_text and "x counts cases: at least 1" in alpha_text
    assert re.search(r"Failing rows of alpha_x_positive \(sample of 1 of 1\) case_id x 2 0", alpha_text), alpha_text
    assert "marts/alpha_table" in alpha_text and "3 rows validated" in alpha_text
    beta_text = " ".join(pages[beta.resolve()].text)
    assert "beta" in beta_text and "passed" in beta_text and "beta_x_positive" in beta_text
    index_text = " ".join(pages[(docs / "index.html").resolve()].text)
    assert "alpha" in index_text and "beta" in index_text
    assert (docs / "suites.html").read_text() == (docs / "index.html").read_text()


def test_the_index_links_the_projects_domain_document(tmp_path):
    docs = tmp_path / "data_docs"
    record_outcome(validate_frame(suite("alpha"), pd.DataFrame({"case_id": [1], "x": [1]})), docs)
    refs = parse(docs / "index.html").refs
    domain = [r for r in refs if r.endswith("DOMAIN.md")]
    assert domain and (docs / domain[0]).resolve() == (Path(__file__).parents[2] / "docs" / "DOMAIN.md").resolve()
    assert "shared/DOMAIN.md" not in (docs / "index.html").read_text()


def test_no_html_when_data_docs_are_off(tmp_path):
    docs = tmp_path / "data_docs"
    outcome = validate_frame(suite("alpha"), pd.DataFrame({"case_id": [1], "x": [1]}))
    record_outcome(outcome, docs, html=False)
    assert (docs / "results" / "alpha.json").is_file()
    assert not list(docs.rglob("*.html")) and outcome.validation_page is None
