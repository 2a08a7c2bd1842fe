"""People import: agents, teams, positions, roles and mentors from a CSV or XLSX roster.

Keyed by employee number: a number already stored updates that person, a new one creates
a person. The whole file is checked first; a file with any error changes nothing. Then
every change is written in one transaction, and rows whose values are already stored are
counted as unchanged, so importing the same file twice changes nothing the second time.

Rules a newcomer would ask about (also on the import page):
- An empty cell leaves the stored value as it is; the import never clears a field.
- ``team`` is a team code or its Chinese or English name. An unknown team is an error,
  unless the row also has ``team_name``: then a team with that code and that Chinese
  name is created. ``team_name`` never renames an existing team.
- ``roles`` replaces the roles the import manages (agent, mentor, trainer, team lead, HR);
  the administrator role is never given or taken by a file. A new person without roles
  is an agent.
- ``mentor`` is the mentor's employee number, from the file or already stored. The
  mentorship is created through ``mentorship_create`` (role, capacity, one active mentor).
  A person who already has another active mentor is an error: HR ends that mentorship on
  the mentorships page first, so that a file never silently re-assigns mentees.
- A team lead leads the team on their row (the ``team`` cell, else their stored team):
  the file names who leads each team, replacing the team's previous lead. Two team leads
  for one team in a file is an error. Taking the team lead role away, or marking the
  person as having left, also ends their leading of every team they lead. A lead who
  moves to another team keeps leading the old one until the file names its new lead.
- New people get an unusable password: they choose one through the password reset.
"""

import datetime
import operator
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import reduce

from django.contrib.auth.models import Group
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email, validate_slug
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import services
from .models import ImportJob, Mentorship, PositionProfile, Role, Team, User
from .tabular import Column, RowError, TableRejected, read_table

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
WRITE_BATCH = 500

COLUMNS = [
    Column("employee_no", ("工号", "员工编号"), required=True),
    Column("username", ("用户名", "账号")),
    Column("display_name", ("姓名",), required=True),
    Column("english_name", ("英文名",)),
    Column("email", ("邮箱", "电子邮箱")),
    Column("team", ("团队", "组别")),
    Column("team_name", ("团队名称",)),
    Column("position", ("岗位",)),
    Column("hire_date", ("入职日期",)),
    Column("mentor", ("导师", "导师工号")),
    Column("roles", ("角色",)),
    Column("active", ("在职",)),
]

# Chinese headers, in the order of COLUMNS, for the downloadable template.
TEMPLATE_HEADERS = [
    "工号",
    "用户名",
    "姓名",
    "英文名",
    "邮箱",
    "团队",
    "团队名称",
    "岗位",
    "入职日期",
    "导师",
    "角色",
    "在职",
]
# Example people that no real roster or the demo uses (YS9001, example.* usernames), so
# that checking the template itself on a live system changes nobody who exists.
TEMPLATE_ROWS = [
    ["YS9001", "example.chen", "陈静", "Jing Chen", "example.chen@example.com", "apparel",
     "服饰组", "", "2024-03-01", "", "客服、导师", "是"],
    ["YS9002", "example.wang", "王雨桐", "Yutong Wang", "", "apparel", "", "", "2025/07/15",
     "YS9001", "客服", "是"],
]  # fmt: skip

IMPORTED_ROLES = (Role.AGENT, Role.MENTOR, Role.TRAINER, Role.TEAM_LEAD, Role.HR)
ROLE_SPLIT = re.compile(r"[,，、;；/|\s]+")
DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]00:00(?::00)?)?$")
YES = {"是", "在职", "yes", "y", "true", "1", "active"}
NO = {"否", "离职", "no", "n", "false", "0", "inactive"}
# The fields a row may set on a person, in the order the changes are listed.
PERSON_FIELDS = [
    "username",
    "display_name",
    "english_name",
    "email",
    "team",
    "position",
    "hire_date",
    "is_active",
]


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class RowChange:
    line: int
    employee_no: str
    name: str
    created: bool
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class ImportResult:
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    changes: list[RowChange] = field(default_factory=list)
    teams_created: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    line: int
    employee_no: str
    user: User | None  # the stored person, None for a new one
    values: dict = field(default_factory=dict)  # model field -> new value (given cells only)
    roles: frozenset[str] | None = None  # None: the cell was empty
    mentor_no: str = ""
    new_team: tuple[str, str] | None = None  # (code, Chinese name) of a team to create
    leads: tuple[str, object] | None = None  # the team to lead from now on (see _team_key)
    stops_leading: list[Team] = field(default_factory=list)


