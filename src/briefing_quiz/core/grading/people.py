"""People: a title or honorific before a name is ignored, the name itself is not.

"President Macron", "Chancellor Olaf Scholz", "Foreign Secretary Truss", "National Security Advisor
Jake Sullivan", "Mr Lavrov" are the names after the title. A nationality in front ("French President
Macron") is ignored too, unless the question names another one ("British" where it asks for the
Russian Foreign Minister). A first name is part of the name: "Olaf Scholz" passes for "Scholz" only
when the deck accepts it, and a different first name is wrong; decks list known variants
(Liz/Elizabeth, Sergei/Sergey) in `accept`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

__all__ = ["NATIONALITIES", "asked_nationalities", "strip_titles"]


def _phrases(text: str) -> tuple[tuple[str, ...], ...]:
    """Comma-separated phrases, longest first so that "prime minister" wins over "minister"."""
    found = {tuple(p.split()) for p in text.split(",")}
    return tuple(sorted(found, key=len, reverse=True))


# Compared after normalisation: "U.S." is "us", "Secretary-General" is "secretary general".
_TITLES = _phrases(
    "president, vice president, prime minister, pm, chancellor, foreign secretary, home secretary,"
    " defence secretary, defense secretary, secretary of state, secretary of defense,"
    " secretary of defence, secretary general, foreign minister, defence minister,"
    " defense minister, minister of foreign affairs, minister, secretary, press secretary,"
    " national security advisor, national security adviser, security advisor, security adviser,"
    " nsa, ambassador, envoy, special envoy, general, gen, admiral, adm, colonel, col,"
    " mr, mrs, ms, miss, mx, dr, doctor, prof, professor, sir, dame, lord, lady, senator, sen,"
    " representative, rep, governor, gov, mayor, king, queen, prince, princess, pope,"
    " spokesman, spokeswoman, spokesperson, kremlin spokesman, kremlin spokesperson,"
    " deputy, acting, former, foreign policy advisor, foreign policy adviser,"
    " leader, premier, dictator, autocrat, tsar, czar, head of state, head of government")
_BY_FIRST: dict[str, tuple[tuple[str, ...], ...]] = {}
for _phrase in _TITLES:  # longest first, as in _TITLES
    _BY_FIRST[_phrase[0]] = (*_BY_FIRST.get(_phrase[0], ()), _phrase)
NATIONALITIES = frozenset({
    "us", "usa", "american", "british", "uk", "english", "french", "german", "russian",
    "ukrainian", "polish", "belarusian", "chinese", "italian", "spanish", "canadian", "turkish",
    "dutch", "romanian"})


def _title_at(words: Sequence[str], i: int) -> int:
    """The length of the title phrase at `words[i]`, or 0."""
    for phrase in _BY_FIRST.get(words[i], ()):
        if tuple(words[i:i + len(phrase)]) == phrase:
            return len(phrase)
    return 0


def asked_nationalities(question: Sequence[str]) -> frozenset[str]:
    """The nationality a question asks about: the one after "which"/"what"/"how many" ("Which
    Russian Foreign Minister met British Foreign Secretary Truss" -> russian), else all it names."""
    for i, word in enumerate(question[:-1]):
        if word in ("which", "what", "many", "much") and question[i + 1] in NATIONALITIES:
            return frozenset({question[i + 1]})
    return NATIONALITIES.intersection(question)


def strip_titles(words: Sequence[str], asked: Collection[str] = (), *,
                 nationalities: bool = True) -> tuple[str, ...]:
    """`words` without the titles in front of the name they end with, and without a nationality
    in front of a title (when `nationalities`, and it is one of `asked`, or `asked` is empty:
    see `asked_nationalities`).

    Returns `words` unchanged when nothing would be left of the name.
    """
    i, n = 0, len(words)
    while i < n:
        if (nationalities and words[i] in NATIONALITIES and (not asked or words[i] in asked)
                and i + 1 < n and _title_at(words, i + 1)):
            i += 1
        length = _title_at(words, i) if i < n else 0
        if not length:
            break
        i += length
    if 0 < i < n and words[i].isalpha():  # a name follows, not a number or a date
        return tuple(words[i:])
    return tuple(words)
