"""Work plans in and out as CSV: the columns, the export, and the rules an imported file meets.

The same columns go out and come in, so a plan exported, edited in a spreadsheet and imported
again gives the same actions. An import is read in full first (``read_plan_csv``) and every
problem is reported by line and column; ``plan_import`` saves only a file without problems.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from groups.models import Member, WorkingGroup
from portal import dates
from portal.text import COMMENT_MAX_LENGTH, TEXT_MAX_LENGTH
from workplans import selectors, services
from workplans.models import Action, Objective, RegionalPriority, WorkPlan
from workplans.projection import action_facts

COLUMNS = (
    "number",
    "description",
    "status",
    "status_note",
    "target_period",
    "initiative",
    "lead_members",
    "funding_members",
    "priorities",
    "objectives",
    "bali_process_strategy",
    "rso_work_plan",
    "latest_update_date",
    "latest_update",
)
REQUIRED_COLUMNS = ("number", "description")
MAX_ROWS = 500
MAX_BYTES = 1_000_000
SEPARATOR = ";"
YES, NO = "yes", "no"
# A spreadsheet runs a cell that starts with one of these as a formula; the export puts an
# apostrophe before it (which spreadsheets hide) and the import takes it off again.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Addresses of the group's work-plan pages (import, new) that a plan cannot take.
RESERVED_SLUGS = ("import", "new")

TARGET_PERIOD_MAX = Action._meta.get_field("target_period").max_length
NUMBER_MAX = 32767  # the largest PositiveSmallIntegerField
# The longest text of each column that the action's own form also refuses beyond.
TEXT_MAX = {
    "description": TEXT_MAX_LENGTH,
    "status_note": COMMENT_MAX_LENGTH,
    "latest_update": TEXT_MAX_LENGTH,
}


# --- Export ---------------------------------------------------------------------------


def _joined(values) -> str:
    return f"{SEPARATOR} ".join(str(v) for v in values)


def _yes_no(value: bool) -> str:
    return YES if value else NO


def export_row(action: Action) -> dict[str, str]:
    """One action as the CSV writes it: words, full names and numerals, never database ids."""
    facts = action_facts(action)
    return {
        "number": str(facts.number),
        "description": facts.description,
        "status": facts.status_word,
        "status_note": facts.status_note,
        "target_period": facts.target_period,
        "initiative": facts.initiative_word,
        "lead_members": _joined(facts.lead_member_names),
        "funding_members": _joined(facts.funding_member_names),
        "priorities": _joined(facts.priorities),
        "objectives": _joined(facts.objectives),
        "bali_process_strategy": _yes_no(facts.in_bali_process_strategy),
        "rso_work_plan": _yes_no(facts.proposed_for_rso_work_plan),
        "latest_update_date": facts.latest_update_on.isoformat() if facts.latest_update_on else "",
        "latest_update": facts.latest_update,
    }


def _safe_cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


def plan_csv(plan: WorkPlan) -> bytes:
    """The plan's actions as CSV, UTF-8 with a byte order mark so that Excel reads it right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for action in selectors.actions_for_plan(plan):
        row = export_row(action)
        writer.writerow([_safe_cell(row[column]) for column in COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


def actions_csv(actions) -> bytes:
    """Actions of any plans as CSV, in the plan export's columns, each row led by its plan."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(("plan", *COLUMNS))
    for action in selectors.with_table_details(actions):
        row = export_row(action)
        plan = f"{action.plan.group.short_name} {action.plan.title}"
        writer.writerow([_safe_cell(value) for value in (plan, *map(row.get, COLUMNS))])
    return buffer.getvalue().encode("utf-8-sig")


# --- Import ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Why a file cannot be imported, at a line and column of the file when there is one."""

    message: str
    line: int | None = None
    column: str | None = None

    def __str__(self):
        if self.line and self.column:
            return f"Line {self.line}, {self.column}: {self.message}"
        if self.line:
            return f"Line {self.line}: {self.message}"
        return self.message


@dataclass
class ImportedAction:
    """One line of an imported file, as the action it would be saved as."""

    line: int
    number: int | None = None
    description: str = ""
    status: str = Action.Status.FOR_ACTION
    status_note: str = ""
    target_period: str = ""
    initiative: str = ""
    lead_members: list[Member] = field(default_factory=list)
    funding_members: list[Member] = field(default_factory=list)
    priorities: list[RegionalPriority] = field(default_factory=list)
    objectives: list[int] = field(default_factory=list)
    in_bali_process_strategy: bool = False
    proposed_for_rso_work_plan: bool = False
    latest_update_date: datetime.date | None = None
    latest_update: str = ""
    problems: list[Problem] = field(default_factory=list)

    def get_status_display(self) -> str:
        return Action.Status(self.status).label

    def get_initiative_display(self) -> str:
        return Action.Initiative(self.initiative).label if self.initiative else ""


@dataclass
class ImportPreview:
    """A whole file read: its actions as they would be saved and every problem found."""

    actions: list[ImportedAction] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return bool(self.actions) and not self.problems

    @property
    def objective_numbers(self) -> list[int]:
        """The objectives the actions refer to, which the new plan gets."""
        return sorted({n for action in self.actions for n in action.objectives})


def _refused(message: str, line: int | None = None, column: str | None = None) -> ImportPreview:
    return ImportPreview(problems=[Problem(message, line, column)])


def _words(choices) -> str:
    return ", ".join(str(label) for label in choices.labels)


def _choice(value: str, choices) -> str | None:
    """The stored value of a choice written as its words (or its stored value), any case."""
    wanted = value.casefold()
    for stored, label in choices.choices:
        if wanted in (str(label).casefold(), stored.casefold()):
            return stored
    return None


def _unescaped(cell: str) -> str:
    if cell.startswith("'") and cell[1:].startswith(FORMULA_START):
        return cell[1:]
    return cell


def _list(value: str) -> list[str]:
    """The items of a cell separated by semicolons, each once, in order."""
    items = [item.strip() for item in value.split(SEPARATOR)]
    return list(dict.fromkeys(item for item in items if item))


class _Lookups:
    """The members and the group's regional priorities, read once for the whole file."""

    def __init__(self, group: WorkingGroup):
        self.group = group
        self.members_by_name: dict[str, Member] = {}
        self.members_by_short_name: dict[str, list[Member]] = {}
        for member in Member.objects.all():
            self.members_by_name[member.name.casefold()] = member
            if member.short_name:
                key = member.short_name.casefold()
                self.members_by_short_name.setdefault(key, []).append(member)
        self.priorities = list(group.regional_priorities.order_by("order"))
        self.priorities_by_numeral = {p.numeral.casefold(): p for p in self.priorities}

    def member(self, name: str) -> tuple[Member | None, str]:
        """The member a name or short name means, or None and why not."""
        key = name.casefold()
        if key in self.members_by_name:
            return self.members_by_name[key], ""
        found = self.members_by_short_name.get(key, [])
        if len(found) == 1:
            return found[0], ""
        if found:
            names = ", ".join(sorted(m.name for m in found))
            return (
                None,
                f"'{name}' is the short name of more than one member ({names}); use the full name.",
            )
        return None, f"no member is called '{name}'; use a member's name or short name."

    def priority_numerals(self) -> str:
        return ", ".join(p.numeral for p in self.priorities)


def _read_rows(text: str) -> tuple[list[tuple[int, list[str]]], Problem | None]:
    """The file's non-blank records, each with the line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    consumed = 0
    try:
        for cells in reader:
            line = consumed + 1
            consumed = reader.line_num
            if any(cell.strip() for cell in cells):
                rows.append((line, cells))
    except csv.Error as error:
        return rows, Problem(f"the file cannot be read as CSV ({error}).", reader.line_num)
    return rows, None


def _header(line: int, cells: list[str]) -> tuple[list[str | None], list[Problem]]:
    """The column each position holds (None for an unnamed, empty column) and any problems."""
    names: list[str | None] = []
    problems = []
    seen = set()
    for cell in cells:
        name = cell.strip().casefold()
        if not name:
            names.append(None)
        elif name not in COLUMNS:
            problems.append(
                Problem(
                    "unknown column; the columns are " + ", ".join(COLUMNS) + ".",
                    line,
                    cell.strip(),
                )
            )
            names.append(None)
        elif name in seen:
            problems.append(Problem("this column appears twice.", line, name))
            names.append(None)
        else:
            seen.add(name)
            names.append(name)
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            problems.append(Problem("this column is missing; it is required.", line, name))
    return names, problems


def read_plan_csv(group: WorkingGroup, data: bytes) -> ImportPreview:
    """Read an uploaded file into the actions it would make, with every problem found."""
    if not data.removeprefix(b"\xef\xbb\xbf").strip():
        return _refused("The file is empty: it needs a header line and one line per action.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return _refused(
            "the file is not UTF-8 text. In Excel, save it as “CSV UTF-8 (comma delimited)”.",
            line,
        )
    rows, unreadable = _read_rows(text)
    if unreadable:
        return ImportPreview(problems=[unreadable])
    if not rows:
        return _refused("The file is empty: it needs a header line and one line per action.")
    (header_line, header_cells), body = rows[0], rows[1:]
    names, problems = _header(header_line, header_cells)
    if problems:
        return ImportPreview(problems=problems)
    if not body:
        return _refused("The file has a header line but no action.")
    if len(body) > MAX_ROWS:
        return _refused(
            f"The file has {len(body)} actions; a plan is imported with at most {MAX_ROWS}."
        )
    lookups = _Lookups(group)
    preview = ImportPreview()
    first_line_of = {}
    for line, cells in body:
        action = _read_action(line, names, cells, lookups)
        if action.number is not None:
            if action.number in first_line_of:
                earlier = first_line_of[action.number]
                action.problems.append(
                    Problem(
                        f"action {action.number} is already on line {earlier}.",
                        line,
                        "number",
                    )
                )
            else:
                first_line_of[action.number] = line
        preview.actions.append(action)
        preview.problems.extend(action.problems)
    return preview


def _read_action(
    line: int, names: list[str | None], cells: list[str], lookups: _Lookups
) -> ImportedAction:
    action = ImportedAction(line=line)
    extra = [cell for cell in cells[len(names) :] if cell.strip()]
    if extra:
        action.problems.append(
            Problem(
                f"the line has {len(cells)} values but the header has {len(names)} columns.", line
            )
        )
    values = {name: "" for name in COLUMNS}
    for name, cell in zip(names, cells, strict=False):
        if name:
            values[name] = _unescaped(cell)
        elif cell.strip():
            action.problems.append(Problem("a value stands in a column without a name.", line))

    def problem(column: str, message: str) -> None:
        action.problems.append(Problem(message, line, column))

    number = values["number"].strip()
    if not number:
        problem("number", "missing; give each action its number.")
    elif not number.isdigit() or not 1 <= int(number) <= NUMBER_MAX:
        problem("number", f"'{number}' is not an action number (a whole number from 1).")
    else:
        action.number = int(number)

    action.description = values["description"].strip()
    if not action.description:
        problem("description", "missing; say what the action is.")

    status = values["status"].strip()
    if status:
        stored = _choice(status, Action.Status)
        if stored is None:
            problem("status", f"'{status}' is not a status; use one of {_words(Action.Status)}.")
        else:
            action.status = stored

    action.status_note = values["status_note"].strip()
    action.target_period = values["target_period"].strip()
    if len(action.target_period) > TARGET_PERIOD_MAX:
        problem(
            "target_period",
            f"'{action.target_period}' is longer than {TARGET_PERIOD_MAX} characters.",
        )

    initiative = values["initiative"].strip()
    if initiative:
        stored = _choice(initiative, Action.Initiative)
        if stored is None:
            problem(
                "initiative",
                f"'{initiative}' is not a type of initiative; use one of "
                f"{_words(Action.Initiative)}, or leave it empty.",
            )
        else:
            action.initiative = stored

    for column in ("lead_members", "funding_members"):
        members = getattr(action, column)
        for name in _list(values[column]):
            member, why = lookups.member(name)
            if member is None:
                problem(column, why)
            elif member not in members:
                members.append(member)

    for numeral in _list(values["priorities"]):
        priority = lookups.priorities_by_numeral.get(numeral.casefold())
        if priority is None:
            known = lookups.priority_numerals()
            problem(
                "priorities",
                f"'{numeral}' is not a regional priority of {lookups.group.short_name}; "
                + (f"use one of {known}." if known else "the group has no regional priorities."),
            )
        elif priority not in action.priorities:
            action.priorities.append(priority)

    for objective in _list(values["objectives"]):
        if not objective.isdigit() or not 1 <= int(objective) <= NUMBER_MAX:
            problem(
                "objectives", f"'{objective}' is not an objective number (a whole number from 1)."
            )
        elif int(objective) not in action.objectives:
            action.objectives.append(int(objective))
    action.objectives.sort()

    for column, attribute in [
        ("bali_process_strategy", "in_bali_process_strategy"),
        ("rso_work_plan", "proposed_for_rso_work_plan"),
    ]:
        answer = values[column].strip().casefold()
        if answer in (YES, NO, ""):
            setattr(action, attribute, answer == YES)
        else:
            problem(column, f"'{values[column].strip()}' is not yes or no.")

    _read_latest_update(action, values, problem)
    for column, longest in TEXT_MAX.items():
        length = len(values[column].strip())
        if length > longest:
            problem(column, f"longer than {longest} characters (it has {length}).")
    return action


def _read_latest_update(action: ImportedAction, values: dict, problem) -> None:
    day, text = values["latest_update_date"].strip(), values["latest_update"].strip()
    action.latest_update = text
    if day:
        try:
            action.latest_update_date = datetime.date.fromisoformat(day)
        except ValueError:
            problem("latest_update_date", f"'{day}' is not a date; write it as 2016-05-17.")
        else:
            if not dates.in_range(action.latest_update_date):
                problem("latest_update_date", f"{day}: {dates.DATE_RANGE_MESSAGE}")
            elif action.latest_update_date > timezone.localdate():
                problem("latest_update_date", f"{day} is in the future.")
            elif not text:
                problem("latest_update", "missing; a dated update needs its text.")
    elif text:
        problem("latest_update_date", "missing; give the date of the update.")


def objective_placeholder(number: int) -> str:
    """The wording of an objective that an import creates from its number alone."""
    return f"Objective {number}: wording to be added."


def imported_already(group: WorkingGroup, *, title: str, period: str, slug: str, data: bytes):
    """The plan that this same import (details and file) made already, when a preview was
    sent twice, or None: a plan at the address with other actions is another plan."""
    plan = WorkPlan.objects.filter(
        group=group, slug=slug, title=title.strip(), period=period.strip()
    ).first()
    if plan is None:
        return None
    preview = read_plan_csv(group, data)
    imported = {(row.number, row.description) for row in preview.actions}
    return plan if set(plan.actions.values_list("number", "description")) == imported else None


def _slug_taken(group: WorkingGroup, slug: str) -> ValidationError:
    return ValidationError(
        {"slug": f"{group.short_name} already has a plan at '{slug}'."}, code="taken"
    )


@transaction.atomic
def plan_import(
    group: WorkingGroup, *, title: str, period: str, slug: str, data: bytes, author
) -> WorkPlan:
    """A new draft plan with the file's actions, all or nothing: a file with any problem saves
    nothing. The latest updates become progress updates by the person who imports."""
    preview = read_plan_csv(group, data)
    if not preview.is_valid:
        raise ValidationError({"file": [str(problem) for problem in preview.problems]})
    # Imports into one group wait for each other here, so that of the same preview sent
    # several times at once the first makes the plan and the others find its address taken.
    WorkingGroup.objects.select_for_update().filter(pk=group.pk).exists()
    if slug in RESERVED_SLUGS or WorkPlan.objects.filter(group=group, slug=slug).exists():
        raise _slug_taken(group, slug)
    plan = WorkPlan(
        group=group,
        title=title.strip(),
        period=period.strip(),
        slug=slug,
        status=WorkPlan.Status.DRAFT,
    )
    plan.full_clean()
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:  # a plan at this address saved by another path in the meantime
        raise _slug_taken(group, slug) from None
    objectives = {
        number: Objective.objects.create(
            plan=plan, number=number, text=objective_placeholder(number)
        )
        for number in preview.objective_numbers
    }
    for row in preview.actions:
        action = services.action_copy(
            plan,
            row,
            lead_members=row.lead_members,
            funding_members=row.funding_members,
            priorities=row.priorities,
            objectives=[objectives[n] for n in row.objectives],
        )
        if row.latest_update_date:
            services.update_post(
                action, text=row.latest_update, author=author, reported_on=row.latest_update_date
            )
    return plan
