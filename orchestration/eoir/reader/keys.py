"""Steps 5-6 of a load: exact duplicates collapse, bad and repeated keys are quarantined.

5. Exact duplicates collapse to the first occurrence and are counted: rows whose fields are all equal after
   trimming (and NUL-only fields emptied), compared before date nullification. Candidates are the rows
   whose key hash occurs twice or more (duplicates share their key; the same aggregation serves step 6), or
   for a lookup whose line hash does; they are confirmed on every landed value (the key among them) and
   the line hash, so a false match needs a 64-bit collision between two rows with the same key.
6. Keys (:attr:`~orchestration.eoir.release.TableSpec.key` of the five required tables): a row whose key is
   empty or not digits (``bad_key``) or whose key appears on two or more distinct rows (``duplicate_key``:
   every such row, since none can be told right; the reason reads ``on N distinct rows (M lines, first line
   L)``: N rows that differ in some value, all quarantined, over M lines carrying the key, the M - N exact
   repeats among them collapsed in step 5) is quarantined into ``raw._rejects`` with its line and the key.

Nothing is deleted: the line numbers go to temporary tables (``_eoir_dups``, ``_eoir_keyrej``) that the
swap-in step lists in ``raw.<table>__excluded``.
"""

from __future__ import annotations

from orchestration.eoir.reader.context import FileLoad
from orchestration.eoir.reader.quarantine import quarantine_key_rejects
from orchestration.eoir.reader.sql import KEY_OK, KH, H, q, x
from orchestration.eoir.reader.transcode import Transcoded


def collapse_duplicates(ctx: FileLoad) -> None:
    """Find the exact duplicates (all but the first occurrence) into ``_eoir_dups`` and count them; keep
    the candidates (rows whose key hash, or line hash for a lookup, repeats) in ``_eoir_cand``."""
    con, good = ctx.con, ctx.good
    same = [q(c) for c in ctx.in_file] + [x(ctx.pos[h]) for h in ctx.dates_in_file] + [H]
    group = KH if ctx.key_ok else H
    con.execute(
        f"create or replace temp table _eoir_cand as select * from {good} "
        f"where {group} in (select {group} from {good} group by 1 having count(*) > 1)"
    )
    con.execute(
        f"""
        create or replace temp table _eoir_dups as
        select ln from (
            select _source_line as ln, row_number() over (partition by {', '.join(same)} order by _source_line) as k
            from _eoir_cand
        ) where k > 1
        """
    )
    ctx.result.duplicates_collapsed = con.execute("select count(*) from _eoir_dups").fetchone()[0]


def _key_reject_sql(ctx: FileLoad) -> str:
    """SQL: (ln, reason) of every row quarantined for its key (a bad key, or a key on two or more distinct
    rows), exact duplicates (already collapsed) excluded."""
    key = ctx.key
    return f"""
        with bad as (select _source_line as ln, {q(key)} as k from {ctx.good}
                     where not {KEY_OK} and _source_line not in (select ln from _eoir_dups)),
        c as (select _source_line as ln, {q(key)} as k, _source_line in (select ln from _eoir_dups) as dup
              from _eoir_cand where {KEY_OK}),
        dupkeys as (select k, count(*) filter (where not dup) as n, count(*) as lines, min(ln) as first_ln
                    from c group by k having count(*) filter (where not dup) > 1)
        select ln, case when coalesce(k, '') = '' then 'bad_key: {key} is empty'
                        else 'bad_key: {key} is not digits (got ' || k || ')' end as reason
        from bad
        union all
        select c.ln, 'duplicate_key: {key}=' || c.k || ' on ' || d.n || ' distinct rows (' || d.lines
                     || ' lines, first line ' || d.first_ln || ')'
        from c join dupkeys d using (k) where not c.dup
        """


def quarantine_keys(ctx: FileLoad, tc: Transcoded) -> list[str]:
    """Quarantine the rows with a bad or repeated key (a table with a landed key only); add them to
    key_rejects and rows_quarantined. Returns the relations of line numbers to exclude: the collapsed
    duplicates, and the key rejects when there are any."""
    excluded = ["_eoir_dups"]
    if not ctx.key_ok:
        return excluded
    result = ctx.result
    ctx.con.execute(f"create or replace temp table _eoir_keyrej as {_key_reject_sql(ctx)}")
    result.key_rejects = ctx.con.execute("select count(*) from _eoir_keyrej").fetchone()[0]
    if result.key_rejects:
        quarantine_key_rejects(ctx, tc)
        result.rows_quarantined += result.key_rejects
        excluded.append("_eoir_keyrej")
    return excluded
