"""The CLI's help and the README's list of options (issue 18 item 7).

- ``--help`` of every command is readable at 80 columns: no line wider, every option name written out whole
  (rich's option table cut them: ``--eoir-diff-bloc…``), every command's one-line help whole;
- README.md's "Command-line options" documents every option of every command, and no option that does not
  exist.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import typer.main
from typer.testing import CliRunner

from orchestration.cli import app
from orchestration.settings import PROJECT_DIR


def commands(cmd=None, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], object]]:
    """(path, command) of every command and group of the CLI, the root first."""
    cmd = cmd or typer.main.get_command(app)
    yield path, cmd
    for name, sub in getattr(cmd, "commands", {}).items():
        yield from commands(sub, (*path, name))


def options(cmd) -> set[str]:
    return {o for p in cmd.params if p.param_type_name == "option" for o in (*p.opts, *p.secondary_opts)}


ALL = list(commands())


@pytest.mark.parametrize("path", [p for p, _ in ALL], ids=lambda p: " ".join(p) or "root")
def test_help_is_readable_at_80_columns(path: tuple[str, ...]):
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "80"}, terminal_width=80)
    assert result.exit_code == 0, result.output
    text = result.output
    wide = [line for line in text.splitlines() if len(line) > 80]
    assert not wide, wide
    assert "…" not in text and "..." not in text.replace("[ARGS]...", ""), text  # nothing cut
    cmd = dict(ALL)[path]
    words = set(re.findall(r"--[a-z][a-z0-9-]*", text))
    assert options(cmd) | {"--help"} <= words, options(cmd) - words
    for name, sub in getattr(cmd, "commands", {}).items():
        assert re.search(rf"^  {name} +{re.escape(sub.get_short_help_str(limit=200))}$", text, re.MULTILINE), (name, text)


def readme_options() -> dict[str, set[str]]:
    """Options per command of README's "Command-line options" (a command line `mpp-metrics X ...`: followed
    by its table)."""
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Command-line options", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    documented: dict[str, set[str]] = {}
    command = None
    for line in section.splitlines():
        head = re.match(r"^`mpp-metrics ([a-z ]+?)(?: [A-Z_]+)?`:", line)
        if head:
            command = head.group(1)
            documented[command] = set()
        elif line.startswith("| `--") and command:
            documented[command] |= set(re.findall(r"`(--[a-z][a-z0-9-]*)", line.split(" | ")[0]))
    return documented


def test_readme_documents_every_option_of_every_command():
    cli = {" ".join(path): options(cmd) for path, cmd in ALL if not hasattr(cmd, "commands")}
    assert set(cli) == {"run", "cases", "generate eoir", "generate nri", "generate bundled"}
    assert readme_options() == cli


def readme_placeholders() -> dict[str, dict[str, str]]:
    """``{command: {option: placeholder}}`` of README's "Command-line options" (``--limit N`` gives N)."""
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Command-line options", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    documented: dict[str, dict[str, str]] = {}
    for block in re.split(r"^(?=`mpp-metrics )", section, flags=re.MULTILINE)[1:]:
        command = re.match(r"^`mpp-metrics ([a-z ]+?)(?: [A-Z_]+)?`:", block).group(1)
        documented[command] = dict(re.findall(r"^\| `(--[a-z][a-z0-9-]*) ([A-Z][^`]*)`", block, re.MULTILINE))
    return documented


def test_help_names_each_value_as_the_readme_does():
    """``--help`` and README name an option's value alike (``--limit N``, not ``--limit <int range>``)."""
    documented = readme_placeholders()
    assert documented["cases"]["--limit"] == "N" and documented["generate nri"]["--out"] == "FILE"  # parsed
    for path, cmd in ALL:
        if hasattr(cmd, "commands"):
            continue
        for p in cmd.params:
            if p.param_type_name != "option" or p.is_flag or p.opts == ["--help"]:
                continue
            assert p.metavar == documented[" ".join(path)][p.opts[0]], (" ".join(path), p.opts[0], p.metavar)
