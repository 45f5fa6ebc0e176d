"""The facts of a sentence a briefer is asked about: numbers, dates, and names of people, places
and organisations.

Offline and deterministic, by rules rather than a trained model (nothing to download, the same
answer every time, and explainable): dates and numbers by regular expressions; names as runs of
capitalised words, told apart by the words around them (a title before a person, "in"/"to"
before a place, "Ministry"/"Council" or an acronym in an organisation) and a short list of
countries and capitals. A capitalised word that opens a sentence is a name only when the text
never writes it in lower case. Good enough to point at what no card asks about; a draft is
reviewed by a person anyway.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal, TypeAlias

__all__ = ["TITLES", "Fact", "FactKind", "find_facts", "lower_words"]

FactKind: TypeAlias = Literal["date", "number", "person", "place", "org", "name"]


@dataclass(frozen=True, slots=True)
class Fact:
    """One fact of a sentence: its kind, its words as written, and their offsets in the sentence."""

    kind: FactKind
    text: str
    start: int
    end: int


_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|"
           "December|Jan\\.|Feb\\.|Mar\\.|Apr\\.|Aug\\.|Sept?\\.|Oct\\.|Nov\\.|Dec\\.")
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"(?:1[5-9]\d\d|20\d\d)"
_DATE = re.compile(
    rf"\b(?:(?:early|mid|late)-)?(?:{_MONTHS})(?:\s+{_DAY}(?:\s*[-\u2013]\s*{_DAY})?)?(?:,?\s+{_YEAR})?\b"
    rf"|\b{_DAY}\s+(?:{_MONTHS})(?:,?\s+{_YEAR})?\b"
    rf"|\b{_YEAR}-\d\d-\d\d\b|\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b"
    rf"|\b(?:in|since|by|until|from|before|after|of|early|late|mid-)\s*{_YEAR}s?\b"
    rf"|\b{_YEAR}\b(?=\s*(?:[-\u2013]|and|to)\s*{_YEAR})|(?<=[-\u2013])\s*{_YEAR}\b"
    # A bare year ("the 1961 quay", "In 2019 the harbour"), unless it counts something plural
    # ("1700 troops") or is an amount ("$2000", "2000%").
    rf"|(?<![$€£\d.,:])\b{_YEAR}\b(?![.,:]?\d|\s?%|\s+(?:[A-Z.]+\s+)?[a-z]+s\b|\s+percent)")
_NUMBER_WORDS = ("two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
                 "fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|"
                 "seventy|eighty|ninety|hundred|dozen|dozens|hundreds|thousands|half|third|"
                 "quarter")
_SCALE = r"(?:\s+(?:thousand|million|billion|trillion|percent|per\s+cent))?"
_NUMBER = re.compile(
    rf"(?<![\d:])[$€£]?\b(?!\d{{1,2}}:\d\d)\d+(?:[,.]\d+)*(?:\s?%|\b){_SCALE}(?:\s+{_NUMBER_WORDS})?"
    rf"|\b(?:{_NUMBER_WORDS})\b{_SCALE}", re.IGNORECASE)

_NAME_WORD = r"(?:[A-Z][\w'\u2019.-]*[\w.]|[A-Z])"
_NAME = re.compile(rf"{_NAME_WORD}(?:(?:\s+(?:of|for|and|the|de|von|van|al-|bin)){{0,2}}\s+"
                   rf"{_NAME_WORD})*")
_TITLES = frozenset(
    [
    "President", "Minister", "Secretary", "Chancellor", "Advisor", "Adviser", "Spokesperson",
    "Spokesman", "Mr.", "Mrs.", "Ms.", "Dr.", "General", "Admiral", "Ambassador", "Senator",
    "Governor", "Mayor", "King", "Queen", "Prince", "Pope", "Premier", "Director", "Chairman",
    "Chair", "Commissioner", "Envoy", "Colonel", "Prof.", "Professor", "Judge", "Sir", "Dame",
    "Lord", "Lady"
])
#: Words that title a person ("President", "Dr."), not part of their name.
TITLES = _TITLES
_ORG_WORDS = frozenset(
    [
    "Center", "Centre", "Council", "Ministry", "Organization", "Organisation", "Agency", "Union",
    "Alliance", "Bank", "Institute", "University", "College", "Party", "Pentagon", "Kremlin",
    "Department", "Committee", "Commission", "Fund", "Association", "Corporation", "Inc.", "Ltd",
    "Company", "Court", "Parliament", "Congress", "Senate", "Army", "Navy", "Forces", "Office",
    "Foundation", "Group", "Assembly", "Board", "Service", "Guard", "Federation", "League",
    "Network", "Times", "Post", "News", "Reuters", "Duma", "Cabinet", "Government",
    "Administration", "Bureau", "Authority", "Secretariat"
])
_PLACE_WORDS = frozenset(
    [
    "Afghanistan", "Albania", "Algeria", "Argentina", "Armenia", "Australia", "Austria",
    "Azerbaijan", "Belarus", "Belgium", "Bosnia", "Brazil", "Bulgaria", "Canada", "Chile", "China",
    "Colombia", "Croatia", "Cuba", "Cyprus", "Czechia", "Denmark", "Egypt", "England", "Estonia",
    "Ethiopia", "Europe", "Africa", "Asia", "America", "Finland", "France", "Georgia", "Germany",
    "Greece", "Hungary", "Iceland", "India", "Indonesia", "Iran", "Iraq", "Ireland", "Israel",
    "Italy", "Japan", "Jordan", "Kazakhstan", "Kenya", "Korea", "Kosovo", "Latvia", "Lebanon",
    "Libya", "Lithuania", "Luxembourg", "Mexico", "Moldova", "Montenegro", "Morocco", "Netherlands",
    "Nigeria", "Norway", "Pakistan", "Poland", "Portugal", "Romania", "Russia", "Scotland",
    "Serbia", "Slovakia", "Slovenia", "Spain", "Sweden", "Switzerland", "Syria", "Taiwan", "Turkey",
    "Ukraine", "Venezuela", "Vietnam", "Wales", "Yemen", "Crimea", "Donbas", "Donetsk", "Luhansk",
    "Kyiv", "Kiev", "Moscow", "Minsk", "Warsaw", "Berlin", "Paris", "London", "Washington",
    "Brussels", "Rome", "Madrid", "Vienna", "Prague", "Budapest", "Bucharest", "Sofia", "Athens",
    "Ankara", "Beijing", "Tokyo", "Delhi", "Geneva", "Munich", "Vilnius", "Riga", "Tallinn",
    "Helsinki", "Stockholm", "Oslo", "Copenhagen", "Lisbon", "Dublin", "Kharkiv", "Odesa", "Odessa",
    "Mariupol", "Sevastopol", "Caucasus", "Baltic", "Balkans", "Arctic", "Atlantic", "Pacific",
    "Panama", "Peru", "Bolivia", "Ecuador", "Uruguay", "Paraguay", "Jamaica", "Barbados", "Haiti",
    "Guatemala", "Honduras", "Nicaragua", "Philippines", "Thailand", "Malaysia", "Singapore",
    "Bangladesh", "Nepal", "Myanmar", "Mongolia", "Qatar", "Kuwait", "Oman", "Sudan", "Somalia",
    "Ghana", "Senegal", "Tanzania", "Uganda", "Angola", "Mozambique", "Zimbabwe", "Zambia",
    "Tunisia", "Antarctica", "Mediterranean", "Caribbean", "Indies", "Emirates", "Arabia",
])
#: Two-word country names whose words are no place on their own.
_PLACE_NAMES = frozenset(["United States", "United Kingdom", "New Zealand", "South Africa",
                          "Saudi Arabia", "North Korea", "South Korea", "Sri Lanka"])
#: First words that make a name a place ("Cape Horn", "Isthmus of Panama", "Lake Geneva").
_PLACE_STARTS = frozenset((
    "Cape", "Isthmus", "Mount", "Lake", "Gulf", "Bay", "Strait", "Straits", "Sea", "Isle",
    "Port", "Fort", "Republic", "Kingdom", "Province", "Gate"))
#: Last words that make a name a place ("Velan Strait", "Lyme Cross").
_PLACE_ENDS = frozenset((
    "Strait", "Straits", "Sea", "River", "Bay", "Island", "Islands", "Mountains", "Lake", "Gulf",
    "Ocean", "Valley", "Cross", "Street", "Square", "Province", "Region", "City", "County",
    "Coast", "Peninsula", "Harbour", "Harbor", "Port", "Canal", "Desert", "Plain", "Plains",
    "Basin", "Pass", "Heights", "Hills", "Locks", "Lock", "Dam", "Cut", "Zone", "Falls",
    "Bridge", "Tunnel", "Airport", "Station", "District", "Park", "Forest", "Glacier", "Cape"))
#: Last words of a name that make it an event or a thing, not a person: "First World War".
_EVENT_ENDS = frozenset(("War", "Wars", "Revolution", "Crisis", "Olympics", "Games", "Cup",
                         "Summit", "Conference", "Expedition", "Rebellion", "Uprising"))
#: A name's first or last word that makes it a document: "Treaty of Halden", "Hay-Bunau-Varilla
#: Treaty".
_DOCUMENTS = frozenset(("Treaty", "Treaties", "Agreement", "Agreements", "Accord", "Accords",
                        "Convention", "Act", "Protocol", "Charter", "Pact", "Declaration",
                        "Resolution", "Memorandum", "Plan", "Doctrine"))
#: Ship prefixes: "SS Ancon" is a ship, not a person.
_SHIP_PREFIXES = frozenset(("SS", "HMS", "USS", "RMS", "MV", "MS", "HMAS", "HMCS"))
_PLACE_BEFORE = frozenset(["in", "at", "near", "into", "across", "toward", "towards", "through", "via"])
_PERSON_AFTER = re.compile(r"\s*(?:,\s*)?(?:said|says|argued|argues|warned|told|wrote|writes|"
                           r"stated|noted|added|asked|urged|claimed|announced)\b")
_DEMONYM = re.compile(r"(?:ian|ean|ese|ish|can|ch|ic|i)\Z")
_FUNCTION_WORDS = frozenset(
    [
    "A", "An", "The", "This", "That", "These", "Those", "It", "Its", "In", "On", "At", "As", "But",
    "And", "Or", "If", "When", "While", "After", "Before", "Since", "Although", "Though", "However",
    "Moreover", "So", "Yet", "For", "From", "By", "With", "Without", "Of", "To", "Into", "Over",
    "Under", "About", "Above", "Below", "Between", "Among", "Still", "Even", "Also", "Only", "Then",
    "There", "Here", "What", "Which", "Who", "Why", "How", "Where", "We", "They", "He", "She", "I",
    "You", "Our", "Their", "His", "Her", "No", "Not", "Yes", "All", "Some", "Many", "Most", "Such",
    "Each", "Every", "Both", "Either", "Neither", "Other", "Another", "Any", "One", "Once", "Nor",
    "Editor", "Large", "Following", "Continuing", "Hopefully", "Oddly"
])


_ABBREVIATION = re.compile(r"(?:\b[A-Z]\.){2,}\Z")


_ADDRESS = re.compile(r"\]\([^)\s]*\)|\b(?:https?://|www\.)\S+|<[a-z][^>]*>", re.IGNORECASE)


def _bare(word: str) -> str:
    """A word without its possessive and trailing punctuation: "NATO’s" -> "NATO"."""
    return re.sub(r"(?:['\u2019]s)?[.,;:]*\Z", "", word)


def lower_words(text: str) -> frozenset[str]:
    """Capitalised words of `text` that are no names when they open a sentence: those the text
    also writes in lower case, and those it capitalises only at a sentence's start."""
    lower = {w.capitalize() for w in re.findall(r"\b[a-z][a-z'-]+\b", text)}
    # A word that opens a sentence and runs on into a name ("Ferdinand de Lesseps began") is
    # that name's first word, not an ordinary word capitalised.
    openers = set(re.findall(r"(?:\A|[.!?:]\s+|\n\s*)[\"“(]?([A-Z][a-z]+)\b"
                             r"(?!\s+(?:(?:de|da|di|van|von|der|le|la|al-|bin)\s+)?[A-Z][a-z])", text))
    inside = set(re.findall(r"(?<=[\w,;] )([A-Z][a-z]+)\b", text))
    return frozenset(lower | (openers - inside))


