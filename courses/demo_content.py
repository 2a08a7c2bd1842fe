"""The demo course catalogue of 云裳优品, the fictional shop: plain data.

Read by ``seed_demo_courses``. Lesson bodies are Chinese Markdown written for the shop's
customer-service agents; English bodies are left out (the English title says what the
lesson covers). Course codes are stable: the seeder matches on them and never updates
a course that already exists, so editing the text here changes only a fresh database.
"""

# Lesson bodies keep a Markdown paragraph on one line: a line break inside a Chinese
# paragraph renders as a stray space between characters.
# ruff: noqa: E501

from dataclasses import dataclass

BASIC, ADVANCED, EXPERT = 1, 2, 3


@dataclass(frozen=True)
class LessonContent:
    title_zh: str
    title_en: str
    body_zh: str
    kind: str = "text"  # text, video, case
    minutes: int = 10
    video_url: str = ""
    required: bool = True


@dataclass(frozen=True)
class CourseContent:
    code: str
    title_zh: str
    title_en: str
    description_zh: str
    description_en: str
    tier: str  # entry, advanced, expert
    delivery_mode: str  # online, live, recorded, workshop, mentorship
    minutes: int
    # (competency code, level the course builds)
    targets: tuple[tuple[str, int], ...]
    lessons: tuple[LessonContent, ...]
    prerequisites: tuple[str, ...] = ()
    # (competency code, minimum level the learner must already have)
    level_prerequisites: tuple[tuple[str, int], ...] = ()
    completes_on_attendance: bool = False


# --- Entry tier (入门层) ----------------------------------------------------------------

BACKOFFICE_BASICS = CourseContent(
    code="backoffice-basics",
    title_zh="电商后台入门：订单与物流查询",
    title_en="Back-office basics: orders and shipment lookup",
    description_zh="新人第一课：在平台后台找到订单、看懂订单状态、查询物流轨迹，并把每次会话记进工单。",
    description_en=(
        "A new agent's first course: find an order in the platform back-office, read its "
        "status, look up the shipment and record every conversation in a ticket."
    ),
    tier="entry",
    delivery_mode="online",
    minutes=40,
    targets=(("platform-backoffice", BASIC), ("crm-system", BASIC)),
    lessons=(
        LessonContent(
            title_zh="看懂订单详情页",
            title_en="Reading an order",
            minutes=12,
            body_zh="""\
### 三种查找订单的方式

1. **订单号**：最准确。客户发来的截图里通常有 18 位订单号，复制后粘贴到「订单管理 → 订单查询」。
2. **手机号**：客户记不清订单号时使用。查到多笔订单时，先和客户核对**下单时间和商品名称**，再继续处理。
3. **会员昵称**：只作为补充手段，昵称可以重复，必须再核对收货人姓名的后两个字。

> 安全提醒：不要主动向客户念出完整的手机号和地址，只核对客户自己说出的信息。

### 订单状态对照

| 后台状态 | 含义 | 客户最关心的事 |
|---|---|---|
| 待付款 | 下单未支付，30 分钟后自动关闭 | 优惠券是否还能用 |
| 待发货 | 已付款，仓库未出库 | 什么时候发货 |
| 已发货 | 已交给快递公司 | 包裹到哪了 |
| 已签收 | 快递显示签收 | 没收到却显示签收 |
| 售后中 | 有退货或退款申请 | 退款什么时候到账 |

### 发货时效

云裳优品承诺**付款后 48 小时内发货**（预售商品以商品页写明的日期为准）。客户催发货时，先看「预计出库时间」，再答复具体日期，不要只说"尽快"。""",
        ),
        LessonContent(
            title_zh="查询物流轨迹",
            title_en="Looking up a shipment",
            minutes=10,
            body_zh="""\
### 操作步骤

1. 在订单详情页点击「物流信息」，核对**快递公司和运单号**。
2. 查看最新一条轨迹的**时间和网点**：超过 24 小时没有更新，就标记为"轨迹停滞"。
3. 需要更多信息时，点击「快递公司工作台」直达承运商后台，查看网点电话和派送员信息。

### 回复模板

> 您好，已为您查到包裹目前在【杭州转运中心】，最新更新时间是今天 9:20。按当前路线，预计明天（周四）送达。我已为您设置物流提醒，有变化会第一时间通知您，感谢您的耐心等待！

### 注意事项

- 说出**具体的地点和时间**，客户才会放心。
- 快递公司给出的预计时间只作参考，答复时说"预计"，并写明依据。
- 轨迹停滞或显示异常时，转到《物流查询与延误处理》课程里的处理流程。""",
        ),
        LessonContent(
            title_zh="工单记录规范",
            title_en="Writing up the ticket",
            minutes=10,
            body_zh="""\
每一次会话都要留下工单。下一位接手的同事只看工单，就应当知道发生了什么。

### 必填字段

- **问题分类**：物流 / 退换货 / 退款 / 商品咨询 / 投诉 / 其他，选最具体的一级。
- **优先级**：涉及投诉、差评威胁、金额超过 500 元的，选"高"。
- **处理摘要**：按"客户诉求 → 已做的事 → 下一步 → 约定时间"四段写。

### 好的摘要示例

> 客户反映订单 2024…0815 未收到货，物流显示已签收。已联系快递网点核实，派送员称放在小区快递柜。已告知客户取件码，约定明天 12:00 前回访确认是否取到。

### 常见错误

- 只写"已处理"或"客户满意"，没有事实。
- 约定了回访却没有设置提醒。
- 会话结束后工单仍是"处理中"且没有备注。""",
        ),
    ),
)

WRITTEN_STANDARDS = CourseContent(
    code="written-standards-101",
    title_zh="客服书面用语规范",
    title_en="Written service standards",
    description_zh="在线客服的每句话都是品牌的声音：礼貌开场与结束、不用模糊词、一条回复说清一件事。",
    description_en=(
        "Every line an agent writes speaks for the brand: polite greetings and closings, "
        "no vague wording, one clear point per reply."
    ),
    tier="entry",
    delivery_mode="online",
    minutes=30,
    targets=(("written-standards", BASIC),),
    lessons=(
        LessonContent(
            title_zh="开场与结束语",
            title_en="Greetings and closings",
            minutes=8,
            body_zh="""\
### 开场：10 秒内回应

客户进线后 **10 秒内**发出第一句话，带上称呼和工号：

> 您好，欢迎光临云裳优品，我是客服小琪（工号 0218），很高兴为您服务，请问有什么可以帮您？

客户已经直接说明问题时，不要再问"有什么可以帮您"，直接回应：

> 您好，我是客服小琪，您说的订单我马上为您查询，请稍等 1 分钟。

### 结束：确认、感谢、邀请

1. 确认问题已解决："请问还有其他需要帮您处理的吗？"
2. 感谢："感谢您对云裳优品的支持！"
3. 需要时提醒下一步："退款到账后如有疑问，随时联系我们。"

### 常用礼貌用语

- 您好 / 请 / 谢谢 / 感谢支持 / 感谢您的耐心等待
- 让客户等待前先说明时长："请稍等 2 分钟，我为您核实。"
- 等待超过承诺时间时先道歉："抱歉让您久等了。\"""",
        ),
        LessonContent(
            title_zh="告别模糊表达",
            title_en="No vague wording",
            minutes=10,
            body_zh="""\
"可能""应该""大概""估计""差不多"会让客户觉得我们自己都不确定。**质检会把这些词标记为不合格。**

### 改写练习

| 模糊说法 | 规范说法 |
|---|---|
| 应该明天能到吧 | 物流显示包裹已到达您所在城市，预计明天 18:00 前送达 |
| 可能是仓库漏发了 | 我已提交仓库核查，今天 17:00 前给您答复 |
| 退款大概三五天 | 退款原路返回，支付宝 1–3 个工作日到账 |
| 这个我也不太清楚 | 这个问题我请专员为您确认，30 分钟内回复您 |

### 不确定时怎么说

不知道答案不丢人，**含糊其辞才丢分**。把"不确定"换成"我去确认 + 时间承诺"：

> 这个问题需要我向仓库核实，我会在今天 16:00 前给您明确答复。

### 其他禁用表达

- 推卸责任："这不归我们管""你自己去问快递"
- 质问语气："你没看商品详情吗？"
- 生硬拒绝："不行""做不到"，应改为说明原因并给出可行方案。""",
        ),
        LessonContent(
            title_zh="回复结构与排版",
            title_en="Structuring a reply",
            minutes=8,
            body_zh="""\
### 先结论，后原因，再行动

> 您好，您的退款已经审核通过（结论）。因为您选择的是原路退回（原因），款项会在 1–3 个工作日内退回您的支付宝，到账后会收到支付宝通知（行动）。

### 一条消息说一件事

- 手机屏幕小，一条消息控制在 **3 行以内**。
- 需要说明多个步骤时，用编号：①②③。
- 链接和订单号单独成行，方便客户复制。

### 表情与语气

- 可以适度使用"～"和一个表情缓和语气，但投诉和道歉场景不用表情。
- 不连续发送 3 条以上消息"刷屏"。
- 不用全大写英文和连续感叹号。""",
        ),
    ),
)

