"""Sensor ``new_eoir_release``: launch the main job for every new EOIR release that lands.

Landing folder (setting ``eoir_landing_dir``, env ``MPP_EOIR_LANDING_DIR``, default ``var/landing/eoir``): each
entry that is a folder or a ``.zip`` is a candidate release. A release is identified by its **content**:
:func:`release_content_id` is the sha256 of the sorted (path inside the release, sha256 of the file) pairs of
every file, paths taken relative to the release root (a single top-level folder is stripped, names
lower-cased, as :func:`~orchestration.eoir.release.locate_release` reads them). So a copy, a re-zipped
archive (new timestamps), or the same files as a folder and as a zip give the same id; any changed byte
gives a new one. File hashes go through the size/mtime cache of :mod:`orchestration.state`, so an
unchanged multi-GB release is not re-read at every tick.

Per tick, for each candidate not seen before (ids kept in the sensor cursor): skipped while it is still
being written (a file modified in the last ``eoir_landing_settle_seconds``, or ``.part`` / ``.tmp`` /
``.download`` names) or while it lacks a required table (``ReleaseError``, logged; retried next tick);
otherwise one run of ``mpp_main`` with the ``pipeline`` resource's ``eoir_release`` set to the release
(run key ``eoir-release-<id>``: Dagster never launches the same content twice).

EOIR download URL (setting ``eoir_release_url``, env ``MPP_EOIR_RELEASE_URL``; empty = off, the default):
an HTTP HEAD per tick; the ETag (normalised: no ``W/`` weak prefix, no quotes) and Last-Modified are
compared with the cursor, and a change launches job ``eoir_release_download``, which streams the file into
the landing folder (``<name>.part``, then renamed), where the folder watch picks it up by content.
"""


import hashlib
import json
import os
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from dagster import (
    Config,
    DefaultSensorStatus,
    OpExecutionContext,
    RunConfig,
    RunRequest,
    SensorDefinition,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    job,
    op,
    sensor,
)

from orchestration.eoir.release import ReleaseError, _members, _strip_top_folder, locate_release
from orchestration.settings import get_settings
from orchestration.state import cached_sha256

DOWNLOAD_JOB_NAME = "eoir_release_download"
PARTIAL_SUFFIXES = (".part", ".tmp", ".download", ".crdownload")
HTTP_TIMEOUT_SECONDS = 30


def release_content_id(path: Path) -> str:
    """sha256 identifying a release (zip or folder) by the content of its files; see the module docstring.
    Files whose names differ only by case are hashed each (``locate_release`` refuses such a release)."""
    _, by_key = _strip_top_folder(_members(path))
    mapping = {key if len(members) == 1 else f"{key}#{member}": member
               for key, members in by_key.items() for member in members}
    digest = hashlib.sha256()
    if path.is_dir():
        pairs = [(rel, cached_sha256(path / member)) for rel, member in mapping.items()]
    else:
        with zipfile.ZipFile(path) as zf:
            pairs = [(rel, cached_sha256(path, open_stream=lambda m=member: zf.open(m), member=member))
                     for rel, member in mapping.items()]
    for rel, sha in sorted(pairs):
        digest.update(f"{rel}\t{sha}\n".encode())
    return digest.hexdigest()


def _newest_mtime(path: Path) -> float:
    if path.is_dir():
        return max((p.stat().st_mtime for p in path.rglob("*") if p.is_file()), default=path.stat().st_mtime)
    return path.stat().st_mtime


def landed_candidates(landing_dir: Path, settle_seconds: float, now: float | None = None) -> list[Path]:
    """Folders and ``.zip`` files of the landing folder that are complete (not partial names, nothing modified
    in the last ``settle_seconds``), oldest first."""
    if not landing_dir.is_dir():
        return []
    now = time.time() if now is None else now
    out = []
    for p in landing_dir.iterdir():
        name = p.name.lower()
        if name.startswith(".") or name.endswith(PARTIAL_SUFFIXES):
            continue
        if not (p.is_dir() or (p.is_file() and name.endswith(".zip"))):
            continue
        if now - _newest_mtime(p) < settle_seconds:
            continue
        out.append(p)
    return sorted(out, key=lambda p: (_newest_mtime(p), p.name))


def normalise_etag(etag: str | None) -> str | None:
    """``W/"abc"`` -> ``abc``; ``"abc"`` -> ``abc``; None or blank -> None."""
    if etag is None:
        return None
    value = etag.strip()
    if value[:2].upper() == "W/":
        value = value[2:].strip()
    value = value.strip('"').strip()
    return value or None


def head_release_url(url: str, timeout: float = HTTP_TIMEOUT_SECONDS) -> dict[str, str | None]:
    """``{"etag": normalised ETag, "last_modified": Last-Modified}`` of ``url`` by an HTTP HEAD request."""
    request = urllib.request.Request(url, method="HEAD")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return {"etag": normalise_etag(response.headers.get("ETag")),
                "last_modified": (response.headers.get("Last-Modified") or "").strip() or None}


