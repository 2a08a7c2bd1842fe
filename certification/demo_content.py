"""Demo programs, rules, honours and ladder for the fictional shop 云裳优品.

Requirements name demo courses, quizzes, scenarios and competencies by code, so that the
demo's own history (who completed what) decides who is eligible.
"""

from dataclasses import dataclass, field

POINT_RULES = {"course": 20, "quiz": 10, "roleplay": 15, "case_review": 15}

HONOURS = [
    # code, Chinese, English, points
    ("service-star", "服务之星", "Service star", 100),
    ("problem-solver", "问题解决专家", "Problem-solving expert", 80),
]


@dataclass(frozen=True)
class ProgramSpec:
    code: str
    kind: str
    title_zh: str
    title_en: str
    level: int | None
    validity_months: int | None
    issue_mode: str
    points: int
    tag_zh: str
    tag_en: str
    description_zh: str
    # (kind, target code, minimum)
    requirements: list[tuple[str, str, int | None]] = field(default_factory=list)
    min_points: int = 0
    refresher: str | None = None


PROGRAMS = [
    ProgramSpec(
        code="onboarding-qualification",
        kind="qualification",
        title_zh="客服上岗资格认证",
        title_en="Customer-service qualification",
        level=None,
        validity_months=None,
        issue_mode="automatic",
        points=50,
        tag_zh="持证上岗",
        tag_en="Qualified agent",
        description_zh="完成后台操作基础课程并通过新人综合测验，即可独立接待顾客。",
        requirements=[
            ("course", "backoffice-basics", None),
            ("quiz", "newcomer-general", None),
        ],
    ),
    ProgramSpec(
        code="returns-skill",
        kind="skill",
        title_zh="退换货处理技能认证",
        title_en="Returns and refunds skills",
        level=1,
        validity_months=12,
        issue_mode="approval",
        points=100,
        tag_zh="退换货能手",
        tag_en="Returns specialist",
        description_zh="掌握七天无理由、质量问题退换与退款时效，能按流程独立处理退换货。",
        requirements=[
            ("course", "returns-refunds-101", None),
            ("quiz", "returns-policy", 60),
            ("competency", "platform-backoffice", 1),
        ],
        refresher="returns-refunds-101",
    ),
    ProgramSpec(
        code="service-quality",
        kind="quality",
        title_zh="服务素养认证",
        title_en="Service quality",
        level=1,
        validity_months=24,
        issue_mode="approval",
        points=80,
        tag_zh="共情沟通",
        tag_en="Empathetic communicator",
        description_zh="倾听与共情、规范用语，让顾客感到被理解。",
        requirements=[
            ("course", "empathy-listening-101", None),
            ("competency", "listening-empathy", 1),
        ],
        min_points=30,
    ),
    ProgramSpec(
        code="complaint-advanced",
        kind="skill",
        title_zh="客诉升级处理认证（进阶）",
        title_en="Complaint de-escalation (advanced)",
        level=2,
        validity_months=12,
        issue_mode="approval",
        points=150,
        tag_zh="客诉处理专家",
        tag_en="Complaint handler",
        description_zh="面对差评威胁、情绪激动的顾客，能安抚情绪并给出可执行的方案。",
        requirements=[
            ("course", "complaint-deescalation-201", None),
            ("plan", "onboarding-composite", 70),
            ("competency", "complaint-deescalation", 2),
        ],
    ),
]

# code, rank, Chinese, English, points, tenure months, position profile, programs
LEVELS = [
    ("junior", 1, "初级客服", "Junior agent", 0, 0, None, []),
    (
        "intermediate",
        2,
        "中级客服",
        "Intermediate agent",
        120,
        6,
        None,
        ["onboarding-qualification"],
    ),
    (
        "senior",
        3,
        "高级客服",
        "Senior agent",
        400,
        18,
        "senior-agent",
        ["onboarding-qualification", "returns-skill", "service-quality"],
    ),
    ("mentor", 4, "导师", "Mentor", 800, 24, "senior-agent", ["complaint-advanced"]),
    ("trainer", 5, "培训师", "Trainer", 1200, 36, "trainer", ["complaint-advanced"]),
]
