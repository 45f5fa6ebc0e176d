"""The plain study loop: `briefing-quiz study --plain`, a session on stdin/stdout without Textual.

For screen readers, dumb terminals, ssh and scripts. It drives the same `StudySession` as the app,
so the queue, the store and every rule are the same. Never imports textual or rich.

Output, one item per line: first `STUDY <n> due: <new> new, <l> learning, <r> review. ...`, then
each card, starting with a `CARD` line::

    CARD 3/20 feb2022/troops typed new 5 learning 2 review 11
                                  CARD <i>/<n> <deck>/<card>[#item] <type> new N learning L review R
    How many troops had Russia massed ...?    the question (cloze: the text with [...] gaps)
      1) first choice                         choice and order cards: numbered, shuffled anew each showing
    Type your answer:                         what to type (a line of its own, then a line is read)

Answers: basic — any line (an empty line reveals); typed and cloze — the text (several gaps of one
cloze: separated by ";"); choice — a number, or several for a many-answer card ("1 3"); true/false —
`t` or `f`; order — the numbers in the right order ("3 1 2"); open — any number of lines, ended by
an empty line (or the end of input). Invalid input is explained and asked again. Then::

    POINT made <label> | POINT missed <label>          open cards: one line per point, first

    RIGHT | PARTLY | WRONG [(detail: 2 of 3 in place)] auto-checked only; PARTLY: open, some points
    YOURS: <your answer as text>                       when wrong
    ANSWER: <the expected answer>
    EXPLAIN: ... / SOURCE: ...                         when the card has them
    CHANGED: this card changed since you last saw it   its content changed since the last review
    GRADES 1:1m 2:6m 3:10m 4:8d                        the interval each grade would give
    Grade 1-4 (Enter = 3 good):                        1 again, 2 hard, 3 good, 4 easy (or words)

(`LEECH: forgotten N times ...` comes before the question of a leech.) Enter takes the suggested
grade (Again after a wrong answer, Good after a right one or a basic card); your grade always wins.
Once the answer is committed to the progress file::

    SAVED feb2022/troops 3 due 2026-11-26T10:00:00+00:00     rating as its number 1-4; due in UTC

Commands at either prompt: `q` (or end of input) ends the session (at the grade prompt, after
`NOT GRADED <key>: this answer is not saved; the card stays due`); `:u` undo the last answer (or
suspend/bury/forget/due date), `:s` suspend this card, `:b` bury it until tomorrow, `:f NOTE` flag
it with a note (it stays; `stats` lists flags), `:forget` put it back to new (history kept), `:d
WHEN` make it due then ("3", "tomorrow", "thu", "2026-12-20", "0" for now), `:h` help. A session ends with::

    SUMMARY answered 12: again 2, hard 1, good 8, easy 1; right 8, partly 1 of 10 checked; 3 left
                    (right/partly by the grade given: core.grading.outcome; ", partly N" if any)
    LEECHES feb2022/x, feb2022/y                       only when there are some

If an answer cannot be saved (disk full, read-only file, ...) the loop prints `NOT SAVED` with the
reason, ends the session and returns 1; nothing unsaved is ever reported as saved.

A briefing session (`study DECK --briefing --plain`, `BriefingLoop`) is the same loop over a
`BriefingSession` (cards chosen by the briefing rule, not by due date), with three differences::

    BRIEFING feb2022 at Thu 2026-12-03 14:00 (in 2 days 3 hours): readiness 42.1% ± 9, the session
      stops at 90%. q quits, :h lists the commands.            first line (one line), then cards
    READINESS 63.2% (+0.4)            after every SAVED (and UNDONE, SUSPENDED, BURIED): readiness
                                      at the briefing, rounded down, and the change in points
    DONE readiness 90.0% has reached the 90% threshold for ...     why it stopped (or: nothing
                                      left gains now / come back after ... / the briefing has come)
    SUMMARY ...                       as above, then
    READINESS 42.1% -> 63.2%; weakest: diplomacy 31%, figures 40%

In a study session's `CARD <i>/<n>`, n is the distinct items queued at the start (it stays put: a
learning step coming back is not a new card) and i the distinct items shown so far; the three
counts are what is left by kind, the current card included. In a briefing session's, n is the
answers given plus the items still below the threshold.

A mock test (`study DECK --test N --plain`) is described at `MockTestLoop`.
"""