RETURNS_REFUNDS = CourseContent(
    code="returns-refunds-101",
    title_zh="退货退款流程",
    title_en="Returns and refunds",
    description_zh="七天无理由退货的规则与例外、各支付方式的退款时效，以及一个真实争议案例。",
    description_en=(
        "The seven-day no-reason return rule and its exceptions, refund times by payment "
        "method, and a real dispute to work through."
    ),
    tier="entry",
    delivery_mode="online",
    minutes=45,
    targets=(("platform-backoffice", BASIC),),
    prerequisites=("backoffice-basics",),
    lessons=(
        LessonContent(
            title_zh="七天无理由退货：规则与例外",
            title_en="Seven-day no-reason returns",
            minutes=15,
            body_zh="""\
### 基本规则

根据《消费者权益保护法》，网购商品自**签收次日起 7 天内**可以无理由退货，前提是商品**完好**：吊牌、包装、配件齐全，不影响二次销售。

### 不适用的商品（商品页已标注）

- 已拆封的化妆品、护肤品（出于卫生原因）
- 定制商品，例如刻字、改尺寸的服饰
- 贴身衣物：内衣、袜子、泳衣
- 已激活的数码产品（手机、平板激活后）

### 运费谁来出

| 情况 | 退回运费 |
|---|---|
| 无理由退货 | 客户承担；已购运费险的由保险理赔 |
| 质量问题、发错货 | 云裳优品承担，先由客户垫付，退款时一并返还 |

### 标准话术

> 您好，这件连衣裙在 7 天无理由退货期内，只要吊牌完好就可以退。请在订单页点击「申请售后 → 退货退款」，选择"七天无理由"，我们收到退货后 48 小时内为您办理退款。""",
        ),
        LessonContent(
            title_zh="退款时效与进度查询",
            title_en="Refund timelines",
            minutes=10,
            body_zh="""\
### 云裳优品的内部时效

1. 客户寄回后，仓库**签收 24 小时内**完成质检。
2. 质检通过后，系统**自动退款**；需要人工审核的，客服 **48 小时内**处理完。
3. 仅退款（未发货订单）：提交申请后 **2 小时内**处理。

### 各支付方式到账时间

| 支付方式 | 到账时间 |
|---|---|
| 支付宝 / 微信余额 | 即时到 1 个工作日 |
| 储蓄卡 | 1–3 个工作日 |
| 信用卡 | 3–7 个工作日，以银行入账为准 |
| 花呗 | 恢复额度，已还款部分退回余额 |

### 查询进度

「订单详情 → 售后记录」可以看到每一步的时间。客户说没收到退款时，先看是否显示"退款成功"：

- **显示成功**：告诉客户退款流水号，请客户凭流水号向银行查询。
- **未显示成功**：查看卡在哪一步，给出明确的处理时间，并在工单里设置提醒。""",
        ),
        LessonContent(
            title_zh="案例：拆封的蓝牙耳机能退吗",
            title_en="Case: an opened headset",
            kind="case",
            minutes=15,
            body_zh="""\
### 情境

客户周女士 5 天前签收了一副蓝牙耳机，拆封试戴后觉得"音质一般"，申请七天无理由退货，被系统自动拒绝（原因："商品已拆封"）。她进线质问：

> "不是说七天无理由吗？你们这是欺诈！我要投诉到 12315！"

### 事实

- 耳机属于数码产品，**拆封不等于激活**：蓝牙耳机没有激活流程，商品页也没有"拆封不退"的标注。
- 包装盒、充电线、说明书都在。
- 系统规则把"拆封"一律判为拒绝，这条规则对耳机是错误的。

### 思考题

1. 第一句话怎么回应，才能先把情绪降下来？
2. 这单能不能退？依据是什么？
3. 除了帮客户退货，你还能推动什么改进？

### 参考处理

1. 先认同："您好，非常抱歉让您看到拒绝通知，换作是我也会着急。我马上为您核实。"
2. 核实后：耳机配件齐全，符合无理由退货条件，**人工改判为同意**，并说明运费由客户承担（运费险可理赔）。
3. 在工单中记录"系统误拒"，并提交知识库反馈：蓝牙耳机不适用"拆封即拒"规则。""",
        ),
    ),
)

LOGISTICS_DELAY = CourseContent(
    code="logistics-delay-101",
    title_zh="物流查询与延误处理",
    title_en="Shipment lookup and delays",
    description_zh="读懂物流状态，按四步法处理延误、丢件和破损，让客户知道我们在跟进。",
    description_en=(
        "Read shipment statuses and handle delays, lost and damaged parcels in four steps "
        "that show the customer someone is on it."
    ),
    tier="entry",
    delivery_mode="online",
    minutes=35,
    targets=(("logistics-delay-handling", BASIC), ("platform-backoffice", BASIC)),
    prerequisites=("backoffice-basics",),
    lessons=(
        LessonContent(
            title_zh="读懂物流状态",
            title_en="Reading shipment statuses",
            minutes=8,
            body_zh="""\
| 轨迹显示 | 实际含义 | 判断 |
|---|---|---|
| 已揽收 | 快递员取件，尚未进入分拣 | 正常 |
| 运输中 / 到达某转运中心 | 干线运输 | 超过 48 小时不更新为异常 |
| 派送中 | 当天派送 | 当天 21:00 后仍未送达可联系网点 |
| 已签收（他人代收 / 快递柜） | 已投递 | 客户未收到时核实签收人 |
| 退回中 / 拒收 | 包裹正在退回 | 立即核实原因 |

**大促期间**（双十一、618）转运中心积压是常态，判断异常的标准放宽到 72 小时，但回复客户时同样要给出具体的下一步。""",
        ),
        LessonContent(
            title_zh="延误处理四步法",
            title_en="Four steps for a delayed parcel",
            minutes=15,
            body_zh="""\
### 第一步：共情并说明已查到的事实

> 您好，非常理解您着急的心情。我查到包裹 11 月 12 日到达郑州转运中心后一直没有更新，确实比正常时效慢了 2 天。

### 第二步：当场行动

- 在快递公司工作台提交**催件工单**，记下工单号。
- 轨迹停滞超过 72 小时的，同时提交**查件**。

### 第三步：给出时间承诺和备选方案

> 我已经向快递公司提交催件（工单号 CJ8823），他们承诺 24 小时内回复。明天 12:00 前我会主动联系您。如果明天仍没有进展，我为您**补发**一件，原包裹到了直接拒收即可。

### 第四步：回访并关闭

- 在 CRM 设置回访提醒，**按时回访**，即使还没有结果也要告诉客户进展。
- 延误超过 5 天的订单，按规定发放 10 元无门槛券作为补偿（需组长审批）。""",
        ),
        LessonContent(
            title_zh="丢件与破损",
            title_en="Lost and damaged parcels",
            minutes=10,
            body_zh="""\
### 显示签收但客户没收到

1. 查看签收人：快递柜、驿站、门卫还是本人。
2. 请客户先在家人、门卫和附近驿站确认，**给出取件码或驿站地址**。
3. 仍找不到：联系派送网点核实，24 小时内没有结果的，按丢件处理——**先补发或退款，再由我们向快递公司索赔**，不让客户等索赔结果。

### 包裹破损

- 请客户拍摄**外包装、面单和破损商品**三张照片。
- 易碎品（玻璃瓶装护肤品、屏幕）破损：直接补发或退款，不需要寄回。
- 在工单中上传照片，分类选"物流 → 破损"，方便月底统计承运商的破损率。

> 话术：您好，非常抱歉商品在运输中受损，给您添麻烦了。麻烦您拍一下外箱、面单和商品的照片，我收到后马上为您安排补发，不需要您寄回。""",
        ),
    ),
)

