"""The demo question banks, quizzes and attempt plan of 云裳优品, the fictional shop: plain data.

Read by ``seed_demo_assessments``. The facts are the shop's house rules and general
e-commerce norms, kept consistent with the demo courses (``courses/demo_content.py``);
they are training material, not legal advice. Questions are matched on their bank and
Chinese text, quizzes and banks on their code: the seeder never updates what exists,
so editing the text here changes only a fresh database.
"""

# Question and option texts stay on one line each, to be read and compared as written.
# ruff: noqa: E501

from dataclasses import dataclass
from typing import NamedTuple

BASIC, ADVANCED, EXPERT = 1, 2, 3
EASY, MEDIUM, HARD = 1, 2, 3

SINGLE, MULTIPLE, TRUE_FALSE = "single", "multiple", "true_false"

BACKOFFICE = "platform-backoffice"
LOGISTICS = "logistics-delay-handling"
WRITTEN = "written-standards"
EMPATHY = "listening-empathy"
APPAREL = "apparel-sizing-fabrics"
COSMETICS = "cosmetics-ingredients-skin"
ELECTRONICS = "electronics-specs"

OptionSpec = tuple[str, str, bool]  # (text_zh, text_en, is_correct)


def ok(zh: str, en: str) -> OptionSpec:
    return (zh, en, True)


def no(zh: str, en: str) -> OptionSpec:
    return (zh, en, False)


@dataclass(frozen=True)
class QuestionContent:
    key: str  # names the question in this file (quizzes, tests); not stored
    kind: str
    text_zh: str
    text_en: str
    explanation_zh: str
    competency: str
    level: int = BASIC
    difficulty: int = MEDIUM
    options: tuple[OptionSpec, ...] = ()  # empty for true/false: see ``answer``
    answer: bool | None = None  # true/false only
    # Demo answering only: the wrong option most learners fall for, and how likely the
    # question is answered right compared with others (default: by difficulty).
    trap: str = ""
    ease: float | None = None


def single(key, text_zh, text_en, options, explanation_zh, competency, **kw) -> QuestionContent:
    return QuestionContent(
        key, SINGLE, text_zh, text_en, explanation_zh, competency, options=tuple(options), **kw
    )


def multiple(key, text_zh, text_en, options, explanation_zh, competency, **kw) -> QuestionContent:
    return QuestionContent(
        key, MULTIPLE, text_zh, text_en, explanation_zh, competency, options=tuple(options), **kw
    )


def judge(key, text_zh, text_en, answer, explanation_zh, competency, **kw) -> QuestionContent:
    return QuestionContent(
        key, TRUE_FALSE, text_zh, text_en, explanation_zh, competency, answer=answer, **kw
    )


@dataclass(frozen=True)
class BankContent:
    code: str
    title_zh: str
    title_en: str
    description: str
    questions: tuple[QuestionContent, ...]


# --- 退货退款政策 ------------------------------------------------------------------------

