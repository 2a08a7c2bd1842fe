"""The demo rubrics, role-play scenarios and submissions of 云裳优品, the fictional shop: plain data.

Read by ``seed_demo_roleplay``. Rubrics and scenarios are matched on their code, a plan's
submission on its agent and scenario: the seeder never updates what exists, so editing
the text here changes only a fresh database.
"""

# Texts stay on one line each, to be read and compared as written.
# ruff: noqa: E501

from dataclasses import dataclass, field
from typing import Any

BASIC, ADVANCED, EXPERT = 1, 2, 3

WRITTEN = "written-standards"
BACKOFFICE = "platform-backoffice"
CRM = "crm-system"
EMPATHY = "listening-empathy"
DEESCALATION = "complaint-deescalation"
NEGOTIATION = "negotiation"
PERCEPTION = "customer-emotion-perception"

# points, descriptor zh, descriptor en, competency level shown, fails the criterion
Level = tuple[int, str, str, int | None, bool]


@dataclass(frozen=True)
class CriterionSpec:
    title_zh: str
    title_en: str
    competency: str
    weight: int
    levels: list[Level]
    critical: bool = False


@dataclass(frozen=True)
class RubricSpec:
    code: str
    title_zh: str
    title_en: str
    criteria: list[CriterionSpec]
    pass_mark: int = 70


@dataclass(frozen=True)
class TurnSpec:
    text_zh: str
    text_en: str = ""
    reply_target_seconds: int = 60
    branches: list[dict[str, Any]] = field(default_factory=list)
    ends: bool = False


@dataclass(frozen=True)
class ScenarioSpec:
    code: str
    title_zh: str
    title_en: str
    rubric: str
    brief_zh: str
    brief_en: str
    persona_zh: str
    emotion: int
    level: int
    turns: list[TurnSpec]
    channel: str = "im"
    kind: str = "roleplay"
    required: list[str] = field(default_factory=list)
    forbidden: list[str] = field(default_factory=list)
    grading_hours: int = 48


IM_RUBRIC = RubricSpec(
    code="im-conversation",
    title_zh="IM 对话评分表",
    title_en="IM conversation rubric",
    criteria=[
        CriterionSpec(
            "开场与结束用语",
            "Opening and closing wording",
            WRITTEN,
            15,
            [
                (
                    0,
                    "没有问候或结束语，或使用了禁用语",
                    "No greeting or closing, or a forbidden phrase",
                    None,
                    True,
                ),
                (2, "有问候和结束语，但生硬、套话", "Greets and closes, but stiffly", BASIC, False),
                (
                    3,
                    "问候及时、称呼得体，结束时确认问题已解决",
                    "Timely greeting, proper address, confirms the issue is solved",
                    ADVANCED,
                    False,
                ),
                (
                    4,
                    "开场即点明顾客问题，结束时主动告知后续跟进方式",
                    "Opens on the customer's issue, closes with how it will be followed up",
                    EXPERT,
                    False,
                ),
            ],
            critical=True,
        ),
        CriterionSpec(
            "信息准确",
            "Accuracy of information",
            BACKOFFICE,
            25,
            [
                (0, "给出错误的政策、时效或金额", "Wrong policy, time or amount", None, True),
                (
                    2,
                    "信息基本正确，但有含糊用语（可能、应该）",
                    "Mostly right, with vague words",
                    BASIC,
                    False,
                ),
                (
                    3,
                    "政策、时效、金额准确，并查过订单",
                    "Policy, times and amounts right, order checked",
                    ADVANCED,
                    False,
                ),
                (
                    4,
                    "准确且主动说明例外情况和依据",
                    "Accurate, and explains exceptions and their basis",
                    EXPERT,
                    False,
                ),
            ],
        ),
        CriterionSpec(
            "流程完整",
            "Process completeness",
            CRM,
            20,
            [
                (
                    0,
                    "漏掉核实订单或登记工单等关键步骤",
                    "Skips checking the order or logging a ticket",
                    None,
                    True,
                ),
                (
                    2,
                    "步骤基本齐全，顺序有些乱",
                    "Steps mostly there, in a muddled order",
                    BASIC,
                    False,
                ),
                (
                    3,
                    "核实、处理、登记、告知时效一步不落",
                    "Verifies, acts, logs and gives a time frame",
                    ADVANCED,
                    False,
                ),
                (
                    4,
                    "流程完整并设置回访提醒",
                    "Complete process with a follow-up reminder",
                    EXPERT,
                    False,
                ),
            ],
        ),
        CriterionSpec(
            "共情表达",
            "Empathy",
            EMPATHY,
            20,
            [
                (0, "只讲规定，不回应顾客感受", "Quotes rules, ignores feelings", None, True),
                (2, "说了抱歉，但像模板", "Apologises, but by rote", BASIC, False),
                (
                    3,
                    "复述顾客的处境并表示理解",
                    "Restates the customer's situation with understanding",
                    ADVANCED,
                    False,
                ),
                (
                    4,
                    "共情自然贴切，让顾客感到被重视",
                    "Natural, fitting empathy; the customer feels valued",
                    EXPERT,
                    False,
                ),
            ],
        ),
        CriterionSpec(
            "情绪安抚",
            "De-escalation",
            DEESCALATION,
            20,
            [
                (0, "与顾客争辩，情绪升级", "Argues; the customer gets angrier", None, True),
                (
                    2,
                    "没有激化，但顾客情绪未缓和",
                    "No escalation, but no calming either",
                    BASIC,
                    False,
                ),
                (
                    3,
                    "给出明确方案，顾客情绪明显缓和",
                    "A clear remedy; the customer calms down",
                    ADVANCED,
                    False,
                ),
                (
                    4,
                    "化解不满，顾客撤回差评或表示满意",
                    "Turns it round; the review is withdrawn or the customer is pleased",
                    EXPERT,
                    False,
                ),
            ],
        ),
    ],
)

