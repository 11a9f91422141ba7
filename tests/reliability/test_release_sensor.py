"""Sensor ``new_eoir_release`` (issue 16 finding 9): a new EOIR release, zip or folder, landed in the landing
folder or published at the EOIR URL, launches the main job for it, once per content.

Hand-made releases: the five required tables with their published headers (tests/eoir/conftest.py) plus
one data row. The HTTP server is Python's http.server in a thread, bound to 127.0.0.1 only.
"""

import json
import os
import shutil
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from dagster import DagsterInstance, build_sensor_context

from orchestration.assets.eoir_release_sensor import (
    DOWNLOAD_JOB_NAME,
    normalise_etag,
    release_content_id,
)
from orchestration.definitions import MAIN_JOB_NAME, defs, new_eoir_release
from orchestration.settings import get_settings
from tests.eoir.conftest import APPLN_HDR, make_release

ROW = b"1\t8\t9\tASYL\t2019-03-14 00:00:00.000\tG\n"


@pytest.fixture
def landing(isolated_var, monkeypatch) -> Path:
    folder = isolated_var / "landing_here"
    folder.mkdir(parents=True)
    monkeypatch.setenv("MPP_EOIR_LANDING_DIR", str(folder))
    monkeypatch.setenv("MPP_EOIR_LANDING_SETTLE_SECONDS", "0")
    monkeypatch.delenv("MPP_EOIR_RELEASE_URL", raising=False)
    get_settings.cache_clear()
    return folder


def _tick(instance, cursor=None):
    context = build_sensor_context(instance=instance, cursor=cursor, definitions=defs)
    result = new_eoir_release(context)
    return result.run_requests or [], result.cursor


def _zip(folder: Path, dest: Path, top: str, date_time=(2021, 2, 15, 0, 0, 0)) -> Path:
    with zipfile.ZipFile(dest, "w") as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                zf.writestr(zipfile.ZipInfo(f"{top}/{p.relative_to(folder).as_posix()}", date_time), p.read_bytes())
    return dest


def test_release_id_is_the_content_stable_across_copies_timestamps_and_zip_or_folder(landing, tmp_path):
    rel = make_release(tmp_path / "rel", {"tbl_Court_Appln.csv": APPLN_HDR + ROW})
    copy = tmp_path / "copy"
    shutil.copytree(rel, copy)
    os.utime(copy / "tbl_Court_Appln.csv", (1_000_000_000, 1_000_000_000))
    z1 = _zip(rel, tmp_path / "a.zip", "EOIR Case Data")
    z2 = _zip(rel, tmp_path / "b.zip", "Another Top", date_time=(2024, 1, 1, 12, 0, 0))
    ids = {release_content_id(p) for p in (rel, copy, z1, z2)}
    assert len(ids) == 1
    (copy / "tbl_Court_Appln.csv").write_bytes(APPLN_HDR + ROW.replace(b"ASYL", b"ASYW"))
    assert release_content_id(copy) not in ids


def test_a_new_release_in_the_landing_folder_launches_the_main_job_once(landing, tmp_path):
    instance = DagsterInstance.ephemeral()
    requests, cursor = _tick(instance)
    assert requests == []
    rel = make_release(tmp_path / "rel", {"tbl_Court_Appln.csv": APPLN_HDR + ROW})
    _zip(rel, landing / "EOIR Case Data.zip", "EOIR Case Data")
    requests, cursor = _tick(instance, cursor)
    assert len(requests) == 1
    request = requests[0]
    assert request.job_name == MAIN_JOB_NAME
    release_id = release_content_id(landing / "EOIR Case Data.zip")
    assert request.run_key == f"eoir-release-{release_id}"
    config = request.run_config["resources"]["pipeline"]["config"]
    assert config == {"eoir_release": str(landing / "EOIR Case Data.zip")}
    assert json.loads(cursor)["releases"] == {release_id: str(landing / "EOIR Case Data.zip")}
    # the same content again (an unzipped copy, new timestamps) is not a new release; a changed one is
    shutil.copytree(rel, landing / "EOIR Case Data (copy)")
    assert _tick(instance, cursor)[0] == []
    changed = make_release(landing / "EOIR Case Data 2021-03", {"tbl_Court_Appln.csv": APPLN_HDR + ROW + ROW.replace(b"1\t", b"2\t", 1)})
    requests, cursor = _tick(instance, cursor)
    assert [r.run_config["resources"]["pipeline"]["config"]["eoir_release"] for r in requests] == [str(changed)]


