"""The Data Docs site of the Great Expectations suites: static HTML that opens from disk, offline.

GE 1.x's own site builder does not fit this project: it is rebuilt from one ephemeral context per suite, so
only the last suite's validation pages survive a run, and its pages load Bootstrap, jQuery and
bootstrap-table from CDNs (offline, its index shows two buttons and nothing else). This module renders the
site from the per-suite results (``<docs_dir>/results/<suite>.json``, written by :mod:`expectations.runner`
at every validation) instead, with one small inline stylesheet and no script:

- ``validations/<suite>.html``: the suite's latest validation (asset, rows, when, every expectation with its
  definition, result, counts, sample of failing rows), one page per suite, replaced at each validation and
  kept otherwise, so every suite's latest result is readable whichever suites a run validated;
- ``index.html`` and ``suites.html`` (the same page): every suite's latest status, linking its page, and
  the project's domain document (docs/DOMAIN.md) and quality split (docs/quality.md).
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from typing import Any

PROJECT_DOCS = Path(__file__).resolve().parents[1] / "docs"
DOMAIN_DOC = PROJECT_DOCS / "DOMAIN.md"
QUALITY_DOC = PROJECT_DOCS / "quality.md"

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem;color:#1d2433;max-width:80rem}
table{border-collapse:collapse;margin:1rem 0;font-size:.92rem}
th,td{border:1px solid #c8ccd4;padding:.35rem .6rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
td.definition{min-width:22rem}
th{background:#eef0f4}
.passed{color:#176b2c;font-weight:600}.failed{color:#b00020;font-weight:600}.warned{color:#8a5a00;font-weight:600}
code{background:#f3f4f7;padding:0 .2rem}
"""


def status_of(doc: dict[str, Any]) -> tuple[str, str]:
    """(label, css class) of a suite result: a failed error expectation blocks, a failed warning warns."""
    failed = [e for e in doc["expectations"] if not e["success"]]
    if any(e["severity"] == "error" for e in failed):
        return "FAILED (blocking)", "failed"
    if failed:
        return "passed with warnings", "warned"
    return "passed", "passed"


def page_path(docs_dir: Path, suite: str) -> Path:
    """Where the latest validation page of ``suite`` lives."""
    return docs_dir / "validations" / f"{suite}.html"


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _page(title: str, body: str) -> str:
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{_e(title)}</title>"
            f"<style>{STYLE}</style></head><body>{body}</body></html>")


def _href(target: Path, start: Path) -> str:
    return html.escape(os.path.relpath(target, start))


def _expectation_row(e: dict[str, Any]) -> str:
    result = ("<span class='passed'>passed</span>" if e["success"] else
              f"<span class='{'failed' if e['severity'] == 'error' else 'warned'}'>failed</span>")
    sample = ", ".join(str(v) for v in (e.get("unexpected_values") or [])[:5])
    observed = "" if e.get("observed_value") is None else json.dumps(e["observed_value"], default=str)
    return (f"<tr><td><code>{_e(e['id'])}</code></td><td>{_e(e['severity'])}</td><td>{result}</td>"
            f"<td class='definition'>{_e(e['definition'])}</td><td>{_e(e['gx_type'])}</td>"
            f"<td>{_e(e.get('unexpected_count'))}</td><td>{_e(e.get('element_count'))}</td>"
            f"<td>{_e(sample)}</td><td>{_e(observed)}</td></tr>")


def _failing_rows(e: dict[str, Any]) -> str:
    rows = e.get("failing_rows") or []
    if not rows:
        return ""
    cols = list(dict.fromkeys(c for row in rows for c in row))
    head = "".join(f"<th>{_e(c)}</th>" for c in cols)
    body = "".join("<tr>" + "".join(f"<td>{_e(row.get(c))}</td>" for c in cols) + "</tr>" for row in rows)
    return (f"<h3>Failing rows of <code>{_e(e['id'])}</code> (sample of {len(rows)} of "
            f"{_e(e.get('unexpected_count'))})</h3><table><tr>{head}</tr>{body}</table>")