# --- Parsing cells ------------------------------------------------------------------------


def parse_date(text: str) -> datetime.date:
    match = DATE_RE.match(text.strip())
    if match is None:
        raise ValueError(
            _("Hire date “%(value)s” is not a date like 2025-03-01 or 2025/03/01.")
            % {"value": text}
        )
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError as exc:
        raise ValueError(_("Hire date “%(value)s” does not exist.") % {"value": text}) from exc


def _role_names() -> dict[str, str]:
    """Accepted spellings -> role: the code and the label in both languages."""
    names: dict[str, str] = {}
    for role in (*IMPORTED_ROLES, Role.ADMIN):
        names[role.value] = role.value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                names[str(role.label).lower()] = role.value
    names.update({"team lead": Role.TEAM_LEAD, "teamlead": Role.TEAM_LEAD, "组长": Role.TEAM_LEAD})
    names.update({"人事": Role.HR, "培训": Role.TRAINER})
    return names


def parse_roles(text: str) -> frozenset[str]:
    """Roles separated by commas, 、, semicolons or spaces; “team lead” holds a space."""
    known = _role_names()
    text = re.sub(r"team\s+lead", "team_lead", text.strip(), flags=re.IGNORECASE)
    roles, errors = set(), []
    for token in filter(None, ROLE_SPLIT.split(text)):
        role = known.get(token.lower())
        if role is None:
            errors.append(
                _("Unknown role “%(role)s”: use agent, mentor, trainer, team_lead or hr.")
                % {"role": token}
            )
        elif role == Role.ADMIN:
            errors.append(_("The administrator role cannot be given by an import."))
        else:
            roles.add(role)
    if errors:
        raise ValueError(" ".join(errors))
    return frozenset(roles)


def parse_active(text: str) -> bool:
    value = text.strip().lower()
    if value in YES:
        return True
    if value in NO:
        return False
    raise ValueError(_("“%(value)s” is not yes or no (是 or 否).") % {"value": text})


class _Lookup:
    """Teams or positions by code (exact first) or by Chinese or English name."""

    def __init__(self, objects):
        self.by_code = {o.code.lower(): o for o in objects}
        self.by_name: dict[str, list] = defaultdict(list)
        for o in objects:
            for name in {o.name_zh.strip().lower(), o.name_en.strip().lower()} - {""}:
                self.by_name[name].append(o)

    def find(self, text: str):
        """The object, None when unknown; raises ValueError when the name is ambiguous."""
        key = text.strip().lower()
        if key in self.by_code:
            return self.by_code[key]
        found = self.by_name.get(key, [])
        if len(found) > 1:
            raise ValueError(
                _("“%(value)s” names more than one; use the code instead.") % {"value": text}
            )
        return found[0] if found else None


def _labels() -> dict[str, str]:
    # Evaluated per call so that messages follow the active language.
    return {
        "username": _("Username"),
        "display_name": _("Full name"),
        "english_name": _("English name"),
        "email": _("E-mail"),
        "team": _("Team"),
        "position": _("Job position"),
        "hire_date": _("Hire date"),
        "is_active": _("Active"),
        "roles": _("Roles"),
        "mentor": _("Mentor"),
        "leads": _("Leads team"),
    }


# --- Checking the file --------------------------------------------------------------------