EMPATHY_LISTENING = CourseContent(
    code="empathy-listening-101",
    title_zh="倾听与共情",
    title_en="Listening and empathy",
    description_zh="录播课：听懂客户没说出口的需求，用三步共情法回应情绪，再解决问题。",
    description_en=(
        "Recorded course: hear what the customer does not say, answer the feeling with "
        "three steps of empathy, then solve the problem."
    ),
    tier="entry",
    delivery_mode="recorded",
    minutes=40,
    targets=(("listening-empathy", BASIC), ("customer-emotion-perception", BASIC)),
    lessons=(
        LessonContent(
            title_zh="课程录像：什么是真正的倾听",
            title_en="Recording: what listening really is",
            kind="video",
            minutes=18,
            video_url="https://video.yunshang.example/academy/empathy-listening-101.mp4",
            body_zh="""\
本节是培训师蒋文静的课堂录像（18 分钟）。观看时请留意：

- 00:02:10 起：客户说"算了"时，真正的意思往往是"我很失望"，而不是"问题解决了"。
- 00:07:45 起：复述的技巧——用自己的话把客户的诉求说一遍，请客户确认。
- 00:13:30 起：三段真实会话录音对比，哪一句让客户的语气发生了变化。

看完后，用一句话写下你在自己的会话里最常忽略的信号。""",
        ),
        LessonContent(
            title_zh="共情三步：情绪、事实、行动",
            title_en="Three steps of empathy",
            minutes=12,
            body_zh="""\
### 1. 回应情绪

先说出客户的感受，而不是急着解释：

> 收到的衣服和图片颜色差这么多，换作是我也会很失望。

### 2. 复述事实

用一句话确认你理解的问题，让客户知道你在听：

> 我确认一下：您 10 号收到的米白色针织衫，实物偏黄，想换一件颜色正一些的，对吗？

### 3. 给出行动

共情之后**一定要跟上行动**，否则只是客套：

> 我现在为您申请换货，运费由我们承担，新的一件今天发出。

### 识别情绪的线索

- 连续发问号、感叹号、短句 → 着急
- "你们每次都……" → 积累的不满，需要先道歉
- 长时间沉默后只回"哦" → 失望，需要主动确认""",
        ),
        LessonContent(
            title_zh="常见误区",
            title_en="Common pitfalls",
            minutes=8,
            body_zh="""\
| 误区 | 为什么不好 | 更好的做法 |
|---|---|---|
| "我理解您的心情"挂在嘴边 | 套话，客户听得出来 | 说出具体的感受和原因 |
| 立刻解释公司规定 | 客户觉得你在推责任 | 先回应情绪，再说明规则 |
| 打断客户，急着给方案 | 方案往往答非所问 | 等客户说完，复述确认 |
| 过度道歉 | 显得没有解决能力 | 道歉一次，然后行动 |

**自检问题**：这条回复发出去之后，客户会觉得"被听见了"吗？""",
        ),
    ),
)

APPAREL_BASICS = CourseContent(
    code="apparel-101",
    title_zh="服饰产品知识：尺码与面料",
    title_en="Apparel: sizing and fabrics",
    description_zh="服饰组必修：根据身高体重推荐尺码，讲清常见面料的特点与洗护，处理色差和起球问题。",
    description_en=(
        "Core for the apparel team: recommend a size from height and weight, explain fabrics "
        "and their care, handle colour and pilling complaints."
    ),
    tier="entry",
    delivery_mode="online",
    minutes=35,
    targets=(("apparel-sizing-fabrics", BASIC),),
    lessons=(
        LessonContent(
            title_zh="尺码推荐",
            title_en="Recommending a size",
            minutes=12,
            body_zh="""\
### 先问三个数据

身高、体重、**平时穿的尺码**（以及喜欢修身还是宽松）。

### 女装上衣参考表（云裳优品自有品牌）

| 尺码 | 身高 cm | 体重 kg | 胸围 cm |
|---|---|---|---|
| S | 155–160 | 42–48 | 80–84 |
| M | 160–165 | 48–55 | 84–88 |
| L | 165–170 | 55–62 | 88–94 |
| XL | 170–175 | 62–70 | 94–100 |

### 推荐话术

> 您身高 163、体重 52 公斤，平时穿 M，这件是修身版型，推荐 M；如果想穿得宽松一些，可以选 L。

**注意**：每件商品的尺码表以商品页为准，版型（修身 / 常规 / 宽松）不同，推荐也不同。介于两个尺码之间时，说明两种选择的穿着效果，让客户自己决定，并提醒支持七天无理由退换。""",
        ),
        LessonContent(
            title_zh="常见面料与洗护",
            title_en="Fabrics and care",
            minutes=12,
            body_zh="""\
| 面料 | 特点 | 洗护要点 |
|---|---|---|
| 纯棉 | 吸汗透气，易皱，首次洗涤略缩 | 30℃ 以下水洗，反面晾晒 |
| 莫代尔 | 柔软顺滑，垂感好 | 轻柔手洗，不可暴晒 |
| 羊毛 / 羊绒 | 保暖，易起球 | 专用洗剂手洗或干洗，平铺晾干 |
| 真丝 | 光泽好，怕摩擦和汗渍 | 冷水手洗，不可拧干，避免阳光直射 |
| 涤纶 | 挺括耐穿，不易皱，透气性一般 | 可机洗 |

客户问"会不会缩水"：棉和羊毛会有轻微回缩（国标允许 3% 以内），按洗标洗涤就不会明显变小。回答时引用**洗标说明**，不要凭印象。""",
        ),
        LessonContent(
            title_zh="色差、起球与缩水",
            title_en="Colour, pilling and shrinkage",
            minutes=10,
            body_zh="""\
### 色差

屏幕显示与自然光存在差异，商品页已注明。但**明显色差**（例如白色收到是米黄）属于商品问题：

> 您好，麻烦您在自然光下拍一张照片给我，我和商品图对比一下。如果确实差别明显，我们免费为您换货或退货。

### 起球

- 羊毛、混纺面料穿着摩擦起少量小球属于正常现象，可以用剃毛器处理。
- **首次穿着就大面积起球**属于质量问题，按质量问题退换，运费由我们承担。

### 缩水

先问洗涤方式。按洗标洗涤后缩水超过 3% 的，属于质量问题；机洗了"仅可手洗"的商品，不属于质量问题，但可以提供洗护建议并为客户申请一张优惠券，维护好关系。""",
        ),
    ),
)