from __future__ import annotations

import math
import re
from enum import Enum
from typing import Protocol, TextIO

from fsrs import Rating

from briefing_quiz.core.cloze import render_cloze
from briefing_quiz.core.errors import BriefingQuizError, StoreError
from briefing_quiz.core.grading import CheckResult, outcome, parse_truefalse
from briefing_quiz.core.model import (
    BasicCard,
    ChoiceCard,
    ClozeCard,
    OpenCard,
    OrderCard,
    TrueFalseCard,
    TypedCard,
    stale_since,
)
from briefing_quiz.core.scheduler import format_interval
from briefing_quiz.core.study.briefing_session import BriefingSession
from briefing_quiz.core.study.formatting import (
    change_text,
    format_countdown,
    format_local,
    percent_text,
)
from briefing_quiz.core.study.queue import QueueEntry
from briefing_quiz.core.study.session import StudySession
from briefing_quiz.core.visible import visible

__all__ = ["BriefingLoop", "MockTestLoop", "PlainLoop", "run_mock_test", "run_plain"]

_NAMES = {"again": Rating.Again, "hard": Rating.Hard, "good": Rating.Good, "easy": Rating.Easy}
_QUIT = {"q", ":q", ":quit", "quit"}
_COMMANDS = {":u": "undo", ":undo": "undo", ":s": "suspend", ":suspend": "suspend",
             ":b": "bury", ":bury": "bury", ":h": "help", ":help": "help", "?": "help",
             ":forget": "forget"}
_HELP = ("Commands: q quits; :u undoes the last answer; :s suspends this card; :b buries it "
         "until tomorrow; :f NOTE flags it with a note; :forget makes it new again (history kept); "
         ":d WHEN makes it due then (3, tomorrow, thu, 2026-12-20, 0 for now); Enter at the grade "
         "takes the suggested grade.")


class _Outcome(Enum):
    NEXT = "next"      # go on with whatever is current or next
    QUIT = "quit"      # the user ended the session
    FAILED = "failed"  # an answer could not be saved


class _Quit(Exception):
    """End of input or `q`."""


class _Command(Exception):
    def __init__(self, name: str, arg: str = "") -> None:
        self.name, self.arg = name, arg


class _Shuffles(Protocol):
    """What shows choices and order items in a seeded order (a session, or a mock test)."""

    def choice_order(self, entry: QueueEntry) -> list[str]: ...

    def order_items(self, entry: QueueEntry) -> list[str]: ...


