"""orchestration.eoir.reader.transcode: Latin-1 bytes to UTF-8 part files, line numbers, flags, hash."""

from __future__ import annotations

import hashlib
import io

import pytest

from orchestration.eoir.reader.sql import CR_STANDIN
from orchestration.eoir.reader.transcode import BackgroundTranscode, PartWriter, transcode
from orchestration.eoir.release import TBL_COURT_APPLN, ReleaseFile


def test_parts_carry_line_numbers_flags_and_the_original_hash(tmp_path):
    data = b"H\n" + b"JOS\xc9\r\n" + b"A\x00B\n" + b"x" * 30 + b"\n" + b"last"
    tc = transcode(io.BytesIO(data), tmp_path, "t", part_bytes=8)
    assert tc.sha256 == hashlib.sha256(data).hexdigest()
    # 5 physical lines (the last without LF); parts cut after a LF (8 bytes: one line each, a line longer
    # than the room ends its part); the flags say "may hold" per 4 MiB read (one read here: all flagged)
    assert tc.lines == 5
    assert [(p.first_line, p.lines) for p in tc.parts] == [(1, 1), (2, 1), (3, 1), (4, 1), (5, 1)]
    assert all(p.has_cr and p.has_nul for p in tc.parts) and tc.has_nul
    plain = transcode(io.BytesIO(b"H\n1\n"), tmp_path, "p")
    assert [(p.lines, p.has_cr, p.has_nul) for p in plain.parts] == [(2, False, False)] and not plain.has_nul
    text = b"".join(p.path.read_bytes() for p in tc.parts).decode("utf-8")
    assert text == f"H\nJOS\u00c9{CR_STANDIN}\nA\x00B\n" + "x" * 30 + "\nlast"


def test_part_writer_cuts_only_after_a_line_feed(tmp_path):
    seen = []
    w = PartWriter(tmp_path, "w", 5, seen.append)
    w.write(b"ab\ncd\nef\n", has_cr=False, has_nul=False)
    parts = w.finish()
    assert [p.path.read_bytes() for p in parts] == [b"ab\n", b"cd\n", b"ef\n"]
    assert [p.first_line for p in parts] == [1, 2, 3] and seen == parts


def test_a_line_of_2_mb_flags_its_part_as_long(tmp_path):
    tc = transcode(io.BytesIO(b"h\n" + b"y" * 2_100_000 + b"\nz\n"), tmp_path, "t")
    assert [p.long_lines for p in tc.parts] == [True]
    short = transcode(io.BytesIO(b"h\n" + b"y\n" * 600_000), tmp_path, "s")
    assert [p.long_lines for p in short.parts] == [False]


def test_background_transcode_hands_over_parts_then_deletes_them(tmp_path):
    src = tmp_path / "tbl_Court_Appln.csv"
    src.write_bytes(b"H\n1\n2\n")
    bt = BackgroundTranscode(ReleaseFile(TBL_COURT_APPLN, str(src), "rel/tbl_Court_Appln.csv"), tmp_path, 2)
    parts = list(bt)
    assert bt.result is not None and bt.result.lines == 3 and len(parts) == 3
    bt.close()
    assert not any(p.path.exists() for p in parts)


def test_background_transcode_reraises_a_read_error(tmp_path):
    bt = BackgroundTranscode(ReleaseFile(TBL_COURT_APPLN, str(tmp_path / "absent.csv"), "rel/absent.csv"),
                             tmp_path, None)
    with pytest.raises(FileNotFoundError):
        list(bt)
    bt.close()
