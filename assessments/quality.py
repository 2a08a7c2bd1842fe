"""Automatic quality check (智能质检) of a role-play transcript.

Rules are phrase lists: the scenario's own, added to the shared defaults below. Matching is
on NFKC-normalised text (full-width and half-width forms alike), case-insensitive for Latin
letters, and substring-based, which is right for Chinese, where words are not separated by
spaces. The check informs the mentor; it never grades.
"""

import unicodedata
from dataclasses import dataclass

DEFAULT_RULES: dict[str, list[str]] = {
    "greetings": ["您好", "你好", "亲", "欢迎", "hello", "hi"],
    "closings": ["感谢", "谢谢", "祝您", "再见", "还有什么可以帮", "thank", "goodbye"],
    "required": [],
    "forbidden": ["不知道", "没办法", "不归我管", "你自己看", "随便", "爱买不买"],
    "vague": ["可能", "应该", "大概", "也许", "好像", "差不多"],
    "empathy": ["理解", "抱歉", "不好意思", "着急", "辛苦", "给您添麻烦", "sorry", "understand"],
}
RULE_KEYS = tuple(DEFAULT_RULES)


def normalise(text: str) -> str:
    """Full-width and half-width forms alike, Latin letters in lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


def rules_for(scenario_rules: dict | None) -> dict[str, list[str]]:
    """The shared defaults with the scenario's phrases added (never removed silently:
    a scenario that wants fewer vague words lists ``"vague": []`` and ``"replace": true``)."""
    scenario_rules = scenario_rules or {}
    replace = bool(scenario_rules.get("replace"))
    merged = {}
    for key in RULE_KEYS:
        value = scenario_rules.get(key, [])
        if isinstance(value, str):  # one phrase given on its own
            value = [value]
        own = [p for p in value if isinstance(p, str) and p.strip()]
        base = [] if replace and key in scenario_rules else DEFAULT_RULES[key]
        merged[key] = list(dict.fromkeys([*base, *own]))
    return merged


@dataclass(frozen=True)
class Exchange:
    reply: str
    latency_seconds: int | None
    target_seconds: int


def _find(phrases: list[str], replies: list[str]) -> list[dict]:
    found = []
    for turn, reply in enumerate(replies, start=1):
        text = normalise(reply)
        for phrase in phrases:
            needle = normalise(phrase)
            start = text.find(needle)
            while needle and start != -1:
                found.append({"phrase": phrase, "turn": turn, "position": start})
                start = text.find(needle, start + len(needle))
    return sorted(found, key=lambda f: (f["turn"], f["position"]))


def quality_check(exchanges: list[Exchange], rules: dict[str, list[str]]) -> dict:
    """The findings, as plain data stored with the submission."""
    replies = [e.reply for e in exchanges]
    answered = [e for e in exchanges if e.latency_seconds is not None]
    on_time = [e for e in answered if e.latency_seconds <= e.target_seconds]
    required_found = {f["phrase"] for f in _find(rules["required"], replies)}
    return {
        "greeting": bool(replies) and bool(_find(rules["greetings"], replies[:1])),
        "closing": bool(replies) and bool(_find(rules["closings"], replies[-1:])),
        "required_missing": [p for p in rules["required"] if p not in required_found],
        "forbidden": _find(rules["forbidden"], replies),
        "vague": _find(rules["vague"], replies),
        "empathy_count": len(_find(rules["empathy"], replies)),
        "reply_times": [
            {
                "turn": turn,
                "seconds": e.latency_seconds,
                "target": e.target_seconds,
                "met": e.latency_seconds is not None and e.latency_seconds <= e.target_seconds,
            }
            for turn, e in enumerate(exchanges, start=1)
        ],
        "on_time_share": round(100 * len(on_time) / len(answered)) if answered else None,
    }