PHONE_RUBRIC = RubricSpec(
    code="phone-call",
    title_zh="电话沟通评分表",
    title_en="Phone call rubric",
    criteria=[
        CriterionSpec(
            "开场与身份核实",
            "Opening and identity check",
            WRITTEN,
            15,
            [
                (
                    0,
                    "未报工号或未核实来电人身份",
                    "No name given or caller not verified",
                    None,
                    True,
                ),
                (2, "报了工号并核实身份", "Gives name and verifies the caller", BASIC, False),
                (
                    4,
                    "开场礼貌清晰，核实身份自然不生硬",
                    "Clear, polite opening; smooth verification",
                    ADVANCED,
                    False,
                ),
            ],
            critical=True,
        ),
        CriterionSpec(
            "倾听与确认",
            "Listening and confirming",
            EMPATHY,
            20,
            [
                (0, "频繁打断顾客", "Keeps interrupting", None, True),
                (2, "能听完，但没有复述确认", "Listens, but does not confirm", BASIC, False),
                (3, "复述要点并与顾客确认", "Restates and confirms the points", ADVANCED, False),
                (4, "听出顾客未说出口的诉求", "Hears the unspoken need", EXPERT, False),
            ],
        ),
        CriterionSpec(
            "信息准确",
            "Accuracy of information",
            BACKOFFICE,
            20,
            [
                (0, "信息错误或承诺做不到的事", "Wrong facts or impossible promises", None, True),
                (2, "信息基本正确", "Mostly correct", BASIC, False),
                (
                    4,
                    "信息准确，口头表达清楚易懂",
                    "Accurate and easy to follow by ear",
                    ADVANCED,
                    False,
                ),
            ],
        ),
        CriterionSpec(
            "情绪安抚",
            "De-escalation",
            DEESCALATION,
            25,
            [
                (
                    0,
                    "语气冲或沉默以对，顾客更生气",
                    "Curt or silent; the caller gets angrier",
                    None,
                    True,
                ),
                (2, "语气平稳，但安抚不足", "Calm tone, little soothing", BASIC, False),
                (
                    3,
                    "语速放缓、先处理情绪再处理问题",
                    "Slows down, handles feelings before facts",
                    ADVANCED,
                    False,
                ),
                (4, "顾客明显平静下来并愿意配合", "The caller calms and cooperates", EXPERT, False),
            ],
        ),
        CriterionSpec(
            "方案与跟进",
            "Solution and follow-up",
            NEGOTIATION,
            20,
            [
                (0, "没有给出方案", "No solution offered", None, True),
                (2, "给出方案但没有时限", "A solution without a time frame", BASIC, False),
                (
                    4,
                    "方案明确、有时限，并约定回电时间",
                    "Clear remedy, a deadline and a call-back time",
                    ADVANCED,
                    False,
                ),
            ],
        ),
    ],
)

