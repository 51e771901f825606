"""Finding an ally by code, name or alias, in any case and with or without accents."""

import difflib
import unicodedata
from collections.abc import Mapping

from spendcalc.data.schema import Ally, Dataset
from spendcalc.errors import SpendcalcError

OTHER_NAMES: Mapping[str, tuple[str, ...]] = {
    "ALB": ("Shqipëria", "Shqipëri"),
    "BEL": ("België", "Belgique", "Belgien"),
    "BGR": ("Bulgarien",),
    "CZE": ("Česko", "Czech", "Tschechien"),
    "DNK": ("Danmark", "Dänemark"),
    "DEU": ("Deutschland", "Allemagne", "Alemania", "Germania", "Niemcy"),
    "EST": ("Eesti",),
    "ESP": ("España", "Espagne", "Spanien"),
    "FIN": ("Suomi",),
    "FRA": ("Frankreich", "Francia"),
    "GBR": ("England", "Scotland", "Wales", "Northern Ireland", "Royaume-Uni", "Großbritannien"),
    "GRC": ("Ellada", "Griechenland"),
    "HRV": ("Hrvatska", "Kroatien"),
    "HUN": ("Magyarország", "Ungarn"),
    "ISL": ("Ísland",),
    "ITA": ("Italia", "Italien"),
    "LTU": ("Lietuva", "Litauen"),
    "LUX": ("Lëtzebuerg", "Luxemburg"),
    "LVA": ("Latvija", "Lettland"),
    "MNE": ("Crna Gora",),
    "MKD": ("Severna Makedonija", "Nordmazedonien"),
    "NLD": ("Nederland", "Pays-Bas", "Niederlande"),
    "NOR": ("Norge", "Noreg", "Norwegen"),
    "POL": ("Polska", "Polen", "Pologne"),
    "ROU": ("Rumänien", "Roumanie"),
    "SVK": ("Slovensko", "Slowakei"),
    "SVN": ("Slovenija", "Slowenien"),
    "SWE": ("Sverige", "Schweden", "Suède"),
    "TUR": ("Türkei", "Turquie"),
    "USA": ("Vereinigte Staaten", "États-Unis", "Estados Unidos"),
}
"""Names people use for an ally besides the dataset's own (other languages, and the nations of the United
Kingdom), by ISO3; each applies when the dataset has that ISO3 and no ally already has the name."""

NOT_ALLIES = (
    "Andorra",
    "Armenia",
    "Austria",
    "Österreich",
    "Azerbaijan",
    "Belarus",
    "Bosnia and Herzegovina",
    "Bosnia",
    "Cyprus",
    "Georgia",
    "Ireland",
    "Éire",
    "Kosovo",
    "Liechtenstein",
    "Malta",
    "Moldova",
    "Monaco",
    "Russia",
    "San Marino",
    "Serbia",
    "Switzerland",
    "Schweiz",
    "Suisse",
    "Ukraine",
    "Vatican",
    "Australia",
    "Japan",
    "New Zealand",
    "South Korea",
    "Israel",
    "China",
    "India",
    "Mexico",
)
"""States people ask about that are not NATO allies (the European ones not in NATO, and some partners):
named as such rather than matched to a similar-looking ally."""


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold().strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace(".", "")


def country_keys(ally: Ally) -> tuple[str, ...]:
    return (ally.iso3, ally.iso2, ally.name, *ally.aliases)


def _other_names(dataset: Dataset) -> dict[str, Ally]:
    """OTHER_NAMES, folded, for the allies this dataset has; never shadowing a key of any ally."""
    own = {fold(k) for a in dataset.allies for k in country_keys(a)}
    by_iso3 = {a.iso3: a for a in dataset.allies}
    return {
        fold(name): by_iso3[iso3]
        for iso3, names in OTHER_NAMES.items()
        if iso3 in by_iso3
        for name in names
        if fold(name) not in own
    }


def resolve_country(dataset: Dataset, text: str) -> Ally:
    """Find an ally by ISO3, ISO2, English name or alias, in any case and with or without accents; by a
    name in another language (Deutschland) or a nation of an ally (England); or by a unique start of a
    name (`ger`, `sw`). An exact code or name always wins over a start."""
    if not isinstance(text, str):
        raise SpendcalcError(f"country must be given as text, e.g. 'POL' or 'Poland', not {text!r}")
    wanted = fold(text)
    if not wanted:
        raise SpendcalcError("country is empty: give an ISO code or a name, e.g. POL or Poland")
    exact = [a for a in dataset.allies if any(fold(k) == wanted for k in country_keys(a))]
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        names = ", ".join(a.name for a in exact)
        raise SpendcalcError(f"country {text!r} is ambiguous: {names}")
    others = _other_names(dataset)
    if wanted in others:
        return others[wanted]
    outside = next((name for name in NOT_ALLIES if fold(name) == wanted), None)
    if outside is not None:
        raise SpendcalcError(f"{outside} is not a NATO ally; see `spendcalc countries`")
    if len(wanted) >= 2:
        # Two letters are matched against the dataset's names only: other-language names would make
        # most of them ambiguous.
        prefixed = [
            a
            for a in dataset.allies
            if any(fold(k).startswith(wanted) for k in (a.name, *a.aliases))
            or (len(wanted) >= 3 and any(k.startswith(wanted) and o is a for k, o in others.items()))
        ]
        if len(prefixed) == 1:
            return prefixed[0]
        if len(prefixed) > 1:
            names = " or ".join(a.name for a in prefixed[:3])
            raise SpendcalcError(f"country {text!r} is ambiguous: did you mean {names}?")
    by_key = {fold(k): a for a in dataset.allies for k in country_keys(a) if len(k) > 2}
    by_key.update((k, a) for k, a in others.items() if k not in by_key)
    close = difflib.get_close_matches(wanted, list(by_key), n=6, cutoff=0.6)
    suggestions = list(dict.fromkeys(by_key[k].name for k in close))[:3]
    hint = f"; did you mean {' or '.join(suggestions)}?" if suggestions else "; see `spendcalc countries`"
    raise SpendcalcError(f"unknown country {text!r}{hint}")
