"""Shell completion of countries and targets, fast enough for every Tab press.

Stdlib only: it reads the dataset with `json`, without validation, and never raises. The Typer
parameters call `country_items`/`target_items`; `fast_complete` answers the common cases (a country
right after its command, a value after --target) before Typer, pydantic and Rich are even imported,
with exactly the output Typer would print.
"""

from __future__ import annotations

import json
import os
import shlex
import stat
import unicodedata
from collections.abc import Mapping
from typing import Any

COMPLETE_VAR = "_SPENDCALC_COMPLETE"
DATA_VAR = "SPENDCALC_DATA"
COUNTRY_COMMANDS = frozenset({"gap", "path", "history", "pledges"})
TARGET_COMMANDS = frozenset({"gap", "compare", "export", "path", "share", "chart"})
DEFAULT_TARGET_VALUES = ("2", "2.5", "3.5", "5")

Item = tuple[str, str]
"""A completion value and its help text."""


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold().strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def extend(incomplete: str, key: str) -> str | None:
    """`key` completed from what was typed, keeping the typed case: 'po' + 'Poland' -> 'poland'.

    Shells (and Typer) keep only candidates that start with the typed word, while spendcalc accepts
    any case and accents, so the typed part is kept and the rest of the key is added."""
    if key.startswith(incomplete):
        return key
    head = key[: len(incomplete)]
    if fold(head) != fold(incomplete):
        return None
    rest = key[len(incomplete) :]
    if incomplete.islower():
        rest = rest.lower()
    elif incomplete.isupper():
        rest = rest.upper()
    return incomplete + rest


def _read(data_path: str | None) -> dict[str, Any]:
    try:
        if data_path:
            raw = _read_file(data_path)
        else:
            from spendcalc.data.load import bundled_bytes

            raw = bundled_bytes()
        loaded = json.loads(raw) if raw else None
    except (OSError, ValueError, RecursionError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _read_file(data_path: str) -> bytes:
    """A dataset file within the loader's size limit, else nothing. Only a regular file: opened without
    waiting (a FIFO with no writer would hang every Tab press) and checked before it is read (/dev/zero
    never ends)."""
    from spendcalc.data.load import MAX_DATA_BYTES

    descriptor = os.open(data_path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return b""
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            raw = handle.read(MAX_DATA_BYTES + 1)
    finally:
        os.close(descriptor)
    return raw if len(raw) <= MAX_DATA_BYTES else b""


def country_items(incomplete: str, data_path: str | None = None) -> list[Item]:
    """ISO3 codes for an empty word; otherwise every code, name or alias that starts with it."""
    items: list[Item] = []
    for ally in _read(data_path).get("allies", []):
        if not isinstance(ally, dict):
            continue
        name = str(ally.get("name", ""))
        keys = [str(ally.get("iso3", ""))]
        if incomplete:
            keys += [str(ally.get("iso2", "")), name, *(str(a) for a in ally.get("aliases", []))]
        # A name with a space would reach the shell as two words: left out (ISO3 codes and aliases remain).
        items += [
            (value, name) for key in keys if key and " " not in key and (value := extend(incomplete, key))
        ]
    return list(dict.fromkeys(items))


def target_items(incomplete: str, data_path: str | None = None) -> list[Item]:
    """Target ids that are shares of GDP, and the default numbers."""
    items: list[Item] = [(value, f"{value}% of GDP") for value in DEFAULT_TARGET_VALUES]
    for target in _read(data_path).get("targets", []):
        if isinstance(target, dict) and target.get("of") == "gdp":
            items.append((str(target.get("id", "")), str(target.get("label", ""))))
    return [(value, text) for key, text in items if key and (value := extend(incomplete, key))]


def group_items(incomplete: str, data_path: str | None = None) -> list[Item]:
    """The dataset's group ids, with their names."""
    items = [
        (str(group.get("id", "")), str(group.get("name", "")))
        for group in _read(data_path).get("groups", [])
        if isinstance(group, dict)
    ]
    return [(value, text) for key, text in items if key and (value := extend(incomplete, key))]


# --- the fast path -------------------------------------------------------------------------------


def _words(environ: Mapping[str, str], shell: str) -> tuple[list[str], str] | None:
    """The words before the cursor and the word being completed, as Typer reads them."""
    try:
        if shell == "bash":
            words = shlex.split(environ["COMP_WORDS"])
            cword = int(environ["COMP_CWORD"])
            return words[1:cword], (words[cword] if cword < len(words) else "")
        line = environ.get("_TYPER_COMPLETE_ARGS", "")
        words = shlex.split(line)[1:]
        if words and not line.endswith(" "):
            return words[:-1], words[-1]
        return words, ""
    except (KeyError, ValueError):
        return None


def _items_for(args: list[str], incomplete: str, environ: Mapping[str, str]) -> list[Item] | None:
    data_path = environ.get(DATA_VAR) or None
    while args[:1] == ["--data"] and len(args) >= 2:
        data_path, args = args[1], args[2:]
    if not args or incomplete.startswith("-"):
        return None
    command, rest = args[0], args[1:]
    if command in COUNTRY_COMMANDS and not rest:
        return country_items(incomplete, data_path)
    if command in TARGET_COMMANDS and rest and rest[-1] in ("-t", "--target"):
        return target_items(incomplete, data_path)
    if command in ("compare", "export") and rest and rest[-1] in ("-g", "--group"):
        return group_items(incomplete, data_path)
    return None


def _zsh_escape(text: str) -> str:
    return (
        text.replace('"', '""')
        .replace("'", "''")
        .replace("$", "\\$")
        .replace("`", "\\`")
        .replace(":", r"\\:")
    )


def fast_complete(environ: Mapping[str, str] | None = None) -> str | None:
    """What Typer would print for this completion request, or None to let Typer answer."""
    environ = os.environ if environ is None else environ
    instruction, _, shell = environ.get(COMPLETE_VAR, "").partition("_")
    if instruction != "complete" or shell not in ("bash", "zsh", "fish"):
        return None
    if shell == "fish" and environ.get("_TYPER_COMPLETE_FISH_ACTION") != "get-args":
        return None
    words = _words(environ, shell)
    if words is None:
        return None
    items = _items_for(*words, environ)
    if items is None or any("[" in help_text for _, help_text in items):
        return None  # Typer renders help text as Rich markup; leave anything markup-like to it
    if shell == "bash":
        return "\n".join(value for value, _ in items) + "\n"
    if shell == "zsh":
        if not items:
            return "_files\n"
        lines = "\n".join(f'"{_zsh_escape(value)}":"{_zsh_escape(text)}"' for value, text in items)
        return f"_arguments '*: :(({lines}))'\n"
    return "\n".join(f"{value}\t{' '.join(text.split())}" for value, text in items) + "\n"