RETURNS = BankContent(
    code="returns-refunds",
    title_zh="退货退款政策",
    title_en="Returns and refunds policy",
    description="七天无理由退货的期限与例外、运费与运费险、各支付方式的退款时效。",
    questions=(
        single(
            "r-window-start",
            "七天无理由退货的 7 天从什么时候开始计算？",
            "When does the seven-day no-reason return period start?",
            [
                ok("客户签收商品的次日", "The day after the customer signs for the parcel"),
                no("客户下单的当天", "The day the order is placed"),
                no("商家发货的当天", "The day the shop ships"),
                no("客户付款的次日", "The day after payment"),
            ],
            "七天无理由退货自客户签收商品的次日开始计算，共 7 天。下单、付款和发货的时间都不影响起算点。",
            BACKOFFICE,
            difficulty=EASY,
        ),
        single(
            "r-window-deadline",
            "客户 3 月 1 日上午签收了一件外套，想七天无理由退货。最晚在什么时候之前提交申请，仍在期限内？",
            "A customer signed for a coat on the morning of 1 March and wants a no-reason return. Until when is a request still in time?",
            [
                no("3 月 7 日 24:00", "7 March, midnight"),
                ok("3 月 8 日 24:00", "8 March, midnight"),
                no("3 月 6 日 24:00", "6 March, midnight"),
                no("3 月 10 日 24:00", "10 March, midnight"),
            ],
            "期限从签收次日（3 月 2 日）起算，7 天是 3 月 2 日至 3 月 8 日，所以 3 月 8 日 24:00 前提交都有效。常见的错误是把签收当天算作第 1 天，答成 3 月 7 日。",
            BACKOFFICE,
            difficulty=HARD,
            trap="3 月 7 日 24:00",
            ease=0.02,
        ),
        multiple(
            "r-exceptions",
            "以下哪些商品不适用七天无理由退货（商品页已标注）？",
            "Which of these items are excluded from no-reason returns (as marked on the product page)?",
            [
                ok("已拆封的护肤品", "Opened skincare"),
                ok("刻字的定制保温杯", "An engraved, made-to-order flask"),
                ok("泳衣", "A swimsuit"),
                no("吊牌完好、未穿过的连衣裙", "An unworn dress with its tags on"),
                no(
                    "未激活、配件齐全的蓝牙耳机",
                    "A Bluetooth headset, never activated, with all its accessories",
                ),
            ],
            "出于卫生原因，已拆封的化妆品、护肤品和贴身衣物（内衣、袜子、泳衣）不适用；定制商品也不适用。吊牌完好的服饰、未激活且配件齐全的数码产品都可以无理由退货。",
            BACKOFFICE,
        ),
        judge(
            "r-no-reason-shipping",
            "无理由退货的寄回运费由客户承担；客户购买了运费险的，可以由保险理赔。",
            "For a no-reason return the customer pays the return postage; if they bought return-shipping insurance, the insurer pays the claim.",
            True,
            "无理由退货出于客户个人原因，寄回运费由客户承担；下单时购买了运费险的，按保险规则理赔。",
            BACKOFFICE,
            difficulty=EASY,
        ),
        single(
            "r-quality-shipping",
            "因质量问题或发错货退货时，寄回运费怎么处理？",
            "How is return postage handled when the item is faulty or the wrong item was sent?",
            [
                ok(
                    "客户先垫付，退款时由店铺一并返还",
                    "The customer pays first; the shop refunds it with the order",
                ),
                no("由客户自行承担", "The customer bears it"),
                no("由快递公司承担", "The courier bears it"),
                no(
                    "只有购买了运费险才能报销",
                    "It is repaid only if return-shipping insurance was bought",
                ),
            ],
            "质量问题和发错货是店铺的责任，运费由店铺承担：客户先垫付，退款时一并返还，与是否购买运费险无关。",
            BACKOFFICE,
            trap="只有购买了运费险才能报销",
        ),
        single(
            "r-insurance-claim",
            "客户说：“我下单时买了运费险，退货运费怎么赔？”正确的答复是？",
            "“I bought return-shipping insurance. How do I get my return postage back?” Which answer is right?",
            [
                ok(
                    "在售后单里填写寄回的运单号，退款完成后由保险公司按约定标准理赔到支付账户，金额以理赔规则为准",
                    "Enter the return tracking number in the after-sales request; after the refund the insurer pays the agreed amount to the payment account",
                ),
                no("退款时店铺会另外加付运费", "The shop adds the postage to the refund"),
                no("需要您自己打电话给快递公司报销", "Call the courier to claim it yourself"),
                no("运费险只在商品有质量问题时才赔付", "The insurance pays only for faulty items"),
            ],
            "运费险由保险公司赔付，一般在退货完成后按约定标准理赔到支付账户，金额以保险规则为准，不一定等于实际运费。质量问题的运费本来就由店铺承担，与运费险无关。",
            BACKOFFICE,
        ),
        single(
            "r-alipay-time",
            "客户用支付宝余额付款，后台显示退款成功后，多久到账？",
            "The customer paid from their Alipay balance. Once the refund shows as successful, how soon does it arrive?",
            [
                ok("即时到 1 个工作日", "Instantly, or within one working day"),
                no("1–3 个工作日", "1–3 working days"),
                no("3–7 个工作日", "3–7 working days"),
                no("15 个工作日", "15 working days"),
            ],
            "支付宝、微信余额退款即时到 1 个工作日到账；储蓄卡 1–3 个工作日；信用卡 3–7 个工作日，以银行入账为准。",
            BACKOFFICE,
            difficulty=EASY,
        ),
        single(
            "r-credit-card-time",
            "信用卡付款的订单，退款成功后一般多久到账？",
            "How long does a refund to a credit card usually take once it has succeeded?",
            [
                ok("3–7 个工作日，以银行入账为准", "3–7 working days, as the bank posts it"),
                no("即时到账", "Instantly"),
                no("1–3 个工作日", "1–3 working days"),
                no("30 个工作日", "30 working days"),
            ],
            "信用卡退款要经过发卡银行入账，一般 3–7 个工作日；1–3 个工作日是储蓄卡的时效。",
            BACKOFFICE,
            trap="1–3 个工作日",
        ),
        single(
            "r-huabei",
            "客户用花呗付款，这笔账单已经还了一部分。退款成功后会怎样？",
            "The customer paid with Huabei and has already repaid part of the bill. What happens once the refund succeeds?",
            [
                ok(
                    "恢复花呗额度，已还款的部分退回支付宝余额",
                    "The Huabei credit is restored and the part already repaid goes back to the Alipay balance",
                ),
                no("全部金额退到客户的银行卡", "The full amount goes to the customer's bank card"),
                no(
                    "只恢复额度，已还款的部分不退",
                    "Only the credit is restored; the repaid part is kept",
                ),
                no("要等到下一个账单日才处理", "Nothing happens until the next billing date"),
            ],
            "花呗退款先恢复额度；客户已经还款的部分退回支付宝余额。答复前先在「订单详情 → 售后记录」核对退款状态。",
            BACKOFFICE,
            level=ADVANCED,
            difficulty=HARD,
        ),
        judge(
            "r-refund-success-missing",
            "后台已显示“退款成功”，客户说还没收到钱，这时应该再发起一笔退款。",
            "The back-office shows “refund successful” but the customer says the money has not arrived: issue the refund again.",
            False,
            "显示成功说明款项已经退出，再退一次就是重复退款。应把退款流水号告诉客户，请客户凭流水号向银行或支付平台查询。",
            BACKOFFICE,
        ),
        single(
            "r-qc-time",
            "客户寄回的退货被仓库签收后，云裳优品要求多长时间内完成质检？",
            "Once the warehouse signs for a returned parcel, how soon must 云裳优品 finish the quality check?",
            [
                ok("24 小时内", "Within 24 hours"),
                no("2 小时内", "Within 2 hours"),
                no("72 小时内", "Within 72 hours"),
                no("7 天内", "Within 7 days"),
            ],
            "仓库签收退货后 24 小时内完成质检；质检通过后系统自动退款，需要人工审核的由客服 48 小时内处理完。",
            BACKOFFICE,
        ),
        single(
            "r-refund-only",
            "订单还没有发货，客户申请“仅退款”，应在多长时间内处理？",
            "The order has not shipped and the customer asks for a refund only. How soon must it be handled?",
            [
                ok("2 小时内", "Within 2 hours"),
                no("24 小时内", "Within 24 hours"),
                no("48 小时内", "Within 48 hours"),
                no("3 个工作日内", "Within 3 working days"),
            ],
            "未发货订单的仅退款申请，提交后 2 小时内处理，以免仓库继续出库。",
            BACKOFFICE,
            difficulty=EASY,
        ),
        judge(
            "r-opened-headset",
            "蓝牙耳机只要拆封了，就不能七天无理由退货。",
            "Once a Bluetooth headset has been unboxed, it can no longer be returned without a reason.",
            False,
            "拆封不等于激活。蓝牙耳机没有激活流程，商品页也没有“拆封不退”的标注，配件齐全、不影响二次销售的就可以无理由退货；系统误拒的，应人工改判并提交知识库反馈。",
            BACKOFFICE,
        ),
        multiple(
            "r-conditions",
            "客户申请七天无理由退货，客服需要核对哪些条件？",
            "A customer asks for a no-reason return. Which conditions does the agent check?",
            [
                ok("在签收次日起的 7 天内", "It is within 7 days from the day after delivery"),
                ok("吊牌、包装、配件齐全", "Tags, packaging and accessories are all there"),
                ok("商品不影响二次销售", "The item can still be sold again"),
                no("客户说明的退货理由被认可", "The customer's reason for returning is accepted"),
            ],
            "无理由退货不需要客户说明理由，只核对期限和商品是否完好（吊牌、包装、配件齐全，不影响二次销售）。",
            BACKOFFICE,
        ),
        judge(
            "r-allergy",
            "化妆品使用后出现过敏等不良反应的，不受“拆封不退”的限制，可以退款。",
            "Cosmetics that caused an allergic or other adverse reaction can be refunded despite the “no returns once opened” rule.",
            True,
            "不良反应属于商品安全问题，不受拆封限制。先关心客户身体，再收集信息办理退款；有就医记录的，上报组长按规定协商补偿。",
            BACKOFFICE,
        ),
        single(
            "r-electronics-day10",
            "客户签收一台蓝牙音箱后第 10 天出现性能故障（没有人为损坏），按云裳优品的政策，客户可以？",
            "Ten days after delivery a Bluetooth speaker develops a fault (no user damage). Under 云裳优品's policy the customer may…",
            [
                ok("换货", "Exchange it"),
                no("退货退款", "Return it for a refund"),
                no("只能申请保修维修", "Only have it repaired under warranty"),
                no("不予处理", "Nothing: the request is declined"),
            ],
            "数码产品签收 7 天内出现性能故障可以退货，15 天内可以换货，1 年内免费保修（人为损坏、进水除外）。第 10 天在换货期内。",
            BACKOFFICE,
            level=ADVANCED,
            trap="退货退款",
        ),
        multiple(
            "r-apply-steps",
            "客户要办理七天无理由退货，以下哪些说法正确？",
            "A customer wants a seven-day no-reason return. Which statements are right?",
            [
                ok(
                    "请客户在订单页点击「申请售后 → 退货退款」，选择“七天无理由”",
                    "Ask them to open the order, choose “After-sales → Return and refund” and pick “seven-day no reason”",
                ),
                ok(
                    "告知客户：仓库收到退货后 48 小时内办理退款",
                    "Tell them the refund is made within 48 hours of the warehouse receiving the return",
                ),
                no(
                    "先请客户说明哪里不满意，否则不能申请",
                    "They must first say what they dislike, or they cannot apply",
                ),
                no("承诺寄回运费由店铺承担", "Promise that the shop pays the return postage"),
            ],
            "标准流程是在订单页申请售后并选择“七天无理由”，仓库收到退货后 48 小时内办理退款。无理由退货不需要说明原因，寄回运费由客户承担（买了运费险的可以理赔）。",
            BACKOFFICE,
            level=ADVANCED,
        ),
    ),
)

# --- 物流异常处理 ------------------------------------------------------------------------

