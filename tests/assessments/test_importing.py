"""Importing questions from CSV and XLSX: every rule of assessments/importing.py.

A file with any bad row imports nothing and reports every bad row with the line number a
person sees in a spreadsheet (the header is line 1; blank rows are skipped but counted).
Errors are checked by line number and by the data they name, not by translated wording.
"""

import csv
import io
from unittest.mock import patch

import pytest
from openpyxl import Workbook

from assessments import importing
from assessments.importing import COLUMNS, ImportRejected, questions_import, template_csv
from assessments.models import Option, Question
from lms.models import Level
from tests.assessments.factories import QuestionBankFactory, question
from tests.lms.factories import CompetencyFactory

pytestmark = pytest.mark.django_db


def row(**cells: str) -> list[str]:
    """A data row in the template's column order; unnamed cells are blank."""
    return [cells.get(column, "") for column in COLUMNS]


def single(text: str = "七天无理由退货从哪天开始计算？", **cells: str) -> list[str]:
    fields = {
        "type": "single",
        "question_zh": text,
        "option_a": "下单当天",
        "option_b": "签收次日",
        "answer": "B",
    }
    return row(**{**fields, **cells})


def csv_bytes(
    *rows: list[str], header: list[str] | None = None, encoding: str = "utf-8-sig"
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS if header is None else header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(*rows: list, header: list | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS if header is None else header)
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def run(data: bytes, filename: str = "questions.csv", *, bank=None, dry_run: bool = False):
    return questions_import(
        bank=bank or QuestionBankFactory(),
        upload=io.BytesIO(data),
        filename=filename,
        created_by=None,
        dry_run=dry_run,
    )


def rejected(data: bytes, filename: str = "questions.csv", *, bank=None) -> list[tuple[int, str]]:
    """The (line, message) pairs of a rejected file, after checking nothing was saved."""
    questions, options = Question.objects.count(), Option.objects.count()
    with pytest.raises(ImportRejected) as excinfo:
        run(data, filename, bank=bank)
    assert (Question.objects.count(), Option.objects.count()) == (questions, options)
    errors = excinfo.value.errors
    # Each error is also a message of the ValidationError, for forms and the API.
    assert len(excinfo.value.messages) == len(errors)
    for error, message in zip(errors, excinfo.value.messages, strict=True):
        assert error.message in message
    return [(error.line, error.message) for error in errors]


def lines(errors: list[tuple[int, str]]) -> list[int]:
    return [line for line, _message in errors]


def options_of(item: Question) -> list[tuple[str, str, bool]]:
    return list(item.options.values_list("text_zh", "text_en", "is_correct"))


# --- The template --------------------------------------------------------------------


def test_the_template_imports_cleanly_into_an_empty_bank(trainer):
    bank = QuestionBankFactory()
    data = template_csv().encode("utf-8")

    result = questions_import(
        bank=bank, upload=io.BytesIO(data), filename="template.csv", created_by=trainer
    )

    assert (result.created, result.errors) == (3, [])
    single_q, multiple_q, true_false_q = bank.questions.order_by("pk")
    assert (single_q.kind, single_q.text_zh, single_q.text_en) == (
        "single",
        "七天无理由退货从哪天开始计算？",
        "When does the 7-day return period start?",
    )
    assert options_of(single_q) == [
        ("下单当天", "", False),
        ("签收次日", "", True),
        ("发货当天", "", False),
    ]
    assert (single_q.explanation_zh, single_q.level, single_q.difficulty) == (
        "自签收次日起计算七天。",
        Level.BASIC,
        1,
    )
    assert single_q.created_by == trainer
    assert multiple_q.kind == "multiple"
    assert [ok for _zh, _en, ok in options_of(multiple_q)] == [True, False, True, False]
    assert true_false_q.kind == "true_false"
    assert options_of(true_false_q) == [("正确", "True", True), ("错误", "False", False)]
    assert (true_false_q.level, true_false_q.difficulty) == (None, 1)


def test_the_template_starts_with_a_byte_order_mark_for_excel():
    assert template_csv().startswith("\ufefftype,")


# --- Encodings and formats -----------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_is_read_as_utf_8_with_or_without_bom_or_as_gb18030(encoding):
    data = csv_bytes(
        single("退款多久到账？", option_a="一到三个工作日 | 1-3 days"), encoding=encoding
    )
    if encoding == "gb18030":
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")

    result = run(data)

    created = Question.objects.get()
    assert result.created == 1
    assert created.text_zh == "退款多久到账？"
    assert options_of(created)[0] == ("一到三个工作日", "1-3 days", False)


def test_a_csv_in_neither_encoding_is_refused():
    data = csv_bytes(single()) + b"\xff\xfe\xff"

    assert lines(rejected(data)) == [0]


def test_xlsx_is_read_from_the_first_sheet_with_numbers_and_empty_cells():
    competency = CompetencyFactory(code="returns-policy")
    multiple = {
        "type": "多选",
        "question_zh": "以下哪些属于规范的服务用语？",
        "option_a": "您好，请问有什么可以帮您？ | Hello, how can I help?",
        "option_b": "这个应该没问题吧",
        "option_c": "感谢您的耐心等待",
        "answer": "A,C",
        "competency": "returns-policy",
        "level": 2,  # numbers come from the sheet as numbers
        "difficulty": 3,
    }
    true_false = {"type": "判断", "question_zh": "客户情绪激动时，应先安抚情绪。", "answer": "正确"}
    data = xlsx_bytes(
        [multiple.get(column) for column in COLUMNS],
        [None] * len(COLUMNS),  # a blank row in the middle
        [true_false.get(column) for column in COLUMNS],
        header=[*COLUMNS, None],  # an empty trailing header cell is ignored
    )
    bank = QuestionBankFactory()

    result = run(data, "题库.XLSX", bank=bank)

    assert result.created == 2
    multiple_q, true_false_q = bank.questions.order_by("pk")
    assert (multiple_q.kind, multiple_q.competency, multiple_q.level, multiple_q.difficulty) == (
        "multiple",
        competency,
        Level.ADVANCED,
        3,
    )
    assert options_of(multiple_q) == [
        ("您好，请问有什么可以帮您？", "Hello, how can I help?", True),
        ("这个应该没问题吧", "", False),
        ("感谢您的耐心等待", "", True),
    ]
    assert true_false_q.kind == "true_false"
    assert options_of(true_false_q) == [("正确", "True", True), ("错误", "False", False)]


def test_xlsx_errors_carry_the_sheet_row_numbers():
    data = xlsx_bytes(
        single("第一题"),  # row 2
        [None] * len(COLUMNS),  # row 3, blank
        [None] * len(COLUMNS),  # row 4, blank
        single("第五题", answer=None),  # row 5
        single("第六题", level=7),  # row 6
    )

    assert lines(rejected(data, "questions.xlsx")) == [5, 6]


def test_a_damaged_xlsx_is_refused():
    assert lines(rejected(b"PK\x03\x04 not really a workbook", "questions.xlsx")) == [0]


@pytest.mark.parametrize("filename", ["questions.txt", "questions.xls", "questions", "q.csv.exe"])
def test_other_file_types_are_refused(filename):
    assert lines(rejected(csv_bytes(single()), filename)) == [0]


def test_the_extension_is_read_case_insensitively():
    assert run(csv_bytes(single()), "QUESTIONS.CSV").created == 1


def test_an_empty_file_is_refused():
    assert lines(rejected(b"")) == [1]


def test_a_header_without_rows_imports_nothing():
    assert run(csv_bytes()).created == 0
    assert not Question.objects.exists()


# --- Columns -------------------------------------------------------------------------


def test_missing_required_columns_are_named_on_line_1():
    header = [c for c in COLUMNS if c not in {"type", "answer"}]
    data = csv_bytes(
        [cell for column, cell in zip(COLUMNS, single(), strict=True) if column in header],
        header=header,
    )

    errors = rejected(data)

    assert lines(errors) == [1]
    assert "type" in errors[0][1]
    assert "answer" in errors[0][1]


def test_unknown_columns_are_named_on_line_1():
    data = csv_bytes([*single(), "5", "x"], header=[*COLUMNS, "score", "备注"])

    errors = rejected(data)

    assert lines(errors) == [1]
    assert "score" in errors[0][1]
    assert "备注" in errors[0][1]


def test_column_names_ignore_case_and_spaces_and_only_the_required_ones_are_needed():
    data = csv_bytes(
        ["判断", "未经客户同意不得外呼营销。", "正确"],
        header=[" Type ", "QUESTION_ZH", "Answer"],
    )

    assert run(data).created == 1
    created = Question.objects.get()
    assert (created.kind, created.text_en, created.difficulty) == ("true_false", "", 2)


# --- Types and answers ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "kind"),
    [
        ("single", "single"),
        ("Single", "single"),
        ("单选", "single"),
        ("单选题", "single"),
        ("multiple", "multiple"),
        ("多选", "multiple"),
        ("多选题", "multiple"),
    ],
)
def test_choice_types_in_english_or_chinese(cell, kind):
    run(csv_bytes(single(type=cell)))

    assert Question.objects.get().kind == kind