class _Console:
    """Reading and writing lines, and asking a card's question (shared by every plain loop)."""

    def __init__(self, shuffles: _Shuffles, stdin: TextIO, stdout: TextIO) -> None:
        self.shuffles = shuffles
        self.stdin = stdin
        self.stdout = stdout

    # -- I/O ---------------------------------------------------------------------------------------

    def say(self, *lines: str) -> None:
        for line in lines:
            # One physical line per message: a card text with newlines is indented, never ambiguous.
            self.stdout.write(line.replace("\r\n", "\n").replace("\n", "\n  ") + "\n")
        self.stdout.flush()

    def _read_line(self) -> str:
        """One line of UTF-8 text; a line that is not (a Latin-1 terminal's 'é') is an error line
        and is read again, never the end of the session. The command line reads stdin with
        surrogateescape (undecodable bytes arrive as lone surrogates); a strict stream raises."""
        for _attempt in range(1000):  # a stream of nothing but bad bytes still ends
            try:
                line = self.stdin.readline()
            except UnicodeDecodeError:
                line = "\udcff"
            if not any("\udc80" <= c <= "\udcff" for c in line):
                return line
            self.say("NOT UTF-8: that line is not UTF-8 text (set the terminal to UTF-8); "
                     "type it again:")
        return ""

    def ask(self, prompt: str) -> str:
        """Print `prompt` on its own line and read one line; raise _Quit / _Command."""
        self.say(prompt)
        line = self._read_line()
        if not line:
            raise _Quit
        text = line.rstrip("\r\n")
        word = text.strip().lower()
        if word in _QUIT:
            raise _Quit
        head = word.split(" ", 1)[0]
        if head == ":f":  # :f NOTE
            raise _Command("flag", text.strip()[2:].strip())
        if head in (":d", ":due"):  # :d WHEN
            raise _Command("due", text.strip()[len(head):].strip())
        if word in _COMMANDS:
            raise _Command(_COMMANDS[word])
        return text

    # -- answers -----------------------------------------------------------------------------------

    def read_answer(self, entry: QueueEntry) -> tuple[object | None, str | None]:
        """Show the question, read a valid answer; (response for session.check, given text)."""
        card = entry.card
        if entry.leech:
            self.say(f"LEECH: forgotten {entry.lapses} times; consider rewriting it, or :s")
        if isinstance(card, BasicCard):
            self.say(card.question)
            text = self.ask("Press Enter to show the answer:")
            return None, text.strip() or None
        if isinstance(card, TypedCard):
            self.say(card.question)
            text = self.ask("Type your answer:")
            return text, text
        if isinstance(card, ClozeCard):
            self.say(render_cloze(card.text, entry.key.item))
            text = self.ask("Fill the gap (several gaps: separate the answers with ;):")
            return text, text
        if isinstance(card, TrueFalseCard):
            self.say(card.statement)
            while True:
                value = parse_truefalse(self.ask("True or false? (t/f):"))
                if value is not None:
                    return value, "true" if value else "false"
                self.say("Please type t (true) or f (false).")
        if isinstance(card, ChoiceCard):
            options = self.shuffles.choice_order(entry)
            self.say(card.question, *(f"  {i}) {text}" for i, text in enumerate(options, 1)))
            several = card.multiple or len(card.answers) > 1
            prompt = ("Choose the right numbers, e.g. 1 3:" if several else "Choose a number:")
            while True:
                numbers = _numbers(self.ask(prompt), len(options))
                if numbers is not None and numbers and len(set(numbers)) == len(numbers) and (
                        several or len(numbers) == 1):
                    chosen = [options[i - 1] for i in numbers]
                    return chosen, " | ".join(chosen)
                self.say(f"Please type {'numbers' if several else 'one number'} "
                         f"from 1 to {len(options)}.")
        if isinstance(card, OpenCard):
            self.say(card.question)
            text = self._read_lines("Write your answer in your own words; an empty line ends it:")
            return text, text
        if isinstance(card, OrderCard):
            items = self.shuffles.order_items(entry)
            self.say(card.question, *(f"  {i}) {text}" for i, text in enumerate(items, 1)))
            example = " ".join(str(i) for i in reversed(range(1, len(items) + 1)))
            while True:
                prompt = f"Type the numbers in the right order, e.g. {example}:"
                numbers = _numbers(self.ask(prompt), len(items))
                if numbers is not None and sorted(numbers) == list(range(1, len(items) + 1)):
                    ordered = [items[i - 1] for i in numbers]
                    return ordered, " → ".join(ordered)
                self.say(f"Please type each number from 1 to {len(items)} once, in order.")
        raise TypeError(f"unknown card type {type(card).__name__}")  # pragma: no cover

    def _read_lines(self, prompt: str) -> str:
        """Lines up to an empty one (or the end of input); a command only as the first line."""
        lines = [self.ask(prompt)]
        while lines[-1].strip():
            line = self.stdin.readline()
            if not line:
                break
            lines.append(line.rstrip("\r\n"))
        return "\n".join(lines).strip()


