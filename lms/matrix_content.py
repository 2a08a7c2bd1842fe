"""The default competency matrix (胜任力矩阵) that Agent Academy ships, in Chinese and English.

Plain data, loaded by ``lms.matrix_loader.matrix_load``; HR edits it afterwards in the
app. Codes are stable identifiers: the loader matches on them, so renaming a code here
creates a new row instead of updating the old one.
"""

from dataclasses import dataclass

BASIC, ADVANCED, EXPERT = 1, 2, 3

# (Chinese, English)
Indicator = tuple[str, str]


@dataclass(frozen=True)
class CompetencyContent:
    code: str
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str
    basic: tuple[Indicator, ...]
    advanced: tuple[Indicator, ...]
    expert: tuple[Indicator, ...]

    @property
    def indicators(self) -> dict[int, tuple[Indicator, ...]]:
        return {BASIC: self.basic, ADVANCED: self.advanced, EXPERT: self.expert}


@dataclass(frozen=True)
class AreaContent:
    code: str
    name_zh: str
    name_en: str
    competencies: tuple[CompetencyContent, ...]


@dataclass(frozen=True)
class DimensionContent:
    code: str
    name_zh: str
    name_en: str
    areas: tuple[AreaContent, ...]


@dataclass(frozen=True)
class ProfileContent:
    code: str
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str
    # competency code -> required level
    requirements: dict[str, int]


# --- Technical dimension (技术维度) ------------------------------------------------------

