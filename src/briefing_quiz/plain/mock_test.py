"""The plain mock test (`study DECK --test N --plain`): the same `MockTest` as the app's, over
stdin/stdout, with the console of the plain study loop (`briefing_quiz.plain`)."""

from __future__ import annotations

from typing import TextIO

from briefing_quiz.core.errors import StoreError
from briefing_quiz.core.study.mock_test import MockResult, MockTest
from briefing_quiz.core.study.queue import QueueEntry
from briefing_quiz.plain import _Command, _Console, _Quit


class MockTestLoop(_Console):
    """A plain mock test (`study DECK --test N --plain`). Questions start with a `QUESTION` line
    (as `CARD` lines do); nothing is said about an answer until the end::

        TEST 10 questions from feb2022: a rehearsal, your schedule does not change. q ends it.
        QUESTION 1/10 feb2022/troops typed
        ...
        SCORE 7 of 10 right (70%)                 (when ended early: "...; 4 not answered")
        MISS feb2022/troops: <the question>       one block per wrong answer
          YOURS: 100,000
          ANSWER: 130,000
        RECORDED mock test 3; your schedule is unchanged
    """

    def __init__(self, test: MockTest, stdin: TextIO, stdout: TextIO) -> None:
        super().__init__(test, stdin, stdout)
        self.test = test

    def run(self) -> int:
        test = self.test
        self.say(f"TEST {test.planned} question{'' if test.planned == 1 else 's'} from "
                 f"{test.deck.id}: a rehearsal, your schedule does not change. q ends it.")
        try:
            while (entry := test.next()) is not None:
                self.say(f"QUESTION {test.done + 1}/{test.planned} {entry.key} {entry.card.type}")
                started = test.clock()
                response = self._read(entry)
                elapsed = test.clock() - started
                test.answer(response, duration_ms=max(0, int(elapsed.total_seconds() * 1000)))
        except _Quit:
            pass
        try:
            result = test.finish()
        except StoreError as error:
            self.say(f"NOT SAVED mock test: {error}")
            return 1
        self.report(result)
        return 0

    def _read(self, entry: QueueEntry) -> object:
        while True:
            try:
                response, _given = self.read_answer(entry)
            except _Command as command:
                self.say(_TEST_HELP if command.name == "help" else
                         "Not in a mock test: it changes nothing. q ends it.")
                continue
            return "" if response is None else response

    def report(self, result: MockResult) -> None:
        left = result.planned - result.answered
        if not result.answered:
            self.say("SCORE nothing answered; nothing recorded")
            return
        self.say(f"SCORE {result.right} of {result.answered} right ({result.percent}%)"
                 + (f"; {left} not answered" if left else ""))
        if result.points_asked:  # open questions count their share of points in the percentage
            self.say(f"POINTS {result.points_made} of {result.points_asked} made in the open "
                     "answers")
        for miss in result.misses:
            self.say(f"MISS {miss.key}: {miss.question}", f"  YOURS: {miss.given or '(nothing)'}",
                     f"  ANSWER: {miss.expected}")
        self.say(f"RECORDED mock test {result.test_id}; your schedule is unchanged")


_TEST_HELP = "A mock test: answer each question; the score and the misses come at the end. q ends it."


def run_mock_test(test: MockTest, stdin: TextIO, stdout: TextIO) -> int:
    """Run a plain mock test; 0 normally, 1 when it could not be recorded."""
    return MockTestLoop(test, stdin, stdout).run()