RUBRICS = [IM_RUBRIC, PHONE_RUBRIC]

SCENARIOS = [
    ScenarioSpec(
        code="im-late-night-order",
        title_zh="凌晨下单无人回复，顾客威胁差评",
        title_en="Ordered at 2 a.m., no reply, threatens a bad review",
        rubric="im-conversation",
        brief_zh="顾客凌晨两点下单买了一件羽绒服，留言询问能否当天发货，早上九点仍无人回复。顾客很生气，扬言要给差评。",
        brief_en="A customer bought a down jacket at 2 a.m. and asked about same-day shipping; by 9 a.m. nobody had replied and she threatens a bad review.",
        persona_zh="急躁的年轻妈妈，要带孩子出门，时间很紧",
        emotion=4,
        level=BASIC,
        turns=[
            TurnSpec(
                "我凌晨两点下的单，问了三遍都没人理！你们客服是摆设吗？",
                "I ordered at 2 a.m. and asked three times, nobody answered!",
                60,
                branches=[{"contains": ["退款", "取消"], "goto": 3}],
            ),
            TurnSpec(
                "那今天到底能不能发货？我周末就要穿。",
                "So can it ship today? I need it this weekend.",
                60,
            ),
            TurnSpec(
                "再这样我就直接给差评了。", "One more delay and I'm leaving a bad review.", 45
            ),
            TurnSpec("行吧，那你记得盯着点。", "Fine, keep an eye on it.", 30, ends=True),
        ],
        required=["发货"],
        forbidden=["系统问题"],
    ),
    ScenarioSpec(
        code="im-logistics-delay",
        title_zh="物流延误五天",
        title_en="Parcel five days late",
        rubric="im-conversation",
        brief_zh="顾客的包裹在中转站停留五天没有更新，物流显示“运输中”。",
        brief_en="The parcel has sat at a hub for five days with no tracking update.",
        persona_zh="上班族，买的是送朋友的生日礼物",
        emotion=3,
        level=BASIC,
        turns=[
            TurnSpec(
                "物流五天没动了，你们到底发没发？",
                "Tracking hasn't moved in five days. Did you even ship it?",
                60,
            ),
            TurnSpec(
                "朋友后天生日，来不及怎么办？",
                "It's my friend's birthday in two days. What if it's late?",
                60,
                branches=[{"contains": ["补发", "重新发"], "goto": 4}],
            ),
            TurnSpec("那你们能催一下快递吗？", "Can you chase the courier?", 60),
            TurnSpec(
                "好，有消息第一时间告诉我。", "OK, tell me as soon as you hear.", 45, ends=True
            ),
        ],
        required=["快递", "单号"],
        forbidden=["等着吧"],
    ),
    ScenarioSpec(
        code="im-size-exchange",
        title_zh="尺码不合适要换货",
        title_en="Wrong size, wants an exchange",
        rubric="im-conversation",
        brief_zh="顾客按尺码表买了 M 码连衣裙，收到后腰身偏紧，想换 L 码。",
        brief_en="The customer bought a size M dress by the size chart; the waist is tight and she wants an L.",
        persona_zh="第一次在店里买衣服的大学生",
        emotion=2,
        level=BASIC,
        turns=[
            TurnSpec(
                "我按尺码表买的 M，腰太紧了，能换 L 吗？",
                "I went by the chart, the M is too tight. Can I swap for an L?",
                60,
            ),
            TurnSpec(
                "换货运费谁出？",
                "Who pays the return postage?",
                60,
                branches=[{"contains": ["运费险"], "goto": 4}],
            ),
            TurnSpec("L 码现在还有货吗？", "Is the L in stock?", 60),
            TurnSpec("好的，那我今天就寄回去。", "OK, I'll send it back today.", 45, ends=True),
        ],
        required=["换货"],
        forbidden=["你自己选错了"],
    ),
    ScenarioSpec(
        code="im-damaged-goods",
        title_zh="商品破损",
        title_en="Damaged goods",
        rubric="im-conversation",
        brief_zh="顾客收到的香水瓶盖碎了，包装盒也被压扁，顾客发来照片。",
        brief_en="The perfume arrived with a broken cap and a crushed box; the customer sent photos.",
        persona_zh="给母亲买生日礼物的白领，很失望",
        emotion=4,
        level=BASIC,
        turns=[
            TurnSpec(
                "香水瓶盖碎了，盒子也压扁了，这还怎么送人？",
                "The cap is broken and the box crushed. How can I give this as a gift?",
                60,
            ),
            TurnSpec("照片我发了，你们打算怎么处理？", "I sent photos. What will you do?", 60),
            TurnSpec(
                "补发要多久？周日就是我妈生日。",
                "How long for a replacement? Sunday is my mum's birthday.",
                45,
                ends=True,
            ),
        ],
        required=["照片", "补发"],
        forbidden=["快递弄坏的不关我们事"],
    ),
    ScenarioSpec(
        code="im-refund-refused",
        title_zh="退款被拒",
        title_en="Refund refused",
        rubric="im-conversation",
        brief_zh="顾客申请七天无理由退货，因吊牌已剪被系统驳回，顾客认为店铺故意刁难。",
        brief_en="A no-reason return was rejected because the tag was cut off; the customer thinks the shop is being difficult.",
        persona_zh="熟悉平台规则、说话很冲的老买家",
        emotion=4,
        level=ADVANCED,
        turns=[
            TurnSpec(
                "凭什么拒绝我的退款？七天无理由是平台规定！",
                "Why was my refund refused? Seven-day returns are platform rules!",
                60,
            ),
            TurnSpec(
                "吊牌剪了又怎样，衣服我根本没穿。",
                "So the tag's cut, I never wore it.",
                60,
                branches=[{"contains": ["平台介入", "申诉"], "goto": 4}],
            ),
            TurnSpec("那你说现在怎么办？", "So what now?", 60),
            TurnSpec("不给退我就找平台投诉你们。", "Refund me or I complain to the platform.", 45),
            TurnSpec("好，我等你们的答复。", "Fine, I'll wait for your answer.", 30, ends=True),
        ],
        required=["七天无理由", "吊牌"],
        forbidden=["规定就是这样"],
    ),
    ScenarioSpec(
        code="im-price-drop",
        title_zh="买后降价要求补差价",
        title_en="Price dropped after purchase, wants the difference",
        rubric="im-conversation",
        brief_zh="顾客三天前买的蓝牙耳机今天大促降价 80 元，要求退差价。",
        brief_en="Three days after purchase the earbuds are 80 yuan cheaper in a sale; the customer wants the difference.",
        persona_zh="精打细算的程序员，会截图对比",
        emotion=3,
        level=BASIC,
        turns=[
            TurnSpec(
                "我三天前买的耳机今天便宜了 80，差价给我退了吧。",
                "My earbuds are 80 yuan cheaper today. Refund the difference.",
                60,
            ),
            TurnSpec(
                "不退差价我就退货重新买。",
                "No refund, then I'll return them and buy again.",
                60,
                branches=[{"contains": ["价保"], "goto": 4}],
            ),
            TurnSpec("那能送点东西补偿吗？", "Can you throw in something instead?", 60),
            TurnSpec("行，那就按你说的办。", "OK, do it your way.", 45, ends=True),
        ],
        required=["价保"],
        forbidden=["爱买不买"],
    ),
    ScenarioSpec(
        code="im-vip-complaint",
        title_zh="VIP 客户投诉",
        title_en="A VIP customer complains",
        rubric="im-conversation",
        brief_zh="年消费过万的 VIP 客户连续两单发错颜色，要求店长出面并给说法。",
        brief_en="A VIP customer who spends over 10,000 yuan a year got the wrong colour twice and wants the manager.",
        persona_zh="店铺三年老客，语气克制但非常不满",
        emotion=4,
        level=ADVANCED,
        turns=[
            TurnSpec(
                "我是你们店的老客户了，连续两次发错颜色，这就是你们对 VIP 的态度？",
                "I'm a long-time customer and you sent the wrong colour twice.",
                60,
            ),
            TurnSpec(
                "我要你们店长给我一个说法。",
                "I want the manager to answer for this.",
                60,
                branches=[{"contains": ["店长"], "goto": 4}],
            ),
            TurnSpec(
                "道歉就完了？我的时间怎么算？", "An apology, and that's it? What about my time?", 60
            ),
            TurnSpec(
                "好，这次我看你们怎么处理。", "Fine, let's see how you handle it.", 45, ends=True
            ),
        ],
        required=["VIP"],
        forbidden=["不归我管"],
    ),
    ScenarioSpec(
        code="phone-angry-caller",
        title_zh="愤怒的电话来电",
        title_en="An angry phone call",
        rubric="phone-call",
        channel="phone",
        brief_zh="顾客打来电话，说在线客服一直是机器人回复，订的婴儿推车少发了一个轮子。",
        brief_en="A caller says online chat only gave bot answers, and the pram arrived missing a wheel.",
        persona_zh="新手爸爸，嗓门大、语速快",
        emotion=5,
        level=ADVANCED,
        turns=[
            TurnSpec(
                "（大声）我在网上问了半天全是机器人！推车少个轮子，你们怎么做事的？",
                "(Shouting) Only bots online! The pram is missing a wheel!",
                30,
            ),
            TurnSpec(
                "你别跟我说流程，我就问什么时候能用上！",
                "Don't talk process, when can I use it?",
                30,
                branches=[{"contains": ["加急", "顺丰"], "goto": 4}],
            ),
            TurnSpec("我现在就要一个准话。", "I want a straight answer now.", 30),
            TurnSpec("好，你记着回电话给我。", "OK, call me back.", 20, ends=True),
        ],
        required=["工号", "回电"],
        forbidden=["你冷静一点"],
    ),
    ScenarioSpec(
        code="case-bad-review",
        title_zh="真实案例复盘：一条差评的来龙去脉",
        title_en="Real-case review: how a bad review happened",
        rubric="im-conversation",
        kind="case_review",
        brief_zh="阅读上周一段真实的售后对话（已脱敏）：顾客因退货地址错误来回寄了两次，最后给了差评。请指出客服在哪几步可以做得更好，并写出你的改进回复。",
        brief_en="Read last week's anonymised after-sales chat, where a wrong return address led to a bad review. Say where the agent could have done better and write your improved replies.",
        persona_zh="",
        emotion=3,
        level=ADVANCED,
        turns=[],
    ),
]