COSMETICS_BASICS = CourseContent(
    code="cosmetics-101",
    title_zh="美妆产品知识：成分与肤质",
    title_en="Cosmetics: ingredients and skin types",
    description_zh="美妆组必修：判断肤质、讲清常见功效成分和搭配禁忌，正确应对过敏咨询。",
    description_en=(
        "Core for the cosmetics team: tell skin types apart, explain common active "
        "ingredients and what not to combine, answer allergy questions safely."
    ),
    tier="entry",
    delivery_mode="online",
    minutes=35,
    targets=(("cosmetics-ingredients-skin", BASIC),),
    lessons=(
        LessonContent(
            title_zh="判断肤质",
            title_en="Skin types",
            minutes=10,
            body_zh="""\
用三个问题帮客户判断肤质：

1. 洗脸后不涂任何东西，1 小时后脸上什么感觉？
2. 中午 T 区（额头、鼻子）会不会出油发亮？
3. 换季或换产品时，会不会泛红、刺痒？

| 肤质 | 特征 | 推荐方向 |
|---|---|---|
| 干性 | 洗后紧绷，易起皮 | 滋润型乳霜，含神经酰胺、角鲨烷 |
| 油性 | 全脸出油，毛孔粗大 | 清爽啫喱，控油成分 |
| 混合性 | T 区油、两颊干 | 分区护理 |
| 敏感性 | 易泛红、刺痛 | 精简配方，无香精无酒精 |

**推荐前先问清肤质和正在使用的产品**，不要只推销售榜第一名。""",
        ),
        LessonContent(
            title_zh="常见功效成分",
            title_en="Key ingredients",
            minutes=12,
            body_zh="""\
| 成分 | 作用 | 使用提示 |
|---|---|---|
| 烟酰胺 | 提亮、控油 | 初用从低浓度（2–5%）开始，少数人会泛红 |
| 玻尿酸 | 补水保湿 | 温和，各种肤质都适用 |
| 视黄醇（A 醇） | 抗老、淡化细纹 | **夜间使用**，白天严格防晒；孕期不建议使用 |
| 水杨酸 | 疏通毛孔、改善痘痘 | 敏感肌慎用，不与高浓度果酸叠加 |
| 维生素 C | 抗氧化、提亮 | 与 A 醇分早晚使用 |

客户问"能不能一起用"时，说明**错开早晚**这一原则即可；问到孕期、哺乳期或正在治疗的皮肤病时，建议客户**咨询医生**，不替医生下结论。""",
        ),
        LessonContent(
            title_zh="过敏与不良反应",
            title_en="Reactions and allergies",
            minutes=10,
            body_zh="""\
### 处理顺序

1. **先关心身体**："请您先停止使用，用清水轻轻洗净。如果出现红肿、灼痛加重，请尽快就医。"
2. **收集信息**：症状、出现时间、使用部位、是否同时使用其他产品，并请客户拍照。
3. **处理订单**：出现不良反应的，不受"拆封不退"限制，可以退款；有就医记录的，上报组长按规定协商补偿。
4. **上报**：在工单中选择"商品安全 → 不良反应"，同一批次 3 起以上会自动通知品控。

### 不要说

- "我们的产品很温和，不会过敏的。"——否定客户的感受。
- "这是正常的排毒反应。"——没有依据的判断，会让客户延误就医。""",
        ),
    ),
)

ELECTRONICS_BASICS = CourseContent(
    code="electronics-101",
    title_zh="数码产品知识：参数解读",
    title_en="Electronics: reading the specs",
    description_zh="数码组必修：用客户听得懂的话解释核心参数，判断充电与兼容问题，做好故障初判和保修指引。",
    description_en=(
        "Core for the electronics team: explain key specs in plain words, sort out charging "
        "and compatibility questions, triage faults and guide warranty claims."
    ),
    tier="entry",
    delivery_mode="online",
    minutes=35,
    targets=(("electronics-specs", BASIC),),
    lessons=(
        LessonContent(
            title_zh="核心参数怎么讲",
            title_en="Explaining key specs",
            minutes=12,
            body_zh="""\
把参数翻译成**使用场景**：

| 参数 | 客户听得懂的说法 |
|---|---|
| 5000 mAh 电池 | 正常使用一天一充，重度游戏约 6 小时 |
| 120 Hz 刷新率 | 滑动和玩游戏更顺滑，耗电略高 |
| 蓝牙 5.3 | 连接更稳，和手机距离 10 米内不断连 |
| 主动降噪 ANC | 地铁、飞机上能明显压低低频噪音 |
| IP54 | 防溅水、防汗，**不能**戴着游泳 |

### 话术示例

> 这款耳机有主动降噪，通勤坐地铁时能把轰隆声压下去大半；防水等级 IP54，跑步出汗没问题，但不能戴着游泳哦。

不要把参数表原样复制给客户。不确定的参数，查商品页或知识库后再答复。""",
        ),
        LessonContent(
            title_zh="充电与兼容性",
            title_en="Charging and compatibility",
            minutes=10,
            body_zh="""\
### 客户说"充电很慢"

1. 问清用的是**原装充电器**还是其他充电器、多少瓦。
2. 快充需要充电器、线材、设备**三者都支持同一协议**（如 PD、QC）。
3. 边充边玩、高温环境下，设备会主动降低充电功率。

### 兼容性问题

- 安卓手机与某些耳机的"弹窗配对""空间音频"不通用，商品页已注明，回答时要说清**哪些功能可用、哪些不可用**。
- 客户买错接口（Type-C / Lightning），属于无理由退换范围，未激活、配件齐全即可。

### 话术示例

> 您好，这款手机支持 67W 快充，需要搭配原装充电器和原装数据线。您现在用的是 20W 的充电器，所以充满需要 2 小时左右；换用原装充电器后，大约 40 分钟可以充满。""",
        ),
        LessonContent(
            title_zh="故障初判与保修",
            title_en="Triage and warranty",
            minutes=12,
            body_zh="""\
### 先做三步初判（远程引导客户操作）

1. **重启**：长按电源键 10 秒强制重启。
2. **重新配对 / 恢复出厂**：耳机放回充电盒，按住按钮 15 秒，指示灯红白交替闪烁后松开。
3. **换环境验证**：换一部手机或换一根线测试，判断问题出在哪一端。

### 保修政策

| 时间 | 政策 |
|---|---|
| 签收 7 天内 | 性能故障可退货 |
| 签收 15 天内 | 性能故障可换货 |
| 1 年内 | 免费保修（人为损坏、进水除外） |

保修需要客户寄回检测，告诉客户**检测时长（3–5 个工作日）**和寄送地址，运费由我们承担。""",
        ),
    ),
)

# --- Advanced tier (进阶层) --------------------------------------------------------------

COMPLAINT_DEESCALATION = CourseContent(
    code="complaint-deescalation-201",
    title_zh="投诉安抚与升级处理",
    title_en="Complaint de-escalation",
    description_zh="把愤怒的客户带回到解决问题上来：情绪曲线、五步降温法、真实案例，以及何时升级、如何交接。",
    description_en=(
        "Bring an angry customer back to solving the problem: the emotional arc, a five-step "
        "de-escalation, a real case, and when and how to escalate."
    ),
    tier="advanced",
    delivery_mode="online",
    minutes=60,
    targets=(("complaint-deescalation", ADVANCED), ("customer-emotion-perception", ADVANCED)),
    prerequisites=("empathy-listening-101",),
    lessons=(
        LessonContent(
            title_zh="投诉的情绪曲线",
            title_en="The emotional arc of a complaint",
            minutes=10,
            body_zh="""\
愤怒的客户通常经历四个阶段：**爆发 → 宣泄 → 平复 → 协商**。

- **爆发期**说的话最难听，这时讲道理没有用，任何解释都会被当成狡辩。
- **宣泄期**需要有人听：不打断、不辩解，用短句回应："是的""我明白""您说得对，这次确实是我们做得不好"。
- 客户开始问"那你们打算怎么办"，说明进入**平复期**，这是提出方案的时机。
- 过早给方案，客户会觉得被打发；过晚给方案，客户会觉得你只会道歉。

练习：回看你上周处理的一单投诉，标出客户在哪句话进入了平复期。""",
        ),
        LessonContent(
            title_zh="五步降温法",
            title_en="Five steps to de-escalate",
            minutes=15,
            body_zh="""\
1. **倾听**：让客户说完，记下所有诉求点（往往不止一个）。
2. **认同**：认同感受，不认同错误的事实。"让您白跑一趟驿站，确实太耽误时间了。"
3. **道歉**：为体验道歉，一次就够。"非常抱歉，这次给您带来了不好的体验。"
4. **方案**：给出**两个可选方案**，让客户有掌控感："我为您准备了两个方案：一是今天为您补发，明天送到；二是直接全额退款，您看哪个更合适？"
5. **确认与跟进**：复述约定，写进工单，设置回访提醒，按时回访。

### 语言的温度

| 避免 | 改为 |
|---|---|
| 您冷静一下 | 我明白您现在很生气，换作是我也会 |
| 这是规定 | 按照售后规则是这样，我看看能为您争取什么 |
| 您之前没说 | 谢谢您补充这个信息 |""",
        ),
        LessonContent(
            title_zh="案例：凌晨两点的差评威胁",
            title_en="Case: a 2 a.m. bad-review threat",
            kind="case",
            minutes=20,
            body_zh="""\
### 情境

凌晨 2:07，客户王先生在夜间留言通道发来消息：

> "我下午六点就问了什么时候发货，到现在没人理！明天是我女儿生日，这条裙子要是到不了，我马上给你们差评，再发到小红书上！"

夜班只有你一人在线，订单状态是"待发货"，付款时间是昨天 17:40，仓库已下班。

### 请你思考

1. 第一条回复在多长时间内发出？写出原文。
2. 凌晨仓库没人，你能做什么？能承诺什么，不能承诺什么？
3. 差评威胁要不要回应？怎么回应？

### 参考思路

- **1 分钟内回复**，先道歉再说明你在处理："王先生您好，非常抱歉下午的咨询没有及时回复您，让您着急到现在。女儿的生日礼物很重要，我现在就为您处理。"
- 在系统中提交**加急发货**并备注"生日礼物，务必早班优先出库"；查到同城仓有货时，申请**同城仓发货**。
- 只承诺你能控制的事："早上 9 点仓库上班后第一批处理您的订单，9:30 前我把运单号发给您。"不承诺"一定明天到"。
- 不回应差评威胁本身，专注解决问题；交班时写清楚交接，早班同事 9:30 主动联系客户。""",
        ),
        LessonContent(
            title_zh="何时升级、如何交接",
            title_en="When and how to escalate",
            minutes=10,
            body_zh="""\
### 需要升级给组长的情况

- 客户要求的补偿超出你的权限（单笔超过 50 元，或要求"假一赔十"）
- 涉及人身安全、过敏就医、媒体曝光或 12315 投诉
- 同一客户 3 次以上进线仍未解决

### 交接三要素

1. **已核实的事实**（不是客户的原话）
2. **客户的明确诉求**和情绪状态
3. **已经做过的承诺**和时间点

> 告诉客户："您的问题需要我们售后主管来处理，我已经把情况完整地转给她，她会在 30 分钟内联系您，您不需要再重复说明一遍。"

升级不是甩锅：升级后继续关注工单，直到关闭。""",
        ),
    ),
)

