"""The automatic quality check (智能质检) on Chinese transcripts: pure functions, no database."""

from assessments.quality import DEFAULT_RULES, Exchange, quality_check, rules_for


def exchanges(*replies: str, latency: int = 10, target: int = 60) -> list[Exchange]:
    return [Exchange(reply, latency, target) for reply in replies]


def check(*replies: str, **rules) -> dict:
    return quality_check(exchanges(*replies), rules_for(rules))


# --- Greeting and closing ------------------------------------------------------------


def test_a_greeting_counts_only_in_the_first_reply():
    late = check("好的，我帮您查一下。", "您好，已经查到了。", "祝您生活愉快！")
    assert late["greeting"] is False

    first = check("您好，我帮您查一下。", "已经查到了。", "祝您生活愉快！")
    assert first["greeting"] is True


def test_a_closing_counts_only_in_the_last_reply():
    early = check("您好，感谢您的耐心。", "已经帮您改好地址了。")
    assert early["closing"] is False

    last = check("您好，我帮您查一下。", "已经改好地址了，感谢您的耐心等待。")
    assert last["closing"] is True


def test_no_reply_has_neither_greeting_nor_closing():
    findings = quality_check([], rules_for({}))
    assert (findings["greeting"], findings["closing"]) == (False, False)
    assert findings["forbidden"] == findings["vague"] == []
    assert findings["empathy_count"] == 0
    assert (findings["reply_times"], findings["on_time_share"]) == ([], None)


# --- Required, forbidden and vague phrases -------------------------------------------


def test_required_phrases_that_were_never_used_are_listed_in_order():
    findings = check(
        "您好，请提供一下订单号。",
        "已为您登记退款。",
        required=["工单号", "订单号", "退款", "七天无理由"],
    )
    assert findings["required_missing"] == ["工单号", "七天无理由"]

    complete = check("您好，请提供订单号。", "已登记退款，支持七天无理由。", required=["订单号"])
    assert complete["required_missing"] == []


def test_vague_phrases_are_found_with_their_turn_and_every_position():
    findings = check(
        "您好，这个可能要等，可能明天到，应该没问题。",
        "我也说不好，大概后天吧。",
    )
    # 您0 好1 ，2 这3 个4 可5 能6 要7 等8 ，9 可10 能11 明12 天13 到14 ，15 应16 该17
    assert findings["vague"] == [
        {"phrase": "可能", "turn": 1, "position": 5},
        {"phrase": "可能", "turn": 1, "position": 10},
        {"phrase": "应该", "turn": 1, "position": 16},
        {"phrase": "大概", "turn": 2, "position": 6},
    ]


def test_forbidden_phrases_are_found_with_their_turn_and_position():
    findings = check("您好，请稍等。", "这个我不知道，不归我管，我真不知道。")
    # 这0 个1 我2 不3 知4 道5 ，6 不7 归8 我9 管10 ，11 我12 真13 不14
    assert findings["forbidden"] == [
        {"phrase": "不知道", "turn": 2, "position": 3},
        {"phrase": "不归我管", "turn": 2, "position": 7},
        {"phrase": "不知道", "turn": 2, "position": 14},
    ]
    # "知道" on its own is not "不知道".
    assert check("您好，我知道您很着急。")["forbidden"] == []


def test_full_width_and_half_width_forms_and_latin_case_match_alike():
    findings = check(
        "ＨＥＬＬＯ，这边是ＶＩＰ专线，支持７天无理由退货。",
        "SORRY，给您添麻烦了，Ｔｈａｎｋ you！",
        required=["vip", "7天无理由"],
        forbidden=["ｂｕｓｙ"],
    )
    assert findings["greeting"] is True  # "hello" in full-width capitals
    assert findings["closing"] is True  # "thank" in full-width mixed case
    assert findings["required_missing"] == []
    assert findings["empathy_count"] == 2  # "sorry" and "给您添麻烦"
    assert check("I am BUSY now", forbidden=["ｂｕｓｙ"])["forbidden"] == [
        {"phrase": "ｂｕｓｙ", "turn": 1, "position": 5}
    ]


def test_empathy_phrases_are_counted_every_time_they_occur():
    findings = check(
        "您好，非常抱歉，我理解您很着急。",
        "抱歉让您久等了，辛苦您了。",
        "感谢您的耐心。",
    )
    # 抱歉 ×2, 理解, 着急, 辛苦
    assert findings["empathy_count"] == 5
    assert check("您好，我查一下。")["empathy_count"] == 0


# --- Reply times ---------------------------------------------------------------------


def test_reply_time_targets_met_and_missed_and_the_share_on_time():
    findings = quality_check(
        [
            Exchange("您好", 45, 60),
            Exchange("稍等", 60, 60),  # exactly on the target counts as met
            Exchange("好的", 61, 60),
            Exchange("", None, 30),  # never answered: missed, and not in the share
        ],
        rules_for({}),
    )
    assert findings["reply_times"] == [
        {"turn": 1, "seconds": 45, "target": 60, "met": True},
        {"turn": 2, "seconds": 60, "target": 60, "met": True},
        {"turn": 3, "seconds": 61, "target": 60, "met": False},
        {"turn": 4, "seconds": None, "target": 30, "met": False},
    ]
    assert findings["on_time_share"] == 67  # 2 of the 3 answered


# --- Rules ---------------------------------------------------------------------------


def test_without_scenario_rules_the_defaults_apply():
    assert rules_for(None) == rules_for({}) == DEFAULT_RULES
    assert {"可能", "应该"} <= set(DEFAULT_RULES["vague"])
    assert "不知道" in DEFAULT_RULES["forbidden"]


def test_a_scenario_s_phrases_are_added_to_the_defaults_once():
    rules = rules_for(
        {"vague": ["估计", "可能", "  ", 3], "required": ["订单号"], "empathy": ["心疼"]}
    )
    assert rules["vague"] == [*DEFAULT_RULES["vague"], "估计"]
    assert rules["required"] == ["订单号"]
    assert rules["empathy"] == [*DEFAULT_RULES["empathy"], "心疼"]
    assert rules["forbidden"] == DEFAULT_RULES["forbidden"]

    findings = quality_check(exchanges("您好，估计明天到。"), rules)
    assert findings["vague"] == [{"phrase": "估计", "turn": 1, "position": 3}]
    assert findings["required_missing"] == ["订单号"]


def test_replace_drops_the_defaults_only_for_the_lists_the_scenario_gives():
    rules = rules_for({"replace": True, "vague": [], "forbidden": ["差评"]})
    assert rules["vague"] == []
    assert rules["forbidden"] == ["差评"]
    assert rules["greetings"] == DEFAULT_RULES["greetings"]
    assert rules["empathy"] == DEFAULT_RULES["empathy"]

    findings = quality_check(exchanges("您好，可能是我不知道，别给差评。"), rules)
    assert findings["vague"] == []
    assert findings["forbidden"] == [{"phrase": "差评", "turn": 1, "position": 13}]
    assert findings["greeting"] is True


def test_a_single_phrase_given_as_text_is_one_phrase_not_characters():
    from assessments.quality import rules_for

    merged = rules_for({"required": "七天无理由"})

    assert merged["required"] == ["七天无理由"]