@pytest.mark.parametrize(
    "cell", ["true_false", "TRUE_FALSE", "true false", "truefalse", "判断", "判断题"]
)
@pytest.mark.parametrize(
    ("answer", "true_is_right"),
    [
        ("正确", True),
        ("对", True),
        ("true", True),
        ("T", True),
        ("Yes", True),
        ("√", True),
        ("错误", False),
        ("错", False),
        ("FALSE", False),
        ("no", False),
        ("×", False),
    ],
)
def test_true_false_types_and_answers(cell, answer, true_is_right):
    run(csv_bytes(row(type=cell, question_zh="退款前需核实订单号。", answer=answer)))

    created = Question.objects.get()
    assert created.kind == "true_false"
    assert options_of(created) == [
        ("正确", "True", true_is_right),
        ("错误", "False", not true_is_right),
    ]


@pytest.mark.parametrize("answer", ["A,C", "AC", "A，C", "a, c", "C,A", " A ， C "])
def test_multiple_answers_as_letters_with_any_separator(answer):
    data = csv_bytes(
        row(
            type="multiple",
            question_zh="哪些情况可以申请退货？",
            option_a="商品质量问题",
            option_b="已超过售后期",
            option_c="七天无理由",
            option_d="定制商品",
            answer=answer,
        )
    )

    run(data)

    assert [ok for _zh, _en, ok in options_of(Question.objects.get())] == [
        True,
        False,
        True,
        False,
    ]


