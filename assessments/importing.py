"""Import questions from CSV or XLSX: every bad row reported, nothing saved if any is bad.

The format (docs/question-import.md) has one question per row, a header row first:

    type, question_zh, question_en, option_a … option_f, answer,
    explanation_zh, explanation_en, competency, level, difficulty

``type``: single / multiple / true_false (or 单选 / 多选 / 判断). An option cell may hold
"中文 | English". ``answer``: the letters of the right options ("B", "A,C"); for true/false
also 正确 / 错误 / true / false. ``level``: 1-3 or basic / advanced / expert (基础 / 进阶 /
专家); ``difficulty``: 1-3 or easy / medium / hard (易 / 中 / 难). Blank rows are skipped.
"""

import csv
import io
from dataclasses import dataclass, field
from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lms.models import Competency, User

from .models import Question, QuestionBank
from .services import question_create, true_false_options

OPTION_COLUMNS = [f"option_{letter}" for letter in "abcdef"]
COLUMNS = [
    "type",
    "question_zh",
    "question_en",
    *OPTION_COLUMNS,
    "answer",
    "explanation_zh",
    "explanation_en",
    "competency",
    "level",
    "difficulty",
]
REQUIRED_COLUMNS = {"type", "question_zh", "answer"}
MAX_ROWS = 2000
MAX_BYTES = 5 * 1024 * 1024

KINDS = {
    "single": Question.Kind.SINGLE,
    "单选": Question.Kind.SINGLE,
    "单选题": Question.Kind.SINGLE,
    "multiple": Question.Kind.MULTIPLE,
    "多选": Question.Kind.MULTIPLE,
    "多选题": Question.Kind.MULTIPLE,
    "true_false": Question.Kind.TRUE_FALSE,
    "truefalse": Question.Kind.TRUE_FALSE,
    "判断": Question.Kind.TRUE_FALSE,
    "判断题": Question.Kind.TRUE_FALSE,
}
TRUE_WORDS = {"正确", "对", "true", "t", "yes", "y", "√"}
FALSE_WORDS = {"错误", "错", "false", "f", "no", "n", "×"}
LEVELS = {"1": 1, "2": 2, "3": 3, "basic": 1, "advanced": 2, "expert": 3}
LEVELS.update({"基础": 1, "进阶": 2, "专家": 3})
DIFFICULTIES = {"1": 1, "2": 2, "3": 3, "easy": 1, "medium": 2, "hard": 3}
DIFFICULTIES.update({"易": 1, "中": 2, "难": 3, "简单": 1, "中等": 2, "困难": 3})


@dataclass
class RowError:
    line: int
    message: str


@dataclass
class ImportResult:
    created: int = 0
    ready: int = 0  # after a dry run: how many questions an import would create
    errors: list[RowError] = field(default_factory=list)


