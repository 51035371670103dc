"""F9 checklists: pick the opening, mid-day or closing check, then walk its items.

Each item is OK (o or Enter) or a problem (p, then its note and Enter). When every item has its
answer the walk is stored in one go, and each problem becomes a ``check`` entry of the log.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Static

from lobby_tui import locale
from lobby_tui.domain.checklists import CHECKLIST_NAMES, draft_name, mark, problems_text
from lobby_tui.domain.lists import CHECKLIST_PHASES
from lobby_tui.domain.validation import NOTE_MAX_LENGTH
from lobby_tui.locale import N_, _
from lobby_tui.screens.base import LobbyScreen
from lobby_tui.widgets.footer import LobbyFooter
from lobby_tui.widgets.form import TypedInput
from lobby_tui.widgets.header import DutyHeader
from lobby_tui.widgets.keys import queued_keys_handled
from lobby_tui.widgets.timeline import plain
from lobby_tui.writes import WriteJob, WriteRefused

if TYPE_CHECKING:
    from lobby_tui.data.views import CheckAnswer, ChecklistDay, ChecklistRun
    from lobby_tui.domain.lists import Choice

WALK_ACTIONS = {"ok", "problem"}


class ChecklistsScreen(LobbyScreen):
    STATUS = "#checks-status"  # where a failed background job is reported
    # Priority bindings run in the order keys are typed (see widgets/form.py): "p" then the
    # note's first letter, or Enter then "o", land where they were meant to.
    BINDINGS = [
        Binding("o", "ok", N_("OK"), id="check_ok", priority=True),
        Binding("p", "problem", N_("Problem"), id="check_problem", priority=True),
        Binding("enter", "enter", N_("OK"), id="check_enter", show=False, priority=True),
        *(
            Binding(
                str(n), f"pick({n})", N_("Pick"), id=f"check_pick_{n}", show=False, priority=True
            )
            for n in range(1, len(CHECKLIST_PHASES) + 1)
        ),
    ]
    DEFAULT_CSS = """
    #checks-box {
        margin: 1 2; padding: 0 2; height: 1fr; border: round $primary; background: $panel;
    }
    #checks-lists { height: auto; }
    #checks-items { height: auto; max-height: 24; }
    #checks-note { display: none; margin: 1 0 0 0; }
    #checks-note.-shown { display: block; }
    #checks-status { height: auto; color: $success; text-style: bold; }
    """

    class DaysLoaded(Message):
        def __init__(self, days: list[ChecklistDay]) -> None:
            super().__init__()
            self.days = days

    class Recorded(Message):
        def __init__(self, run: ChecklistRun) -> None:
            super().__init__()
            self.run = run

    class DraftKept(Message):
        pass

    def __init__(self) -> None:
        super().__init__(id="checklists")
        self.checklist: str | None = None  # the one being walked
        self.items: tuple[Choice, ...] = ()
        self.answers: dict[str, CheckAnswer] = {}
        self._saving = False

    def compose(self) -> ComposeResult:
        yield DutyHeader()
        with Vertical(id="checks-box"):
            yield Static(_("Checklists"), id="checks-title", classes="box-title")
            yield DataTable(id="checks-lists", cursor_type="row", zebra_stripes=True)
            yield DataTable(id="checks-items", cursor_type="row", zebra_stripes=True)
            yield TypedInput(id="checks-note", max_length=NOTE_MAX_LENGTH)
            yield Static("", id="checks-status", markup=False)
            yield Static("", id="checks-hint", classes="hint")
        yield LobbyFooter()

    def on_mount(self) -> None:
        lists = self.query_one("#checks-lists", DataTable)
        lists.add_column("", key="key", width=2)
        lists.add_column(_("Checklist"), key="name", width=20)
        lists.add_column(_("Today"), key="today")
        items = self.query_one("#checks-items", DataTable)
        items.add_column("", key="key", width=3)
        items.add_column(_("Item"), key="item")
        items.add_column(_("Result"), key="result")
        self._show_picker()
        self._load_days()

    # -- picking a checklist ---------------------------------------------------------------

    @work(thread=True, exclusive=True, group="checklists", exit_on_error=False)
    def _load_days(self) -> None:
        self.post_message(
            self.DaysLoaded(
                self.session.store.checklists.of_day(self.session.actor, self.session.today())
            )
        )

    @on(DaysLoaded)
    def _show_days(self, event: DaysLoaded) -> None:
        table = self.query_one("#checks-lists", DataTable)
        table.clear()
        for number, day in enumerate(event.days, start=1):
            table.add_row(
                str(number),
                _(CHECKLIST_NAMES[day.checklist]),
                self._day_text(day),
                key=day.checklist,
            )
        undone = [n for n, day in enumerate(event.days) if not day.done]
        table.move_cursor(row=undone[0] if undone else 0)

    def _day_text(self, day: ChecklistDay) -> Text:
        if not day.done:
            return Text(mark(day), style="dim")
        at = day.last_at.astimezone(self.session.zone).strftime("%H:%M")
        shown = Text(mark(day) + " ", style="bold green")
        shown.append(f"{at} {day.staff_name} ({day.staff_no})")
        if day.problems:
            shown.append(" · " + problems_text(day), style="bold yellow")
        return shown

    def _show_picker(self) -> None:
        self.checklist = None
        self.query_one("#checks-title", Static).update(_("Checklists"))
        self.query_one("#checks-items", DataTable).display = False
        self._hide_note()
        lists = self.query_one("#checks-lists", DataTable)
        lists.display = True
        self.set_focus(lists)
        self.query_one("#checks-hint", Static).update(
            _("1–3 or Enter: walk a checklist · Esc: back to the desk")
        )
        self.refresh_bindings()

    def action_pick(self, number: int) -> None:
        self._walk(CHECKLIST_PHASES[number - 1])

    async def action_enter(self) -> None:
        """Enter walks the checklist under the cursor, answers OK, or saves the note."""
        if self._note_open():
            # The note's last keys may still wait in its queue: let it type them first.
            await queued_keys_handled(self.query_one("#checks-note", Input))
            self._note_given()
        elif self.checklist is not None:
            self.action_ok()
        else:
            row = self.query_one("#checks-lists", DataTable).cursor_row
            self._walk(CHECKLIST_PHASES[max(0, row)])

    # -- walking its items -----------------------------------------------------------------

    def _walk(self, checklist: str) -> None:
        items = self.session.settings.lists.checklist[checklist]
        if not items:
            self.notify(_("This checklist has no items in the branch's lists."), severity="warning")
            return
        self.checklist, self.items, self.answers = checklist, items, {}
        kept = self.session.drafts.get(draft_name(checklist), {})
        language = locale.language()
        self.query_one("#checks-title", Static).update(_(CHECKLIST_NAMES[checklist]))
        self.query_one("#checks-lists", DataTable).display = False
        table = self.query_one("#checks-items", DataTable)
        table.clear()
        for number, item in enumerate(items, start=1):
            table.add_row(str(number), Text(item.label(language)), "", key=item.code)
        table.display = True
        table.move_cursor(row=0)
        self.set_focus(table)
        self.query_one("#checks-status", Static).update("")
        self._walk_hint()
        self.refresh_bindings()
        # A walk left with Esc (or a killed terminal) goes on where it stopped.
        for item in items:
            if item.code in kept:
                self._answer(item, ok=not kept[item.code], note=kept[item.code] or None, keep=False)
        if kept:
            self.query_one("#checks-status", Static).update(
                _("The answers given before are kept: {n} of {total}.").format(
                    n=len(self.answers), total=len(items)
                )
            )

    def _walk_hint(self) -> None:
        self.query_one("#checks-hint", Static).update(
            _("o or Enter: OK · p: a problem, with its note · ↑↓: another item · Esc: leave")
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        walking = self.checklist is not None and not self._note_open()
        if action in WALK_ACTIONS:
            return True if walking else None
        if action == "pick":
            return self.checklist is None
        return True

    def _current(self) -> Choice | None:
        table = self.query_one("#checks-items", DataTable)
        if self.checklist is None or not 0 <= table.cursor_row < len(self.items):
            return None
        return self.items[table.cursor_row]

    def action_ok(self) -> None:
        if (item := self._current()) is not None:
            self._answer(item, ok=True)

    def action_problem(self) -> None:
        if (item := self._current()) is None:
            return
        self.query_one("#checks-hint", Static).update(
            Text(
                _("{item}: what is wrong? Enter: save · Enter on nothing: back").format(
                    item=item.label(locale.language())
                )
            )
        )
        note = self.query_one("#checks-note", Input)
        note.value = ""
        note.add_class("-shown")
        self.set_focus(note)
        self.refresh_bindings()

    def _note_given(self) -> None:
        text = self.query_one("#checks-note", Input).value.strip()
        item = self._current()
        self._hide_note()
        if item is not None and text:
            self._answer(item, ok=False, note=text)

    def _note_open(self) -> bool:
        return self.query_one("#checks-note", Input).has_class("-shown")

    def _hide_note(self) -> None:
        note = self.query_one("#checks-note", Input)
        note.remove_class("-shown")
        note.value = ""
        if self.checklist is not None:
            self.set_focus(self.query_one("#checks-items", DataTable))
            self._walk_hint()
        self.refresh_bindings()

    def _answer(
        self, item: Choice, *, ok: bool, note: str | None = None, keep: bool = True
    ) -> None:
        from lobby_tui.data.views import CheckAnswer

        label = item.label(locale.language())
        self.answers[item.code] = CheckAnswer(item=item.code, label=label, ok=ok, note=note)
        table = self.query_one("#checks-items", DataTable)
        if ok:
            result = Text("✓ " + _("OK"), style="bold green")
        else:
            result = Text("✗ " + _("problem") + ": ", style="bold red") + plain(note, 120)
        table.update_cell(item.code, "result", result, update_width=True)
        codes = [choice.code for choice in self.items]
        here = codes.index(item.code)
        later = [
            n for n in (*range(here + 1, len(codes)), *range(here)) if codes[n] not in self.answers
        ]
        if later:
            table.move_cursor(row=later[0])
            if keep:
                self._keep_draft()
        else:
            self._save()

    def _keep_draft(self) -> None:
        """Keep the answers given so far as this walk's draft: an item's code, and "" for OK
        or the problem's note."""
        name = draft_name(self.checklist)
        fields = {code: answer.note or "" for code, answer in self.answers.items()}
        self.session.form_left(name, fields)
        store, actor = self.session.store, self.session.actor
        self.session.writes.put(
            WriteJob(
                run=partial(store.drafts.save, actor, name, fields),
                reply_to=self,
                done=lambda _result: self.DraftKept(),
                failed=WriteRefused,
            )
        )

    def _save(self) -> None:
        if self._saving:
            return
        self._saving = True
        answers = [self.answers[item.code] for item in self.items]
        self.query_one("#checks-status", Static).update(_("saving…"))
        store, actor = self.session.store, self.session.actor
        name = draft_name(self.checklist)
        self.session.form_left(name, None)

        def record() -> ChecklistRun:
            run = store.checklists.record(actor, self.checklist, answers)
            store.drafts.clear(actor, name)
            return run

        self.session.writes.put(
            WriteJob(
                run=record,
                reply_to=self,
                done=self.Recorded,
                failed=WriteRefused,
            )
        )

    @on(Recorded)
    def _recorded(self, event: Recorded) -> None:
        self._saving = False
        run = event.run
        for entry in run.entries:
            self.wrote(entry, added=True)
        name = _(CHECKLIST_NAMES[run.checklist])
        if run.entries:
            ids = ", ".join(f"#{entry.id}" for entry in run.entries)
            message = _("{checklist} saved; problems logged as {ids}").format(
                checklist=name, ids=ids
            )
        else:
            message = _("{checklist} saved: all OK").format(checklist=name)
        self._show_picker()
        self.query_one("#checks-status", Static).update(message)
        self._load_days()

    @on(WriteRefused)
    def _refused(self, event: WriteRefused) -> None:
        event.stop()
        self._saving = False
        self.query_one("#checks-status", Static).update(_("not saved"))
        self.report_failure(event.error)