class PlainLoop(_Console):
    """One plain session; `run()` returns the exit code (0, or 1 when an answer was not saved)."""

    def __init__(self, session: StudySession, stdin: TextIO, stdout: TextIO) -> None:
        super().__init__(session, stdin, stdout)
        self.session = session
        self.checked = 0
        self.right = 0
        self.partly = 0  # checked and graded Hard, though the checker found the answer short
        # How each checked answer went, by review id, so that `:u` takes back what it added
        # (an undo may also take back a suspension or a burial, which added nothing).
        self.outcomes: dict[int, str] = {}

    # -- the loop ----------------------------------------------------------------------------------

    def opening(self) -> str:
        counts = self.session.counts
        return (f"STUDY {counts.total} due: {counts.new} new, {counts.learning} learning, "
                f"{counts.review} review. q quits, :h lists the commands.")

    def closing(self) -> str:
        """The line printed when the session has nothing more to ask."""
        return "DONE nothing more is due now"

    def changed(self) -> None:
        """Called after every change saved to the store (answer, undo, suspend, bury)."""

    def run(self) -> int:
        self.say(self.opening())
        outcome = _Outcome.NEXT
        while outcome is _Outcome.NEXT:
            entry = self.session.current or self.session.next()
            if entry is None:
                self.say(self.closing())
                break
            try:
                outcome = self.card(entry)
            except _Quit:
                outcome = _Outcome.QUIT
        self.summary()
        return 1 if outcome is _Outcome.FAILED else 0

    def card(self, entry: QueueEntry) -> _Outcome:
        session = self.session
        started = session.clock()
        self.say(self.card_line(entry))
        since = stale_since(entry.card, started.date())
        if since is not None:
            self.say(f"STALE: stale since {since.isoformat()} (valid until "
                     f"{entry.card.valid_until}); the fact may have changed")
        try:
            response, given = self.read_answer(entry)
            result = session.check(response) if response is not None else None
            self.feedback(entry, result, given)
            try:
                rating = self.read_grade(result)
            except _Quit:  # answered, not graded: say that nothing is kept
                self.say(f"NOT GRADED {entry.key}: this answer is not saved; the card stays due")
                raise
        except _Command as command:
            return self.command(command.name, entry, command.arg)
        elapsed = session.clock() - started
        duration_ms = max(0, int(elapsed.total_seconds() * 1000))
        try:
            saved = session.answer(rating, duration_ms=duration_ms, given=given,
                                   correct=None if result is None else result.correct)
        except StoreError as error:
            self.say(f"NOT SAVED {entry.key}: {error}")
            return _Outcome.FAILED
        if result is not None:
            went = outcome(result, saved.rating)  # the grade wins over the verdict, as saved
            self.outcomes[saved.review_id] = went
            self.count(went, +1)
        if not getattr(session, "records", True):  # a cram session (core/study/custom.py)
            self.say(f"CRAMMED {saved.key} {int(saved.rating)} not saved, not scheduled")
        else:
            self.say(f"SAVED {saved.key} {int(saved.rating)} due "
                     f"{saved.due.isoformat(timespec='seconds')}")
        self.changed()
        return _Outcome.NEXT

    def reschedule(self, name: str, entry: QueueEntry, when: str) -> None:
        """`:forget` or `:d WHEN` on the current card, as the app's N and D keys do."""
        session = self.session
        if not getattr(session, "records", True):
            self.say("NOT IN CRAM: a cram session changes no schedule")
            return
        state = session.state()
        if name == "forget":
            if state is None or state.is_new:
                self.say(f"NEW ALREADY {entry.key}")
                return
            session.forget()
            self.say(f"FORGOTTEN {entry.key}: it is new again; its history is kept")
        else:
            if state is None or state.due is None:
                self.say(f"NEW {entry.key}: it has no due date to set (answer it first)")
                return
            from briefing_quiz.core.study.due_date import parse_due

            hour = session.config.for_deck(entry.key.deck_id).day_starts_at_hour
            try:
                due = parse_due(when, now=session.clock(), tz=session.tz,
                                day_starts_at_hour=hour)
            except BriefingQuizError as error:
                self.say(f"NOT SET: {visible(str(error))}")
                return
            session.set_due(due)
            self.say(f"DUE {entry.key} {due.isoformat(timespec='seconds')}")
        self.changed()

    def count(self, went: str, step: int) -> None:
        """Add (`step` 1) or take back (-1) one checked answer's outcome."""
        self.checked += step
        self.right += step * (went == "right")
        self.partly += step * (went == "partly")

    def card_line(self, entry: QueueEntry) -> str:
        """`CARD i/n KEY TYPE new N learning L review R`: i of a total that stays put (learning
        steps coming back are not new cards), then what is left by kind, the current included."""
        i, n = self.session.position
        c = self.session.counts
        return (f"CARD {i}/{n} {entry.key} {entry.card.type} "
                f"new {c.new} learning {c.learning} review {c.review}")

    def command(self, name: str, entry: QueueEntry, note: str = "") -> _Outcome:
        session = self.session
        try:
            if name == "help":
                self.say(_HELP)
            elif name == "undo":
                undone = session.undo()
                self.say("NOTHING TO UNDO" if undone is None else f"UNDONE {undone.key}")
                if undone is not None:
                    kept = {a.review_id for a in session.answered}
                    for review_id in [r for r in self.outcomes if r not in kept]:
                        self.count(self.outcomes.pop(review_id), -1)
                    self.changed()
            elif name == "suspend":
                session.suspend()
                self.say(f"SUSPENDED {entry.key}")
                self.changed()
            elif name == "bury":
                session.bury()
                self.say(f"BURIED {entry.key}")
                self.changed()
            elif name in ("forget", "due"):
                self.reschedule(name, entry, note)
            elif name == "flag":  # the card stays current: its question is asked again
                session.flag(note)
                self.say(f"FLAGGED {entry.key}" + (f": {visible(note)}" if note else ""))
        except StoreError as error:
            self.say(f"NOT SAVED {entry.key}: {error}")
            return _Outcome.FAILED
        return _Outcome.NEXT

    def feedback(self, entry: QueueEntry, result: CheckResult | None, given: str | None) -> None:
        card = entry.card
        lines: list[str] = []
        for label, made in result.points if result is not None else ():
            # one line each, whatever the label holds (the output filter makes controls visible)
            lines.append(f"POINT {'made' if made else 'missed'} "
                         f"{visible(' '.join(label.split()))}")
        if result is not None:
            partly = any(made for _, made in result.points)  # open, some points
            verdict = "RIGHT" if result.correct else "PARTLY" if partly else "WRONG"
            lines.append(f"{verdict} ({result.detail})" if result.detail else verdict)
            if not result.correct:
                lines.append(f"YOURS: {result.given or '(nothing)'}")
            lines.append(f"ANSWER: {result.expected}")
        elif isinstance(card, BasicCard):
            lines.append(f"ANSWER: {card.answer}")
        if isinstance(card, ClozeCard):
            lines.append(f"FULL: {render_cloze(card.text, entry.key.item, reveal=True)}")
        if card.explain:
            lines.append(f"EXPLAIN: {card.explain}")
        if card.source:
            lines.append(f"SOURCE: “{card.source}”")
        if entry.changed_since_seen:
            lines.append("CHANGED: this card changed since you last saw it")
        preview = self.session.preview()
        lines.append("GRADES " + " ".join(f"{int(r)}:{format_interval(preview[r])}"
                                          for r in sorted(preview)))
        self.say(*lines)

    def read_grade(self, result: CheckResult | None) -> Rating:
        suggested = result.suggested if result is not None else Rating.Good
        prompt = f"Grade 1-4 (Enter = {int(suggested)} {suggested.name.lower()}):"
        while True:
            rating = _rating(self.ask(prompt), suggested)
            if rating is not None:
                return rating
            self.say("Please type 1 (again), 2 (hard), 3 (good) or 4 (easy), or Enter.")

    def summary(self) -> None:
        answered = self.session.answered
        by = {r: sum(1 for a in answered if a.rating == r) for r in Rating}
        parts = ", ".join(f"{r.name.lower()} {by[r]}" for r in Rating)
        partly = f", partly {self.partly}" if self.partly else ""
        checked = (f"; right {self.right}{partly} of {self.checked} checked" if self.checked
                   else "")
        self.say(f"SUMMARY answered {len(answered)}: {parts}{checked}; "
                 f"{self.session.remaining} left")
        if self.session.leeches:
            self.say("LEECHES " + ", ".join(str(k) for k in self.session.leeches))