LOGISTICS_BANK = BankContent(
    code="logistics",
    title_zh="物流异常处理",
    title_en="Shipment exceptions",
    description="轨迹停滞、催件与查件、签收未收到、拒收、破损理赔。",
    questions=(
        single(
            "g-transit-stalled",
            "平日里，物流轨迹停在“运输中 / 到达某转运中心”超过多长时间不更新，应判断为异常？",
            "On an ordinary day, how long without an update at “in transit / arrived at a hub” counts as abnormal?",
            [
                ok("48 小时", "48 hours"),
                no("6 小时", "6 hours"),
                no("7 天", "7 days"),
                no("15 天", "15 days"),
            ],
            "干线运输超过 48 小时不更新就按异常处理；双十一、618 等大促期间放宽到 72 小时。",
            LOGISTICS,
            difficulty=EASY,
        ),
        single(
            "g-peak-season",
            "双十一、618 等大促期间，判断轨迹异常的标准放宽到多长时间？",
            "During big sales such as Double 11 and 618, how long may tracking stall before it counts as abnormal?",
            [
                ok("72 小时", "72 hours"),
                no("24 小时", "24 hours"),
                no("5 天", "5 days"),
                no("大促期间不判断异常", "Nothing counts as abnormal during a sale"),
            ],
            "大促期间转运中心积压是常态，判断标准放宽到 72 小时；但回复客户时同样要说清具体的下一步。",
            LOGISTICS,
        ),
        single(
            "g-out-for-delivery",
            "轨迹显示“派送中”，客户当天几点以后仍未收到包裹，可以联系派送网点？",
            "Tracking shows “out for delivery”. After what time that day should the agent call the delivery station if it has not arrived?",
            [
                ok("21:00", "21:00"),
                no("12:00", "12:00"),
                no("18:00", "18:00"),
                no("第二天 24:00", "Midnight the next day"),
            ],
            "“派送中”表示当天派送，21:00 以后仍未送达的，可以联系网点核实。",
            LOGISTICS,
            difficulty=EASY,
        ),
        multiple(
            "g-act-now",
            "延误处理四步法的第二步“当场行动”包括哪些？",
            "In the four steps for a late parcel, what belongs to step two, “act now”?",
            [
                ok(
                    "在快递公司工作台提交催件工单，并记下工单号",
                    "File a chase request in the courier's portal and note its number",
                ),
                ok(
                    "轨迹停滞超过 72 小时的，同时提交查件",
                    "If tracking has stalled for over 72 hours, also open a trace request",
                ),
                no("请客户自己打电话催快递", "Ask the customer to chase the courier themselves"),
                no(
                    "向客户保证包裹明天一定送到",
                    "Promise the parcel will certainly arrive tomorrow",
                ),
            ],
            "第二步是客服自己动手：提交催件并记下工单号，停滞超过 72 小时的同时提交查件。让客户自己去催、做出无法兑现的保证都不可取。",
            LOGISTICS,
        ),
        judge(
            "g-follow-up",
            "约定了回访时间，即使到时快递公司还没有结果，也要按时联系客户告知进展。",
            "If a follow-up time was promised, contact the customer on time even if the courier has no answer yet.",
            True,
            "四步法的最后一步是按时回访。没有结果也要告诉客户目前的进展和下一次联系的时间，客户才知道有人在跟进。",
            LOGISTICS,
            difficulty=EASY,
        ),
        single(
            "g-compensation",
            "包裹延误超过 5 天，按规定可以给客户什么补偿？",
            "A parcel is more than five days late. What compensation does the policy allow?",
            [
                ok(
                    "发放 10 元无门槛券（需组长审批）",
                    "A ¥10 coupon with no minimum spend (the team lead approves)",
                ),
                no(
                    "直接全额退款，商品也让客户留下",
                    "A full refund, and the customer keeps the item",
                ),
                no("免费再送一件同款商品", "A second identical item for free"),
                no("没有任何补偿", "No compensation at all"),
            ],
            "延误超过 5 天的订单，按规定发放 10 元无门槛券作为补偿，需要组长审批。",
            LOGISTICS,
        ),
        single(
            "g-signed-not-received",
            "物流显示“已签收”，客户却说没收到。客服第一步应该做什么？",
            "Tracking says “delivered” but the customer has not received it. What does the agent do first?",
            [
                ok(
                    "查看签收人：快递柜、驿站、门卫还是本人",
                    "Check who signed: a parcel locker, a pick-up point, the doorman or the customer",
                ),
                no("立即补发一件", "Send a replacement at once"),
                no("请客户自己联系快递", "Tell the customer to call the courier"),
                no(
                    "告诉客户已经签收就不归店铺负责",
                    "Say the shop is not responsible once it is signed for",
                ),
            ],
            "先查签收人，再请客户向家人、门卫和附近驿站确认，并给出取件码或驿站地址。大部分“没收到”在这一步就能解决。",
            LOGISTICS,
            trap="立即补发一件",
        ),
        judge(
            "g-lost-claim-first",
            "显示签收但确实找不到的包裹，要等快递公司的索赔结果出来，才能给客户补发或退款。",
            "For a parcel shown as delivered that really cannot be found, wait for the courier's claim result before reshipping or refunding.",
            False,
            "网点核实 24 小时内没有结果的，按丢件处理：先给客户补发或退款，再由店铺向快递公司索赔，不让客户等索赔结果。",
            LOGISTICS,
        ),
        single(
            "g-lost-24h",
            "向派送网点核实“签收未收到”后，多长时间内仍没有结果，就按丢件处理？",
            "After asking the delivery station about a “delivered but not received” parcel, how long without an answer before it is treated as lost?",
            [
                ok("24 小时", "24 hours"),
                no("2 小时", "2 hours"),
                no("7 天", "7 days"),
                no("30 天", "30 days"),
            ],
            "网点核实 24 小时内没有结果的，按丢件处理：先补发或退款，再向快递公司索赔。",
            LOGISTICS,
        ),
        multiple(
            "g-damage-photos",
            "客户反映包裹破损，需要请客户拍哪些照片？",
            "A customer reports a damaged parcel. Which photos does the agent ask for?",
            [
                ok("外包装", "The outer box"),
                ok("快递面单", "The shipping label"),
                ok("破损的商品", "The damaged item"),
                no("客户的身份证", "The customer's ID card"),
            ],
            "外包装、面单和破损商品三张照片，足够用于补发和向承运商索赔；不要索取身份证等与处理无关的个人信息。",
            LOGISTICS,
            difficulty=EASY,
        ),
        judge(
            "g-fragile-no-return",
            "玻璃瓶装的精华在运输中破损，客户必须先把破损商品寄回，才能给客户补发。",
            "A glass bottle of serum arrived broken: the customer must send the broken item back before a replacement is sent.",
            False,
            "易碎品（玻璃瓶装护肤品、屏幕）在运输中破损的，凭照片直接补发或退款，不需要寄回。",
            LOGISTICS,
        ),
        single(
            "g-damage-category",
            "处理破损件时，工单分类要选“物流 → 破损”，主要是为了什么？",
            "Why is a damaged parcel filed under “Logistics → Damaged” in the ticket?",
            [
                ok(
                    "方便月底统计各承运商的破损率",
                    "So each carrier's damage rate can be counted at month end",
                ),
                no("让工单自动关闭", "So the ticket closes itself"),
                no("自动给客户发放优惠券", "So the customer gets a coupon automatically"),
                no(
                    "分类不影响任何事，选哪个都可以",
                    "It makes no difference which category is chosen",
                ),
            ],
            "准确的分类是月底统计承运商破损率的依据，也是约谈或更换承运商时的数据来源。",
            LOGISTICS,
            level=ADVANCED,
            difficulty=HARD,
        ),
        single(
            "g-reship-refuse",
            "包裹轨迹停滞，已经为客户补发了一件。原包裹后来也送到了，客户该怎么做？",
            "The parcel stalled and a replacement was sent. Now the original arrives as well. What should the customer do?",
            [
                ok("直接拒收原包裹即可", "Simply refuse the original parcel"),
                no("签收后再自费寄回", "Accept it, then send it back at their own cost"),
                no("两件都留下，不用处理", "Keep both; nothing needs doing"),
                no("联系快递把原包裹改寄到仓库", "Ask the courier to redirect it to the warehouse"),
            ],
            "补发时就告诉客户：原包裹到了直接拒收，包裹会退回仓库。客户不用多跑一趟，也不产生额外运费。",
            LOGISTICS,
            level=ADVANCED,
            difficulty=HARD,
            trap="签收后再自费寄回",
        ),
        single(
            "g-returning",
            "客户并没有拒收，轨迹却显示“退回中”。客服应该怎么做？",
            "Tracking shows “returning to sender” although the customer refused nothing. What should the agent do?",
            [
                ok(
                    "立即联系网点核实原因（地址不详、多次派送失败等），再告诉客户处理方案",
                    "Call the station now to find out why (unclear address, failed deliveries…), then tell the customer the plan",
                ),
                no("等包裹退回仓库后再处理", "Wait until it is back at the warehouse"),
                no("请客户重新下单", "Ask the customer to order again"),
                no("直接关闭工单", "Close the ticket"),
            ],
            "“退回中”要立即核实原因。地址问题可以请网点改派；确实已经退回的，和客户商量补发或退款。",
            LOGISTICS,
            level=ADVANCED,
            difficulty=HARD,
        ),
        multiple(
            "g-reply-wording",
            "以下哪些句子适合写进给延误客户的回复？",
            "Which sentences belong in a reply to a customer whose parcel is late?",
            [
                ok(
                    "我查到包裹 11 月 12 日到达郑州转运中心后一直没有更新",
                    "I can see the parcel reached the Zhengzhou hub on 12 November and has not moved since",
                ),
                ok(
                    "我已提交催件（工单号 CJ8823），快递公司承诺 24 小时内回复",
                    "I have filed a chase request (CJ8823); the courier will answer within 24 hours",
                ),
                no("应该快到了，您再耐心等等", "It should be there soon, please be patient"),
                no("快递的事我们也没办法", "There is nothing we can do about couriers"),
            ],
            "好的回复说出具体事实、已经采取的行动和时间承诺；“应该”是模糊用语，“没办法”是推卸责任。",
            LOGISTICS,
            level=ADVANCED,
            difficulty=HARD,
        ),
        judge(
            "g-estimate",
            "快递公司给出的预计送达时间只作参考，答复客户时要说“预计”，并说明依据。",
            "The courier's estimated delivery time is only a guide: say “expected” and give the basis when answering.",
            True,
            "预计时间由承运商给出，可能变化。说“预计”并写明依据（如“物流显示已到达您所在城市”），既准确，又不会让客户误以为是承诺。",
            LOGISTICS,
            difficulty=EASY,
        ),
    ),
)

