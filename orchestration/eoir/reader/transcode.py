"""Step 1 of a load: stream a release file once into UTF-8 part files, hashing it on the way.

A background thread (:class:`BackgroundTranscode`) reads the bytes once in 4 MiB chunks: sha256 of the
original bytes, Latin-1 decoding (every byte 0x00-0xFF maps to U+0000-U+00FF, so the raw text round-trips
exactly; DuckDB's own latin-1 decoder rejects bytes 0x80-0x9F; ASCII chunks are copied as they are), and
carriage returns are swapped for U+E00D so that DuckDB's line splitter only breaks on LF (restored in SQL,
:func:`~orchestration.eoir.reader.sql.restored`: a CR right before a LF, or the file's last byte, ends its
line and is dropped, since a CRLF file whose last line lacks its LF is more plausible than a value ending
in CR; any other CR is data). The UTF-8 text goes to part files of about :data:`PART_BYTES`, cut after a
LF, each with its first physical line number and line count (deleted after the load). The thread writes
part k+1 while DuckDB works on part k.
"""

from __future__ import annotations

import hashlib
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from orchestration.eoir.reader.sql import CR_STANDIN
from orchestration.eoir.release import ReleaseFile, ZipMemberStream

CHUNK = 4 << 20


def open_release_file(rf: ReleaseFile) -> IO[bytes]:
    """A binary stream of one release file (a zip member is streamed from the archive, never extracted)."""
    if rf.zip_path is not None:  # read errors of a damaged archive name the zip and the member
        return ZipMemberStream(rf.zip_path, rf.member)  # type: ignore[return-value]
    return open(rf.member, "rb")


#: UTF-8 bytes per part file: the unit of the single-threaded, line-numbered read (bounds its memory).
PART_BYTES = 128 << 20
_LONG_WINDOW = 500_000


@dataclass
class Part:
    path: Path
    first_line: int  # physical line number (header = 1) of the part's first line
    lines: int  # physical lines in the part
    has_cr: bool  # the part may hold a CR (as U+E00D); False means it holds none
    has_nul: bool  # the part may hold a NUL byte; False means it holds none
    long_lines: bool = False  # may hold a line of 500 kB or more (DuckDB's default maximum is 2 MB): read
    # with a maximum line size of the whole part


@dataclass
class Transcoded:
    parts: list[Part]
    sha256: str
    lines: int
    has_nul: bool  # some part holds a NUL byte (the repaired rows are checked for NUL-only values then)


class PartWriter:
    """Write a byte stream into part files of about ``part_bytes`` each, cut only after a LF; each finished
    part is passed to ``on_part``."""

    def __init__(self, work_dir: Path, stem: str, part_bytes: int, on_part) -> None:
        self.work_dir, self.stem, self.part_bytes, self.on_part = work_dir, stem, part_bytes, on_part
        self.parts: list[Part] = []
        self._fh: IO[bytes] | None = None
        self._next_line = 1

    def write(self, data: bytes, *, has_cr: bool, has_nul: bool) -> None:
        while data:
            if self._fh is None:
                self._path = self.work_dir / f"{self.stem}.part{len(self.parts):04d}.txt"
                self._fh = open(self._path, "wb")  # noqa: SIM115 - closed in _close
                self._size = self._newlines = 0
                self._cr = self._nul = self._long = False
            self._cr |= has_cr
            self._nul |= has_nul
            room = self.part_bytes - self._size
            if len(data) <= room:
                self._put(data)
                return
            cut = data.rfind(b"\n", 0, room)
            if cut < 0:  # a line longer than the room left: the part ends after it
                cut = data.find(b"\n", room)
                if cut < 0:
                    self._put(data)
                    return
            self._put(data[: cut + 1])
            self._close(ends_with_lf=True)
            data = data[cut + 1 :]

    def _put(self, data: bytes) -> None:
        assert self._fh is not None
        # a line of 2 MB or more (DuckDB's default maximum line size) leaves some aligned 500 kB window of
        # one write without LF (at least half of it falls in one write): flag the part, cheaply and safely
        if not self._long and len(data) >= _LONG_WINDOW:
            self._long = any(data.find(b"\n", k, k + _LONG_WINDOW) == -1
                             for k in range(0, len(data) - _LONG_WINDOW + 1, _LONG_WINDOW))
        self._fh.write(data)
        self._size += len(data)
        self._newlines += data.count(b"\n")
        self._last = data[-1:]

    def _close(self, *, ends_with_lf: bool) -> None:
        assert self._fh is not None
        self._fh.close()
        self._fh = None
        lines = self._newlines + (0 if ends_with_lf else 1)
        part = Part(self._path, self._next_line, lines, self._cr, self._nul, self._long)
        self.parts.append(part)
        self._next_line += lines
        self.on_part(part)

    def finish(self) -> list[Part]:
        if self._fh is not None:
            self._close(ends_with_lf=self._last == b"\n")
        return self.parts