def find_facts(sentence: str, common: Collection[str] = ()) -> list[Fact]:
    """The facts of `sentence`, in order, none overlapping (dates first, then numbers, then names).

    `common`: capitalised forms of words the whole text writes in lower case (`lower_words`); a
    sentence's first word among them is no name.
    """
    taken: list[tuple[int, int]] = []
    facts: list[Fact] = []
    # Web addresses and Markdown link targets hold digits and capitals that are no facts: blank
    # them (same length, so offsets hold) before looking.
    sentence = _ADDRESS.sub(lambda m: " " * len(m.group()), sentence)

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    def add(kind: FactKind, start: int, end: int) -> None:
        text = sentence[start:end]
        if not _ABBREVIATION.search(text):  # "U.S." keeps its last full stop
            text = text.rstrip(".,;:")
        end = start + len(text)
        if text and free(start, end):
            taken.append((start, end))
            facts.append(Fact(kind, text, start, end))

    for match in _DATE.finditer(sentence):
        start = match.start()
        lead = re.match(r"(?:in|since|by|until|from|before|after|of)\s+", match.group())
        add("date", start + (lead.end() if lead else 0), match.end())
    for match in _NUMBER.finditer(sentence):
        add("number", match.start(), match.end())
    for match in _NAME.finditer(sentence):
        start = match.start()
        words = match.group().split()
        if "and" in words and not any(_bare(w) in _ORG_WORDS for w in words):
            # "Russia and NATO": two names; "Security and Cooperation" is one organisation's.
            offset = start
            for piece in re.split(r"(\s+and\s+)", match.group()):
                if piece.strip() != "and":
                    _name(sentence, offset, offset + len(piece), common, add)
                offset += len(piece)
        else:
            _name(sentence, start, match.end(), common, add)
    facts.sort(key=lambda fact: fact.start)
    return facts