# --- 平台规则与服务用语 ------------------------------------------------------------------

RULES_WORDING = BankContent(
    code="platform-rules-wording",
    title_zh="平台规则与服务用语",
    title_en="Platform rules and service wording",
    description="发货时效、虚假发货、评价规则与隐私，规范用语、禁用与模糊用语，共情表达。",
    questions=(
        single(
            "p-ship-48h",
            "云裳优品承诺付款后多长时间内发货（预售商品除外）？",
            "How soon after payment does 云裳优品 promise to ship (pre-sale items aside)?",
            [
                ok("48 小时内", "Within 48 hours"),
                no("24 小时内", "Within 24 hours"),
                no("72 小时内", "Within 72 hours"),
                no("7 天内", "Within 7 days"),
            ],
            "现货商品付款后 48 小时内发货；预售商品以商品页写明的日期为准。客户催发货时，先看“预计出库时间”，再答复具体日期。",
            BACKOFFICE,
            difficulty=EASY,
        ),
        single(
            "p-presale",
            "客户问预售商品什么时候发货，应以什么为准？",
            "A customer asks when a pre-sale item will ship. What is the answer based on?",
            [
                ok("商品页写明的预售发货日期", "The shipping date stated on the product page"),
                no("付款后 48 小时", "48 hours after payment"),
                no("客服自己估计的时间", "The agent's own estimate"),
                no("仓库什么时候有空", "Whenever the warehouse has time"),
            ],
            "预售商品不适用 48 小时发货的承诺，以商品页写明的日期为准，并把日期明确告诉客户。",
            BACKOFFICE,
        ),
        judge(
            "p-fake-shipping",
            "为了不超过发货时效，可以先在后台点“已发货”并填一个运单号，等有货了再实际寄出。",
            "To stay within the shipping deadline, it is fine to mark an order shipped with a tracking number and send it once stock arrives.",
            False,
            "这是虚假发货，违反平台规则，会被平台处罚，也欺骗了客户。不能按时发货时，如实告诉客户新的发货日期，由客户选择等待或退款。",
            BACKOFFICE,
        ),
        multiple(
            "p-fake-shipping-kinds",
            "按照电商平台的一般规则，以下哪些情况属于虚假发货？",
            "Under the usual rules of e-commerce platforms, which of these count as fake shipping?",
            [
                ok(
                    "填写了运单号，但包裹长时间没有揽收记录",
                    "A tracking number is entered but the parcel is never collected",
                ),
                ok(
                    "填写与该订单无关的运单号",
                    "A tracking number unrelated to the order is entered",
                ),
                no(
                    "付款后 24 小时内发货并已揽收",
                    "Shipped and collected within 24 hours of payment",
                ),
                no(
                    "预售商品按商品页写明的日期发货",
                    "A pre-sale item shipped on the date stated on its page",
                ),
            ],
            "点了发货却没有真实揽收，或者运单号与订单不符，都会被认定为虚假发货。按承诺的时效真实发货的不属于。",
            BACKOFFICE,
            level=ADVANCED,
        ),
        judge(
            "p-review-cashback",
            "不能用返现、赠品等方式诱导客户给好评或删除差评。",
            "Do not use cash-back, gifts or the like to win positive reviews or get negative ones removed.",
            True,
            "“好评返现”等诱导评价的做法违反平台评价规则，会被处罚。改善评价的唯一办法，是把客户的问题解决好。",
            BACKOFFICE,
            difficulty=EASY,
        ),
        single(
            "p-bad-review",
            "客户留下了差评，正确的做法是？",
            "A customer has left a negative review. What is the right thing to do?",
            [
                ok(
                    "联系客户了解问题并解决，是否追评由客户自己决定",
                    "Contact the customer, solve the problem, and leave any follow-up review to them",
                ),
                no("承诺返现，请客户删除差评", "Offer cash-back if they delete the review"),
                no("在评价回复里指责客户", "Blame the customer in the public reply"),
                no("反复打电话要求客户修改", "Call them again and again until they change it"),
            ],
            "差评是发现问题的机会：先解决问题，是否追评由客户自己决定。返现诱导、公开指责和反复打扰客户都违反平台规则。",
            BACKOFFICE,
            trap="承诺返现，请客户删除差评",
        ),
        single(
            "p-private-transfer",
            "客户提出：“加个微信吧，你直接转账退款给我。”客服应该？",
            "The customer says: “Add me on WeChat and transfer the refund to me directly.” The agent should…",
            [
                ok(
                    "婉拒，说明退款只能通过平台售后流程原路退回",
                    "Decline politely: refunds only go back through the platform's after-sales process",
                ),
                no("同意，这样更快", "Agree: it is quicker"),
                no("请客户把银行卡号发过来", "Ask for their bank card number"),
                no("不回应这句话", "Ignore the request"),
            ],
            "平台外交易和私下转账既违反平台规则，也有诈骗风险。退款一律通过售后流程原路退回。",
            BACKOFFICE,
            difficulty=EASY,
        ),
        multiple(
            "p-privacy",
            "以下哪些做法违反平台规则或客户隐私保护的要求？",
            "Which of these break platform rules or the customer's privacy?",
            [
                ok(
                    "在评价回复中写出客户的姓名和地址",
                    "Writing the customer's name and address in a reply to a review",
                ),
                ok(
                    "向客户索要支付密码或短信验证码", "Asking for a payment password or an SMS code"
                ),
                no(
                    "只核对客户自己说出的信息，不主动念出完整的手机号",
                    "Checking only what the customer says, never reading out their full phone number",
                ),
                no(
                    "通过平台售后流程办理退款",
                    "Refunding through the platform's after-sales process",
                ),
            ],
            "客户的姓名、地址、电话不能公开；任何情况下都不索要密码和验证码。核对身份时，只核对客户自己说出的信息。",
            BACKOFFICE,
        ),
        single(
            "w-first-reply",
            "客户进线后，第一句回复应在多长时间内发出？",
            "How soon after a customer comes in should the first reply go out?",
            [
                ok("10 秒内", "Within 10 seconds"),
                no("30 秒内", "Within 30 seconds"),
                no("1 分钟内", "Within 1 minute"),
                no("3 分钟内", "Within 3 minutes"),
            ],
            "客户进线后 10 秒内发出第一句话，带上称呼和工号，让客户知道有人在为他服务。",
            WRITTEN,
            difficulty=EASY,
        ),
        single(
            "w-greeting",
            "以下哪一句开场白最规范？",
            "Which opening line follows the standard best?",
            [
                ok(
                    "您好，欢迎光临云裳优品，我是客服小琪（工号 0218），很高兴为您服务，请问有什么可以帮您？",
                    "Hello and welcome to 云裳优品, I'm Xiaoqi (no. 0218), glad to help. What can I do for you?",
                ),
                no("在。", "Here."),
                no("亲，有事吗？", "Hi dear, what's up?"),
                no("说吧，什么问题？", "Go on, what's the problem?"),
            ],
            "规范的开场包括问候、店铺名、称呼和工号，以及服务的意愿。客户已经说明问题时，直接回应问题，不再问“有什么可以帮您”。",
            WRITTEN,
            difficulty=EASY,
        ),
        multiple(
            "w-vague-words",
            "以下哪些属于质检会标记为不合格的模糊用语？",
            "Which of these are vague words that the quality check marks as failing?",
            [
                ok("可能", "“maybe” (可能)"),
                ok("应该", "“should be” (应该)"),
                ok("大概", "“about” (大概)"),
                no(
                    "预计明天 18:00 前送达（物流显示已到达您所在城市）",
                    "Expected by 18:00 tomorrow (tracking shows it has reached your city)",
                ),
            ],
            "“可能”“应该”“大概”“估计”“差不多”会让客户觉得我们自己都不确定；带着依据的“预计 + 具体时间”是规范说法。",
            WRITTEN,
            difficulty=EASY,
        ),
        single(
            "w-rewrite-eta",
            "“应该明天能到吧”的规范改写是？",
            "What is the standard rewrite of “it should get there tomorrow, I guess”?",
            [
                ok(
                    "物流显示包裹已到达您所在城市，预计明天 18:00 前送达",
                    "Tracking shows the parcel has reached your city; it is expected by 18:00 tomorrow",
                ),
                no("应该明天能到，您再等等", "It should get there tomorrow, please wait"),
                no("明天肯定能到，您放心", "It will definitely be there tomorrow, don't worry"),
                no("这个我也说不准", "I can't really say"),
            ],
            "规范的说法给出事实依据和具体时间。“肯定”是无法兑现的保证，“应该”“说不准”是模糊用语。",
            WRITTEN,
            trap="明天肯定能到，您放心",
        ),
        single(
            "w-unknown-answer",
            "客户的问题你暂时答不上来，应该怎么说？",
            "You do not know the answer to the customer's question yet. What do you say?",
            [
                ok(
                    "这个问题需要我向仓库核实，我会在今天 16:00 前给您明确答复",
                    "I need to check this with the warehouse; I will give you a clear answer before 16:00 today",
                ),
                no("这个我也不太清楚", "I'm not too sure about that"),
                no("可能是仓库的问题吧", "Maybe it's the warehouse's fault"),
                no("您自己问一下快递吧", "Please ask the courier yourself"),
            ],
            "不知道答案不丢人，含糊其辞才丢分：把“不确定”换成“我去确认 + 时间承诺”。",
            WRITTEN,
        ),
        judge(
            "w-blame",
            "“这不归我们管”“你自己去问快递”属于推卸责任的禁用表达。",
            "“That's not our business” and “go and ask the courier yourself” are forbidden because they shift the blame.",
            True,
            "推卸责任的说法会让客户觉得没人管。即使问题出在承运商，也由客服出面联系，并告诉客户进展。",
            WRITTEN,
            difficulty=EASY,
        ),
        single(
            "w-wait",
            "需要客户等待时，规范的做法是？",
            "When the customer has to wait, what is the standard practice?",
            [
                ok(
                    "先说明等待时长，如“请稍等 2 分钟，我为您核实”",
                    "Say how long first, e.g. “please give me 2 minutes to check”",
                ),
                no("直接去查，不用告诉客户", "Go and check without telling the customer"),
                no(
                    "只说“稍等”，不说多久",
                    "Just say “one moment” without saying how long",
                ),
                no("让客户过一会儿再来问", "Ask the customer to come back later"),
            ],
            "让客户等待前先说明时长；超过承诺的时间，先道歉：“抱歉让您久等了。”",
            WRITTEN,
        ),
        multiple(
            "w-closing",
            "结束会话时，规范的步骤包括哪些？",
            "Which steps belong to closing a conversation properly?",
            [
                ok(
                    "确认问题已经解决：“请问还有其他需要帮您处理的吗？”",
                    "Check the problem is solved: “Is there anything else I can help with?”",
                ),
                ok("感谢客户的支持", "Thank the customer for their support"),
                ok(
                    "需要时提醒下一步，如退款到账后的注意事项",
                    "Where needed, say what happens next, such as what to do once the refund arrives",
                ),
                no(
                    "客户一分钟没说话就直接结束会话",
                    "End the conversation as soon as the customer is silent for a minute",
                ),
            ],
            "结束语三步：确认、感谢、需要时提醒下一步。不要在客户沉默时直接结束会话。",
            WRITTEN,
        ),
        single(
            "w-structure",
            "按照“先结论，后原因，再行动”的结构，哪一条回复写得最好？",
            "Following “conclusion, then reason, then action”, which reply is written best?",
            [
                ok(
                    "您的退款已审核通过。因为您选择的是原路退回，款项会在 1–3 个工作日内退回您的储蓄卡，到账后会收到银行通知。",
                    "Your refund has been approved. As you chose to be refunded the way you paid, it will reach your debit card within 1–3 working days and your bank will notify you.",
                ),
                no(
                    "因为您选择的是原路退回，所以要等银行处理，退款已经审核通过了，您留意一下。",
                    "Since you chose the original payment method the bank has to process it; the refund was approved, keep an eye out.",
                ),
                no(
                    "您留意一下银行通知，退款原路退回，审核也通过了。",
                    "Watch for a note from your bank; the refund goes back the way you paid and it was approved.",
                ),
                no("退款的事情我们这边处理好了。", "We have dealt with the refund on our side."),
            ],
            "先给结论（已审核通过），再说原因（原路退回），最后说客户会看到什么（几个工作日、银行通知）。储蓄卡退款 1–3 个工作日到账。",
            WRITTEN,
            level=ADVANCED,
        ),
        judge(
            "w-emoji-apology",
            "在投诉和道歉的场景里，也可以用表情缓和气氛。",
            "Emojis can lighten the mood in complaints and apologies too.",
            False,
            "日常咨询可以适度使用“～”和一个表情；投诉和道歉的场景不用表情，以免显得不重视。",
            WRITTEN,
        ),
        single(
            "w-message-length",
            "在手机上，一条回复消息宜控制在多少行以内？",
            "On a phone, how many lines should one reply message stay within?",
            [
                ok("3 行", "3 lines"),
                no("1 行", "1 line"),
                no("10 行", "10 lines"),
                no("不限", "No limit"),
            ],
            "手机屏幕小，一条消息控制在 3 行以内，一条消息说一件事；多个步骤用①②③编号。",
            WRITTEN,
        ),
        judge(
            "w-questioning",
            "“你没看商品详情吗？”属于质问语气，应当避免。",
            "“Didn't you read the product page?” is an accusing tone and must be avoided.",
            True,
            "质问会让客户觉得被指责。可以改为：“商品详情里有尺码表，我把链接发给您，我们一起核对一下。”",
            WRITTEN,
            difficulty=EASY,
        ),
        single(
            "w-refusal",
            "客户提出的要求无法满足时，怎样回应最恰当？",
            "The customer asks for something that cannot be done. What is the best response?",
            [
                ok(
                    "说明原因，并给出一个可行的替代方案",
                    "Explain why and offer a workable alternative",
                ),
                no("直接说“不行，做不到”", "Say flatly “no, can't be done”"),
                no("先答应下来再说", "Agree for now and sort it out later"),
                no("不回应这个要求", "Do not answer the request"),
            ],
            "生硬拒绝和随口答应都会失去客户的信任。说明原因，再给出能做到的方案，让客户有选择。",
            WRITTEN,
            level=ADVANCED,
            difficulty=HARD,
            trap="先答应下来再说",
        ),
        single(
            "e-three-steps",
            "共情三步的正确顺序是？",
            "What is the right order of the three steps of empathy?",
            [
                ok(
                    "回应情绪 → 复述事实 → 给出行动", "Answer the feeling → restate the facts → act"
                ),
                no(
                    "解释规定 → 回应情绪 → 给出行动", "Explain the rules → answer the feeling → act"
                ),
                no(
                    "给出行动 → 复述事实 → 回应情绪", "Act → restate the facts → answer the feeling"
                ),
                no(
                    "复述事实 → 解释规定 → 道歉",
                    "Restate the facts → explain the rules → apologise",
                ),
            ],
            "先说出客户的感受，再用一句话确认事实，最后一定跟上行动；一上来就解释规定，客户会觉得你在推卸责任。",
            EMPATHY,
        ),
        single(
            "e-every-time",
            "客户说“你们每次都这样……”，通常说明什么？",
            "The customer says “you always do this…”. What does that usually mean?",
            [
                ok(
                    "不满已经积累了一段时间，需要先道歉",
                    "Frustration has built up over time: apologise first",
                ),
                no("客户在夸张，不必理会", "The customer is exaggerating; ignore it"),
                no("客户想要优惠券", "The customer wants a coupon"),
                no("客户找错了店铺", "The customer has the wrong shop"),
            ],
            "“每次都”是积累的不满，先为之前的体验道歉，再处理这一次的问题。",
            EMPATHY,
            difficulty=EASY,
        ),
        judge(
            "e-stock-phrase",
            "共情之后不必马上给出行动，多说几遍“我理解您的心情”就能安抚客户。",
            "After showing empathy there is no need to act at once: saying “I understand how you feel” a few times calms the customer.",
            False,
            "套话客户听得出来。共情之后一定要跟上行动，否则只是客套。",
            EMPATHY,
        ),
        multiple(
            "e-pitfalls",
            "以下哪些是共情中的常见误区？",
            "Which of these are common empathy mistakes?",
            [
                ok(
                    "把“我理解您的心情”挂在嘴边",
                    "Repeating “I understand how you feel”",
                ),
                ok(
                    "客户一开口就解释公司规定",
                    "Explaining company rules as soon as the customer speaks",
                ),
                ok(
                    "反复道歉，却不给方案",
                    "Apologising again and again without offering a solution",
                ),
                no(
                    "等客户说完，再复述确认",
                    "Letting the customer finish, then restating to confirm",
                ),
            ],
            "套话、急着解释规定、过度道歉都会让客户觉得没被听见。等客户说完再复述确认，是正确的做法。",
            EMPATHY,
            level=ADVANCED,
            difficulty=HARD,
        ),
        single(
            "e-silence",
            "客户沉默了很久，只回了一个“哦”。客服应该？",
            "After a long silence the customer just writes “oh”. What should the agent do?",
            [
                ok(
                    "主动确认客户是否还有顾虑：这往往是失望的信号",
                    "Ask whether something still worries them: it is often a sign of disappointment",
                ),
                no(
                    "当作问题已经解决，结束会话",
                    "Treat the problem as solved and end the conversation",
                ),
                no("接着发一条促销信息", "Send a promotion next"),
                no("等客户自己开口", "Wait for the customer to speak"),
            ],
            "长时间沉默后只回“哦”，往往是失望。主动确认，比默认问题已经解决更好。",
            EMPATHY,
        ),
    ),
)

