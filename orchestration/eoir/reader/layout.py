"""Header and layout of a release file: which columns the file has, under which names, and which land.

The header (line 1) is refused, with a :class:`~orchestration.eoir.release.ReleaseError` naming the file and
saying what was found, when it is empty, starts with a byte order mark (UTF-8, UTF-16, UTF-32) or shows NUL
bytes, holds a lone CR (CR-only line endings), has an empty or duplicate column name, two names of one
renamed column, or lacks a column the project needs. Columns renamed between releases are mapped to one raw
column (``column_aliases.csv``).

Landed columns (:attr:`Layout.out_columns`): by default the columns the models read
(:attr:`~orchestration.eoir.release.TableSpec.used`, published order; NULL-filled when the file lacks an
optional one); with ``all_columns`` (always for lookups) the spec's published columns upper-cased, in
published order, then columns the file has beyond the spec (file order).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from orchestration.eoir.reader.sql import CR_STANDIN
from orchestration.eoir.reader.transcode import open_release_file
from orchestration.eoir.release import COLUMN_ALIASES, ReleaseError, ReleaseFile, TableSpec


def read_header(path: Path) -> str | None:
    """Line 1 of a part file without its line ending (LF, CRLF, or a CR at the end of the file), its other
    CRs restored."""
    with open(path, encoding="utf-8", newline="\n") as fh:
        first = fh.readline()
    if not first:
        return None
    return first.removesuffix("\n").removesuffix(CR_STANDIN).replace(CR_STANDIN, "\r")


@dataclass
class Layout:
    header: list[str]  # upper-cased header names, file order (aliases replaced by their canonical name)
    out_columns: list[str]  # raw table columns, output order (all published + extras, or the used ones)
    missing: list[str]
    extra: list[str]
    reordered: bool
    renamed: dict[str, str] = field(default_factory=dict)


#: A UTF-8 byte order mark (EF BB BF) as the reader sees it, decoded as Latin-1.
_UTF8_BOM = b"\xef\xbb\xbf".decode("latin-1")


#: Byte order marks of the UTF-16 / UTF-32 encodings (longest first), as the reader sees them (Latin-1).
_WIDE_BOMS = [(b"\xff\xfe\x00\x00", "UTF-32 LE"), (b"\x00\x00\xfe\xff", "UTF-32 BE"), (b"\xff\xfe", "UTF-16 LE"),
              (b"\xfe\xff", "UTF-16 BE")]


def check_utf16(header_line: str, display: str) -> None:
    """Refuse a header line that shows a UTF-16 (or UTF-32) file, saying which: by its byte order mark, or
    by the pattern of NUL bytes (every second byte NUL: ``I\\0D\\0`` is UTF-16 LE, ``\\0I\\0D`` BE), or
    any other NUL byte in the header (not a text table)."""
    raw = header_line.encode("latin-1", errors="replace")
    found = next((f"a {name} byte order mark (bytes {bom.hex(' ').upper()})" for bom, name in _WIDE_BOMS
                  if raw.startswith(bom)), None)
    if found is None and b"\x00" in raw:
        body = raw.rstrip(b"\x00") if raw[:1] != b"\x00" else raw
        odd_nul = len(body) > 1 and set(body[1::2]) == {0} and 0 not in body[0::2]
        even_nul = len(raw) > 1 and set(raw[0::2]) == {0} and 0 not in raw[1::2]
        if odd_nul or even_nul:
            found = f"UTF-16 {'LE' if odd_nul else 'BE'} text without a byte order mark (every second byte is NUL)"
        else:
            found = f"{raw.count(0)} NUL byte(s), first at byte {raw.index(0) + 1} (not a text table)"
    if found is not None:
        raise ReleaseError(
            f"{display}: line 1 (header): found {found}; EOIR releases are Latin-1 text (one byte per "
            "character), so the file was saved in another encoding: export it again as Latin-1"
        )


def check_header_line(header_line: str, display: str) -> None:
    """Refuse, saying what was found, a header line (line ending removed) that shows the file is not in
    the release's form: a UTF-8 byte order mark, or a carriage return not followed by a LF.

    A byte order mark is refused rather than stripped: EOIR releases are Latin-1 without one, so a mark
    means the file was re-saved as UTF-8 by some tool, and its accented letters (two bytes each in UTF-8)
    would land misread as Latin-1 pairs ("JOSÉ" -> "JOSÃ\x89"); re-exporting it as Latin-1 is the fix.
    A lone CR in the header is a CR-only (old Mac) line ending: the file has no LF after its header, so the
    header and rows run together as one line."""
    check_utf16(header_line, display)
    if header_line.startswith(_UTF8_BOM):
        raise ReleaseError(
            f"{display}: line 1 (header) starts with a UTF-8 byte order mark (bytes EF BB BF, read as Latin-1: "
            f"'{_UTF8_BOM}'): EOIR releases are Latin-1 without one; the file was probably re-saved as UTF-8, "
            "whose accented letters would be misread as Latin-1, so it is refused rather than stripped "
            "(export it again as Latin-1)"
        )
    cr = header_line.find("\r")
    if cr >= 0:
        before = header_line[:cr].split("\t")
        raise ReleaseError(
            f"{display}: line 1 (header) has a carriage return (CR) without a line feed right after column "
            f"{len(before)} ({before[-1].strip(' ')}), {header_line.count(chr(13))} in the line: CR-only line "
            "endings; the release uses LF or CRLF"
        )


def file_layout(spec: TableSpec, header_line: str, display: str, all_columns: bool = True) -> Layout:
    check_header_line(header_line, display)
    header = [h.strip(" \x00").upper() for h in header_line.split("\t")]
    for i, h in enumerate(header, start=1):
        if not h:
            raise ReleaseError(f"{display}: line 1 (header): column {i} has an empty name")
    dups = sorted({h for h in header if header.count(h) > 1})
    if dups:
        raise ReleaseError(f"{display}: line 1 (header): duplicate column name(s) {', '.join(dups)}")
    if not spec.required:
        return Layout(header, list(header), [], [], False)
    # columns renamed between releases: every known name maps to the canonical one; two names is an error
    renamed: dict[str, str] = {}
    aliases = COLUMN_ALIASES.get(spec.name.lower(), {})
    for canonical, alts in aliases.items():
        names = (canonical, *alts)
        found = [h for h in header if h in names]
        if len(found) > 1:
            raise ReleaseError(
                f"{display}: line 1 (header): columns {' and '.join(found)} are two names of one field "
                f"{canonical} (renamed between releases, orchestration/eoir/column_aliases.csv); "
                "a file must have exactly one of them"
            )
        if found and found[0] != canonical:
            header[header.index(found[0])] = canonical
            renamed[found[0]] = canonical
    present = set(header)
    for need in spec.needed:
        if need not in present:
            alts = aliases.get(need, ())
            raise ReleaseError(
                f"{display}: line 1 (header) lacks column {need}"
                + (f" (or {' / '.join(alts)})" if alts else "")
                + f", which the project needs from {spec.name}; header has: {', '.join(header)}"
            )
    spec_cols = list(spec.columns)
    missing = [c for c in spec_cols if c not in present]
    extra = [h for h in header if h not in set(spec_cols)]
    in_file_order = [h for h in header if h in set(spec_cols)]
    reordered = in_file_order != [c for c in spec_cols if c in present]
    out = spec_cols + extra if all_columns else [c for c in spec_cols if c in set(spec.used)]
    return Layout(header, out, missing, extra, reordered, renamed)


def landed_columns(rf: ReleaseFile, all_columns: bool = False) -> list[str]:
    """The value columns (raw table order) a load of ``rf`` lands under the given column policy; reads the
    header line only. Raises :class:`ReleaseError` for a header :func:`load_file` would refuse."""
    with open_release_file(rf) as fh:
        first = fh.readline()
    header = first.decode("latin-1").removesuffix("\n").removesuffix("\r")  # as read_header
    if not header.strip():
        raise ReleaseError(f"{rf.display}: empty file or empty header line (line 1)")
    return file_layout(rf.spec, header, rf.display, all_columns or not rf.spec.required).out_columns