def test_option_cells_split_chinese_and_english_on_the_bar():
    data = csv_bytes(
        single(
            option_a="下单当天 | The order day",
            option_b="签收次日|The day after delivery",
            option_c="发货当天",
            answer="b",
        )
    )

    run(data)

    assert options_of(Question.objects.get()) == [
        ("下单当天", "The order day", False),
        ("签收次日", "The day after delivery", True),
        ("发货当天", "", False),
    ]


@pytest.mark.parametrize(
    ("level", "difficulty", "expected"),
    [
        ("1", "1", (Level.BASIC, 1)),
        ("basic", "easy", (Level.BASIC, 1)),
        ("基础", "易", (Level.BASIC, 1)),
        ("Advanced", "Medium", (Level.ADVANCED, 2)),
        ("进阶", "中等", (Level.ADVANCED, 2)),
        ("专家", "难", (Level.EXPERT, 3)),
        ("3", "困难", (Level.EXPERT, 3)),
        ("", "", (None, 2)),
    ],
)
def test_levels_and_difficulties_in_numbers_english_or_chinese(level, difficulty, expected):
    run(csv_bytes(single(level=level, difficulty=difficulty)))

    created = Question.objects.get()
    assert (created.level, created.difficulty) == expected


def test_explanations_english_text_and_competency_are_imported():
    competency = CompetencyFactory(code="logistics")
    data = csv_bytes(
        single(
            question_en="When does the return period start?",
            explanation_zh="自签收次日起计算。",
            explanation_en="From the day after delivery.",
            competency="logistics",
        )
    )

    run(data)

    created = Question.objects.get()
    assert (
        created.text_en,
        created.explanation_zh,
        created.explanation_en,
        created.competency,
    ) == (
        "When does the return period start?",
        "自签收次日起计算。",
        "From the day after delivery.",
        competency,
    )


# --- Errors and their line numbers ---------------------------------------------------


def test_every_bad_row_is_reported_with_its_line_and_blank_rows_keep_the_numbering():
    data = csv_bytes(
        single("第一题"),  # line 2
        row(),  # line 3, blank
        single("第三题", type="essay"),  # line 4
        single("第四题"),  # line 5
        [" ", "", "  "] + [""] * (len(COLUMNS) - 3),  # line 6, blank
        single("第六题", answer="E"),  # line 7
    )

    assert lines(rejected(data)) == [4, 7]