class BriefingLoop(PlainLoop):
    """A plain briefing session (`study DECK --briefing --plain`): the study loop, opened with a
    `BRIEFING` line, a `READINESS` line after every saved change, and why it stopped."""

    session: BriefingSession

    def __init__(self, session: BriefingSession, stdin: TextIO, stdout: TextIO) -> None:
        super().__init__(session, stdin, stdout)
        self.session = session

    def opening(self) -> str:
        s = self.session
        countdown = format_countdown(s.target - s.clock())
        band = s.readiness.band  # its uncertainty (issue 13), shown from a point up
        shown = "" if band is None or band < 0.01 else f" ± {math.floor(band * 100 + 0.5)}"
        return (f"BRIEFING {s.deck.id} at {format_local(s.target, s.zone)} (in {countdown}): "
                f"readiness {percent_text(s.readiness.overall)}{shown}, the session stops at "
                f"{s.threshold:.0%}. q quits, :h lists the commands.")

    def closing(self) -> str:
        return f"DONE {self.session.stop_text()}"

    def card_line(self, entry: QueueEntry) -> str:
        s = self.session  # no stable total: the items below the threshold change as you answer
        return f"CARD {s.done + 1}/{s.done + s.remaining} {entry.key} {entry.card.type}"

    def changed(self) -> None:
        s = self.session
        before = s.trail[-2] if len(s.trail) > 1 else s.trail[-1]
        self.say(f"READINESS {percent_text(s.trail[-1])} ({change_text(before, s.trail[-1])})")

    def summary(self) -> None:
        super().summary()
        s = self.session
        weakest = ", ".join(f"{tag} {math.floor(value * 100 + 1e-9)}%"
                            for tag, value in s.readiness.weakest)
        self.say(f"READINESS {percent_text(s.start_readiness.overall)} -> "
                 f"{percent_text(s.readiness.overall)}" + (f"; weakest: {weakest}" if weakest
                                                          else ""))


