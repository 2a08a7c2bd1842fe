import factory

from assessments import services
from assessments.models import DrawRule, Question, QuestionBank, Quiz, QuizQuestion
from lms.models import Level


class QuestionBankFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionBank

    code = factory.Sequence(lambda n: f"bank-{n}")
    title_zh = factory.Sequence(lambda n: f"题库{n}")
    title_en = factory.Sequence(lambda n: f"Bank {n}")


def question(
    bank: QuestionBank | None = None,
    *,
    kind: str = Question.Kind.SINGLE,
    text_zh: str | None = None,
    correct: tuple[int, ...] = (0,),
    options: int = 3,
    **fields,
) -> Question:
    """A question through the service; ``correct`` lists the indexes of the right options."""
    bank = bank or QuestionBankFactory()
    if kind == Question.Kind.TRUE_FALSE:
        specs = services.true_false_options(0 in correct)
    else:
        specs = [(f"选项{i + 1}", f"Option {i + 1}", i in correct) for i in range(options)]
    return services.question_create(
        bank=bank,
        kind=kind,
        text_zh=text_zh or f"题目{QuestionBank.objects.count()}-{bank.questions.count() + 1}",
        options=specs,
        explanation_zh=fields.pop("explanation_zh", "解析：按规定处理。"),
        created_by=fields.pop("created_by", None),
        **fields,
    )


class QuizFactory(factory.django.DjangoModelFactory):
    """A draft quiz; use ``published_quiz()`` for one agents can take."""

    class Meta:
        model = Quiz

    code = factory.Sequence(lambda n: f"quiz-{n}")
    title_zh = factory.Sequence(lambda n: f"测验{n}")
    title_en = factory.Sequence(lambda n: f"Quiz {n}")
    mode = Quiz.Mode.FIXED
    pass_mark = 60
    shuffle_questions = False
    shuffle_options = False


class QuizQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuizQuestion

    quiz = factory.SubFactory(QuizFactory)
    question = factory.LazyFunction(question)
    order = factory.Sequence(lambda n: n + 1)
    marks = 1


class DrawRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DrawRule

    quiz = factory.SubFactory(QuizFactory, mode=Quiz.Mode.RANDOM)
    count = 2
    marks_each = 1


def published_quiz(*, questions: int = 3, **fields) -> Quiz:
    """A fixed quiz of ``questions`` single-choice questions (option 1 right), published."""
    quiz = QuizFactory(**fields)
    bank = QuestionBankFactory()
    for order in range(1, questions + 1):
        QuizQuestionFactory(quiz=quiz, question=question(bank), order=order)
    return services.quiz_publish(quiz=quiz)


__all__ = [
    "DrawRuleFactory",
    "Level",
    "QuestionBankFactory",
    "QuizFactory",
    "QuizQuestionFactory",
    "published_quiz",
    "question",
]