TOOL_USAGE = AreaContent(
    code="tool-usage",
    name_zh="工具使用",
    name_en="Tool usage",
    competencies=(
        CompetencyContent(
            code="crm-system",
            name_zh="CRM系统",
            name_en="CRM system",
            description_zh="使用客户关系管理系统查询、记录和跟进客户信息与工单。",
            description_en=(
                "Uses the customer relationship management system to look up, record and "
                "follow up customer information and tickets."
            ),
            basic=(
                (
                    "能在CRM中按订单号或手机号查询客户的历史工单与购买记录",
                    "Finds a customer's ticket history and purchases in the CRM by order "
                    "number or phone number",
                ),
                (
                    "按规范新建工单，准确填写问题分类、优先级和处理摘要",
                    "Creates tickets to standard, with the right issue category, priority "
                    "and handling summary",
                ),
                (
                    "会话结束前更新工单状态，不遗留未关闭或无备注的工单",
                    "Updates the ticket status before ending a conversation, leaving no "
                    "open or unannotated tickets",
                ),
            ),
            advanced=(
                (
                    "根据客户历史记录（既往投诉、退货频次、会员等级）调整处理方式",
                    "Adapts handling to the customer's history (past complaints, return "
                    "frequency, membership tier)",
                ),
                (
                    "熟练使用标签、提醒和跨部门转派功能，确保需跟进的工单按时回访",
                    "Uses tags, reminders and cross-department transfers so that follow-ups "
                    "happen on time",
                ),
                (
                    "用筛选视图找出名下已超时或即将超时的工单并优先处理",
                    "Uses filtered views to find their overdue or nearly overdue tickets and "
                    "handles them first",
                ),
            ),
            expert=(
                (
                    "提出工单分类、字段或流转规则的优化建议并推动落地",
                    "Proposes improvements to ticket categories, fields or routing rules and "
                    "sees them adopted",
                ),
                (
                    "指导新人使用CRM，编写常见操作的操作指引",
                    "Coaches new hires on the CRM and writes how-to guides for common tasks",
                ),
            ),
        ),
        CompetencyContent(
            code="knowledge-base",
            name_zh="智能知识库",
            name_en="Smart knowledge base",
            description_zh="借助智能知识库快速找到准确答案，并参与维护知识内容。",
            description_en=(
                "Finds accurate answers quickly with the smart knowledge base and helps "
                "keep its content current."
            ),
            basic=(
                (
                    "能用关键词在知识库中检索到标准答案，并在回复前核对适用条件",
                    "Finds the standard answer in the knowledge base by keyword and checks "
                    "when it applies before replying",
                ),
                (
                    "使用知识库推荐话术时，结合客户的具体情况修改后再发送",
                    "Adapts the knowledge base's suggested replies to the customer's "
                    "situation before sending them",
                ),
                (
                    "发现知识条目过期或有误时，按流程提交反馈",
                    "Reports outdated or wrong entries through the feedback process",
                ),
            ),
            advanced=(
                (
                    "遇到知识库未覆盖的问题时，整理处理过程并提交新增条目建议",
                    "When a question is not covered, writes up how it was solved and "
                    "proposes a new entry",
                ),
                (
                    "能综合多个知识条目解答复杂问题（如活动叠加规则与退款金额计算）",
                    "Combines several entries to answer complex questions (such as stacked "
                    "promotions and refund amounts)",
                ),
            ),
            expert=(
                (
                    "负责某一品类知识条目的编写、审核与定期更新，保证表述准确、口径统一",
                    "Owns writing, reviewing and regularly updating a category's entries, "
                    "keeping them accurate and consistent",
                ),
                (
                    "根据无结果检索和转人工数据发现知识缺口，优化条目结构和检索关键词",
                    "Uses failed searches and bot handovers to find knowledge gaps and "
                    "improves entry structure and search keywords",
                ),
            ),
        ),
        CompetencyContent(
            code="automation-tools",
            name_zh="自动化工具",
            name_en="Automation tools",
            description_zh="使用快捷短语、自动回复、机器人转人工和批量操作等工具提升效率。",
            description_en=(
                "Uses quick phrases, auto-replies, bot-to-human handover and bulk actions "
                "to work efficiently."
            ),
            basic=(
                (
                    "熟练调用快捷短语和常用回复模板，缩短首次响应时间",
                    "Uses quick phrases and reply templates fluently to shorten first "
                    "response time",
                ),
                (
                    "接手机器人转人工的会话前先看完对话记录，不让客户重复描述问题",
                    "Reads the bot conversation before taking over, so the customer does "
                    "not have to repeat the problem",
                ),
            ),
            advanced=(
                (
                    "维护个人快捷短语库，按场景分类并定期清理过时内容",
                    "Maintains a personal quick-phrase library, organised by scenario and "
                    "pruned regularly",
                ),
                (
                    "会使用批量备注、批量发送物流通知等功能集中处理同类问题",
                    "Uses bulk notes and bulk logistics notices to handle similar cases together",
                ),
            ),
            expert=(
                (
                    "梳理高频咨询场景，设计机器人问答流程和自动回复规则",
                    "Maps frequent enquiries and designs bot dialogue flows and auto-reply rules",
                ),
                (
                    "跟踪自动化规则上线后的转人工率和满意度，持续调优",
                    "Tracks handover rate and satisfaction after an automation goes live and "
                    "keeps tuning it",
                ),
            ),
        ),
        CompetencyContent(
            code="platform-backoffice",
            name_zh="电商平台后台操作",
            name_en="E-commerce platform back-office",
            description_zh="在电商平台后台处理订单、查询物流、办理退换货与退款。",
            description_en=(
                "Handles orders, logistics lookups, returns, exchanges and refunds in the "
                "platform back-office."
            ),
            basic=(
                (
                    "核实客户身份后，在后台查询订单状态、修改收货地址和订单备注",
                    "After verifying the customer's identity, checks order status and "
                    "changes the delivery address and order notes",
                ),
                (
                    "能查询物流轨迹，向客户准确说明包裹当前位置和预计送达时间",
                    "Looks up tracking and tells the customer exactly where the parcel is "
                    "and when it should arrive",
                ),
                (
                    "按平台规则办理七天无理由退货和仅退款申请",
                    "Processes 7-day no-reason returns and refund-only requests according to "
                    "platform rules",
                ),
            ),
            advanced=(
                (
                    "一次办结换货、补发、部分退款和运费险理赔等复杂售后",
                    "Completes exchanges, reshipments, partial refunds and return-shipping "
                    "insurance claims in one go",
                ),
                (
                    "熟悉淘宝、京东、拼多多等平台售后规则和处理时限的差异",
                    "Knows how after-sales rules and deadlines differ between Taobao, JD, "
                    "Pinduoduo and other platforms",
                ),
            ),
            expert=(
                (
                    "处理平台介入、纠纷举证和违规申诉，准备完整的凭证材料",
                    "Handles platform interventions, dispute evidence and appeals with "
                    "complete supporting documents",
                ),
                (
                    "发现售后流程中的漏洞（如重复退款风险）并推动规则修订",
                    "Spots gaps in after-sales processes (such as double-refund risk) and "
                    "drives rule changes",
                ),
            ),
        ),
    ),
)

