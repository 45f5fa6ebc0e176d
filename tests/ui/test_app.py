"""Pilot tests: drive every screen and card type with keys, then check the progress file itself."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from fsrs import Rating
from textual.pilot import Pilot

from briefing_quiz.core.model import ItemKey
from briefing_quiz.core.progress.store import Store
from briefing_quiz.paths import Paths
from briefing_quiz.ui.app import QuizApp
from briefing_quiz.ui.screens.browse import BrowseScreen
from briefing_quiz.ui.screens.decks import DecksScreen
from briefing_quiz.ui.screens.help import HelpScreen
from briefing_quiz.ui.screens.study import StudyScreen
from briefing_quiz.ui.screens.summary import SummaryScreen
from briefing_quiz.ui.widgets.cards import ChoiceController, OrderController
from tests.conftest import FrozenClock
from tests.ui.conftest import press, ready, screen_text, settle

MakeApp = Callable[..., QuizApp]


def study(app: QuizApp) -> StudyScreen:
    assert isinstance(app.screen, StudyScreen), type(app.screen).__name__
    return app.screen


def current_card_id(app: QuizApp) -> str:
    entry = study(app).entry
    assert entry is not None
    return entry.key.card_id


async def type_text(pilot: Pilot[int], text: str) -> None:
    await pilot.press(*("space" if c == " " else c for c in text))


async def pick_choice(pilot: Pilot[int], text: str) -> None:
    controller = study(pilot.app).controller  # type: ignore[arg-type]
    assert isinstance(controller, ChoiceController)
    await press(pilot, str(controller.order.index(text) + 1))


async def put_in_order(pilot: Pilot[int], right: list[str]) -> None:
    """Sort the order card with the keyboard: highlight with j/k, move with K (alt+up)."""
    area = study(pilot.app).controller  # type: ignore[arg-type]
    assert isinstance(area, OrderController)
    for target, item in enumerate(right):
        where = area.items.index(item)
        while area.cursor < where:
            await pilot.press("j")
        while area.cursor > where:
            await pilot.press("k")
        for _ in range(where - target):
            await pilot.press("alt+up" if target % 2 else "K")
    assert area.items == right


def reviews(paths: Paths) -> list[tuple[str, Rating, str | None, bool | None, bool]]:
    with Store.open(paths.data_file, readonly=True) as store:
        return [(str(r.key), r.rating, r.given, r.correct, r.undone) for r in store.reviews()]


async def test_first_run_welcomes_and_counts_decks(make_app: MakeApp, paths: Paths) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        text = screen_text(app)
        assert "Welcome to briefing-quiz!" in text
        assert "press enter to study it" in text
        row = next(line for line in text.splitlines() if "mini" in line)
        # deck, new, learning, due, total, recall, title
        assert row.split()[:6] == ["mini", "7", "0", "0", "7", "—"]
    assert paths.data_file.exists()


async def test_every_card_type_answered_right_is_saved(make_app: MakeApp, paths: Paths) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "enter")
        assert current_card_id(app) == "basic-capital"
        await press(pilot, "space")
        assert "Kyiv" in screen_text(app) and "Grade yourself" in screen_text(app)
        await press(pilot, "3")

        assert current_card_id(app) == "typed-troops"
        await type_text(pilot, "130000")
        await press(pilot, "enter")
        assert "✓ Right" in screen_text(app)
        assert "saved" not in screen_text(app).splitlines()[0]
        await press(pilot, "enter")  # the suggested grade: Good
        assert "✓ saved Good" in screen_text(app)

        assert current_card_id(app) == "choice-advisor"
        await pick_choice(pilot, "Jake Sullivan")
        assert "✓ Right" in screen_text(app)
        await press(pilot, "4")

        assert current_card_id(app) == "truefalse-poland"
        await press(pilot, "t", "enter")

        assert current_card_id(app) == "cloze-formations"
        assert "[peninsula]" in screen_text(app)
        await type_text(pilot, "crimea")
        await press(pilot, "enter")
        assert "✓ Right" in screen_text(app)
        await press(pilot, "enter")

        assert current_card_id(app) == "order-figures"
        await put_in_order(pilot, ["1000", "1700", "3000", "130000"])
        await press(pilot, "enter")
        assert "✓ Right" in screen_text(app)
        await press(pilot, "2")
        await press(pilot, "escape")
        assert isinstance(app.screen, SummaryScreen)
        text = screen_text(app)
        assert "Reviewed:   6 answers (6 cards)" in text and "✓ 6" in text and "✗ 0" in text

    assert reviews(paths) == [
        ("mini/basic-capital", Rating.Good, None, None, False),
        ("mini/typed-troops", Rating.Good, "130000", True, False),
        ("mini/choice-advisor", Rating.Easy, "Jake Sullivan", True, False),
        ("mini/truefalse-poland", Rating.Good, "True", True, False),
        ("mini/cloze-formations#1", Rating.Good, "crimea", True, False),
        ("mini/order-figures", Rating.Hard, "1000 → 1700 → 3000 → 130000", True, False),
    ]


async def test_wrong_answers_show_the_right_one_and_are_saved(make_app: MakeApp,
                                                             paths: Paths) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "enter", "space", "1")  # basic: self-graded Again
        await type_text(pilot, "120k")
        await press(pilot, "enter")
        text = screen_text(app)
        assert "✗ Wrong" in text and "Answer:    130,000" in text and "You wrote: 120k" in text
        assert "▶ 1 Again" in text  # the suggestion
        await press(pilot, "enter")
        await pick_choice(pilot, "Lloyd Austin")
        text = screen_text(app)
        assert "✗ wrong, your choice" in text and "✓ right, missed" in text
        await press(pilot, "enter", "f")
        assert "✗ your answer" in screen_text(app) and "✓ the right answer" in screen_text(app)
        await press(pilot, "enter", "space")  # cloze revealed with space on the empty line
        assert "Crimea" in screen_text(app)
        await press(pilot, "2")
        await press(pilot, "enter")  # order submitted as shuffled: never already right
        text = screen_text(app)
        assert "✗ Wrong" in text and "Right order:" in text and "✗ belongs at" in text
        await press(pilot, "enter", "escape")
        text = screen_text(app)
        assert "Reviewed:   6 answers (6 cards)" in text
        assert "✓ 1" in text and "✗ 5" in text  # the revealed cloze, graded Hard, counts as right
        assert "→ 130,000" in text and "→ Jake Sullivan" in text and "→ Kyiv" in text
        assert "→ 1000 → 1700 → 3000 → 130000" in text
        assert "Next due:   in 1m" in text
        await press(pilot, "enter")
        assert isinstance(app.screen, DecksScreen)
        row = next(line for line in screen_text(app).splitlines() if " mini " in line)
        assert row.split()[1:5] == ["1", "6", "0", "7"]  # 1 new left, 6 learning

    saved = reviews(paths)
    assert [(k, r, c) for k, r, _g, c, _u in saved] == [
        ("mini/basic-capital", Rating.Again, None),
        ("mini/typed-troops", Rating.Again, False),
        ("mini/choice-advisor", Rating.Again, False),
        ("mini/truefalse-poland", Rating.Again, False),
        ("mini/cloze-formations#1", Rating.Hard, None),
        ("mini/order-figures", Rating.Again, False),
    ]


async def test_undo_goes_back_to_the_card_and_marks_the_review_undone(
        make_app: MakeApp, paths: Paths) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "enter", "space", "3")
        assert current_card_id(app) == "typed-troops"
        await press(pilot, "u")  # typed into the answer: the input has the keys
        assert current_card_id(app) == "typed-troops"
        await press(pilot, "ctrl+z")  # not an undo of the last grade while typing (issue 17)
        assert current_card_id(app) == "typed-troops"
        await press(pilot, "escape", "u")  # the card's keys, then undo
        assert current_card_id(app) == "basic-capital"
        assert "↶ undone" in screen_text(app)
        assert "0 done" in screen_text(app)
        await press(pilot, "space", "4")
        assert current_card_id(app) == "typed-troops"
    assert reviews(paths) == [
        ("mini/basic-capital", Rating.Good, None, None, True),
        ("mini/basic-capital", Rating.Easy, None, None, False),
    ]


async def test_suspend_and_bury_act_on_the_store(make_app: MakeApp, paths: Paths,
                                                clock: FrozenClock) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "enter", "exclamation_mark")
        assert current_card_id(app) == "typed-troops"
        await press(pilot, "enter")  # an empty answer: counts as "don't know", frees the keys
        await press(pilot, "minus")
        assert current_card_id(app) == "choice-advisor"
        await press(pilot, "escape", "enter")
    with Store.open(paths.data_file, readonly=True) as store:
        basic = store.get(ItemKey("mini", "basic-capital"))
        typed = store.get(ItemKey("mini", "typed-troops"))
        assert basic is not None and basic.suspended
        assert typed is not None and typed.is_buried(clock.now)
        assert not typed.is_buried(clock.now + timedelta(days=1))
        assert typed.is_new  # buried unanswered: the empty answer was never graded
        assert list(store.reviews()) == []


async def test_locate_shows_file_and_line(make_app: MakeApp, deck_dir: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    # e opens the card in the editor (tests/ui/test_edit.py); one that changes nothing here.
    monkeypatch.setenv("VISUAL", "true")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "enter", "space", "e")
        messages = [n.message for n in app._notifications]
        assert any(f"{deck_dir / 'mini.toml'}:12" in m for m in messages), messages


async def test_broken_deck_is_listed_and_the_others_work(make_app: MakeApp, deck_dir: Path,
                                                         paths: Paths) -> None:
    (deck_dir / "broken.toml").write_text(
        'format = 1\n[deck]\nid = "broken"\ntitle = "B"\n\n[[cards]]\nid = "x"\ntype = "basic"\n'
        'question = "q"\n', encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot)
        text = screen_text(app)
        assert "1 deck file could not be loaded" in text
        assert f"{deck_dir / 'broken.toml'}:6" in text
        await press(pilot, "enter", "space", "3")
    assert len(reviews(paths)) == 1


async def test_reload_reads_decks_again(make_app: MakeApp, deck_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        assert "second" not in screen_text(app)
        (deck_dir / "second.toml").write_text(
            'format = 1\n[deck]\nid = "second"\ntitle = "Second deck"\n\n[[cards]]\nid = "a"\n'
            'type = "truefalse"\nstatement = "s"\nanswer = false\n', encoding="utf-8")
        await press(pilot, "r")
        assert "Second deck" in screen_text(app)
        assert any("Reloaded 2 decks" in n.message for n in app._notifications)


async def test_study_all_then_nothing_left(make_app: MakeApp, paths: Paths) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "enter")  # `a` studies what is due only (tests/ui/test_counts.py)
        for _ in range(40):  # the 6 new cards, then the learning steps that come due
            if not isinstance(app.screen, StudyScreen):
                break
            await press(pilot, "escape" if study(app).phase != "question" else "space")
        assert isinstance(app.screen, SummaryScreen)


async def test_browse_filters_sorts_and_suspends(make_app: MakeApp, paths: Paths) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "b")
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        assert len(screen.shown) == 7
        await press(pilot, "slash")
        await type_text(pilot, "crimea")
        await settle(pilot)
        assert [r.row.key.card_id for r in screen.shown] == ["cloze-formations"] * 2
        await press(pilot, "enter")  # back to the table
        assert "occupied [peninsula]" in screen_text(app)
        await press(pilot, "exclamation_mark")
        assert screen.shown[0].row.suspended
        assert "SUSPENDED" in screen_text(app)
        await press(pilot, "slash", "ctrl+u", "escape", "o")  # clear the search; sort by "Stab"
        assert len(screen.shown) == 7
        assert "Stab ▲" in screen_text(app)
        await press(pilot, "O")
        assert "Stab ▼" in screen_text(app)
        await press(pilot, "escape")
        assert isinstance(app.screen, DecksScreen)
    with Store.open(paths.data_file, readonly=True) as store:
        state = store.get(ItemKey("mini", "cloze-formations", 1))
        assert state is not None and state.suspended


async def test_browse_shows_review_history(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(pilot)
        await press(pilot, "enter", "space", "3", "escape", "escape", "enter", "b")
        text = screen_text(app)
        assert "Review history:" in text
        assert "2022-02-14 09:30  Good   self-graded  next 10m" in text


async def test_help_lists_keys_from_help_md(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(pilot)
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "briefing-quiz — keys" in text and "study everything due" in text
        await press(pilot, "escape")
        assert isinstance(app.screen, DecksScreen)


async def test_every_decks_key_is_a_palette_command(make_app: MakeApp) -> None:
    from briefing_quiz.ui.commands import ScreenCommands

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        provider = ScreenCommands(app.screen)
        titles = [hit.text async for hit in provider.discover()]
        for title in ("Study deck", "Study all due", "Browse", "Stats", "Reload", "Help", "Quit"):
            assert title in titles
        hits = [hit async for hit in provider.search("browse")]
        assert hits
        await hits[0].command()  # type: ignore[misc]
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)


async def test_theme_is_remembered_in_the_config_file(make_app: MakeApp, paths: Paths) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        app.theme = "nord"
        await settle(pilot)
    assert "nord" in paths.config_file.read_text(encoding="utf-8")
    again = make_app()
    async with again.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        assert again.theme == "nord"


async def test_unusable_progress_file_is_reported_not_raised(make_app: MakeApp,
                                                             paths: Paths) -> None:
    paths.data_file.write_bytes(b"this is not a database" * 100)
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot)
        assert "✗ Progress file:" in screen_text(app)
        await press(pilot, "enter")
        assert isinstance(app.screen, DecksScreen)
        assert any(n.severity == "error" for n in app._notifications)
    assert paths.data_file.read_bytes().startswith(b"this is not")


async def test_an_edited_card_is_marked_changed(make_app: MakeApp, deck_dir: Path,
                                                clock: FrozenClock) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "enter", "space", "1", "escape", "escape", "enter")  # Again: 1m
        deck = deck_dir / "mini.toml"
        deck.write_text(deck.read_text(encoding="utf-8").replace(
            "What is the capital of Ukraine?", "Which city is the capital of Ukraine?"),
            encoding="utf-8")
        clock.advance(timedelta(minutes=2))
        await press(pilot, "r", "a")
        assert current_card_id(app) == "basic-capital"
        text = screen_text(app)
        assert "⚠ changed since you last saw it" in text and "Which city" in text


async def test_a_failed_save_is_reported_and_nothing_moves_on(
        make_app: MakeApp, paths: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    from briefing_quiz.core.errors import StoreError
    from briefing_quiz.core.study.session import StudySession

    def refuse(*args: object, **kwargs: object) -> None:
        raise StoreError(f"cannot save to {paths.data_file}: disk full")

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "enter", "space")
        monkeypatch.setattr(StudySession, "answer", refuse)
        await press(pilot, "3")
        assert current_card_id(app) == "basic-capital"  # still on the card, still answerable
        assert study(app).phase == "answered"
        assert "✗ not saved" in screen_text(app) and "✓ saved" not in screen_text(app)
        assert any("NOT saved" in n.message and "disk full" in n.message
                   for n in app._notifications)
        monkeypatch.undo()
        await press(pilot, "3")
        assert current_card_id(app) == "typed-troops"
    assert [r[0] for r in reviews(paths)] == ["mini/basic-capital"]
