"""Help texts, usage lines and the README agree (issue 13): every command's usage line as `--help` shows it
is the README's (Commands table: the command, then its arguments), every option the README names exists,
every option a command has is in the README (but the ones every output command shares), choices read the
same, and an argument is rendered one way everywhere (COUNTRY or [COUNTRY]; never {COUNTRY}, [[COUNTRY]] or
COUNTRY <str>)."""

from __future__ import annotations

import re

import pytest
import typer
from typer.testing import CliRunner

from spendcalc.cli.app import app
from support import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
SHARED = {"--format", "--output", "--svg", "--html", "--help"}
"""Options every output command takes, described once under the table rather than in each row."""


def readme_rows() -> dict[str, str]:
    """The README's Commands table: command name -> its synopsis (the first cell, without the backticks)."""
    section = README.split("\n## Commands", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = re.match(r"\| `([^`]+)` \|", line)
        if match:
            synopsis = match.group(1).replace("\\|", "|")
            words = synopsis.split()
            name = " ".join(words[:2]) if words[0] == "scenario" else words[0]
            rows[name] = synopsis
    return rows


def commands() -> list[str]:
    names = [
        command.name or typer.main.get_command_name(getattr(command.callback, "__name__", ""))
        for command in app.registered_commands
    ]
    for group in app.registered_groups:
        assert group.typer_instance is not None
        names += [f"{group.name} {command.name}" for command in group.typer_instance.registered_commands]
    return names


ROWS = readme_rows()
COMMANDS = commands()


def help_text(command: str) -> str:
    result = CliRunner().invoke(app, [*command.split(), "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.stdout


def options(help_page: str) -> dict[str, str]:
    """Each long option of a help page and the metavar it shows ('' for a flag)."""
    found = {}
    section = help_page.split("\nOptions:\n", 1)[1]
    for line in section.splitlines():
        match = re.match(r"\s{2}(?:-\w, )?(--[\w-]+)(?: (\S+))?", line)
        if match:
            found[match.group(1)] = match.group(2) or ""
    return found


def test_the_readme_lists_every_command_and_no_other() -> None:
    assert sorted(ROWS) == sorted(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_usage_line_is_the_readmes(command: str) -> None:
    """`Usage: spendcalc gap [OPTIONS] COUNTRY` and the README's `gap COUNTRY [-t T ...] ...`: the same
    command and the same arguments, in the same order and the same brackets."""
    usage = help_text(command).splitlines()[0]
    match = re.fullmatch(rf"Usage: spendcalc {command} \[OPTIONS\](?P<arguments>.*)", usage)
    assert match, usage
    arguments = match["arguments"].split()
    synopsis = ROWS[command][len(command) :].split()
    # The README's arguments: its words before the first option (`-t`, `[--year`).
    readme_arguments = []
    for word in synopsis:
        if word.lstrip("[").startswith("-"):
            break
        readme_arguments.append(word)
    assert readme_arguments == arguments, (usage, ROWS[command])
    for argument in arguments:
        # `COUNTRY`, `[COUNTRY]`, `NAME|FILE`, and `...` after a variadic argument; never `{X}` or `<str>`.
        assert re.fullmatch(r"\[?[A-Z]+(\|[A-Z]+)*\]?|\.\.\.", argument), f"{argument}: rendered oddly"


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_options_exist_and_every_option_is_in_the_readme(command: str) -> None:
    page = help_text(command)
    own = options(page)
    synopsis = ROWS[command]
    named = set(re.findall(r"(?<![\w-])--[a-z][\w-]*", synopsis))
    short = set(re.findall(r"(?<![\w-])-[a-z](?![\w-])", synopsis))
    assert named <= set(own), f"the README names options {command} does not have: {named - set(own)}"
    for flag in short:
        assert re.search(rf"\n\s+{flag}, --", page), f"{command}: no short option {flag}"
    missing = set(own) - SHARED - named
    # A short form in the README stands for its long option (-t for --target).
    missing -= {long for long in own if any(re.search(rf"\n\s+{flag}, {long}\b", page) for flag in short)}
    assert not missing, f"{command} --help has options the README does not name: {missing}"


@pytest.mark.parametrize("command", COMMANDS)
def test_choices_read_the_same(command: str) -> None:
    """`[--sort name|share|gap]` in the README and `--sort [name|share|gap]` in --help: the same choices."""
    own = options(help_text(command))
    for option, values in re.findall(r"(--[\w-]+) ([a-z0-9-]+(?:\|[a-z0-9-]+)+)", ROWS[command]):
        shown = own[option].strip("[]")
        assert set(values.split("|")) == set(shown.split("|")), (command, option, values, shown)


def test_arguments_are_rendered_one_way() -> None:
    for command in COMMANDS:
        page = help_text(command)
        assert "{" not in page.splitlines()[0] and "[[" not in page and "<str>" not in page, page