DATA_ANALYSIS = AreaContent(
    code="data-analysis",
    name_zh="数据分析",
    name_en="Data analysis",
    competencies=(
        CompetencyContent(
            code="customer-profiling",
            name_zh="客户画像",
            name_en="Customer profiling",
            description_zh="利用购买记录、会员信息和咨询历史理解客户需求，提供个性化服务。",
            description_en=(
                "Uses purchase records, membership data and enquiry history to understand "
                "customers and personalise service."
            ),
            basic=(
                (
                    "接待前查看客户的会员等级、近期订单和咨询记录",
                    "Checks the customer's membership tier, recent orders and enquiry "
                    "history before replying",
                ),
                (
                    "能识别新客、会员、高频退货等常见客户标签，并按规范区别服务",
                    "Recognises common tags such as new customer, member and frequent "
                    "returner, and serves each according to guidelines",
                ),
            ),
            advanced=(
                (
                    "根据购买偏好推荐合适的商品或搭配，推荐内容贴合客户需求",
                    "Recommends suitable products or combinations from purchase preferences, "
                    "relevant to what the customer needs",
                ),
                (
                    "从咨询记录中归纳某类客户群的共性问题，反馈给运营或商品团队",
                    "Summarises recurring issues of a customer segment from enquiry records "
                    "and reports them to operations or merchandising",
                ),
            ),
            expert=(
                (
                    "参与制定客户分层服务策略（如高价值客户专属通道、流失预警回访）",
                    "Helps define tiered service strategies (priority lanes for high-value "
                    "customers, win-back contact on churn signals)",
                ),
                (
                    "用复购率、满意度等数据验证服务策略效果并提出调整建议",
                    "Checks the effect of service strategies with repeat-purchase and "
                    "satisfaction data and recommends changes",
                ),
            ),
        ),
        CompetencyContent(
            code="service-anomaly-detection",
            name_zh="服务数据异常识别",
            name_en="Anomaly detection in service data",
            description_zh="读懂首次响应时长、解决率、满意度等服务指标，及时发现异常并追查原因。",
            description_en=(
                "Reads service metrics such as first response time, resolution rate and "
                "satisfaction, spots anomalies early and traces their causes."
            ),
            basic=(
                (
                    "看懂个人日报中首次响应时长、平均处理时长、满意度等指标的含义",
                    "Understands the metrics on their daily report: first response time, "
                    "average handling time, satisfaction",
                ),
                (
                    "同一问题短时间内集中出现（如同一批次商品的质量投诉）时及时上报主管",
                    "Tells the team lead promptly when the same issue suddenly clusters "
                    "(such as quality complaints about one batch)",
                ),
            ),
            advanced=(
                (
                    "对比不同时段、渠道或商品的咨询量和投诉率，定位异常波动",
                    "Compares enquiry volume and complaint rate across periods, channels or "
                    "products to locate unusual swings",
                ),
                (
                    "个人指标下滑时能分析原因并制定改进措施",
                    "Analyses why their own metrics dropped and sets improvement actions",
                ),
            ),
            expert=(
                (
                    "设定异常预警阈值（如某商品退货率超过基线），推动相关部门提前处理",
                    "Sets alert thresholds (such as a product's return rate above baseline) "
                    "and gets the right departments to act early",
                ),
                (
                    "用数据分析结论支持培训需求、排班或流程调整的决策",
                    "Uses analysis to support decisions on training needs, rotas or process "
                    "changes",
                ),
            ),
        ),
    ),
)