def _release_run(path: Path, release_id: str, main_job_name: str) -> RunRequest:
    return RunRequest(
        run_key=f"eoir-release-{release_id}",
        job_name=main_job_name,
        run_config=RunConfig(resources={"pipeline": {"config": {"eoir_release": str(path)}}}),
        tags={"mpp/eoir_release": str(path), "mpp/eoir_release_sha256": release_id},
    )


def _folder_requests(context: SensorEvaluationContext, seen: dict[str, str], main_job_name: str) -> Iterator[RunRequest]:
    settings = get_settings()
    for path in landed_candidates(settings.eoir_landing_dir, settings.eoir_landing_settle_seconds):
        try:
            locate_release(path)
            release_id = release_content_id(path)
        except (ReleaseError, OSError, zipfile.BadZipFile) as exc:
            context.log.warning(f"new_eoir_release: {path} is not a complete release yet ({exc}); retried next tick")
            continue
        if release_id in seen:
            continue
        seen[release_id] = str(path)
        context.log.info(f"new_eoir_release: new release {path} (content sha256 {release_id}): launching the main job")
        yield _release_run(path, release_id, main_job_name)


def _download_name(url: str, state: dict[str, str | None]) -> str:
    stem = PurePosixPath(urllib.request.url2pathname(url.split("?")[0])).name or "eoir_release.zip"
    tag = hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()[:12]
    base = stem[:-4] if stem.lower().endswith(".zip") else stem
    return f"{base} {tag}.zip"


def _url_request(context: SensorEvaluationContext, cursor: dict) -> RunRequest | None:
    url = get_settings().eoir_release_url
    if not url:
        return None
    try:
        state = head_release_url(url)
    except OSError as exc:
        context.log.warning(f"new_eoir_release: HEAD {url} failed ({exc}); retried next tick")
        return None
    if state == cursor.get("url_state"):
        return None
    cursor["url_state"] = state
    dest = get_settings().eoir_landing_dir / _download_name(url, state)
    context.log.info(f"new_eoir_release: {url} changed ({state}): downloading it to {dest}")
    return RunRequest(
        run_key=f"eoir-url-{state['etag']}-{state['last_modified']}",
        job_name=DOWNLOAD_JOB_NAME,
        run_config=RunConfig(ops={"download_eoir_release": DownloadConfig(url=url, dest=str(dest))}),
        tags={"mpp/eoir_release_url": url},
    )


class DownloadConfig(Config):
    """Where the download job fetches the release from and writes it (the landing folder)."""

    url: str
    dest: str


@op
def download_eoir_release(context: OpExecutionContext, config: DownloadConfig) -> str:
    """Stream ``url`` to ``dest`` (``dest.part`` first, renamed when complete, so the folder watch never
    sees a partial file); return the path."""
    dest = Path(config.dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    with urllib.request.urlopen(config.url, timeout=HTTP_TIMEOUT_SECONDS) as response, open(part, "wb") as fh:
        while chunk := response.read(4 << 20):
            fh.write(chunk)
    os.replace(part, dest)
    context.log.info(f"downloaded {config.url} to {dest} ({dest.stat().st_size} bytes)")
    return str(dest)


@job(name=DOWNLOAD_JOB_NAME, description="Download the EOIR release from its URL into the landing folder.")
def eoir_release_download():
    download_eoir_release()


def build_new_eoir_release_sensor(main_job) -> SensorDefinition:
    """The sensor, targeting ``main_job`` (a new release in the landing folder) and the download job."""

    @sensor(
        name="new_eoir_release",
        jobs=[main_job, eoir_release_download],
        minimum_interval_seconds=300,
        default_status=DefaultSensorStatus.RUNNING,
        description="Launches mpp_main for each new EOIR release (by content sha256) in the landing folder "
                    "(MPP_EOIR_LANDING_DIR); with MPP_EOIR_RELEASE_URL set, downloads the release when its "
                    "ETag / Last-Modified change.",
    )
    def new_eoir_release(context: SensorEvaluationContext) -> SensorResult:
        return evaluate_new_releases(context, main_job.name)

    return new_eoir_release


def evaluate_new_releases(context: SensorEvaluationContext, main_job_name: str) -> SensorResult:
    """One tick of the sensor: run requests for new releases (and a changed URL), and the new cursor."""
    cursor = json.loads(context.cursor) if context.cursor else {}
    seen: dict[str, str] = cursor.setdefault("releases", {})
    requests = list(_folder_requests(context, seen, main_job_name))
    download = _url_request(context, cursor)
    if download is not None:
        requests.append(download)
    new_cursor = json.dumps(cursor, sort_keys=True)
    if not requests:
        reason = f"no new EOIR release in {get_settings().eoir_landing_dir}"
        return SensorResult(skip_reason=SkipReason(reason), cursor=new_cursor)
    return SensorResult(run_requests=requests, cursor=new_cursor)