def transcode(src: IO[bytes], work_dir: Path, stem: str, part_bytes: int | None = None, on_part=None,
               stop: threading.Event | None = None) -> Transcoded:
    """Stream Latin-1 bytes into UTF-8 part files (CR -> U+E00D), hashing the original bytes on the way.

    ASCII chunks without CR are copied as they are (identical in UTF-8); others are decoded and re-encoded.
    on_part(part) is called as each part file is finished; ``stop`` set ends the work early (no result).
    """
    h = hashlib.sha256()
    has_nul = False
    writer = PartWriter(work_dir, stem, part_bytes or PART_BYTES, on_part or (lambda part: None))
    while chunk := src.read(CHUNK):
        if stop is not None and stop.is_set():
            writer.finish()
            raise Stopped
        h.update(chunk)
        nul = b"\x00" in chunk
        cr = b"\r" in chunk
        has_nul |= nul
        if chunk.isascii() and not cr:
            writer.write(chunk, has_cr=False, has_nul=nul)
            continue
        text = chunk.decode("latin-1")
        if cr:
            text = text.replace("\r", CR_STANDIN)
        writer.write(text.encode("utf-8"), has_cr=cr, has_nul=nul)
    parts = writer.finish()
    return Transcoded(parts, h.hexdigest(), sum(p.lines for p in parts), has_nul)


class Stopped(Exception):
    """The consumer stopped a background transcoding."""


class BackgroundTranscode:
    """Transcode a release file in a thread so that the disk writes and hashing overlap DuckDB's work on
    the previous part. Iterate for the parts as they are finished; then :attr:`result` holds the totals.

    The part files stay until :meth:`close` (key rejects re-read their lines at the end of the load)."""

    def __init__(self, rf: ReleaseFile, work_dir: Path, part_bytes: int | None) -> None:
        self._queue: queue.Queue[Part | None] = queue.Queue()
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self._produced: list[Part] = []
        self.result: Transcoded | None = None
        self._thread = threading.Thread(
            target=self._run, args=(rf, work_dir, part_bytes), name=f"transcode-{rf.spec.raw_table}", daemon=True
        )
        self._thread.start()

    def _run(self, rf: ReleaseFile, work_dir: Path, part_bytes: int | None) -> None:
        def on_part(part: Part) -> None:
            self._produced.append(part)
            self._queue.put(part)

        try:
            with open_release_file(rf) as src:
                self.result = transcode(src, work_dir, rf.spec.raw_table, part_bytes, on_part, self._stop)
        except Stopped:
            pass
        except Exception as exc:  # noqa: BLE001 - any failure is handed to the consumer thread, which re-raises it
            self._error = exc
        finally:
            self._queue.put(None)

    def __iter__(self) -> Iterator[Part]:
        while (part := self._queue.get()) is not None:
            yield part
        self._thread.join()
        if self._error is not None:
            raise self._error

    def close(self) -> None:
        """Stop the thread (if still running), wait for it, and delete every part file."""
        self._stop.set()
        self._thread.join()
        for part in self._produced:
            part.path.unlink(missing_ok=True)