PRODUCT_KNOWLEDGE = AreaContent(
    code="product-knowledge",
    name_zh="专业知识",
    name_en="Product knowledge",
    competencies=(
        CompetencyContent(
            code="apparel-sizing-fabrics",
            name_zh="服饰尺码与面料",
            name_en="Apparel sizing and fabrics",
            description_zh="掌握服饰尺码体系、版型与面料特性，帮助客户选对尺码、正确洗护。",
            description_en=(
                "Knows apparel sizing, fits and fabrics, and helps customers choose the "
                "right size and care for their garments."
            ),
            basic=(
                (
                    "能根据客户身高、体重和尺码表推荐尺码，并说明修身、宽松等版型差异",
                    "Recommends a size from the customer's height, weight and the size "
                    "chart, and explains fits such as slim and relaxed",
                ),
                (
                    "能说明纯棉、涤纶、羊毛、真丝等常见面料的特点和洗护要求",
                    "Explains common fabrics (cotton, polyester, wool, silk) and how to care "
                    "for them",
                ),
            ),
            advanced=(
                (
                    "能换算国内码、欧码、美码等尺码体系，并提示品牌偏大或偏小",
                    "Converts between Chinese, EU and US sizes and warns when a brand runs "
                    "large or small",
                ),
                (
                    "能判断起球、缩水、褪色属于面料特性、洗护不当还是质量问题",
                    "Judges whether pilling, shrinkage or fading comes from the fabric, "
                    "wrong care or a quality defect",
                ),
            ),
            expert=(
                (
                    "从退换货原因中分析尺码表或商品详情页的问题，推动修订",
                    "Analyses return reasons to find problems in size charts or product "
                    "pages and gets them corrected",
                ),
                (
                    "编写服饰类培训材料，解答面料成分、工艺等疑难问题",
                    "Writes apparel training materials and answers difficult questions on "
                    "fibre content and construction",
                ),
            ),
        ),
        CompetencyContent(
            code="cosmetics-ingredients-skin",
            name_zh="美妆成分与肤质",
            name_en="Cosmetics ingredients and skin types",
            description_zh="了解常见护肤与彩妆成分、适用肤质和使用禁忌，给出安全、合规的建议。",
            description_en=(
                "Knows common skincare and make-up ingredients, suitable skin types and "
                "contraindications, and gives safe, compliant advice."
            ),
            basic=(
                (
                    "能区分干性、油性、混合性和敏感性肌肤，并按商品说明推荐适用产品",
                    "Tells dry, oily, combination and sensitive skin apart and recommends "
                    "products according to their labels",
                ),
                (
                    "能解释玻尿酸、烟酰胺、水杨酸等常见成分的作用和使用注意事项",
                    "Explains what common ingredients such as hyaluronic acid, niacinamide "
                    "and salicylic acid do and how to use them safely",
                ),
                (
                    "能指导客户查看生产日期、保质期和开封后使用期限",
                    "Shows customers how to read the production date, shelf life and period "
                    "after opening",
                ),
            ),
            advanced=(
                (
                    "能提示成分搭配禁忌（如酸类与维A类同时使用）及孕期、敏感肌慎用成分",
                    "Warns about combinations to avoid (acids with retinoids) and "
                    "ingredients to use with care in pregnancy or on sensitive skin",
                ),
                (
                    "处理过敏反馈时按流程收集使用情况和照片，建议停用并就医，不做医疗判断",
                    "For allergy reports, collects usage details and photos, advises "
                    "stopping use and seeing a doctor, and makes no medical judgement",
                ),
            ),
            expert=(
                (
                    "把握功效宣传的合规边界，不使用“治疗”“根除”等违规表述",
                    "Knows the legal limits of efficacy claims and never uses forbidden "
                    "words such as “cures” or “eradicates”",
                ),
                (
                    "汇总过敏和不良反应反馈，协助品控部门排查批次问题",
                    "Compiles allergy and adverse-reaction reports to help quality control "
                    "trace batch problems",
                ),
            ),
        ),
        CompetencyContent(
            code="electronics-specs",
            name_zh="数码产品规格参数",
            name_en="Electronics specifications",
            description_zh="读懂数码产品的规格参数与兼容性，帮助客户选购并排查常见故障。",
            description_en=(
                "Reads electronics specifications and compatibility, helps customers "
                "choose and troubleshoots common faults."
            ),
            basic=(
                (
                    "能向客户解释存储容量、电池容量、接口类型、屏幕尺寸等常见参数",
                    "Explains common specifications to customers: storage, battery "
                    "capacity, port type, screen size",
                ),
                (
                    "能说明保修政策，以及激活、拆封对退换货的影响",
                    "Explains the warranty policy and how activation and unsealing affect returns",
                ),
            ),
            advanced=(
                (
                    "能判断配件与设备的兼容性（充电协议、蓝牙版本、系统版本）",
                    "Judges whether accessories and devices are compatible (charging "
                    "protocol, Bluetooth version, OS version)",
                ),
                (
                    "能远程引导客户完成重启、重置、固件升级等排查，区分使用问题与质量问题",
                    "Guides customers remotely through restart, reset and firmware update, "
                    "and tells usage problems from defects",
                ),
            ),
            expert=(
                (
                    "能对比同类机型的性能差异，结合客户使用场景给出选购建议",
                    "Compares similar models and advises what to buy for the customer's use",
                ),
                (
                    "归纳高频故障和咨询问题，推动商品详情页或说明书补充说明",
                    "Collects frequent faults and questions and gets product pages or "
                    "manuals improved",
                ),
            ),
        ),
    ),
)

# --- Soft-skills dimension (软技能维度) ---------------------------------------------------