NEGOTIATION = CourseContent(
    code="negotiation-201",
    title_zh="售后协商技巧",
    title_en="Negotiating after-sales solutions",
    description_zh="直播课：在规则和客户期望之间找到双方都能接受的方案——准备底线、按顺序报方案、守住边界。",
    description_en=(
        "Live class: find a solution both sides accept between the rules and the customer's "
        "expectations — know your limits, offer options in order, hold the line."
    ),
    tier="advanced",
    delivery_mode="live",
    minutes=90,
    targets=(("negotiation", ADVANCED),),
    prerequisites=("returns-refunds-101",),
    lessons=(
        LessonContent(
            title_zh="协商前的准备：底线与选项",
            title_en="Preparing: limits and options",
            minutes=12,
            body_zh="""\
开口之前想清楚三件事：

1. **客户真正要的是什么**：退款？尽快用上？被重视？同一句"我要赔偿"，背后的需求不同。
2. **我的权限**：

    | 方案 | 一线客服权限 |
    |---|---|
    | 补发、换货、退货退款 | 可直接处理 |
    | 无门槛券 | 单笔 ≤ 20 元 |
    | 部分退款（保留商品） | 商品金额 ≤ 15% |
    | 超出以上 | 需组长审批 |

3. **备选方案清单**：至少准备三个，按**对公司成本从低到高**排列。""",
        ),
        LessonContent(
            title_zh="方案报价的顺序",
            title_en="Offering options in order",
            minutes=15,
            body_zh="""\
### 先解决问题，再谈补偿

客户收到有轻微瑕疵的外套（袖口脱线 1 厘米）：

1. 首选**换货**："我为您换一件全新的，今天发出，运费我们承担。"
2. 客户不想换（"来回太麻烦"）→ 提出**保留商品 + 部分退款**："您方便的话可以保留这件，我为您申请退 30 元作为补偿，脱线在干洗店缝补一下就好。"
3. 客户仍不满意 → **退货退款**，并主动安排上门取件。

### 技巧

- 一次只提一到两个方案，不要一口气把底牌亮出来。
- 用"为您申请"而不是"给您"：让客户感受到你在争取。
- 客户提出超权限要求时，不直接拒绝："这个我需要向主管申请，我先为您落实能马上做的部分。"
- 达成一致后**复述方案**，让客户确认，再操作。""",
        ),
        LessonContent(
            title_zh="直播课安排与课前练习",
            title_en="About the live class",
            minutes=5,
            body_zh="""\
本课程的核心是**直播课**（90 分钟，线上会议）：培训师扮演客户，学员轮流现场协商，其他人用评分表打分。

### 课前请完成

- 学完本课程前两节。
- 从自己近一个月的工单中挑选**一单协商未成功**的案例，写下：客户诉求、你给出的方案、客户拒绝的理由。

### 评分维度

| 维度 | 权重 |
|---|---|
| 识别真实诉求 | 30% |
| 方案顺序与权限把握 | 40% |
| 语言与态度 | 30% |""",
        ),
    ),
)

STRESS_REGULATION = CourseContent(
    code="stress-regulation-201",
    title_zh="导师带教：高压下的情绪自我调节",
    title_en="Mentored: staying steady under pressure",
    description_zh="导师带教课程：识别自己的压力信号，掌握会话中的即时调节方法，每周与导师复盘一次高压会话。",
    description_en=(
        "Mentorship course: spot your own stress signals, learn in-the-moment techniques "
        "and review one hard conversation with your mentor every week."
    ),
    tier="advanced",
    delivery_mode="mentorship",
    minutes=120,
    targets=(("stress-self-regulation", ADVANCED),),
    lessons=(
        LessonContent(
            title_zh="识别压力信号",
            title_en="Recognising stress signals",
            minutes=10,
            body_zh="""\
连续接待难缠客户之后，压力会体现在**回复**里，而你自己往往最后一个发现：

- 回复越来越短，开始只发"嗯""好的"
- 想用复制粘贴的模板"快点打发"
- 看到某个客户头像就烦躁，打字用力
- 下班后还在脑子里和客户争论

身体也会先于大脑报警：肩膀发紧、呼吸变浅、心跳加快、午饭没胃口。这些信号出现时，你的下一条回复最容易出问题。

### 压力从哪里来

| 来源 | 例子 | 能做的事 |
|---|---|---|
| 客户 | 连续辱骂、反复进线 | 按规定使用警示语、转交组长 |
| 工作量 | 大促排队 200 人 | 先处理可以一句话解决的问题 |
| 自己 | "我又没处理好" | 区分"我的错"和"系统的问题" |

**练习**：连续三天，每天下班前给自己的压力打分（1–10 分），记下分数最高的那次会话发生了什么。带着记录参加第一次导师复盘。""",
        ),
        LessonContent(
            title_zh="会话中的即时调节",
            title_en="In-the-moment techniques",
            minutes=12,
            body_zh="""\
### 30 秒暂停

> 您好，我需要为您核实一下具体信息，请稍等 1 分钟。

用这 1 分钟：离开键盘，**4 秒吸气、4 秒屏息、6 秒呼气**，重复三次。

### 换框思考

客户骂的是遇到的问题，不是你这个人。对自己说："他在生快递的气，我是来帮他的人。"

### 及时求助

- 遭到人身攻击、辱骂超过两轮：按规定发送警示语，仍继续的可以转交组长。
- 一小时内连续处理 3 单投诉后，向组长申请 10 分钟休息，这是制度允许的。

> 警示语模板：您好，我非常希望帮您解决问题，也请您文明沟通，这样我们能更快找到解决办法。""",
        ),
        LessonContent(
            title_zh="与导师的每周复盘",
            title_en="Weekly review with your mentor",
            minutes=30,
            body_zh="""\
本课程由你的导师带教，**为期四周**，每周一次 30 分钟的一对一复盘。

### 每次复盘的流程

1. 你带一单本周压力最大的会话记录（隐去客户隐私信息）。
2. 一起回看：哪一句话之后你的情绪变了？你当时的回复是什么？
3. 导师示范一种不同的回应，你们交换角色演练一遍。
4. 约定下周要尝试的一个具体做法。

### 完成标准

- 完成四次复盘，导师在辅导记录中确认。
- 第四周的压力自评平均分比第一周下降，或者你能清楚说出自己的两种有效调节方法。""",
        ),
    ),
)