def _name(sentence: str, start: int, end: int, common: Collection[str],
          add: object) -> None:
    """Classify the capitalised run `sentence[start:end]` and `add` it, trimmed of openers."""
    words = sentence[start:end].split()
    opener = not sentence[:start].strip() or sentence[:start].rstrip()[-1:] in ".:;!?\"“"
    # A sentence's first word (and other function words) is no name unless nothing says it is.
    while words and words[0] not in _TITLES and (
            _bare(words[0]) in _FUNCTION_WORDS or (opener and words[0] in common)):
        start = sentence.index(words[0], start) + len(words[0])
        start = len(sentence) - len(sentence[start:].lstrip())
        words = words[1:]
        opener = False
    while words and words[0] in ("of", "for", "and", "the"):  # "Locks and the Culebra Cut"
        start = sentence.index(words[0], start) + len(words[0])
        start = len(sentence) - len(sentence[start:].lstrip())
        words = words[1:]
    while words and words[-1] in ("of", "for", "and", "the", "de", "von", "van"):
        words = words[:-1]
    if not words:
        return
    end = sentence.index(words[-1], start) + len(words[-1])
    text = " ".join(words)
    before = sentence[:start].split()[-1:] or [""]
    if len(words) == 1 and _DEMONYM.search(text) and text not in _PLACE_WORDS and \
            re.match(r"\s+[a-z]", sentence[end:]):
        return  # "Russian troops": an adjective, not a name
    kind: FactKind
    parts = [_bare(part) for word in words for part in word.split("-")]
    if any(part in _ORG_WORDS for part in parts) or (
            _bare(text).isupper() and 2 <= len(_bare(text).replace(".", "")) <= 6):
        kind = "org"
    elif words[0] in _DOCUMENTS or parts[-1] in _DOCUMENTS or \
            words[0] in _SHIP_PREFIXES or parts[-1] in _EVENT_ENDS:
        kind = "name"  # a document, a ship, an event: not a person
    elif _bare(text) in _PLACE_NAMES or (len(words) >= 2 and (
            words[0] in _PLACE_STARTS or parts[-1] in _PLACE_ENDS)):
        kind = "place"
    elif any(w in _TITLES for w in words) or before[0] in _TITLES or \
            _PERSON_AFTER.match(sentence[end:]):
        kind = "person"
    # A place word first or last ("Panama City", "Isthmus of Panama"), not in the middle of a
    # person's names ("George Washington Goethals").
    elif parts[0] in _PLACE_WORDS or parts[-1] in _PLACE_WORDS or parts[-1] in _PLACE_ENDS or \
            before[0].lower() in _PLACE_BEFORE:
        kind = "place"
    elif len(words) >= 2:
        kind = "person"
    else:
        kind = "name"
    add(kind, start, end)  # type: ignore[operator]