COMMUNICATION = AreaContent(
    code="communication",
    name_zh="沟通能力",
    name_en="Communication",
    competencies=(
        CompetencyContent(
            code="listening-empathy",
            name_zh="倾听与共情",
            name_en="Listening and empathy",
            description_zh="耐心听完客户诉求，准确复述问题，并回应客户的感受。",
            description_en=(
                "Listens to the whole request, restates the problem accurately and responds "
                "to how the customer feels."
            ),
            basic=(
                (
                    "不打断客户，完整了解诉求后再答复",
                    "Lets the customer finish and understands the whole request before answering",
                ),
                (
                    "能用自己的话复述客户的问题并确认理解无误",
                    "Restates the customer's problem in their own words and checks they "
                    "understood it",
                ),
                (
                    "回复中回应客户感受，如“让您久等了，非常理解您着急的心情”",
                    "Acknowledges feelings, e.g. “Sorry to keep you waiting, I understand "
                    "you need this soon”",
                ),
            ),
            advanced=(
                (
                    "能从客户表述中识别未明说的真实需求（如催单背后是赶着送礼）",
                    "Picks up needs the customer does not state (an order chase that is "
                    "really about a gift deadline)",
                ),
                (
                    "共情表达自然、有针对性，不套用千篇一律的模板句",
                    "Expresses empathy naturally and specifically, not with the same "
                    "template sentence every time",
                ),
            ),
            expert=(
                (
                    "在复杂、高情绪的会话中始终以客户为中心，赢得客户信任",
                    "Stays customer-centred through complex, emotional conversations and "
                    "earns the customer's trust",
                ),
                (
                    "能通过会话复盘向同事示范倾听与共情技巧",
                    "Demonstrates listening and empathy to colleagues in conversation reviews",
                ),
            ),
        ),
        CompetencyContent(
            code="cross-cultural-communication",
            name_zh="跨文化沟通",
            name_en="Cross-cultural communication",
            description_zh="与不同地区、文化背景和语言习惯的客户有效沟通，包括跨境订单客户。",
            description_en=(
                "Communicates well with customers of other regions, cultures and languages, "
                "including cross-border buyers."
            ),
            basic=(
                (
                    "能用简单规范的英文处理订单状态、物流、退货等常见咨询",
                    "Handles common enquiries (order status, shipping, returns) in simple, "
                    "correct English",
                ),
                (
                    "避免使用方言、网络用语或容易引起误解的表述",
                    "Avoids dialect, internet slang and wording that is easily misunderstood",
                ),
            ),
            advanced=(
                (
                    "能向海外客户清楚说明跨境物流、关税和清关流程",
                    "Explains cross-border shipping, duties and customs clearance clearly to "
                    "overseas customers",
                ),
                (
                    "考虑时差、节假日和文化禁忌，调整回复时间与表达方式",
                    "Takes time zones, holidays and cultural taboos into account in when and "
                    "how they reply",
                ),
            ),
            expert=(
                (
                    "能处理跨境订单的投诉和纠纷，兼顾当地消费习惯与平台规则",
                    "Resolves complaints and disputes on cross-border orders, balancing "
                    "local expectations with platform rules",
                ),
                (
                    "编写多语言话术或跨文化沟通指引，供团队使用",
                    "Writes multilingual reply templates or cross-cultural guidelines for the team",
                ),
            ),
        ),
        CompetencyContent(
            code="negotiation",
            name_zh="谈判协商",
            name_en="Negotiation",
            description_zh="在公司政策范围内与客户协商解决方案，兼顾客户满意与公司成本。",
            description_en=(
                "Agrees solutions with customers within company policy, balancing "
                "satisfaction and cost."
            ),
            basic=(
                (
                    "能清楚说明可选的处理方案（退货、换货、补偿）及各自时效",
                    "Explains the available options (return, exchange, compensation) and "
                    "how long each takes",
                ),
                (
                    "在权限范围内提出方案，超出权限时及时请示主管，不随意承诺",
                    "Offers solutions within their authority and asks the team lead beyond "
                    "it, never promising lightly",
                ),
            ),
            advanced=(
                (
                    "优先提出成本较低的方案（如补发配件、发放优惠券），灵活调整以达成一致",
                    "Starts with lower-cost options (reshipping a part, a coupon) and "
                    "adjusts flexibly to reach agreement",
                ),
                (
                    "面对过高的补偿要求，能说明依据、守住底线并保持友好",
                    "Facing excessive compensation demands, explains the basis, holds the "
                    "line and stays friendly",
                ),
            ),
            expert=(
                (
                    "能处理高客单价订单或客户、物流、品牌方多方参与的复杂协商",
                    "Handles complex negotiations on high-value orders or with several "
                    "parties (customer, carrier, brand)",
                ),
                (
                    "总结协商案例，参与制定补偿标准和授权额度",
                    "Draws lessons from negotiation cases and helps set compensation "
                    "standards and authority limits",
                ),
            ),
        ),
        CompetencyContent(
            code="written-standards",
            name_zh="书面表达规范",
            name_en="Written communication standards",
            description_zh=(
                "文字回复礼貌、准确、简洁，使用“您好”“感谢您的支持”等规范用语，"
                "不使用“可能”“应该”等模糊表述。"
            ),
            description_en=(
                "Writes polite, accurate, concise replies with the standard phrases "
                "(您好, 感谢您的支持) and without vague wording such as 可能 or 应该."
            ),
            basic=(
                (
                    "开场和结束使用规范礼貌用语，如“您好，很高兴为您服务”“感谢您的支持”",
                    "Opens and closes with the standard polite phrases, such as “您好，"
                    "很高兴为您服务” and “感谢您的支持”",
                ),
                (
                    "不使用“可能”“应该”“大概”等模糊词，时效和金额给出明确答复",
                    "Avoids vague words such as “可能” (maybe), “应该” (should) and “大概” "
                    "(about); gives definite times and amounts",
                ),
                (
                    "无错别字，标点规范，不连续发送零碎短句",
                    "Writes without typos, punctuates correctly and does not send bursts of "
                    "fragments",
                ),
            ),
            advanced=(
                (
                    "复杂问题分点说明、条理清晰，客户一次就能看懂",
                    "Explains complex matters point by point so the customer understands at "
                    "first reading",
                ),
                (
                    "能根据渠道（在线聊天、邮件、短信）调整篇幅和格式",
                    "Adapts length and format to the channel (chat, email, text message)",
                ),
            ),
            expert=(
                (
                    "质检抽查中书面规范长期达标，回复可作为优秀话术范例",
                    "Consistently meets written standards in quality checks; their replies "
                    "serve as model examples",
                ),
                (
                    "参与制定和修订话术规范及禁用词、模糊词清单",
                    "Helps write and revise reply guidelines and the lists of forbidden and "
                    "vague words",
                ),
            ),
        ),
    ),
)