# --- 商品知识 ----------------------------------------------------------------------------

PRODUCT = BankContent(
    code="product-knowledge",
    title_zh="商品知识",
    title_en="Product knowledge",
    description="服饰尺码与面料、美妆成分与肤质、数码产品参数与保修。",
    questions=(
        single(
            "a-three-questions",
            "为客户推荐尺码前，先要问清哪三项？",
            "Which three things does the agent ask before recommending a size?",
            [
                ok("身高、体重、平时穿的尺码", "Height, weight and the size they usually wear"),
                no("年龄、职业、所在城市", "Age, job and city"),
                no("预算、颜色、款式", "Budget, colour and style"),
                no("鞋码、手机型号、会员等级", "Shoe size, phone model and membership tier"),
            ],
            "先问身高、体重和平时穿的尺码，再问喜欢修身还是宽松，然后对照该商品的尺码表推荐。",
            APPAREL,
            difficulty=EASY,
        ),
        single(
            "a-recommend",
            "客户身高 163 cm、体重 52 kg，平时穿 M。这件上衣是修身版型，按云裳优品女装尺码表应推荐？",
            "A customer is 163 cm, 52 kg and usually wears M. The top is slim-fit. What does 云裳优品's size chart suggest?",
            [
                ok("M；想穿得宽松一些可以选 L", "M; L if they want it looser"),
                no("S", "S"),
                no("XL", "XL"),
                no("哪个尺码都一样", "Any size will do"),
            ],
            "163 cm、52 kg 落在 M（160–165 cm、48–55 kg）的范围，平时也穿 M，推荐 M；喜欢宽松可以选 L。介于两个尺码之间时，说明两种穿着效果，让客户自己决定。",
            APPAREL,
        ),
        single(
            "a-modal",
            "莫代尔面料的主要特点是？",
            "What is modal fabric known for?",
            [
                ok("柔软顺滑，垂感好", "Soft and smooth, drapes well"),
                no(
                    "挺括耐穿、不易皱，透气性一般",
                    "Crisp, hard-wearing and crease-resistant, but not very breathable",
                ),
                no("保暖，但容易起球", "Warm, but pills easily"),
                no(
                    "吸汗透气，首次洗涤会略缩",
                    "Absorbs sweat and breathes; shrinks a little at first wash",
                ),
            ],
            "莫代尔柔软顺滑、垂感好，轻柔手洗、不可暴晒。挺括不易皱是涤纶，保暖易起球是羊毛，吸汗透气、首次洗涤略缩是纯棉。",
            APPAREL,
            trap="吸汗透气，首次洗涤会略缩",
        ),
        judge(
            "a-silk",
            "真丝衣物洗后可以用力拧干，再放在阳光下晾晒。",
            "Silk can be wrung out hard after washing and dried in the sun.",
            False,
            "真丝怕摩擦：冷水手洗，不可拧干，避免阳光直射。",
            APPAREL,
        ),
        single(
            "a-shrink",
            "按洗标洗涤后，缩水超过多少属于质量问题？",
            "Washed as the care label says, beyond how much shrinkage is it a quality fault?",
            [
                ok("3%", "3%"),
                no("1%", "1%"),
                no("5%", "5%"),
                no("10%", "10%"),
            ],
            "棉和羊毛会有轻微回缩，国家标准允许 3% 以内；按洗标洗涤后缩水超过 3% 的，属于质量问题。",
            APPAREL,
            level=ADVANCED,
            difficulty=HARD,
        ),
        multiple(
            "a-wool-care",
            "羊毛衫的正确洗护方法包括？",
            "How should a wool jumper be cared for?",
            [
                ok("用专用洗剂手洗，或者干洗", "Hand-wash with a wool detergent, or dry-clean"),
                ok("平铺晾干", "Dry it flat"),
                no("高温机洗后烘干", "Machine-wash hot and tumble-dry"),
                no("挂在阳光下暴晒", "Hang it in strong sun"),
            ],
            "羊毛、羊绒用专用洗剂手洗或干洗，平铺晾干；高温、烘干和暴晒都会让它变形、缩水。",
            APPAREL,
        ),
        judge(
            "a-pilling",
            "羊毛衫第一次穿就大面积起球，属于质量问题，按质量问题退换，运费由店铺承担。",
            "A wool jumper that pills all over the first time it is worn is faulty: it is exchanged or refunded as such, and the shop pays the postage.",
            True,
            "穿着摩擦起少量小球是正常现象，可以用剃毛器处理；首次穿着就大面积起球属于质量问题。",
            APPAREL,
            level=ADVANCED,
        ),
        single(
            "a-handwash",
            "客户把标注“仅可手洗”的羊毛衫机洗后缩水了，应该怎么处理？",
            "A customer machine-washed a “hand-wash only” wool jumper and it shrank. How is it handled?",
            [
                ok(
                    "不属于质量问题，但提供洗护建议，并为客户申请一张优惠券维护关系",
                    "It is not a fault, but give care advice and request a coupon to keep the relationship",
                ),
                no(
                    "按质量问题退货，运费由店铺承担",
                    "Refund it as faulty, with the shop paying postage",
                ),
                no("直接拒绝，结束会话", "Refuse and end the conversation"),
                no(
                    "请客户去找洗衣机厂家", "Tell the customer to contact the washing-machine maker"
                ),
            ],
            "先问洗涤方式。没有按洗标洗涤造成的缩水不属于质量问题，但可以提供洗护建议，并为客户申请一张优惠券，维护好关系。",
            APPAREL,
            level=ADVANCED,
        ),
        single(
            "c-dry",
            "客户说洗脸后脸上紧绷、容易起皮，这是哪种肤质的典型特征？",
            "A customer says their face feels tight and flaky after washing. Which skin type does that describe?",
            [
                ok("干性", "Dry"),
                no("油性", "Oily"),
                no("混合性", "Combination"),
                no("中性", "Normal"),
            ],
            "洗后紧绷、易起皮是干性肌肤的特征，推荐含神经酰胺、角鲨烷的滋润型乳霜。",
            COSMETICS,
            difficulty=EASY,
        ),
        single(
            "c-retinol",
            "关于视黄醇（A 醇），以下哪条使用提示是正确的？",
            "Which advice about retinol (vitamin A) is right?",
            [
                ok(
                    "夜间使用，白天严格防晒，孕期不建议使用",
                    "Use it at night, wear sun protection by day, not recommended in pregnancy",
                ),
                no("早上使用效果最好", "It works best in the morning"),
                no(
                    "可以和维生素 C 叠加在同一时段使用",
                    "Layer it with vitamin C at the same time of day",
                ),
                no("敏感肌可以直接从高浓度开始", "Sensitive skin can start at a high strength"),
            ],
            "A 醇夜间使用，白天严格防晒，孕期不建议使用；与维生素 C 分早晚使用。",
            COSMETICS,
        ),
        multiple(
            "c-sensitive",
            "给敏感性肌肤的客户推荐护肤品，应优先考虑？",
            "Recommending skincare for sensitive skin, what comes first?",
            [
                ok("精简配方", "A short ingredient list"),
                ok("无香精、无酒精", "No fragrance, no alcohol"),
                no("高浓度水杨酸叠加果酸", "Strong salicylic acid layered with fruit acids"),
                no("销售榜第一名的产品", "The best-seller"),
            ],
            "敏感肌容易泛红刺痛，推荐精简配方、无香精无酒精的产品；水杨酸要慎用，更不能和高浓度果酸叠加。推荐前先问清肤质，不只推销量第一。",
            COSMETICS,
        ),
        judge(
            "c-pregnancy",
            "客户问孕期能不能用一款含视黄醇的精华，客服应直接给出结论，不必建议咨询医生。",
            "Asked whether a retinol serum is safe in pregnancy, the agent should give a verdict and need not suggest seeing a doctor.",
            False,
            "可以说明商品信息（A 醇孕期不建议使用），但涉及孕期、哺乳期或正在治疗的皮肤病，一律建议客户咨询医生，不替医生下结论。",
            COSMETICS,
        ),
        single(
            "c-reaction",
            "客户用了一款精华后脸部红肿、有灼痛感，客服的第一句话应该是？",
            "After using a serum the customer's face is red, swollen and burning. What is the agent's first sentence?",
            [
                ok(
                    "请您先停止使用，用清水轻轻洗净；如果红肿、灼痛加重，请尽快就医",
                    "Please stop using it and rinse gently with water; if the swelling or burning gets worse, see a doctor promptly",
                ),
                no(
                    "我们的产品很温和，不会过敏的",
                    "Our products are gentle; they don't cause allergies",
                ),
                no(
                    "这是正常的排毒反应，坚持用几天就好",
                    "That's normal detox; keep using it for a few days",
                ),
                no("请先把订单号发给我", "Please send me your order number first"),
            ],
            "先关心身体，再收集信息、处理订单。否定客户的感受，或者做出“排毒反应”这类没有依据的判断，会让客户延误就医。",
            COSMETICS,
            level=ADVANCED,
            difficulty=HARD,
            trap="这是正常的排毒反应，坚持用几天就好",
        ),
        single(
            "c-vitc",
            "客户想同时使用维生素 C 和 A 醇，应该怎么建议？",
            "A customer wants to use both vitamin C and retinol. What is the advice?",
            [
                ok(
                    "错开早晚使用：维生素 C 早上用，A 醇晚上用",
                    "Split them: vitamin C in the morning, retinol at night",
                ),
                no("混在一起涂，效果更好", "Mix them together for a stronger effect"),
                no("两者不能在同一个月使用", "Never use them in the same month"),
                no("只能选其中一种", "Choose only one of them"),
            ],
            "两者错开早晚使用即可：A 醇只在夜间使用，维生素 C 放在早上。",
            COSMETICS,
        ),
        single(
            "c-hyaluronic",
            "玻尿酸的主要作用是？",
            "What does hyaluronic acid mainly do?",
            [
                ok("补水保湿", "Hydrates and holds moisture"),
                no("去角质", "Exfoliates"),
                no("控油", "Controls oil"),
                no("淡化细纹", "Smooths fine lines"),
            ],
            "玻尿酸补水保湿、性质温和，各种肤质都适用。淡化细纹是 A 醇的作用。",
            COSMETICS,
            difficulty=EASY,
        ),
        single(
            "d-ip54",
            "耳机标注 IP54，怎样向客户解释？",
            "The earphones are rated IP54. How is that explained to a customer?",
            [
                ok(
                    "防溅水、防汗，跑步出汗没问题，但不能戴着游泳",
                    "Splash- and sweat-proof: fine for running, but not for swimming",
                ),
                no("完全防水，可以戴着游泳", "Fully waterproof: you can swim with them"),
                no("只防尘，不防水", "Dust-proof only, not water-resistant"),
                no("可以在 1 米深的水下使用 30 分钟", "Usable 1 metre under water for 30 minutes"),
            ],
            "IP54 是防尘、防溅水，日常出汗、小雨没问题，不能戴着游泳或浸水。",
            ELECTRONICS,
            difficulty=EASY,
        ),
        single(
            "d-fast-charge",
            "要实现快充，需要满足什么条件？",
            "What does fast charging need?",
            [
                ok(
                    "充电器、数据线和设备三者都支持同一种快充协议（如 PD、QC）",
                    "Charger, cable and device all supporting the same fast-charge protocol (e.g. PD, QC)",
                ),
                no("只要手机支持快充就行", "Only the phone needs to support it"),
                no("只要充电器功率够大就行", "Only a powerful enough charger"),
                no("关机充电", "Charging with the phone switched off"),
            ],
            "快充需要充电器、线材、设备三者都支持同一协议；任何一个不支持，就只能按普通速度充电。",
            ELECTRONICS,
        ),
        judge(
            "d-charge-throttle",
            "边充电边玩游戏，或者在高温环境下充电，设备会主动降低充电功率。",
            "Gaming while charging, or charging in the heat, makes the device lower its charging power.",
            True,
            "这是设备的自我保护。客户反映“充电慢”时，先问充电时的使用情况和环境温度。",
            ELECTRONICS,
            difficulty=EASY,
        ),
        single(
            "d-triage-order",
            "远程引导客户做故障初判，正确的顺序是？",
            "Guiding a customer through first checks remotely, what is the right order?",
            [
                ok(
                    "重启 → 重新配对或恢复出厂 → 换一部手机或一根线验证",
                    "Restart → re-pair or factory reset → try another phone or cable",
                ),
                no("换手机验证 → 寄回检测 → 重启", "Try another phone → send it in → restart"),
                no("恢复出厂 → 寄回维修 → 重启", "Factory reset → send for repair → restart"),
                no("直接寄回检测", "Send it straight in for testing"),
            ],
            "先做成本最低的操作：重启；再重新配对或恢复出厂；最后换一部手机或一根线，判断问题出在哪一端。三步都不能解决，再走保修。",
            ELECTRONICS,
        ),
        single(
            "d-warranty-shipping",
            "客户的耳机需要寄回做保修检测，应该告诉客户什么？",
            "The customer's earphones must be sent in for a warranty check. What does the agent tell them?",
            [
                ok(
                    "检测需要 3–5 个工作日，寄送运费由店铺承担",
                    "Testing takes 3–5 working days and the shop pays the postage",
                ),
                no(
                    "检测需要 1 个月，运费由客户自理",
                    "Testing takes a month and the customer pays postage",
                ),
                no("当天就能检测完", "It is tested the same day"),
                no("检测时间说不准，请耐心等待", "Nobody can say how long; please be patient"),
            ],
            "告诉客户检测时长（3–5 个工作日）和寄送地址，运费由店铺承担。",
            ELECTRONICS,
            level=ADVANCED,
        ),
        multiple(
            "d-warranty-exclusions",
            "以下哪些情况不在 1 年免费保修的范围内？",
            "Which of these fall outside the one-year free warranty?",
            [
                ok("人为损坏", "Damage caused by the user"),
                ok("进水", "Water damage"),
                no("正常使用中出现的性能故障", "A fault that appears in normal use"),
                no(
                    "没有外观损伤，但电池无法充电",
                    "The battery will not charge, with no visible damage",
                ),
            ],
            "1 年内免费保修，人为损坏和进水除外；正常使用中出现的故障都在保修范围内。",
            ELECTRONICS,
        ),
        single(
            "d-refresh-rate",
            "怎样用客户听得懂的话解释“120 Hz 刷新率”？",
            "How do you explain a “120 Hz refresh rate” in words a customer understands?",
            [
                ok(
                    "滑动和玩游戏更顺滑，耗电会略高一些",
                    "Scrolling and games look smoother; it uses a little more battery",
                ),
                no("充电速度提高一倍", "It charges twice as fast"),
                no("屏幕更亮，户外看得清", "The screen is brighter outdoors"),
                no("手机信号更好", "Better phone signal"),
            ],
            "把参数翻译成使用场景：120 Hz 让画面更顺滑，代价是耗电略高。不要把参数表原样复制给客户。",
            ELECTRONICS,
            level=ADVANCED,
            difficulty=HARD,
        ),
        judge(
            "d-wrong-connector",
            "客户买错了接口（如 Type-C 和 Lightning），在七天无理由期限内、商品未激活且配件齐全的，可以退换。",
            "A customer bought the wrong connector (e.g. Type-C instead of Lightning): within the seven days, unactivated and complete, it can be returned or exchanged.",
            True,
            "买错接口属于无理由退换的范围，只要在期限内、未激活、配件齐全即可。",
            ELECTRONICS,
        ),
    ),
)