@dataclass(frozen=True)
class SubmissionPlan:
    """One demo submission. ``state``: in_progress, submitted, in_review, graded, returned.
    ``marks``: top, good, weak or fail_critical, the levels the grader picks."""

    agent: str
    scenario: str
    state: str
    days_ago: int
    replies: list[str] = field(default_factory=list)
    latencies: list[int] = field(default_factory=list)
    grader: str = "mentor"
    marks: str = "good"
    second_grader: str = ""
    feedback: str = ""
    case_text: str = ""


GOOD_LATE_NIGHT = [
    "您好，非常抱歉让您久等了！我是客服小李，马上为您查看订单。",
    "理解您着急，我已经为您备注加急，今天下午五点前发货，单号发出后第一时间告诉您。",
    "给您添麻烦了，我会全程跟进，保证周末前送到。",
    "好的，感谢您的耐心，祝您生活愉快！",
]

PLANS = [
    SubmissionPlan(
        "agent",
        "im-late-night-order",
        "graded",
        20,
        GOOD_LATE_NIGHT,
        [35, 50, 40, 20],
        marks="top",
        second_grader="zhang.haoran",
        feedback="开场致歉及时，发货时间说得清楚，安抚到位。",
    ),
    SubmissionPlan(
        "agent",
        "im-logistics-delay",
        "graded",
        14,
        ["物流可能在路上吧。", "应该来得及，您再等等。", "没办法，快递的事我们也管不了。"],
        [95, 120, 80],
        marks="fail_critical",
        feedback="没有问候和结束语，出现了禁用语“没办法”，也没有查单号。请重练。",
    ),
    SubmissionPlan(
        "agent",
        "im-size-exchange",
        "returned",
        10,
        ["您好，可以换。", "运费您出。", "有货。", "好的。"],
        [40, 45, 30, 20],
        feedback="回复太简短，没有说明运费险和换货流程，请补充后重新提交。",
    ),
    SubmissionPlan(
        "agent",
        "im-damaged-goods",
        "submitted",
        1,
        [
            "您好，看到照片了，真的很抱歉，给您添麻烦了。",
            "我们为您免费补发一瓶全新的，破损的不用寄回，照片我已经登记。",
            "今天就用顺丰加急补发，周六前送到，谢谢您的理解！",
        ],
        [30, 55, 40],
    ),
    SubmissionPlan(
        "agent",
        "im-price-drop",
        "in_progress",
        0,
        [
            "您好，理解您的心情，我帮您看一下价保规则。",
            "我们支持 15 天价保，差价 80 元会原路退回给您。",
        ],
        [25, 40],
    ),
    SubmissionPlan(
        "liu.zixuan",
        "im-refund-refused",
        "submitted",
        5,
        [
            "您好，非常理解您的心情，我先帮您看一下退款记录。",
            "七天无理由退货需要吊牌完好，不过您没穿过，我帮您提交人工复核。",
            "复核结果会在 24 小时内给您答复。",
            "抱歉给您添麻烦，我会跟进到底。",
            "感谢您的耐心，有进展第一时间联系您。",
        ],
        [45, 70, 50, 40, 25],
    ),
    SubmissionPlan(
        "huang.xinyi",
        "im-vip-complaint",
        "in_review",
        1,
        [
            "您好，非常抱歉，连续两次发错颜色是我们的失误，给您添麻烦了。",
            "我已经把情况报告店长，店长会在今天内亲自联系您。",
            "作为 VIP，我们为您补发正确颜色并送一张 50 元无门槛券。",
        ],
        [40, 60, 55],
    ),
    SubmissionPlan(
        "huang.xinyi",
        "phone-angry-caller",
        "graded",
        4,
        [
            "您好，我是客服工号 1024，先跟您说声抱歉，让您等这么久。",
            "我完全理解您着急，我现在就为您加急顺丰补发一个轮子。",
            "明天中午前送到，我今天下午四点给您回电确认物流。感谢您的理解！",
        ],
        [15, 25, 20],
        marks="top",
        feedback="先处理情绪再处理问题，回电时间约得很清楚。",
    ),
    SubmissionPlan(
        "liu.zixuan",
        "case-bad-review",
        "graded",
        6,
        marks="good",
        case_text="1. 客服没有核对退货地址就发给顾客，导致来回寄两次；应先在后台确认仓库地址。2. 第二次出错时只说“抱歉”，没有补偿也没有时限；应主动承担运费并告知到账时间。3. 改进回复：“您好，非常抱歉，退货地址是我们给错了，来回运费由我们承担，今天内退到您的账户。”",
        feedback="问题找得准，改进回复也具体。",
    ),
    SubmissionPlan(
        "wang.yutong",
        "im-late-night-order",
        "graded",
        12,
        ["在的。", "应该今天能发吧。", "差评随便您。"],
        [240, 180, 150],
        grader="zhang.haoran",
        marks="weak",
        feedback="回复太慢，出现“随便”，也没有安抚顾客。",
    ),
    SubmissionPlan(
        "yang.jing",
        "im-logistics-delay",
        "in_progress",
        0,
        ["您好，抱歉让您着急了，麻烦提供一下订单号，我马上帮您查快递。"],
        [30],
    ),
]