EMOTION_MANAGEMENT = AreaContent(
    code="emotion-management",
    name_zh="情绪管理",
    name_en="Emotion management",
    competencies=(
        CompetencyContent(
            code="stress-self-regulation",
            name_zh="压力下的自我调节",
            name_en="Self-regulation under pressure",
            description_zh="在大促高峰、连续投诉等高压情况下保持情绪稳定和服务质量。",
            description_en=(
                "Stays composed and keeps service quality up during peak sales, runs of "
                "complaints and other pressure."
            ),
            basic=(
                (
                    "面对客户指责或辱骂时不反驳、不带情绪回复，语气保持平稳",
                    "Does not argue back or reply emotionally when blamed or insulted; "
                    "keeps an even tone",
                ),
                (
                    "情绪受影响时知道如何求助（暂停接待、联系主管）",
                    "Knows how to get help when shaken (pause new chats, call the team lead)",
                ),
            ),
            advanced=(
                (
                    "大促高峰期同时接待多个会话，回复质量和首次响应时长仍然达标",
                    "Keeps reply quality and first response time on target while handling "
                    "several chats at peak sales",
                ),
                (
                    "处理完棘手会话后能迅速调整状态，不影响下一位客户",
                    "Recovers quickly after a hard conversation so the next customer is not "
                    "affected",
                ),
            ),
            expert=(
                (
                    "高压期间主动承接疑难会话，成为团队的稳定力量",
                    "Takes on difficult conversations in high-pressure periods and steadies "
                    "the team",
                ),
                (
                    "能分享减压方法，帮助同事识别和缓解职业倦怠",
                    "Shares ways of managing stress and helps colleagues recognise and ease "
                    "burnout",
                ),
            ),
        ),
        CompetencyContent(
            code="customer-emotion-perception",
            name_zh="感知客户情绪",
            name_en="Perceiving customer emotion",
            description_zh="从文字、语气和行为中识别客户情绪及其变化，及时调整沟通方式。",
            description_en=(
                "Reads customers' emotions and how they change from words, tone and "
                "behaviour, and adjusts the conversation in time."
            ),
            basic=(
                (
                    "能从用词、标点和反复催促中识别客户的不满或焦虑",
                    "Recognises dissatisfaction or anxiety from word choice, punctuation and "
                    "repeated chasing",
                ),
                (
                    "察觉到负面情绪时，先安抚情绪再处理问题",
                    "When negative feelings show, calms them first and then deals with the issue",
                ),
            ),
            advanced=(
                (
                    "能识别情绪升级的信号（如提到差评、投诉、曝光），及时调整方案或上报",
                    "Spots signs of escalation (mentions of bad reviews, complaints, going "
                    "public) and adjusts or escalates in time",
                ),
                (
                    "电话沟通中能从语速、音量变化感知客户情绪",
                    "On the phone, senses emotion from changes in pace and volume",
                ),
            ),
            expert=(
                (
                    "能预判处理过程中客户的情绪变化，提前准备应对方案",
                    "Anticipates how the customer's mood will change while the case is "
                    "handled and prepares for it",
                ),
                (
                    "在会话复盘中指出情绪转折点，帮助同事提高敏感度",
                    "Points out emotional turning points in conversation reviews to sharpen "
                    "colleagues' awareness",
                ),
            ),
        ),
        CompetencyContent(
            code="complaint-deescalation",
            name_zh="投诉化解",
            name_en="De-escalating complaints",
            description_zh="把愤怒的投诉转化为可以解决的问题，减少差评和平台投诉升级。",
            description_en=(
                "Turns angry complaints into solvable problems and prevents bad reviews and "
                "platform escalations."
            ),
            basic=(
                (
                    "按“致歉—了解—方案—确认”的步骤处理一般投诉",
                    "Handles ordinary complaints in four steps: apologise, understand, "
                    "propose, confirm",
                ),
                (
                    "承诺明确的回复时限并按时回访",
                    "Commits to a clear reply time and follows up on time",
                ),
            ),
            advanced=(
                (
                    "能处理以差评或平台投诉相威胁的客户，在规则内给出方案并获得认可",
                    "Handles customers threatening bad reviews or platform complaints and "
                    "reaches an accepted solution within the rules",
                ),
                (
                    "对已产生的差评进行有效回访，争取客户追评或修改评价",
                    "Follows up bad reviews already posted and wins updated or follow-up reviews",
                ),
            ),
            expert=(
                (
                    "处理升级到主管层面的重大投诉和有舆情风险的事件",
                    "Handles major complaints escalated to lead level and incidents with a "
                    "risk of public attention",
                ),
                (
                    "分析投诉根因，推动商品、物流或流程改进，减少同类投诉",
                    "Finds the root causes of complaints and drives product, logistics or "
                    "process changes that prevent repeats",
                ),
            ),
        ),
    ),
)