BANKS = (RETURNS, LOGISTICS_BANK, RULES_WORDING, PRODUCT)

# --- Quizzes -----------------------------------------------------------------------------


class Item(NamedTuple):
    question: str  # a QuestionContent key
    marks: int = 1


class Draw(NamedTuple):
    count: int
    bank: str = ""
    competency: str = ""
    level: int | None = None
    difficulty: int | None = None
    marks_each: int = 1


@dataclass(frozen=True)
class SectionContent:
    title_zh: str
    title_en: str
    intro_zh: str
    intro_en: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class QuizContent:
    code: str
    title_zh: str
    title_en: str
    description_zh: str
    description_en: str
    mode: str  # fixed, random
    pass_mark: int
    items: tuple[Item, ...] = ()
    sections: tuple[SectionContent, ...] = ()
    draws: tuple[Draw, ...] = ()
    time_limit_minutes: int | None = None
    attempt_limit: int | None = None
    competency: str = ""
    level: int | None = None
    course: str = ""  # course code
    required_for_course: bool = False
    shuffle_questions: bool = True
    shuffle_options: bool = True
    one_per_page: bool = False
    partial_credit: bool = False


RETURNS_QUIZ = QuizContent(
    code="returns-policy",
    title_zh="退换货政策测验",
    title_en="Returns and refunds policy quiz",
    description_zh="《退货退款流程》的结业测验：七天无理由的期限与例外、运费、退款时效。80 分通过，通过后才算完成课程。",
    description_en=(
        "The closing quiz of “Returns and refunds”: the seven-day rule and its "
        "exceptions, postage and refund times. Pass with 80 % to complete the course."
    ),
    mode="fixed",
    pass_mark=80,
    items=(
        Item("r-window-start"),
        Item("r-window-deadline"),
        Item("r-exceptions", 2),
        Item("r-no-reason-shipping"),
        Item("r-quality-shipping"),
        Item("r-alipay-time"),
        Item("r-refund-success-missing"),
        Item("r-opened-headset"),
        Item("r-conditions", 2),
        Item("r-allergy"),
    ),
    competency=BACKOFFICE,
    level=BASIC,
    course="returns-refunds-101",
    required_for_course=True,
)