CRM_KNOWLEDGE_BASE = CourseContent(
    code="crm-kb-201",
    title_zh="CRM与智能知识库进阶",
    title_en="CRM and knowledge base, advanced",
    description_zh="用客户历史调整处理方式，用标签、提醒和转派让跟进不掉线，并学会检索与贡献知识库条目。",
    description_en=(
        "Use the customer's history to adapt, keep follow-ups on track with tags, reminders "
        "and transfers, and search and improve the knowledge base."
    ),
    tier="advanced",
    delivery_mode="online",
    minutes=50,
    targets=(("crm-system", ADVANCED), ("knowledge-base", ADVANCED)),
    prerequisites=("backoffice-basics",),
    lessons=(
        LessonContent(
            title_zh="读懂客户历史",
            title_en="Reading the customer's history",
            minutes=12,
            body_zh="""\
接起会话的前 30 秒，先看 CRM 右侧的**客户卡片**：

- **会员等级**：金卡及以上客户，退换货默认免运费。
- **近 90 天工单**：同一问题第二次进线，开场就要承认："看到您上周也咨询过这个问题，这次我一定帮您彻底解决。"
- **退货率标签**：高退货率不等于恶意，处理时照常按规则办理，但要核实商品状态。
- **历史满意度**：曾经给过差评的客户，结束前多确认一次是否满意。

利用历史信息是为了**更贴心**，不是为了区别对待。""",
        ),
        LessonContent(
            title_zh="标签、提醒与转派",
            title_en="Tags, reminders and transfers",
            minutes=12,
            body_zh="""\
### 标签

统一使用知识库里的标签词表，例如 `物流-停滞`、`商品-色差`、`投诉-升级`。自造标签无法统计，月底分析时会被漏掉。

### 提醒

凡是对客户说了"X 点前答复您"，**当场**设置提醒，时间比承诺时间提前 30 分钟。

### 转派

| 问题 | 转派对象 | 时效 |
|---|---|---|
| 仓库漏发、错发 | 仓储组 | 4 小时 |
| 发票 | 财务组 | 1 个工作日 |
| 质量鉴定 | 品控组 | 2 个工作日 |

转派后工单仍挂在你名下跟进，**转出去不等于结束**。每天下班前用"我跟进的工单 → 即将超时"视图检查一遍。""",
        ),
        LessonContent(
            title_zh="知识库检索与贡献",
            title_en="Searching and improving the knowledge base",
            minutes=12,
            body_zh="""\
### 检索技巧

- 用**问题关键词 + 品类**检索，例如"羊毛 缩水"比"衣服变小了怎么办"准确。
- 打开条目后先看**适用条件**和**更新时间**，超过 6 个月未更新的条目要多核实一次。
- 推荐话术是起点，发送前按客户的具体情况修改称呼、商品名和时间。

### 贡献条目

遇到知识库没有覆盖的问题，解决后用模板提交：

```
问题：客户问……
适用范围：品类 / 活动 / 时间段
处理步骤：1. … 2. … 3. …
推荐话术：……
依据：规则链接或审批记录
```

知识库专员审核通过后，条目会署上你的名字，每条计入积分。""",
        ),
    ),
)

COMPLAINT_WORKSHOP = CourseContent(
    code="complaint-workshop-201",
    title_zh="投诉处理实战工作坊",
    title_en="Complaint handling workshop",
    description_zh="线下工作坊（半天）：培训师扮演难缠客户，分组实战演练投诉处理和恶意投诉识别。出勤即完成课程。",
    description_en=(
        "Half-day offline workshop: the trainer plays difficult customers and groups "
        "practise complaint handling and spotting malicious complaints. Attending completes "
        "the course."
    ),
    tier="advanced",
    delivery_mode="workshop",
    minutes=210,
    targets=(("complaint-deescalation", ADVANCED), ("malicious-complaint-handling", ADVANCED)),
    completes_on_attendance=True,
    lessons=(
        LessonContent(
            title_zh="课前准备",
            title_en="Before the workshop",
            minutes=15,
            body_zh="""\
### 请带上

- 一单你处理过的**最难的投诉**（打印会话记录，隐去客户姓名、电话和地址）
- 笔记本电脑，已登录培训环境账号

### 当天流程（14:00–17:30）

| 时间 | 内容 |
|---|---|
| 14:00 | 破冰：一句话说出你最怕听到的客户原话 |
| 14:20 | 五步降温法快速回顾 |
| 14:50 | 分组演练一：物流延误引发的投诉 |
| 15:40 | 分组演练二：疑似恶意索赔 |
| 16:40 | 案例复盘：大家带来的真实投诉 |
| 17:20 | 总结与自评 |

**出勤即完成课程**，培训师现场签到。请至少提前 10 分钟到场。""",
        ),
        LessonContent(
            title_zh="演练评分标准",
            title_en="How the drills are scored",
            minutes=10,
            required=False,
            body_zh="""\
每轮演练由一名学员扮演客服，一名观察员按下表打分，培训师点评。

| 维度 | 优秀（3 分） | 合格（2 分） | 待提高（1 分） |
|---|---|---|---|
| 情绪回应 | 第一句话就回应了客户感受 | 有回应但较晚 | 直接解释规则 |
| 事实核实 | 主动核实并复述 | 核实了但未复述 | 未核实就给方案 |
| 方案 | 两个以上可选方案，在权限内 | 一个方案 | 没有方案或超权限承诺 |
| 边界 | 面对无理要求礼貌而坚定 | 犹豫但未越界 | 让步超出规则 |

观察员的分数只用于当场反馈，不计入考核成绩。""",
        ),
    ),
)

# --- Expert tier (专家层) ---------------------------------------------------------------

DATA_ANALYSIS = CourseContent(
    code="data-analysis-301",
    title_zh="服务数据分析：指标、异常与客户画像",
    title_en="Service data analysis for senior agents",
    description_zh="面向资深客服：读懂 FRT、AHT、FCR、CSAT 等核心指标，从数据波动中找到原因，用客户分群改进服务。",
    description_en=(
        "For senior agents: read the core service metrics (FRT, AHT, FCR, CSAT), trace a "
        "change in the numbers to its cause and improve service with customer segments."
    ),
    tier="expert",
    delivery_mode="online",
    minutes=90,
    targets=(("customer-profiling", EXPERT), ("service-anomaly-detection", EXPERT)),
    level_prerequisites=(("crm-system", ADVANCED),),
    lessons=(
        LessonContent(
            title_zh="核心服务指标",
            title_en="Core service metrics",
            minutes=15,
            body_zh="""\
| 指标 | 定义 | 云裳优品目标 |
|---|---|---|
| FRT 首次响应时长 | 客户进线到第一条人工回复 | ≤ 20 秒 |
| AHT 平均处理时长 | 一次会话从接起到结束 | ≤ 6 分钟 |
| FCR 首次解决率 | 一次会话解决、7 天内未因同一问题再进线 | ≥ 80% |
| CSAT 满意度 | 评价"满意"和"非常满意"的占比 | ≥ 92% |
| 投诉率 | 投诉工单 / 总会话量 | ≤ 0.8% |

### 指标之间的拉扯

- 一味压低 AHT，FCR 往往会下降：问题没问清就结束，客户只能再进线。
- 看指标要**成对看**：AHT 与 FCR、FRT 与 CSAT。
- 样本量小于 50 的周数据波动很大，不要据此下结论。""",
        ),
        LessonContent(
            title_zh="异常识别：从波动到原因",
            title_en="From a change in the numbers to its cause",
            minutes=20,
            body_zh="""\
### 四步定位

1. **确认是真异常**：和上周同期、去年同期对比，排除大促和节假日影响；波动超过近 8 周均值 ± 2 个标准差才算异常。
2. **拆维度**：按品类、问题分类、渠道、班次、客服逐层拆开，找到集中的那一块。
3. **看原始工单**：抽 20 单读原文，数据只能告诉你"哪里"，工单才告诉你"为什么"。
4. **提出假设并验证**：例如"新上架的羊绒衫尺码表有误"→ 查该商品的退货原因分布。

### 表格工具

- 数据透视表：行放"问题分类"，列放"周"，值放"工单数"。
- 条件格式：把环比增幅超过 30% 的单元格标红。

分析结论写成**一页纸**：现象、数据、原因、建议、负责人。""",
        ),
        LessonContent(
            title_zh="客户画像与分群",
            title_en="Customer profiles and segments",
            minutes=15,
            body_zh="""\
### 常用分群维度

- **价值**：近 12 个月消费金额、会员等级
- **行为**：购买频次、退货率、进线频次
- **偏好**：品类、渠道（在线 / 电话）、咨询时段

### 用分群改进服务

| 分群 | 发现 | 改进 |
|---|---|---|
| 夜间下单的新客 | 首单催发货进线率高 | 下单页显示预计发货时间 |
| 高价值、低进线的老客 | 一旦投诉，流失率高 | 投诉自动升级为高优先级 |
| 美妆敏感肌客户 | 过敏咨询集中在新品首月 | 新品上架前更新成分说明 |

画像用于改进服务，**不用于**对客户区别定价或拒绝服务，使用数据遵守公司隐私规定。""",
        ),
        LessonContent(
            title_zh="案例：退款咨询量一周翻倍",
            title_en="Case: refund enquiries doubled in a week",
            kind="case",
            minutes=25,
            body_zh="""\
### 数据

上周"退款进度"类咨询 1,260 单，前 8 周平均 610 单；CSAT 从 93% 降到 87%。其他问题分类平稳。

| 支付方式 | 上周咨询 | 前 8 周均值 |
|---|---|---|
| 支付宝 | 310 | 290 |
| 微信 | 240 | 220 |
| 信用卡 | 710 | 100 |

### 请你分析

1. 异常集中在哪里？
2. 你会抽哪些工单来读？想验证什么假设？
3. 给客服团队和运营分别写一条建议。

### 参考结论

- 异常集中在**信用卡**退款：支付渠道上周升级了退款接口，信用卡退款从"3–7 个工作日"变为"7–10 个工作日"，知识库和话术没有同步更新，客户按旧时效等待后进线追问。
- 建议客服：立即更新知识库条目和快捷回复，对已进线客户主动告知新时效。
- 建议运营：支付渠道变更纳入客服通知清单，上线前 3 天同步。""",
        ),
    ),
)