def _numbers(text: str, top: int) -> list[int] | None:
    """'3 1 2' / '3,1,2' / '312' (when every number is one digit) -> [3, 1, 2]; None if invalid."""
    parts = [p for p in re.split(r"[\s,;]+", text.strip()) if p]
    if len(parts) == 1 and top < 10 and parts[0].isdigit() and len(parts[0]) > 1:
        parts = list(parts[0])
    if not parts or not all(p.isdigit() for p in parts):
        return None
    numbers = [int(p) for p in parts]
    return numbers if all(1 <= n <= top for n in numbers) else None


def _rating(text: str, suggested: Rating) -> Rating | None:
    word = text.strip().lower()
    if not word:
        return suggested
    if word in ("1", "2", "3", "4"):
        return Rating(int(word))
    matches = [r for name, r in _NAMES.items() if name.startswith(word)]
    return matches[0] if len(matches) == 1 else None


def run_plain(session: StudySession, stdin: TextIO, stdout: TextIO) -> int:
    """Run a plain session over `stdin`/`stdout`; 0 normally, 1 when an answer was not saved.
    A `BriefingSession` runs as a briefing session (`BriefingLoop`)."""
    if isinstance(session, BriefingSession):
        return BriefingLoop(session, stdin, stdout).run()
    return PlainLoop(session, stdin, stdout).run()