LOGISTICS_QUIZ = QuizContent(
    code="logistics-exceptions",
    title_zh="物流异常处理测验",
    title_en="Shipment exceptions quiz",
    description_zh="每次随机抽取 9 道题（3 道基础、4 道中等、2 道较难），限时 15 分钟，最多 3 次机会，70 分通过。",
    description_en=(
        "Nine questions drawn at random each time (3 easy, 4 medium, 2 hard), 15 minutes, "
        "at most 3 attempts, pass with 70 %."
    ),
    mode="random",
    pass_mark=70,
    draws=(
        Draw(3, competency=LOGISTICS, difficulty=EASY),
        Draw(4, competency=LOGISTICS, difficulty=MEDIUM),
        Draw(2, competency=LOGISTICS, difficulty=HARD),
    ),
    time_limit_minutes=15,
    attempt_limit=3,
    competency=LOGISTICS,
    level=BASIC,
)

WORDING_QUIZ = QuizContent(
    code="service-wording",
    title_zh="服务用语规范测验",
    title_en="Service wording quiz",
    description_zh="两部分：规范用语与禁用语、共情表达。每页一题，不限时，80 分通过。",
    description_en=(
        "Two parts: standard and forbidden wording, then empathy. One question per page, "
        "no time limit, pass with 80 %."
    ),
    mode="fixed",
    pass_mark=80,
    sections=(
        SectionContent(
            "规范用语与禁用语",
            "Standard and forbidden wording",
            "本部分考查开场与结束、让客户等待时怎么说，以及质检会标记的模糊用语和推卸责任的说法。",
            "Openings and closings, asking the customer to wait, and the vague or blame-shifting phrases the quality check flags.",
            (
                Item("w-first-reply"),
                Item("w-greeting"),
                Item("w-vague-words", 2),
                Item("w-rewrite-eta"),
                Item("w-unknown-answer"),
                Item("w-blame"),
            ),
        ),
        SectionContent(
            "共情表达",
            "Expressing empathy",
            "本部分考查共情三步和常见误区：先回应情绪，再复述事实，最后给出行动。",
            "The three steps of empathy and the usual mistakes: answer the feeling, restate the facts, then act.",
            (
                Item("e-three-steps"),
                Item("e-every-time"),
                Item("e-stock-phrase"),
                Item("e-pitfalls", 2),
            ),
        ),
    ),
    competency=WRITTEN,
    level=BASIC,
    # Sections keep their order; options are still shuffled.
    shuffle_questions=False,
    one_per_page=True,
)