EMERGENCY_HANDLING = AreaContent(
    code="emergency-handling",
    name_zh="应急处理",
    name_en="Emergency handling",
    competencies=(
        CompetencyContent(
            code="system-outage-response",
            name_zh="系统故障应对",
            name_en="System outages",
            description_zh="在下单、支付或客服系统故障时，按应急预案安抚客户、记录问题并协同处理。",
            description_en=(
                "When ordering, payment or service systems fail, follows the contingency "
                "plan: reassures customers, records the problem and works with other teams."
            ),
            basic=(
                (
                    "发现无法下单、支付失败、工单系统卡顿等异常时，第一时间按流程上报",
                    "Reports failing orders, payment errors or a frozen ticket system at "
                    "once through the agreed channel",
                ),
                (
                    "使用统一口径向客户说明情况，不猜测原因、不承诺修复时间",
                    "Uses the agreed wording with customers, neither guessing causes nor "
                    "promising a fix time",
                ),
            ),
            advanced=(
                (
                    "故障期间登记受影响的客户和订单，恢复后主动回访",
                    "Records affected customers and orders during an outage and contacts "
                    "them after recovery",
                ),
                (
                    "客服系统不可用时切换备用渠道或手工登记，保证服务不中断",
                    "Switches to backup channels or manual logging when the service system "
                    "is down, so service continues",
                ),
            ),
            expert=(
                (
                    "协调技术、运营部门，牵头制定客服侧应急预案和统一话术",
                    "Works with technical and operations teams to lead the service-side "
                    "contingency plan and agreed wording",
                ),
                (
                    "故障结束后组织复盘，评估影响并完善预案",
                    "Runs a review after an outage, assesses its impact and improves the plan",
                ),
            ),
        ),
        CompetencyContent(
            code="malicious-complaint-handling",
            name_zh="恶意投诉处理",
            name_en="Malicious complaints",
            description_zh="识别职业索赔、恶意差评和欺诈退款等行为，依规处理并保留证据。",
            description_en=(
                "Recognises professional claimants, malicious reviews and refund fraud, "
                "handles them by the rules and keeps the evidence."
            ),
            basic=(
                (
                    "面对不合理要求保持礼貌，不私下承诺或给予超出规定的补偿",
                    "Stays polite with unreasonable demands and never privately promises or "
                    "grants compensation beyond the rules",
                ),
                (
                    "完整保存聊天记录、订单和物流凭证，按流程上报可疑情况",
                    "Keeps complete chat logs, order and logistics records, and reports "
                    "suspicious cases through the proper process",
                ),
            ),
            advanced=(
                (
                    "能识别恶意投诉的典型特征（批量下单后集中索赔、调包退货、以差评要挟）",
                    "Recognises typical signs of malicious complaints (bulk orders then mass "
                    "claims, swapped returns, reviews used as leverage)",
                ),
                (
                    "为平台申诉准备完整的证据链",
                    "Prepares the complete chain of evidence for a platform appeal",
                ),
            ),
            expert=(
                (
                    "与风控、法务部门协作处理职业索赔和欺诈案件",
                    "Works with risk control and legal on professional claimants and fraud cases",
                ),
                (
                    "总结恶意投诉模式，更新识别规则和应对指引",
                    "Documents malicious-complaint patterns and updates detection rules and "
                    "response guidelines",
                ),
            ),
        ),
        CompetencyContent(
            code="logistics-delay-handling",
            name_zh="物流延误处理",
            name_en="Logistics delays",
            description_zh="在快递延误、丢件、破损或恶劣天气停运时安抚客户并协调解决。",
            description_en=(
                "Reassures customers and arranges solutions when parcels are delayed, lost, "
                "damaged or held up by bad weather."
            ),
            basic=(
                (
                    "能查询物流异常原因，向客户说明当前状态和下一步处理",
                    "Finds out why a delivery is held up and explains its status and the "
                    "next steps",
                ),
                (
                    "按规定登记催件、丢件或破损，并告知客户处理时效",
                    "Logs chase-ups, lost or damaged parcels as required and tells the "
                    "customer how long it will take",
                ),
            ),
            advanced=(
                (
                    "能协调快递公司催派、拦截或改址，并跟进到有结果",
                    "Gets carriers to expedite, intercept or redirect parcels and follows "
                    "through to the outcome",
                ),
                (
                    "对延误造成的损失（如错过使用日期）提出合理的补偿方案",
                    "Proposes fair compensation for losses caused by delay (such as missing "
                    "the date the item was needed)",
                ),
            ),
            expert=(
                (
                    "大促、恶劣天气或区域停运期间，提前批量通知受影响客户并统一处理",
                    "During peak sales, bad weather or regional shutdowns, notifies affected "
                    "customers in advance and handles them in bulk",
                ),
                (
                    "分析各快递公司的时效和异常数据，为物流选择提供建议",
                    "Analyses carriers' delivery times and exception rates to advise on the "
                    "choice of carrier",
                ),
            ),
        ),
    ),
)