def render_validation_page(doc: dict[str, Any], docs_dir: Path) -> str:
    """The HTML page of one suite's latest validation result ``doc`` (a ``results/<suite>.json``)."""
    here = page_path(docs_dir, doc["suite"]).parent
    label, css = status_of(doc)
    rows = "".join(_expectation_row(e) for e in doc["expectations"])
    failing = "".join(_failing_rows(e) for e in doc["expectations"] if not e["success"])
    body = (
        f"<p><a href='{_href(docs_dir / 'index.html', here)}'>All suites</a> · "
        f"<a href='{_href(DOMAIN_DOC, here)}'>Definitions (docs/DOMAIN.md)</a></p>"
        f"<h1>Suite <code>{_e(doc['suite'])}</code>: <span class='{css}'>{_e(label)}</span></h1>"
        f"<p>{_e(doc.get('description'))}</p>"
        f"<p>Asset <code>{_e('/'.join(doc['asset_key']))}</code>; {_e(doc['rows'])} rows validated"
        + (f" at {_e(doc['validated_at'])}" if doc.get("validated_at") else "") + ".</p>"
        "<table><tr><th>expectation</th><th>severity</th><th>result</th><th>definition</th>"
        "<th>GE expectation</th><th>failing rows</th><th>of</th><th>sample values</th><th>observed</th></tr>"
        f"{rows}</table>{failing}"
    )
    return _page(f"mpp-metrics: suite {doc['suite']}", body)


def render_index(docs: list[dict[str, Any]], docs_dir: Path) -> str:
    """The overview page: every suite's latest status with a link to its validation page."""
    rows = []
    for doc in docs:
        label, css = status_of(doc)
        failed = [e for e in doc["expectations"] if not e["success"]]
        errors = ", ".join(e["id"] for e in failed if e["severity"] == "error")
        warnings = ", ".join(e["id"] for e in failed if e["severity"] == "warning")
        link = _href(page_path(docs_dir, doc["suite"]), docs_dir)
        rows.append(
            f"<tr><td><a href='{link}'>{_e(doc['suite'])}</a></td><td>{_e('/'.join(doc['asset_key']))}</td>"
            f"<td>{_e(doc['rows'])}</td><td>{len(doc['expectations'])}</td><td class='{css}'>{_e(label)}</td>"
            f"<td>{_e(errors)}</td><td>{_e(warnings)}</td><td>{_e(doc.get('validated_at'))}</td></tr>")
    body = (
        "<h1>Great Expectations suites: latest result of each</h1>"
        f"<p>Definitions the suites enforce: <a href='{_href(DOMAIN_DOC, docs_dir)}'>docs/DOMAIN.md</a>; "
        f"which checks are dbt tests and which are suites: <a href='{_href(QUALITY_DOC, docs_dir)}'>"
        "docs/quality.md</a>. A failed error expectation blocks publishing; a failed warning is reported.</p>"
        "<table><tr><th>suite</th><th>asset</th><th>rows</th><th>expectations</th><th>status</th>"
        "<th>failed (error)</th><th>failed (warning)</th><th>validated at (UTC)</th></tr>"
        + "".join(rows) + "</table>"
    )
    return _page("mpp-metrics: Great Expectations suites", body)


def _write(path: Path, text: str) -> None:
    """Written beside and renamed into place: a reader never sees half a page."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_site(docs_dir: Path) -> Path:
    """Render every suite's page and the index from ``<docs_dir>/results/*.json``; returns index.html."""
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((docs_dir / "results").glob("*.json"))]
    for doc in docs:
        _write(page_path(docs_dir, doc["suite"]), render_validation_page(doc, docs_dir))
    index = render_index(docs, docs_dir)
    _write(docs_dir / "suites.html", index)
    _write(docs_dir / "index.html", index)
    return docs_dir / "index.html"