OUTAGE_EMERGENCY = CourseContent(
    code="outage-emergency-301",
    title_zh="应急处理：系统故障与大面积延误",
    title_en="Emergency handling: outages and mass delays",
    description_zh="系统故障、支付异常或大面积物流延误时，如何分级响应、统一口径、稳住客户，并在事后复盘。",
    description_en=(
        "When systems fail, payments break or deliveries stall at scale: classify the "
        "incident, speak with one voice, keep customers calm and review afterwards."
    ),
    tier="expert",
    delivery_mode="online",
    minutes=60,
    targets=(("system-outage-response", EXPERT), ("logistics-delay-handling", EXPERT)),
    prerequisites=("logistics-delay-101", "complaint-deescalation-201"),
    lessons=(
        LessonContent(
            title_zh="故障分级与响应",
            title_en="Classifying an incident",
            minutes=15,
            body_zh="""\
| 级别 | 判断标准 | 响应 |
|---|---|---|
| P1 | 下单或支付全站不可用；影响 > 30% 客户 | 5 分钟内值班主管拉群，全员启用统一口径 |
| P2 | 某一功能异常（如退款提交失败、物流查询不可用） | 15 分钟内通报，相关问题统一登记 |
| P3 | 个别客户异常 | 按普通工单处理并上报技术 |

### 一线客服发现异常时

1. **10 分钟内出现 3 起相同问题**，立即在值班群报告：现象、截图、订单号、开始时间。
2. 不要各自向客户猜测原因。
3. 为受影响的客户打上 `应急-事件编号` 标签，方便事后批量回访。""",
        ),
        LessonContent(
            title_zh="统一口径与安抚",
            title_en="Speaking with one voice",
            minutes=15,
            body_zh="""\
### 口径由值班主管发布，一线只做三件事

1. **承认**：不否认问题，不透露技术细节。
2. **说明影响**：告诉客户他的订单和钱是安全的。
3. **给出下一步**：何时更新、如何补偿。

> 您好，目前支付系统出现临时异常，技术团队正在紧急处理。您的订单已经保留，不会被取消，已扣款但显示未支付的订单，系统恢复后会自动确认，不会重复扣款。预计 30 分钟内恢复，恢复后我们会短信通知您。给您带来不便，非常抱歉！

### 快捷回复

故障期间把口径设置为**临时快捷回复**，故障结束后立即下线，避免误发。

### 补偿

补偿标准只由值班主管宣布，一线不得自行承诺。""",
        ),
        LessonContent(
            title_zh="复盘与预防",
            title_en="Review afterwards",
            minutes=15,
            body_zh="""\
故障恢复后 **48 小时内**完成复盘，客服组负责以下内容：

- **时间线**：第一位客户进线时间、客服上报时间、口径发布时间、恢复时间。
- **影响**：受影响会话数、投诉数、补偿金额。
- **做得好的与做得不好的**：例如"口径发布晚了 20 分钟，期间出现 3 种不同说法"。
- **改进项**：每项都要有负责人和完成日期。

### 事后回访

按 `应急-事件编号` 标签导出客户名单，对投诉过或给过差评的客户**逐一电话回访**，说明原因和改进措施。复盘报告不追究个人责任，目的是让下一次做得更好。""",
        ),
    ),
)

MALICIOUS_COMPLAINTS = CourseContent(
    code="malicious-complaints-301",
    title_zh="恶意投诉识别与应对",
    title_en="Spotting and handling malicious complaints",
    description_zh="识别职业索赔和恶意投诉的信号，按流程取证和上报，礼貌而坚定地守住规则边界。",
    description_en=(
        "Recognise the signs of professional claimants and malicious complaints, collect "
        "evidence and report by the procedure, hold the line politely and firmly."
    ),
    tier="expert",
    delivery_mode="online",
    minutes=50,
    targets=(("malicious-complaint-handling", EXPERT), ("negotiation", EXPERT)),
    prerequisites=("negotiation-201",),
    lessons=(
        LessonContent(
            title_zh="识别信号",
            title_en="Warning signs",
            minutes=12,
            body_zh="""\
单个信号不能说明问题，**同时出现多个**时提高警惕：

- 开口就引用法条，要求"退一赔三""假一赔十"
- 同一收货地址或手机号，近期多个账号大量购买后集中投诉
- 拒绝提供照片或寄回商品，只要求现金补偿
- 以曝光、举报相威胁，并给出"私了"金额
- 诉求与商品问题明显不成比例

**绝大多数投诉的客户都是真诚的。** 识别信号是为了按流程处理，不是给客户贴标签；在会话中不得说出"恶意""职业打假"等字眼。""",
        ),
        LessonContent(
            title_zh="取证与处理流程",
            title_en="Evidence and procedure",
            minutes=15,
            body_zh="""\
1. **照常核实**：请客户提供照片、视频和商品批次号，要求对所有客户一致。
2. **保留证据**：会话记录完整保存，不删除、不修改；电话沟通要录音。
3. **查历史**：在 CRM 中查看同一地址、手机号、支付账户的关联账号和投诉记录。
4. **上报**：在工单中选择"投诉-疑似恶意"，附上关联信息，转风控组；**不要在会话中表露怀疑**。
5. **按规则答复**：风控组 1 个工作日内给出结论；在此之前，告诉客户"您的诉求已提交专员审核，明天 18:00 前答复您"。

涉及商品安全、人身伤害的投诉，无论是否存疑，**一律按最高优先级**先处理。""",
        ),
        LessonContent(
            title_zh="边界与话术",
            title_en="Boundaries and wording",
            minutes=12,
            body_zh="""\
### 礼貌而坚定

> 我理解您的诉求。按照平台规则，质量问题我们提供退货退款并承担运费；您提出的三倍赔偿不在规则范围内，我无法为您办理。如果您对处理结果有异议，可以通过平台的「投诉维权」通道申请介入，我们会配合提供全部记录。

### 不要做

- 为了"息事宁人"私下转账或给超出权限的补偿
- 与客户争吵、讽刺或威胁
- 在公开评价回复中透露客户的订单信息

### 遇到辱骂

发送一次文明沟通提醒；仍继续辱骂的，告知"为了更好地解决问题，我将把您的问题转交专员处理"，然后转交组长。你的安全感和尊严同样重要。""",
        ),
    ),
)