DIMENSIONS: tuple[DimensionContent, ...] = (
    DimensionContent(
        code="technical",
        name_zh="技术维度",
        name_en="Technical skills",
        areas=(TOOL_USAGE, DATA_ANALYSIS, PRODUCT_KNOWLEDGE),
    ),
    DimensionContent(
        code="soft",
        name_zh="软技能维度",
        name_en="Soft skills",
        areas=(COMMUNICATION, EMOTION_MANAGEMENT, EMERGENCY_HANDLING),
    ),
)

# --- Position profiles (岗位画像) ----------------------------------------------------------

POSITION_PROFILES: tuple[ProfileContent, ...] = (
    ProfileContent(
        code="junior-agent",
        name_zh="初级客服",
        name_en="Junior agent",
        description_zh="独立处理常规咨询和售后问题的一线客服，需具备各项核心能力的基础水平。",
        description_en=(
            "A front-line agent who handles routine enquiries and after-sales cases alone, "
            "with the basics of every core skill."
        ),
        requirements={
            "crm-system": BASIC,
            "knowledge-base": BASIC,
            "platform-backoffice": BASIC,
            "apparel-sizing-fabrics": BASIC,
            "cosmetics-ingredients-skin": BASIC,
            "electronics-specs": BASIC,
            "listening-empathy": BASIC,
            "negotiation": BASIC,
            "written-standards": BASIC,
            "stress-self-regulation": BASIC,
            "customer-emotion-perception": BASIC,
            "complaint-deescalation": BASIC,
            "system-outage-response": BASIC,
            "logistics-delay-handling": BASIC,
        },
    ),
    ProfileContent(
        code="senior-agent",
        name_zh="高级客服",
        name_en="Senior agent",
        description_zh="处理疑难和升级会话、能够带教新人的资深客服。",
        description_en=(
            "An experienced agent who takes difficult and escalated conversations and "
            "coaches new hires."
        ),
        requirements={
            "crm-system": ADVANCED,
            "knowledge-base": ADVANCED,
            "automation-tools": ADVANCED,
            "platform-backoffice": EXPERT,
            "customer-profiling": ADVANCED,
            "service-anomaly-detection": BASIC,
            "apparel-sizing-fabrics": ADVANCED,
            "cosmetics-ingredients-skin": ADVANCED,
            "electronics-specs": ADVANCED,
            "listening-empathy": EXPERT,
            "cross-cultural-communication": ADVANCED,
            "negotiation": ADVANCED,
            "written-standards": EXPERT,
            "stress-self-regulation": ADVANCED,
            "customer-emotion-perception": ADVANCED,
            "complaint-deescalation": EXPERT,
            "system-outage-response": ADVANCED,
            "malicious-complaint-handling": ADVANCED,
            "logistics-delay-handling": ADVANCED,
        },
    ),
    ProfileContent(
        code="kb-specialist",
        name_zh="知识库专员",
        name_en="Knowledge-base specialist",
        description_zh="负责知识库条目和标准话术的编写、审核与持续优化。",
        description_en=(
            "Writes, reviews and keeps improving the knowledge base and the standard reply "
            "templates."
        ),
        requirements={
            "crm-system": ADVANCED,
            "knowledge-base": EXPERT,
            "automation-tools": ADVANCED,
            "platform-backoffice": ADVANCED,
            "customer-profiling": BASIC,
            "service-anomaly-detection": ADVANCED,
            "apparel-sizing-fabrics": ADVANCED,
            "cosmetics-ingredients-skin": ADVANCED,
            "electronics-specs": ADVANCED,
            "listening-empathy": BASIC,
            "cross-cultural-communication": BASIC,
            "written-standards": EXPERT,
            "stress-self-regulation": BASIC,
            "system-outage-response": ADVANCED,
            "logistics-delay-handling": BASIC,
        },
    ),
    ProfileContent(
        code="trainer",
        name_zh="培训师",
        name_en="Trainer",
        description_zh="设计并讲授客服培训课程，评估学员能力并跟踪其提升。",
        description_en=(
            "Designs and delivers agent training, assesses learners and follows their progress."
        ),
        requirements={
            "crm-system": ADVANCED,
            "knowledge-base": ADVANCED,
            "automation-tools": BASIC,
            "platform-backoffice": ADVANCED,
            "customer-profiling": BASIC,
            "service-anomaly-detection": ADVANCED,
            "apparel-sizing-fabrics": ADVANCED,
            "cosmetics-ingredients-skin": ADVANCED,
            "electronics-specs": ADVANCED,
            "listening-empathy": EXPERT,
            "cross-cultural-communication": ADVANCED,
            "negotiation": ADVANCED,
            "written-standards": EXPERT,
            "stress-self-regulation": ADVANCED,
            "customer-emotion-perception": EXPERT,
            "complaint-deescalation": EXPERT,
            "system-outage-response": ADVANCED,
            "malicious-complaint-handling": ADVANCED,
            "logistics-delay-handling": ADVANCED,
        },
    ),
)


def competency_codes() -> list[str]:
    """Codes of the shipped competencies, in matrix order."""
    return [c.code for d in DIMENSIONS for a in d.areas for c in a.competencies]