def test_every_problem_of_one_row_is_reported():
    data = csv_bytes(
        single(
            "",
            answer="G",
            competency="no-such-competency",
            level="大师",
            difficulty="地狱",
        )
    )

    errors = rejected(data)

    assert lines(errors) == [2, 2, 2, 2, 2]
    assert any("no-such-competency" in message for _line, message in errors)


def test_an_unknown_type_is_reported_with_the_other_problems_of_its_row():
    errors = rejected(csv_bytes(single("", type="问答")))

    assert lines(errors) == [2, 2]


@pytest.mark.parametrize(
    "cells",
    [
        {"option_b": ""},  # one option only
        {"option_b": "", "option_c": "签收次日", "answer": "A"},  # a gap
        {"answer": "C"},  # names an empty option
        {"answer": "A,B"},  # two answers to a single-choice question
        {"answer": ""},
        {"answer": "1"},
    ],
)
def test_bad_options_or_answers_are_reported(cells):
    errors = rejected(csv_bytes(single("好题", **cells), single("另一题")))

    assert set(lines(errors)) == {2}


@pytest.mark.parametrize("answer", ["", "maybe", "A"])
def test_a_true_false_answer_must_be_a_true_or_false_word(answer):
    data = csv_bytes(row(type="判断", question_zh="退款前需核实订单号。", answer=answer))

    assert lines(rejected(data)) == [2]


def test_two_options_with_the_same_text_are_reported_on_their_line():
    data = csv_bytes(single("第一题"), single("第二题", option_a="签收次日", option_b="签收次日"))

    assert lines(rejected(data)) == [3]


def test_an_option_longer_than_the_database_allows_is_reported_on_its_line():
    data = csv_bytes(single("第一题"), single("第二题", option_a="长" * 501))

    assert lines(rejected(data)) == [3]


def test_a_question_twice_in_the_file_is_reported_with_the_first_line():
    data = csv_bytes(
        single("运费险如何理赔？"),  # line 2
        single("退款多久到账？"),  # line 3
        single(" 运费险如何理赔？ "),  # line 4: the same once trimmed
    )

    errors = rejected(data)

    assert lines(errors) == [4]
    assert "2" in errors[0][1]


def test_a_question_already_in_the_bank_is_reported_but_other_banks_do_not_count():
    bank, other_bank = QuestionBankFactory(), QuestionBankFactory()
    question(bank, text_zh="运费险如何理赔？")
    data = csv_bytes(single("退款多久到账？"), single("运费险如何理赔？"))

    assert lines(rejected(data, bank=bank)) == [3]

    assert run(data, bank=other_bank).created == 2
    assert other_bank.questions.count() == 2
    assert bank.questions.count() == 1


# --- Limits --------------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused():
    data = csv_bytes(single())

    with patch.object(importing, "MAX_BYTES", len(data) - 1):
        assert lines(rejected(data)) == [0]
    with patch.object(importing, "MAX_BYTES", len(data)):
        assert run(data).created == 1


def test_a_file_over_the_row_limit_is_refused_and_blank_rows_do_not_count():
    too_many = csv_bytes(single("一"), single("二"), single("三"))
    enough = csv_bytes(single("一"), row(), single("二"), row(), row())

    with patch.object(importing, "MAX_ROWS", 2):
        assert lines(rejected(too_many)) == [0]
        assert run(enough).created == 2


# --- Dry run -------------------------------------------------------------------------


def test_a_dry_run_checks_everything_and_creates_nothing():
    good = csv_bytes(single("一"), single("二"))
    bad = csv_bytes(single("一"), single("二", type="essay"))

    assert run(good, dry_run=True).created == 0
    assert not Question.objects.exists()
    with pytest.raises(ImportRejected) as excinfo:
        run(bad, dry_run=True)
    assert [e.line for e in excinfo.value.errors] == [3]
    assert not Question.objects.exists()


def test_a_file_with_one_bad_row_imports_none_of_the_good_ones():
    data = csv_bytes(*(single(f"第{n}题") for n in range(1, 6)), single("坏题", answer="Z"))

    assert lines(rejected(data)) == [7]
    assert not Question.objects.exists()