NEWCOMER_QUIZ = QuizContent(
    code="newcomer-general",
    title_zh="新人综合测验",
    title_en="New agent general quiz",
    description_zh="从四个题库各随机抽取 3 道基础题，限时 20 分钟，多选题按选对的比例给分，70 分通过。",
    description_en=(
        "Three basic questions drawn from each of the four banks, 20 minutes; multiple "
        "choice earns partial credit; pass with 70 %."
    ),
    mode="random",
    pass_mark=70,
    draws=(
        Draw(3, bank=RETURNS.code, level=BASIC, marks_each=2),
        Draw(3, bank=LOGISTICS_BANK.code, level=BASIC, marks_each=2),
        Draw(3, bank=RULES_WORDING.code, level=BASIC, marks_each=2),
        Draw(3, bank=PRODUCT.code, level=BASIC, marks_each=2),
    ),
    time_limit_minutes=20,
    partial_credit=True,
)

QUIZZES = (RETURNS_QUIZ, LOGISTICS_QUIZ, WORDING_QUIZ, NEWCOMER_QUIZ)

# --- Attempts ----------------------------------------------------------------------------


class AttemptPlan(NamedTuple):
    """One agent's sittings of one quiz, a few days apart. Each number is the share of
    questions answered right (which ones is drawn); ``timed_out``: the agent left half-way
    and the last sitting was closed when its time ran out."""

    username: str
    quiz: str
    shares: tuple[float, ...]
    timed_out: bool = False


ATTEMPTS = (
    AttemptPlan("agent", "returns-policy", (0.5,)),
    AttemptPlan("agent", "logistics-exceptions", (0.9,)),
    AttemptPlan("agent", "newcomer-general", (0.9,)),
    AttemptPlan("wang.yutong", "returns-policy", (1.0,)),
    AttemptPlan("wang.yutong", "logistics-exceptions", (0.6, 0.9)),
    AttemptPlan("wang.yutong", "service-wording", (0.9,)),
    AttemptPlan("wang.yutong", "newcomer-general", (0.85,)),
    AttemptPlan("liu.zixuan", "returns-policy", (0.6, 0.9)),
    AttemptPlan("liu.zixuan", "service-wording", (0.7, 0.9)),
    AttemptPlan("liu.zixuan", "newcomer-general", (0.5,)),
    AttemptPlan("zhao.mingyuan", "returns-policy", (0.4, 0.6)),
    AttemptPlan("zhao.mingyuan", "logistics-exceptions", (0.5, 0.55, 0.5)),
    AttemptPlan("zhou.jiahui", "returns-policy", (1.0,)),
    AttemptPlan("zhou.jiahui", "logistics-exceptions", (1.0,)),
    AttemptPlan("zhou.jiahui", "service-wording", (1.0,)),
    AttemptPlan("zhou.jiahui", "newcomer-general", (0.95,)),
    AttemptPlan("yang.jing", "returns-policy", (0.7, 0.9)),
    AttemptPlan("yang.jing", "service-wording", (0.6,)),
    AttemptPlan("sun.mengqi", "returns-policy", (0.9,)),
    AttemptPlan("sun.mengqi", "logistics-exceptions", (0.85,)),
    AttemptPlan("sun.mengqi", "newcomer-general", (0.9,)),
    AttemptPlan("ma.yiran", "returns-policy", (0.8,)),
    AttemptPlan("ma.yiran", "service-wording", (0.9,)),
    AttemptPlan("ma.yiran", "newcomer-general", (0.5, 0.85)),
    AttemptPlan("hu.shiyu", "returns-policy", (0.5,)),
    AttemptPlan("hu.shiyu", "logistics-exceptions", (0.4,), timed_out=True),
    AttemptPlan("liang.junjie", "logistics-exceptions", (0.5, 0.85)),
    AttemptPlan("liang.junjie", "newcomer-general", (0.6,)),
    AttemptPlan("song.zihao", "returns-policy", (1.0,)),
    AttemptPlan("song.zihao", "logistics-exceptions", (0.9,)),
    AttemptPlan("song.zihao", "service-wording", (1.0,)),
    AttemptPlan("song.zihao", "newcomer-general", (1.0,)),
    AttemptPlan("tang.jiaxin", "returns-policy", (0.9,)),
    AttemptPlan("tang.jiaxin", "service-wording", (0.8,)),
    AttemptPlan("huang.xinyi", "newcomer-general", (0.45,)),
    AttemptPlan("huang.xinyi", "returns-policy", (0.6,)),
    AttemptPlan("gao.shuyi", "newcomer-general", (0.75,)),
    AttemptPlan("gao.shuyi", "service-wording", (0.9,)),
)

# The demo agent is part-way through this quiz (it has no time limit, so the attempt
# stays open however long the demo lasts): (username, quiz code, questions answered).
OPEN_ATTEMPTS = (("agent", "service-wording", 3),)
