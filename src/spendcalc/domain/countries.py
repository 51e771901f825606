"""Finding an ally by code, name or alias, in any case and with or without accents."""

import difflib
import unicodedata

from spendcalc.data.schema import Ally, Dataset
from spendcalc.errors import SpendcalcError


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold().strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace(".", "")


def country_keys(ally: Ally) -> tuple[str, ...]:
    return (ally.iso3, ally.iso2, ally.name, *ally.aliases)


def resolve_country(dataset: Dataset, text: str) -> Ally:
    """Find an ally by ISO3, ISO2, English name or alias, in any case and with or without accents."""
    wanted = fold(text)
    if not wanted:
        raise SpendcalcError("country is empty: give an ISO code or a name, e.g. POL or Poland")
    exact = [a for a in dataset.allies if any(fold(k) == wanted for k in country_keys(a))]
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        names = ", ".join(a.name for a in exact)
        raise SpendcalcError(f"country {text!r} is ambiguous: {names}")
    if len(wanted) >= 3:
        prefixed = [
            a for a in dataset.allies if any(fold(k).startswith(wanted) for k in (a.name, *a.aliases))
        ]
        if len(prefixed) == 1:
            return prefixed[0]
        if len(prefixed) > 1:
            names = " or ".join(a.name for a in prefixed[:3])
            raise SpendcalcError(f"country {text!r} is ambiguous: did you mean {names}?")
    by_key = {fold(k): a for a in dataset.allies for k in country_keys(a) if len(k) > 2}
    close = difflib.get_close_matches(wanted, list(by_key), n=6, cutoff=0.6)
    suggestions = list(dict.fromkeys(by_key[k].name for k in close))[:3]
    hint = f"; did you mean {' or '.join(suggestions)}?" if suggestions else "; see `spendcalc countries`"
    raise SpendcalcError(f"unknown country {text!r}{hint}")