COURSES: tuple[CourseContent, ...] = (
    BACKOFFICE_BASICS,
    WRITTEN_STANDARDS,
    RETURNS_REFUNDS,
    LOGISTICS_DELAY,
    EMPATHY_LISTENING,
    APPAREL_BASICS,
    COSMETICS_BASICS,
    ELECTRONICS_BASICS,
    COMPLAINT_DEESCALATION,
    NEGOTIATION,
    STRESS_REGULATION,
    CRM_KNOWLEDGE_BASE,
    COMPLAINT_WORKSHOP,
    DATA_ANALYSIS,
    OUTAGE_EMERGENCY,
    MALICIOUS_COMPLAINTS,
)

# --- The onboarding path -----------------------------------------------------------------

ONBOARDING_PATH = {
    "code": "onboarding-30",
    "title_zh": "新人入职30天",
    "title_en": "New agent onboarding, 30 days",
    "description_zh": (
        "新客服入职第一个月的必修路线：先学会在后台查订单和物流，掌握书面用语规范，"
        "再学习退货退款与物流延误处理，最后学习倾听与共情。按顺序完成，每门课都建立在前一门之上。"
    ),
    "description_en": (
        "The first month for a new agent: find orders and shipments in the back-office, "
        "write to the house standard, handle returns, refunds and delays, then listen "
        "with empathy. Take them in order: each builds on the one before."
    ),
    "courses": (
        "backoffice-basics",
        "written-standards-101",
        "returns-refunds-101",
        "logistics-delay-101",
        "empathy-listening-101",
    ),
    "due_days": 30,
}

# --- Sessions ------------------------------------------------------------------------------

# course code -> sessions: (days from today, start hour, minutes, capacity, place, link)
# A negative day is a session that already took place.
SESSIONS = {
    "complaint-workshop-201": (
        (-12, 14, 210, 8, "杭州总部 3楼 培训室A", ""),
        (9, 14, 210, 12, "杭州总部 3楼 培训室A", ""),
        (23, 14, 210, 4, "杭州总部 5楼 多功能厅", ""),
    ),
    "negotiation-201": (
        (10, 19, 90, 30, "", "https://meeting.yunshang.example/academy/negotiation-201"),
    ),
}

# course code -> per session, the usernames registering in order (beyond capacity: the
# waiting list); for a past session, username -> attendance.
REGISTRATIONS = {
    "complaint-workshop-201": (
        {
            "zhang.haoran": "present",
            "xu.wenbo": "present",
            "zheng.kaiwen": "present",
            "zhou.jiahui": "present",
            "he.jiaqi": "absent",
            "cao.yang": "excused",
        },
        ("wang.yutong", "sun.mengqi", "liang.junjie", "he.jiaqi", "tang.jiaxin"),
        ("lin.yuxin", "deng.chenxi", "yang.jing", "hu.shiyu", "peng.siyuan", "zhao.mingyuan"),
    ),
    "negotiation-201": (("wang.yutong", "ma.yiran", "song.zihao"),),
}

# --- Enrolments ----------------------------------------------------------------------------

# What each path learner has done in the path's courses (course code -> lessons done,
# "all" completes the course).
PATH_PROGRESS = {
    "agent": {"backoffice-basics": "all", "written-standards-101": 1},
    "gao.shuyi": {"backoffice-basics": "all", "written-standards-101": "all"},
    "huang.xinyi": {"backoffice-basics": 2},
    "guo.ruoxi": {},
    "feng.rui": {},
}

# username -> [(course code, state)], taken in order (prerequisites first). A state is
# "all" (completed), a number of lessons done (0: not started), "overdue" or
# "overdue:<lessons done>" (due today, then marked overdue as if tomorrow had come) or
# "withdrawn".
ENTRY_DONE = ("backoffice-basics", "all"), ("returns-refunds-101", "all")
SENIOR_CORE = (
    *ENTRY_DONE,
    ("empathy-listening-101", "all"),
    ("complaint-deescalation-201", "all"),
)
ENROLMENTS: dict[str, tuple[tuple[str, str | int], ...]] = {
    # seniors: the entry and advanced courses behind them, expert work under way
    "mentor": (
        *SENIOR_CORE,
        ("apparel-101", "all"),
        ("negotiation-201", "all"),
        ("logistics-delay-101", "all"),
        ("crm-kb-201", "all"),
        ("data-analysis-301", 0),
        ("outage-emergency-301", "all"),
    ),
    "zhang.haoran": (
        *SENIOR_CORE,
        ("apparel-101", "all"),
        ("negotiation-201", "all"),
        ("malicious-complaints-301", 1),
    ),
    "wu.tianyu": (
        *SENIOR_CORE,
        ("apparel-101", "all"),
        ("crm-kb-201", "all"),
        ("data-analysis-301", 2),
    ),
    "xu.wenbo": (
        *SENIOR_CORE,
        ("cosmetics-101", "all"),
        ("negotiation-201", "all"),
        ("crm-kb-201", "all"),
        ("data-analysis-301", "all"),
    ),
    "zhu.xiaoyu": (
        *SENIOR_CORE,
        ("cosmetics-101", "all"),
        ("logistics-delay-101", "all"),
        ("outage-emergency-301", 1),
    ),
    "zheng.kaiwen": (
        *SENIOR_CORE,
        ("electronics-101", "all"),
        ("negotiation-201", "all"),
        ("malicious-complaints-301", "all"),
    ),
    "xie.yifan": (
        *SENIOR_CORE,
        ("electronics-101", "all"),
        ("logistics-delay-101", "all"),
        ("outage-emergency-301", 0),
    ),
    "luo.xinran": (
        ("backoffice-basics", "all"),
        ("written-standards-101", "all"),
        ("crm-kb-201", "all"),
        ("cosmetics-101", "all"),
    ),
    # juniors: entry courses in every state
    "agent": (("apparel-101", 1),),
    "wang.yutong": (
        ("backoffice-basics", "all"),
        ("written-standards-101", "overdue:1"),
        ("apparel-101", "all"),
        ("returns-refunds-101", "all"),
        ("negotiation-201", 0),
    ),
    "liu.zixuan": (
        ("backoffice-basics", "all"),
        ("apparel-101", 2),
        ("stress-regulation-201", 1),
    ),
    "zhao.mingyuan": (("backoffice-basics", "all"), ("apparel-101", "overdue")),
    "zhou.jiahui": (*ENTRY_DONE, ("apparel-101", "all"), ("crm-kb-201", 1)),
    "yang.jing": (
        ("backoffice-basics", "all"),
        ("apparel-101", 0),
        ("empathy-listening-101", "withdrawn"),
    ),
    "sun.mengqi": (*ENTRY_DONE, ("cosmetics-101", "all"), ("stress-regulation-201", 2)),
    "ma.yiran": (
        *ENTRY_DONE,
        ("cosmetics-101", 1),
        ("negotiation-201", 0),
    ),
    "hu.shiyu": (("backoffice-basics", "all"), ("cosmetics-101", "overdue")),
    "he.jiaqi": (("backoffice-basics", 2), ("cosmetics-101", "all")),
    "lin.yuxin": (("backoffice-basics", "all"), ("crm-kb-201", "withdrawn")),
    "liang.junjie": (("backoffice-basics", "all"), ("logistics-delay-101", "overdue")),
    "song.zihao": (
        *ENTRY_DONE,
        ("electronics-101", "all"),
        ("negotiation-201", 0),
    ),
    "tang.jiaxin": (("backoffice-basics", "all"), ("electronics-101", 2)),
    "han.yu": (("electronics-101", 0), ("stress-regulation-201", 0)),
    "deng.chenxi": (("backoffice-basics", "all"), ("electronics-101", "all")),
    "cao.yang": (("electronics-101", 1), ("empathy-listening-101", "withdrawn")),
    "peng.siyuan": (("backoffice-basics", 1),),
}

# Courses that mentors assign to their own mentees; the rest come from the team lead.
MENTOR_ASSIGNED = {"stress-regulation-201"}
# Days until the due date of assigned (not yet completed) work.
DUE_DAYS = 21