class ImportRejected(ValidationError):
    """The file has errors; ``errors`` lists each with its line number. Nothing was saved."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__(
            [
                ValidationError(
                    _("Line %(line)s: %(message)s") % {"line": e.line, "message": e.message},
                    code="import",
                )
                for e in errors
            ]
        )


def read_rows(upload: IO[bytes], filename: str) -> list[tuple[int, dict[str, str]]]:
    """The data rows with their line numbers as the user sees them (the header is line 1)."""
    name = filename.lower()
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImportRejected([RowError(0, _("The file is larger than 5 MB."))])
    if name.endswith(".csv"):
        rows = _csv_rows(data)
    elif name.endswith(".xlsx"):
        rows = _xlsx_rows(data)
    else:
        raise ImportRejected([RowError(0, _("Upload a .csv or .xlsx file."))])
    if not rows:
        raise ImportRejected([RowError(1, _("The file is empty."))])
    header = [str(h or "").strip().lower() for h in rows[0]]
    missing = REQUIRED_COLUMNS - set(header)
    if missing:
        raise ImportRejected(
            [
                RowError(
                    1, _("Missing columns: %(columns)s.") % {"columns": ", ".join(sorted(missing))}
                )
            ]
        )
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        raise ImportRejected(
            [RowError(1, _("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)})]
        )
    result = []
    for line, values in enumerate(rows[1:], start=2):
        cells = {
            h: str(v if v is not None else "").strip()
            for h, v in zip(header, values, strict=False)
            if h
        }
        if any(cells.values()):
            result.append((line, cells))
    if len(result) > MAX_ROWS:
        raise ImportRejected(
            [RowError(0, _("At most %(max)s questions per file.") % {"max": MAX_ROWS})]
        )
    return result


def _csv_rows(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportRejected([RowError(0, _("Save the CSV file as UTF-8."))])
    return list(csv.reader(io.StringIO(text)))


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportRejected([RowError(0, _("This is not a readable .xlsx file."))]) from exc
    sheet = workbook.worksheets[0]
    # Read no further than the row limit allows: a small file can unpack to millions of
    # rows. The header, the rows allowed and one more (to tell "too many").
    return [list(row) for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2)]


@dataclass
class ParsedQuestion:
    kind: str
    text_zh: str
    text_en: str
    options: list[tuple[str, str, bool]]
    explanation_zh: str
    explanation_en: str
    competency: Competency | None
    level: int | None
    difficulty: int


def _split(cell: str) -> tuple[str, str]:
    zh, _sep, en = cell.partition("|")
    return zh.strip(), en.strip()


def parse_row(cells: dict[str, str], competencies: dict[str, Competency]) -> ParsedQuestion:
    """One row to a question, or ValidationError with every problem of the row."""
    problems: list[str] = []
    kind = KINDS.get(cells.get("type", "").lower().replace(" ", ""))
    if kind is None:
        problems.append(_("type must be single, multiple or true_false"))
    text_zh = cells.get("question_zh", "")
    if not text_zh:
        problems.append(_("question_zh is empty"))
    answer = cells.get("answer", "").replace("，", ",").replace(" ", "")
    options: list[tuple[str, str, bool]] = []
    if kind == Question.Kind.TRUE_FALSE:
        word = answer.lower()
        if word in TRUE_WORDS:
            options = true_false_options(True)
        elif word in FALSE_WORDS:
            options = true_false_options(False)
        else:
            problems.append(_("the answer of a true/false question is 正确 or 错误"))
    elif kind is not None:
        texts = [_split(cells.get(column, "")) for column in OPTION_COLUMNS]
        letters = [letter for letter in answer.upper().replace(",", "") if letter.strip()]
        filled = [i for i, (zh, _en) in enumerate(texts) if zh]
        if len(filled) < 2:
            problems.append(_("give at least two options"))
        if filled and filled != list(range(len(filled))):
            problems.append(_("fill the options from option_a on, without gaps"))
        bad = [x for x in letters if x not in "ABCDEF"[: len(filled)]]
        if not letters or bad:
            problems.append(_("the answer must name filled options, e.g. B or A,C"))
        elif kind == Question.Kind.SINGLE and len(set(letters)) != 1:
            problems.append(_("a single-choice question has exactly one answer"))
        options = [(zh, en, "ABCDEF"[i] in letters) for i, (zh, en) in enumerate(texts) if zh]
        if len({zh for zh, _en, _ok in options}) != len(options):
            problems.append(_("two options have the same text"))
        if any(len(zh) > 500 or len(en) > 500 for zh, en, _ok in options):
            problems.append(_("an option is longer than 500 characters"))
    competency = None
    if code := cells.get("competency", ""):
        competency = competencies.get(code)
        if competency is None:
            problems.append(_("unknown competency code %(code)s") % {"code": code})
    level = None
    if value := cells.get("level", ""):
        level = LEVELS.get(value.lower())
        if level is None:
            problems.append(_("level must be 1-3 or basic / advanced / expert"))
    difficulty = 2
    if value := cells.get("difficulty", ""):
        difficulty = DIFFICULTIES.get(value.lower())
        if difficulty is None:
            problems.append(_("difficulty must be 1-3 or easy / medium / hard"))
    if problems:
        raise ValidationError(problems)
    return ParsedQuestion(
        kind=kind,
        text_zh=text_zh,
        text_en=cells.get("question_en", ""),
        options=options,
        explanation_zh=cells.get("explanation_zh", ""),
        explanation_en=cells.get("explanation_en", ""),
        competency=competency,
        level=level,
        difficulty=difficulty,
    )


def questions_import(
    *,
    bank: QuestionBank,
    upload: IO[bytes],
    filename: str,
    created_by: User | None,
    dry_run: bool = False,
) -> ImportResult:
    """Check every row, then create all the questions in one transaction, or none.

    Raises ``ImportRejected`` listing every bad row; ``dry_run`` only checks.
    """
    rows = read_rows(upload, filename)
    competencies = {c.code: c for c in Competency.objects.all()}
    parsed: list[ParsedQuestion] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    existing = set(bank.questions.values_list("text_zh", flat=True))
    for line, cells in rows:
        try:
            question = parse_row(cells, competencies)
        except ValidationError as exc:
            errors.extend(RowError(line, message) for message in exc.messages)
            continue
        if question.text_zh in seen:
            errors.append(
                RowError(
                    line, _("same question as line %(line)s") % {"line": seen[question.text_zh]}
                )
            )
            continue
        if question.text_zh in existing:
            errors.append(RowError(line, _("this question is already in the bank")))
            continue
        seen[question.text_zh] = line
        parsed.append(question)
    if errors:
        raise ImportRejected(errors)
    if dry_run:
        return ImportResult(created=0, ready=len(parsed))
    with transaction.atomic():
        for question in parsed:
            question_create(
                bank=bank,
                kind=question.kind,
                text_zh=question.text_zh,
                text_en=question.text_en,
                options=question.options,
                explanation_zh=question.explanation_zh,
                explanation_en=question.explanation_en,
                competency=question.competency,
                level=question.level,
                difficulty=question.difficulty,
                created_by=created_by,
            )
    return ImportResult(created=len(parsed), ready=len(parsed))


def template_csv() -> str:
    """A template file with the header and one example row per question type."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerow(
        [
            "single",
            "七天无理由退货从哪天开始计算？",
            "When does the 7-day return period start?",
            "下单当天",
            "签收次日",
            "发货当天",
            "",
            "",
            "",
            "B",
            "自签收次日起计算七天。",
            "Seven days from the day after delivery.",
            "",
            "1",
            "easy",
        ]
    )
    writer.writerow(
        [
            "multiple",
            "以下哪些属于规范的服务用语？",
            "",
            "您好，请问有什么可以帮您？",
            "这个应该没问题吧",
            "感谢您的耐心等待",
            "不知道",
            "",
            "",
            "A,C",
            "",
            "",
            "",
            "1",
            "1",
        ]
    )
    writer.writerow(
        [
            "true_false",
            "客户情绪激动时，应先安抚情绪再处理问题。",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "正确",
            "",
            "",
            "",
            "",
            "easy",
        ]
    )
    return "\ufeff" + out.getvalue()