class _Checker:
    """Every row checked against the database loaded once, not a query per row."""

    def __init__(self, rows: list[tuple[int, dict[str, str]]], by: User | None):
        self.table = rows
        self.by = by
        self.errors: list[RowError] = []
        numbers = {c.get("employee_no", "") for _l, c in rows}
        numbers |= {c.get("mentor", "") for _l, c in rows}
        numbers -= {""}
        self.people = {
            u.employee_no: u
            for u in User.objects.filter(employee_no__in=numbers)
            .select_related("team", "position")
            .prefetch_related("groups")
        }
        usernames = {c.get("username", "") for _l, c in rows}
        usernames |= {c.get("employee_no", "") for _l, c in rows if not c.get("username", "")}
        self.usernames = dict(
            User.objects.filter(username__in=usernames - {""}).values_list("username", "pk")
        )
        all_teams = list(Team.objects.select_related("lead"))
        self.teams = _Lookup(all_teams)
        self.lead_of = {team.pk: team.lead for team in all_teams}
        self.led_teams: dict[int, list[Team]] = defaultdict(list)
        for team in all_teams:
            if team.lead_id is not None:
                self.led_teams[team.lead_id].append(team)
        self.positions = _Lookup(list(PositionProfile.objects.all()))
        stored_ids = [u.pk for u in self.people.values()]
        self.current_mentor = dict(
            Mentorship.objects.filter(mentee__in=stored_ids, ended_on__isnull=True)
            .values_list("mentee", "mentor__employee_no")
        )  # fmt: skip
        self.mentee_counts = dict(
            Mentorship.objects.filter(mentor__in=stored_ids, ended_on__isnull=True)
            .values("mentor")
            .annotate(n=Count("pk"))
            .values_list("mentor", "n")
        )
        self.new_teams: dict[str, tuple[str, int]] = {}  # code -> (Chinese name, first line)

    def error(self, line: int, message: str) -> None:
        self.errors.append(RowError(line, message))

    def check(self) -> list[_Row]:
        self._duplicates()
        rows = [row for line, cells in self.table if (row := self._row(line, cells))]
        self._mentors(rows)
        self._leads(rows)
        self.errors.sort(key=lambda e: e.line)
        return rows

    def _duplicates(self) -> None:
        for column, message in [
            ("employee_no", _("Employee number “%(value)s” is also on line %(lines)s.")),
            ("username", _("Username “%(value)s” is also on line %(lines)s.")),
        ]:
            lines = defaultdict(list)
            for line, cells in self.table:
                value = cells.get(column, "")
                number = cells.get("employee_no", "")
                if column == "username" and not value and number not in self.people:
                    value = number  # a new person's default username
                if value:
                    lines[value].append(line)
            for value, found in lines.items():
                for line in found if len(found) > 1 else []:
                    others = ", ".join(str(n) for n in found if n != line)
                    self.error(line, message % {"value": value, "lines": others})

    def _row(self, line: int, cells: dict[str, str]) -> _Row | None:
        before = len(self.errors)
        number = cells.get("employee_no", "")
        if not number:
            self.error(line, _("The employee number is missing."))
            return None
        if len(number) > 32:
            self.error(line, _("The employee number is longer than 32 characters."))
        user = self.people.get(number)
        row = _Row(line=line, employee_no=number, user=user)
        values = row.values

        name = cells.get("display_name", "")
        if not name:
            self.error(line, _("The name is missing."))
        elif len(name) > 100:
            self.error(line, _("The name is longer than 100 characters."))
        else:
            values["display_name"] = name
        english = cells.get("english_name", "")
        if len(english) > 100:
            self.error(line, _("The English name is longer than 100 characters."))
        elif english:
            values["english_name"] = english

        username = cells.get("username", "") or (number if user is None else "")
        if username:
            try:
                UnicodeUsernameValidator()(username)
                if len(username) > 150:
                    raise ValidationError("")
            except ValidationError:
                self.error(
                    line,
                    _(
                        "Username “%(value)s” may only hold letters, digits and @ . + - _ "
                        "(at most 150)."
                    )
                    % {"value": username},
                )
            else:
                owner = self.usernames.get(username)
                if owner is not None and (user is None or owner != user.pk):
                    self.error(
                        line,
                        _("Username “%(value)s” already belongs to someone else.")
                        % {"value": username},
                    )
                values["username"] = username

        email = cells.get("email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                self.error(line, _("“%(value)s” is not an e-mail address.") % {"value": email})
            else:
                values["email"] = email

        self._team(row, cells)
        position = cells.get("position", "")
        if position:
            try:
                found = self.positions.find(position)
            except ValueError as exc:
                self.error(line, str(exc))
            else:
                if found is None:
                    self.error(line, _("Unknown position “%(value)s”.") % {"value": position})
                else:
                    values["position"] = found

        for column, parse, key in [
            ("hire_date", parse_date, "hire_date"),
            ("active", parse_active, "is_active"),
        ]:
            text = cells.get(column, "")
            if text:
                try:
                    values[key] = parse(text)
                except ValueError as exc:
                    self.error(line, str(exc))
        if cells.get("roles", ""):
            try:
                row.roles = parse_roles(cells["roles"])
            except ValueError as exc:
                self.error(line, str(exc))
        row.mentor_no = cells.get("mentor", "")
        self._role_removal(row)
        return row if len(self.errors) == before else None

    def _team(self, row: _Row, cells: dict[str, str]) -> None:
        text, name = cells.get("team", ""), cells.get("team_name", "")
        if not text:
            if name:
                self.error(row.line, _("A team name needs a team code in the team column."))
            return
        try:
            found = self.teams.find(text)
        except ValueError as exc:
            self.error(row.line, str(exc))
            return
        if found is not None:
            row.values["team"] = found
            return
        if not name and text.lower() in self.new_teams:
            row.new_team = (text.lower(), self.new_teams[text.lower()][0])
            return
        if not name:
            self.error(
                row.line,
                _(
                    "Unknown team “%(value)s”: give its code or name, or add a team name "
                    "to create it."
                )
                % {"value": text},
            )
            return
        try:
            validate_slug(text)
            if len(text) > 50:
                raise ValidationError("")
        except ValidationError:
            self.error(
                row.line,
                _(
                    "A new team's code “%(value)s” may only hold letters, digits, - and _ "
                    "(at most 50)."
                )
                % {"value": text},
            )
            return
        first = self.new_teams.setdefault(text.lower(), (name, row.line))
        if first[0] != name:
            self.error(
                row.line,
                _("Team “%(code)s” is named “%(name)s” on line %(line)s.")
                % {"code": text, "name": first[0], "line": first[1]},
            )
            return
        row.new_team = (text.lower(), name)

    def _role_removal(self, row: _Row) -> None:
        user = row.user
        if (
            user is not None
            and self.by is not None
            and user.pk == self.by.pk
            and row.values.get("is_active") is False
        ):
            self.error(row.line, _("You cannot mark yourself as having left."))
        if user is None or row.roles is None:
            return
        if Role.MENTOR not in row.roles and self.mentee_counts.get(user.pk):
            self.error(
                row.line,
                _(
                    "%(name)s still mentors %(count)s people: end those mentorships before "
                    "removing the mentor role."
                )
                % {"name": user, "count": self.mentee_counts[user.pk]},
            )
        if (
            self.by is not None
            and user.pk == self.by.pk
            and Role.HR not in row.roles
            and not user.is_superuser
        ):
            self.error(row.line, _("You cannot remove your own HR role."))

    def _mentors(self, rows: list[_Row]) -> None:
        in_file = {row.employee_no: row for row in rows}
        assigned = Counter()
        for row in rows:
            number = row.mentor_no
            if not number:
                continue
            if number == row.employee_no:
                self.error(row.line, _("Nobody can mentor themselves."))
                continue
            mentor_row, mentor = in_file.get(number), self.people.get(number)
            if mentor_row is None and mentor is None:
                if any(c.get("employee_no") == number for _l, c in self.table):
                    continue  # the mentor's own row has errors, reported there
                self.error(row.line, _("Unknown mentor “%(no)s”.") % {"no": number})
                continue
            if row.user is not None and self.current_mentor.get(row.user.pk) == number:
                continue  # already this mentor's mentee: nothing to do
            if row.user is not None and row.user.pk in self.current_mentor:
                self.error(
                    row.line,
                    _(
                        "%(name)s already has another active mentor (%(no)s): end that "
                        "mentorship on the mentorships page first."
                    )
                    % {"name": row.user, "no": self.current_mentor[row.user.pk]},
                )
                continue
            mentor_name = (mentor_row and mentor_row.values.get("display_name")) or str(mentor)
            roles = _final_roles(mentor_row, mentor)
            if Role.MENTOR not in roles:
                self.error(
                    row.line,
                    _("%(name)s (%(no)s) does not hold the mentor role.")
                    % {"name": mentor_name, "no": number},
                )
                continue
            if not _final_active(mentor_row, mentor) or not _final_active(row, row.user):
                self.error(row.line, _("Both people must be active."))
                continue
            capacity = mentor.mentor_capacity if mentor else _default_capacity()
            assigned[number] += 1
            current = self.mentee_counts.get(mentor.pk, 0) if mentor else 0
            if current + assigned[number] > capacity:
                self.error(
                    row.line,
                    _("%(name)s would coach more than %(capacity)s people, the capacity.")
                    % {"name": mentor_name, "capacity": capacity},
                )

    def _leads(self, rows: list[_Row]) -> None:
        """Who leads which team once the file is in: an active team lead leads the team on
        their row; a team claimed twice is an error on each line."""
        claims: dict[tuple, list[_Row]] = defaultdict(list)
        for row in rows:
            leading = Role.TEAM_LEAD in _final_roles(row, row.user) and _final_active(row, row.user)
            key = _team_key(row) if leading else None
            if key is not None:
                claims[key].append(row)
        for key, found in claims.items():
            if len(found) > 1:
                for row in found:
                    others = ", ".join(str(r.line) for r in found if r is not row)
                    self.error(
                        row.line,
                        _("A team has one team lead; this team has another on line %(lines)s.")
                        % {"lines": others},
                    )
                continue
            row = found[0]
            if row.user is None or self.current_lead(key) != row.user:
                row.leads = key
        for row in rows:
            user = row.user
            if user is None or user.pk not in self.led_teams:
                continue
            # Only what the file changes ends a lead: a lead set by an administrator on
            # someone without the role stays while the file does not speak of roles.
            role_taken = (
                row.roles is not None
                and Role.TEAM_LEAD in user.role_names
                and Role.TEAM_LEAD not in row.roles
            )
            if role_taken or not _final_active(row, user):
                row.stops_leading = [
                    team for team in self.led_teams[user.pk] if ("team", team.pk) not in claims
                ]

    def current_lead(self, key: tuple) -> User | None:
        """The stored lead of a team key (None for a new team or a team without one)."""
        return self.lead_of.get(key[1]) if key[0] == "team" else None


def _team_key(row: _Row) -> tuple | None:
    """("team", pk) for a stored team, ("new", code) for one the file creates."""
    if row.new_team is not None:
        return ("new", row.new_team[0])
    team = row.values.get("team") or (row.user.team if row.user is not None else None)
    return ("team", team.pk) if team is not None else None


def _default_capacity() -> int:
    return User._meta.get_field("mentor_capacity").get_default()


def _final_roles(row: _Row | None, user: User | None) -> frozenset[str]:
    if row is not None and row.roles is not None:
        return row.roles
    if user is not None:
        return user.role_names
    return frozenset({Role.AGENT})


def _final_active(row: _Row | None, user: User | None) -> bool:
    if row is not None and "is_active" in row.values:
        return row.values["is_active"]
    return user.is_active if user is not None else True


# --- Working out and writing the changes -------------------------------------------------


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _role_labels(roles) -> str:
    return "、".join(str(Role(r).label) for r in IMPORTED_ROLES if r in roles) or "—"


def _changes(row: _Row, checker: _Checker) -> RowChange:
    labels = _labels()
    user = row.user
    change = RowChange(
        line=row.line,
        employee_no=row.employee_no,
        name=row.values.get("display_name") or str(user),
        created=user is None,
    )
    for name in PERSON_FIELDS:
        if name not in row.values:
            continue
        new = row.values[name]
        old = getattr(user, name) if user is not None else None
        if user is not None and old == new:
            continue
        change.fields.append(FieldChange(labels[name], _shown(old), _shown(new)))
    if row.new_team is not None:
        code, name = row.new_team
        change.fields.append(
            FieldChange(
                labels["team"],
                _shown(user.team if user else None),
                _("%(name)s (%(code)s, new team)") % {"name": name, "code": code},
            )
        )
    old_roles = (user.role_names & set(IMPORTED_ROLES)) if user else frozenset()
    new_roles = row.roles if row.roles is not None else (None if user else {Role.AGENT})
    if new_roles is not None and set(new_roles) != set(old_roles):
        change.fields.append(
            FieldChange(labels["roles"], _role_labels(old_roles), _role_labels(new_roles))
        )
    if row.mentor_no and (user is None or checker.current_mentor.get(user.pk) != row.mentor_no):
        change.fields.append(FieldChange(labels["mentor"], "—", row.mentor_no))
    if row.leads is not None:
        team = _team_named(row)
        previous = checker.current_lead(row.leads)
        if previous is not None:
            team = _("%(team)s, instead of %(name)s") % {"team": team, "name": previous}
        change.fields.append(FieldChange(labels["leads"], "—", team))
    if row.stops_leading:
        led = "、".join(str(team) for team in row.stops_leading)
        change.fields.append(FieldChange(labels["leads"], led, "—"))
    return change


def _team_named(row: _Row) -> str:
    if row.new_team is not None:
        return row.new_team[1]
    return str(row.values.get("team") or row.user.team)


class _Undo(Exception):
    """Raised inside the transaction to roll it back when a write is refused."""


def people_import(*, upload, filename: str, dry_run: bool, by: User | None) -> ImportResult:
    """Check a roster and, unless ``dry_run``, apply it in one transaction; with any error
    nothing is written and ``result.errors`` lists every problem by line."""
    result = ImportResult(dry_run=dry_run)
    try:
        table = read_table(upload, filename, COLUMNS, max_rows=MAX_ROWS, max_bytes=MAX_BYTES)
    except TableRejected as exc:
        result.errors = exc.errors
        return result
    result.rows = len(table.rows)
    checker = _Checker(table.rows, by)
    rows = checker.check()
    if checker.errors:
        result.errors = checker.errors
        return result
    for row in rows:
        change = _changes(row, checker)
        if change.created:
            result.created += 1
        elif change.fields:
            result.updated += 1
        else:
            result.unchanged += 1
            continue
        result.changes.append(change)
    result.teams_created = sorted(
        {f"{r.new_team[1]} ({r.new_team[0]})" for r in rows if r.new_team}
    )
    if dry_run or not result.changes:
        return result
    try:
        _apply(rows, checker, by)
    except IntegrityError:  # someone changed the same people since the check
        undone = [RowError(0, _("The people changed while importing; nothing saved. Try again."))]
        result.errors = undone
    except _Undo as exc:
        result.errors = exc.args[0]
    if result.errors:
        result.created = result.updated = result.unchanged = 0
        result.changes, result.teams_created = [], []
    return result


def people_import_recorded(
    *, upload: UploadedFile, dry_run: bool, by: User | None
) -> tuple[ImportResult, ImportJob | None]:
    """``people_import``, and for a real import (not a check) a record of it in the import
    history: who, when, the file, what it changed or why it was refused."""
    result = people_import(upload=upload, filename=upload.name, dry_run=dry_run, by=by)
    if dry_run:
        return result, None
    job = ImportJob(
        kind=ImportJob.Kind.PEOPLE,
        original_name=upload.name[:200],
        status=ImportJob.Status.DONE if result.ok else ImportJob.Status.REJECTED,
        total=result.rows,
        processed=result.rows,
        summary={
            "rows": result.rows,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "teams_created": len(result.teams_created),
        },
        errors=[error.as_dict() for error in result.errors],
        created_by=by,
        finished_at=timezone.now(),
    )
    upload.seek(0)
    job.file.save(upload.name, upload, save=False)
    job.save()
    return result, job


@transaction.atomic
def _apply(rows: list[_Row], checker: _Checker, by: User | None) -> None:
    teams = {
        code: Team.objects.create(code=code, name_zh=name)
        for code, name in {r.new_team for r in rows if r.new_team}
    }
    new_people, changed, fields = [], [], set()
    for row in rows:
        values = dict(row.values)
        if row.new_team is not None:
            values["team"] = teams[row.new_team[0]]
        if row.user is None:
            person = User(employee_no=row.employee_no, **values)
            person.set_unusable_password()
            new_people.append((row, person))
            continue
        differing = [k for k, v in values.items() if getattr(row.user, k) != v]
        for key in differing:
            setattr(row.user, key, values[key])
        if differing:
            changed.append(row.user)
            fields.update(differing)
    User.objects.bulk_create([p for _r, p in new_people], batch_size=WRITE_BATCH)
    if changed:
        User.objects.bulk_update(changed, sorted(fields), batch_size=WRITE_BATCH)
    people = {r.employee_no: r.user for r in rows if r.user is not None}
    people.update({r.employee_no: p for r, p in new_people})
    _set_roles(rows, people)
    _set_leads(rows, people, teams)

    errors = []
    for row in rows:
        if not row.mentor_no:
            continue
        mentee = people[row.employee_no]
        if checker.current_mentor.get(mentee.pk) == row.mentor_no:
            continue
        mentor = people.get(row.mentor_no) or checker.people[row.mentor_no]
        try:
            services.mentorship_create(mentor=mentor, mentee=mentee, created_by=by)
        except ValidationError as exc:  # a concurrent change since the check
            errors.append(RowError(row.line, " ".join(exc.messages)))
    if errors:
        raise _Undo(errors)


def _set_roles(rows: list[_Row], people: dict[str, User]) -> None:
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in IMPORTED_ROLES}
    through = User.groups.through
    add, remove = [], []
    for row in rows:
        user = people[row.employee_no]
        wanted = row.roles if row.roles is not None else None
        if row.user is None and wanted is None:
            wanted = frozenset({Role.AGENT})
        if wanted is None:
            continue
        held = row.user.role_names & set(IMPORTED_ROLES) if row.user else frozenset()
        add += [through(user_id=user.pk, group_id=groups[r].pk) for r in wanted - held]
        remove += [(user.pk, groups[r].pk) for r in held - wanted]
        user.__dict__.pop("role_names", None)
    if add:
        through.objects.bulk_create(add, batch_size=WRITE_BATCH, ignore_conflicts=True)
    for start in range(0, len(remove), WRITE_BATCH):
        pairs = [Q(user_id=u, group_id=g) for u, g in remove[start : start + WRITE_BATCH]]
        through.objects.filter(reduce(operator.or_, pairs)).delete()


def _set_leads(rows: list[_Row], people: dict[str, User], new_teams: dict[str, Team]) -> None:
    # Few rows lead a team, so a query each is bounded by the number of teams.
    for row in rows:
        person = people[row.employee_no]
        if row.stops_leading:
            Team.objects.filter(pk__in=[t.pk for t in row.stops_leading], lead=person).update(
                lead=None
            )
        if row.leads is not None:
            kind, key = row.leads
            pk = new_teams[key].pk if kind == "new" else key
            Team.objects.filter(pk=pk).update(lead=person)


def template_rows() -> tuple[list[str], list[list]]:
    return TEMPLATE_HEADERS, TEMPLATE_ROWS
