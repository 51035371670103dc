"""The branch's reference lists: business types, counters, managers, priority reasons, enquiry
topics and checklist items.

The shipped defaults, a typical Chinese branch, are ``lobby_tui/defaults.toml``; a branch
replaces any section of them in its config file under ``[lists]``. Codes are what the duty log
stores; labels, in both languages, are what staff see. A list that cannot be used is refused
with one message naming the file and the line.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from lobby_tui.domain.toml_lines import TomlLines
from lobby_tui.locale import _

CODE_RE = re.compile(r"^[a-z0-9_]{1,32}$")
LABEL_MAX_LENGTH = 60
PICK_LIMIT = 9  # the digits 1–9 pick from a short list
COUNTERS_MAX = 30
# Fixed (a coarse reason only): a branch may change the labels, never the codes.
PRIORITY_CODES = ("none", "elderly", "disability", "pregnant", "vip", "other")
MANAGER_ROLES = ("wealth", "relationship")
CHECKLIST_PHASES = ("opening", "midday", "closing")
DEFAULTS_FILE = "defaults.toml"


@dataclass(frozen=True)
class Choice:
    """One item of a list: the ``code`` the duty log stores and its label in each language."""

    code: str
    zh: str
    en: str
    role: str | None = None  # a manager's: "wealth" or "relationship"

    def label(self, language: str) -> str:
        """The label in ``language`` (``zh`` or ``en``)."""
        return self.zh if language == "zh" else self.en


_QUEUE_PLACES = (
    Choice("self_service", "自助设备", "Self-service"),
    Choice("wealth_manager", "理财经理", "Wealth manager"),
    Choice("relationship_manager", "客户经理", "Relationship manager"),
    Choice("vip_room", "贵宾室", "VIP room"),
    Choice("other", "其他", "Other"),
)
_HANDOFF_PLACES = (
    Choice("vip_room", "贵宾室", "VIP room"),
    Choice("other_branch", "其他网点", "Another branch"),
)


@dataclass(frozen=True)
class BranchLists:
    """Everything the forms pick from. ``checklist`` maps each of ``CHECKLIST_PHASES`` to its
    items."""

    business: tuple[Choice, ...]
    priorities: tuple[Choice, ...]
    topics: tuple[Choice, ...]
    managers: tuple[Choice, ...]
    counters: int
    checklist: Mapping[str, tuple[Choice, ...]]

    def queue_targets(self) -> tuple[Choice, ...]:
        """Where guidance sends a customer: counter:1 … counter:N first, so the digit N picks
        counter N, then the self-service machines, the managers, the VIP room, other."""
        return (*_counter_choices(self.counters), *_QUEUE_PLACES)

    def handoff_targets(self) -> tuple[Choice, ...]:
        """To whom a customer is handed: counter:1 … counter:N, each named manager as
        ``manager:<code>``, the VIP room, another branch."""
        managers = (replace(m, code=f"manager:{m.code}") for m in self.managers)
        return (*_counter_choices(self.counters), *managers, *_HANDOFF_PLACES)

    def find(self, list_name: str, code: str) -> Choice | None:
        """The choice with ``code`` in ``list_name`` (a key of ``LIST_NAMES`` or a checklist
        phase); None when the list has no such code, as for an entry stored before the branch
        changed its lists."""
        if list_name in CHECKLIST_PHASES:
            choices = self.checklist[list_name]
        else:
            choices = LIST_NAMES[list_name](self)
        return next((choice for choice in choices if choice.code == code), None)


LIST_NAMES: dict[str, Callable[[BranchLists], tuple[Choice, ...]]] = {
    "business": lambda lists: lists.business,
    "priority": lambda lists: lists.priorities,
    "topic": lambda lists: lists.topics,
    "manager": lambda lists: lists.managers,
    "queue_target": BranchLists.queue_targets,
    "handoff_target": BranchLists.handoff_targets,
}


def _counter_choices(count: int) -> tuple[Choice, ...]:
    return tuple(Choice(f"counter:{n}", f"{n}号窗口", f"Counter {n}") for n in range(1, count + 1))


class ListsError(ValueError):
    """A list cannot be used; the message names the file and the line."""

    def __init__(self, source: str, line: int, problem: str) -> None:
        super().__init__(
            _("{source}, line {line}: {problem}").format(source=source, line=line, problem=problem)
        )
        self.source = source
        self.line = line
        self.problem = problem


@cache
def default_lists() -> BranchLists:
    """The lists shipped in ``lobby_tui/defaults.toml``: a typical Chinese branch."""
    text = resources.files("lobby_tui").joinpath(DEFAULTS_FILE).read_text(encoding="utf-8")
    empty = BranchLists((), (), (), (), 0, MappingProxyType(dict.fromkeys(CHECKLIST_PHASES, ())))
    return _Reader(text, DEFAULTS_FILE, prefix=()).read(parse_toml(text, DEFAULTS_FILE), empty)


def lists_from_toml(text: str, source: str, base: BranchLists | None = None) -> BranchLists:
    """The lists of a config file's ``text`` (see ``lists_from_config``)."""
    return lists_from_config(parse_toml(text, source), text, source, base)