def test_incomplete_or_still_copying_releases_wait(landing, tmp_path, monkeypatch):
    instance = DagsterInstance.ephemeral()
    rel = make_release(landing / "half", {"tbl_Court_Appln.csv": APPLN_HDR + ROW})
    (rel / "tbl_schedule.csv").unlink()  # a required table is missing: not complete yet
    (landing / "EOIR Case Data.zip.part").write_bytes(b"partial download")
    requests, cursor = _tick(instance)
    assert requests == []
    assert json.loads(cursor)["releases"] == {}
    monkeypatch.setenv("MPP_EOIR_LANDING_SETTLE_SECONDS", "3600")
    get_settings.cache_clear()
    make_release(rel)  # now complete, but just written: it must settle first
    assert _tick(instance, cursor)[0] == []
    monkeypatch.setenv("MPP_EOIR_LANDING_SETTLE_SECONDS", "0")
    get_settings.cache_clear()
    assert len(_tick(instance, cursor)[0]) == 1


def test_etag_normalisation():
    assert normalise_etag('W/"5f3a-1c"') == "5f3a-1c"
    assert normalise_etag('"5f3a-1c"') == "5f3a-1c"
    assert normalise_etag(" w/\"x\" ") == "x"
    assert normalise_etag("") is None and normalise_etag(None) is None


class _ReleaseServer:
    """http.server on 127.0.0.1 (an ephemeral port) serving one zip with a settable ETag / Last-Modified."""

    def __init__(self, body: bytes):
        self.body, self.etag, self.last_modified, self.heads = body, 'W/"v1"', "Mon, 15 Feb 2021 00:00:00 GMT", 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _headers(self):
                self.send_response(200)
                self.send_header("ETag", server.etag)
                self.send_header("Last-Modified", server.last_modified)
                self.send_header("Content-Length", str(len(server.body)))
                self.end_headers()

            def do_HEAD(self):
                server.heads += 1
                self._headers()

            def do_GET(self):
                self._headers()
                self.wfile.write(server.body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/EOIR%20Case%20Data.zip"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_url_check_is_off_by_default_and_a_changed_etag_downloads_then_launches(landing, tmp_path, monkeypatch):
    instance = DagsterInstance.ephemeral()
    rel = make_release(tmp_path / "rel", {"tbl_Court_Appln.csv": APPLN_HDR + ROW})
    body = _zip(rel, tmp_path / "served.zip", "EOIR Case Data").read_bytes()
    with _ReleaseServer(body) as server:
        assert get_settings().eoir_release_url == ""
        requests, cursor = _tick(instance)
        assert requests == [] and server.heads == 0, "no URL configured: no request at all"
        monkeypatch.setenv("MPP_EOIR_RELEASE_URL", server.url)
        get_settings.cache_clear()
        requests, cursor = _tick(instance, cursor)
        assert [r.job_name for r in requests] == [DOWNLOAD_JOB_NAME] and server.heads == 1
        assert json.loads(cursor)["url_state"] == {"etag": "v1", "last_modified": "Mon, 15 Feb 2021 00:00:00 GMT"}
        # unchanged ETag (now strong, same value) and Last-Modified: nothing
        server.etag = '"v1"'
        assert _tick(instance, cursor)[0] == []
        # run the download job as the sensor asked: the zip lands, and the next tick launches the main job
        job = defs.resolve_job_def(DOWNLOAD_JOB_NAME)
        assert job.execute_in_process(run_config=requests[0].run_config, instance=instance).success
        landed = list(landing.iterdir())
        assert len(landed) == 1 and landed[0].suffix == ".zip" and landed[0].read_bytes() == body
        requests, cursor = _tick(instance, cursor)
        assert [r.job_name for r in requests] == [MAIN_JOB_NAME]
        assert requests[0].run_key == f"eoir-release-{release_content_id(rel)}"
        # a new version at the URL: a new download
        server.etag, server.last_modified = 'W/"v2"', "Mon, 15 Mar 2021 00:00:00 GMT"
        requests, cursor = _tick(instance, cursor)
        assert [r.job_name for r in requests] == [DOWNLOAD_JOB_NAME]
        assert requests[0].run_key == "eoir-url-v2-Mon, 15 Mar 2021 00:00:00 GMT"


def test_the_sensor_is_registered_on_by_default():
    sensor = defs.resolve_sensor_def("new_eoir_release")
    assert sensor.default_status.value == "RUNNING"
    assert {j.name for j in sensor.jobs} == {MAIN_JOB_NAME, DOWNLOAD_JOB_NAME}