def lists_from_config(
    config: Mapping[str, Any], text: str, source: str, base: BranchLists | None = None
) -> BranchLists:
    """The lists of an already parsed config file: each section given under ``[lists]``
    replaces that of ``base`` (the shipped defaults when None), the others are kept. ``text`` is
    the file's text, for the line an error names."""
    base = base or default_lists()
    if "lists" not in config:
        return base
    reader = _Reader(text, source, prefix=("lists",))
    if not isinstance(config["lists"], dict):
        raise reader.error(reader.lines.section(("lists",)), _("lists must be a table: [lists]"))
    return reader.read(config["lists"], base)


# tomllib ends its messages with "(at line N, column M)" or "(at end of document)".
_POSITION_RE = re.compile(
    r" \(at (?:line (?P<line>\d+), column (?P<column>\d+)|end of document)\)$"
)


def parse_toml(text: str, source: str) -> dict[str, Any]:
    """``text`` parsed as TOML; a syntax error is a ``ListsError`` naming its line."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = _POSITION_RE.search(message)
        detail = message[: found.start()] if found else message
        if found and found["line"]:
            problem = _("not valid TOML ({detail}) at column {column}").format(
                detail=detail, column=found["column"]
            )
            raise ListsError(source, int(found["line"]), problem) from None
        problem = _("not valid TOML ({detail}) at the end of the file").format(detail=detail)
        last_line = text.rstrip("\n").count("\n") + 1
        raise ListsError(source, last_line, problem) from None


class _Reader:
    """Builds the lists from a parsed TOML table, refusing the first thing that is wrong."""

    def __init__(self, text: str, source: str, prefix: tuple[str, ...]) -> None:
        self.lines = TomlLines(text)
        self.source = source
        self.prefix = prefix

    def error(self, line: int, problem: str) -> ListsError:
        return ListsError(self.source, line, problem)

    def read(self, table: Mapping[str, Any], base: BranchLists) -> BranchLists:
        for name in table:
            if name not in ("business", "counters", "manager", "priority", "topic", "checklist"):
                raise self.error(
                    self.lines.section((*self.prefix, name)),
                    _(
                        "unknown list {name}: the lists are business, counters, manager, "
                        "priority, topic and checklist"
                    ).format(name=repr(name)),
                )
        changes: dict[str, Any] = {}
        if "business" in table:
            changes["business"] = self.choices(("business",), table["business"], pick=True)
        if "counters" in table:
            changes["counters"] = self.counters(table["counters"])
        if "manager" in table:
            changes["managers"] = self.choices(("manager",), table["manager"], role=True)
        if "priority" in table:
            changes["priorities"] = self.priorities(table["priority"])
        if "topic" in table:
            changes["topics"] = self.choices(("topic",), table["topic"], pick=True)
        if "checklist" in table:
            changes["checklist"] = self.checklist(table["checklist"], base.checklist)
        return replace(base, **changes)

    def choices(
        self, name: tuple[str, ...], value: Any, *, pick: bool = False, role: bool = False
    ) -> tuple[Choice, ...]:
        """A list of items; one picked with the digits needs 1 to 9 of them."""
        path = (*self.prefix, *name)
        section = ".".join(path)
        if not isinstance(value, list):
            raise self.error(
                self.lines.section(path),
                _("{section} must be a list of [[{section}]] items").format(section=section),
            )
        if pick and not value:
            raise self.error(
                self.lines.section(path),
                _("{section} is empty: give at least one item").format(section=section),
            )
        if pick and len(value) > PICK_LIMIT:
            raise self.error(
                self.lines.item(path, PICK_LIMIT),
                _("{section} has {count} items, at most {most}: the digits 1–9 pick them").format(
                    section=section, count=len(value), most=PICK_LIMIT
                ),
            )
        choices: list[Choice] = []
        for index, item in enumerate(value):
            choice = self.choice(path, index, item, role=role)
            if any(choice.code == earlier.code for earlier in choices):
                raise self.error(
                    self.lines.item(path, index, "code"),
                    _("the code {code} is given twice in {section}").format(
                        code=choice.code, section=section
                    ),
                )
            choices.append(choice)
        return tuple(choices)

    def choice(self, path: tuple[str, ...], index: int, item: Any, *, role: bool) -> Choice:
        keys = ("code", "zh", "en", "role") if role else ("code", "zh", "en")
        wanted = ", ".join(keys)
        if not isinstance(item, dict):
            raise self.error(
                self.lines.item(path, index),
                _("each item of {section} is a table with {keys}").format(
                    section=".".join(path), keys=wanted
                ),
            )
        for key in item:
            if key not in keys:
                raise self.error(
                    self.lines.item(path, index, key),
                    _("unknown key {key}: an item has {keys}").format(key=repr(key), keys=wanted),
                )
        for key in keys:
            if key not in item:
                raise self.error(
                    self.lines.item(path, index),
                    _("the item has no {key}: each item needs {keys}").format(key=key, keys=wanted),
                )
            problem = _text_problem(key, item[key])
            if problem:
                raise self.error(self.lines.item(path, index, key), problem)
        if not CODE_RE.match(item["code"]):
            raise self.error(
                self.lines.item(path, index, "code"),
                _(
                    "the code {code} is not 1 to 32 lower-case letters, digits or underscores"
                ).format(code=repr(item["code"])),
            )
        if role and item["role"] not in MANAGER_ROLES:
            raise self.error(
                self.lines.item(path, index, "role"), _('role must be "wealth" or "relationship"')
            )
        return Choice(item["code"], item["zh"], item["en"], item["role"] if role else None)

    def counters(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= COUNTERS_MAX:
            raise self.error(
                self.lines.section((*self.prefix, "counters")),
                _("counters must be a whole number from 1 to {most}").format(most=COUNTERS_MAX),
            )
        return value

    def priorities(self, value: Any) -> tuple[Choice, ...]:
        choices = self.choices(("priority",), value, pick=True)
        codes = tuple(choice.code for choice in choices)
        if codes != PRIORITY_CODES:
            fixed = dict(enumerate(PRIORITY_CODES))
            wrong = [n for n, code in enumerate(codes) if fixed.get(n) != code]
            # No wrong item: a fixed code is missing after the last one.
            index = wrong[0] if wrong else len(codes) - 1
            raise self.error(
                self.lines.item((*self.prefix, "priority"), index, "code"),
                _(
                    "the priority reasons are fixed ({codes}, in this order): only their labels "
                    "may change"
                ).format(codes=", ".join(PRIORITY_CODES)),
            )
        return choices

    def checklist(
        self, value: Any, base: Mapping[str, tuple[Choice, ...]]
    ) -> Mapping[str, tuple[Choice, ...]]:
        """The checklists; a phase not given keeps its items from ``base``."""
        path = (*self.prefix, "checklist")
        if not isinstance(value, dict):
            raise self.error(
                self.lines.section(path),
                _("{section} must be a table of opening, midday and closing items").format(
                    section=".".join(path)
                ),
            )
        for phase in value:
            if phase not in CHECKLIST_PHASES:
                raise self.error(
                    self.lines.section((*path, phase)),
                    _(
                        "unknown checklist {name}: the checklists are opening, midday and closing"
                    ).format(name=repr(phase)),
                )
        return MappingProxyType(
            {
                phase: self.choices(("checklist", phase), value[phase])
                if phase in value
                else base[phase]
                for phase in CHECKLIST_PHASES
            }
        )


def _text_problem(key: str, value: Any) -> str | None:
    if not isinstance(value, str):
        return _("{key} must be text in quotes").format(key=key)
    if not value.strip():
        return _("{key} is empty").format(key=key)
    if len(value) > LABEL_MAX_LENGTH:
        return _("{key} is longer than {most} characters").format(key=key, most=LABEL_MAX_LENGTH)
    if any(unicodedata.category(ch).startswith("C") for ch in value):
        return _("{key} contains a control character").format(key=key)
    return None
