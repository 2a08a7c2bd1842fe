"""Demo data for the fictional shop 云裳优品: teams, people, mentorships and evidence.

Idempotent: people are keyed by username, teams by code, evidence by its ``source_ref``,
and the pseudo-random draws do not depend on what is already in the database, so a second
run finds everything in place and creates nothing.
"""

import datetime
import os
import random

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lms import matrix_content
from lms.matrix_loader import matrix_load
from lms.models import (
    BehaviouralIndicator,
    Competency,
    Evidence,
    Mentorship,
    PositionProfile,
    Role,
    Team,
    User,
)
from lms.services import evidence_record, mentorship_create

DEFAULT_PASSWORD = "demo-pass-2026"
EMAIL_DOMAIN = "yunshang.example"

# code, Chinese name, English name, the product-knowledge competency the team lives on
TEAMS = [
    ("apparel", "服饰组", "Apparel team", "apparel-sizing-fabrics"),
    ("cosmetics", "美妆组", "Cosmetics team", "cosmetics-ingredients-skin"),
    ("electronics", "数码组", "Electronics team", "electronics-specs"),
]

# username, display name, English name, team, kind (senior / junior / new hire / kb specialist)
AGENTS = [
    ("mentor", "陈静怡", "Jingyi Chen", "apparel", "senior"),
    ("agent", "李思琪", "Siqi Li", "apparel", "junior"),
    ("wang.yutong", "王雨桐", "Yutong Wang", "apparel", "junior"),
    ("zhang.haoran", "张浩然", "Haoran Zhang", "apparel", "senior"),
    ("liu.zixuan", "刘梓萱", "Zixuan Liu", "apparel", "junior"),
    ("zhao.mingyuan", "赵明远", "Mingyuan Zhao", "apparel", "junior"),
    ("huang.xinyi", "黄欣怡", "Xinyi Huang", "apparel", "new"),
    ("zhou.jiahui", "周佳慧", "Jiahui Zhou", "apparel", "junior"),
    ("wu.tianyu", "吴天宇", "Tianyu Wu", "apparel", "senior"),
    ("yang.jing", "杨婧", "Jing Yang", "apparel", "junior"),
    ("xu.wenbo", "徐文博", "Wenbo Xu", "cosmetics", "senior"),
    ("sun.mengqi", "孙梦琪", "Mengqi Sun", "cosmetics", "junior"),
    ("ma.yiran", "马依然", "Yiran Ma", "cosmetics", "junior"),
    ("zhu.xiaoyu", "朱晓雨", "Xiaoyu Zhu", "cosmetics", "senior"),
    ("hu.shiyu", "胡诗雨", "Shiyu Hu", "cosmetics", "junior"),
    ("guo.ruoxi", "郭若曦", "Ruoxi Guo", "cosmetics", "new"),
    ("he.jiaqi", "何佳琪", "Jiaqi He", "cosmetics", "junior"),
    ("lin.yuxin", "林雨欣", "Yuxin Lin", "cosmetics", "junior"),
    ("luo.xinran", "罗欣然", "Xinran Luo", "cosmetics", "kb"),
    ("gao.shuyi", "高舒怡", "Shuyi Gao", "cosmetics", "new"),
    ("zheng.kaiwen", "郑凯文", "Kaiwen Zheng", "electronics", "senior"),
    ("liang.junjie", "梁俊杰", "Junjie Liang", "electronics", "junior"),
    ("song.zihao", "宋子豪", "Zihao Song", "electronics", "junior"),
    ("xie.yifan", "谢一凡", "Yifan Xie", "electronics", "senior"),
    ("tang.jiaxin", "唐嘉欣", "Jiaxin Tang", "electronics", "junior"),
    ("han.yu", "韩煜", "Yu Han", "electronics", "junior"),
    ("feng.rui", "冯睿", "Rui Feng", "electronics", "new"),
    ("deng.chenxi", "邓晨曦", "Chenxi Deng", "electronics", "junior"),
    ("cao.yang", "曹阳", "Yang Cao", "electronics", "junior"),
    ("peng.siyuan", "彭思远", "Siyuan Peng", "electronics", "junior"),
]

# mentor -> mentees; mentors are senior agents who also hold the mentor role
MENTEES = {
    "mentor": ["agent", "liu.zixuan", "huang.xinyi"],
    "zhang.haoran": ["wang.yutong", "yang.jing"],
    "xu.wenbo": ["sun.mengqi", "hu.shiyu", "guo.ruoxi", "gao.shuyi"],
    "zheng.kaiwen": ["tang.jiaxin", "han.yu", "feng.rui"],
}

# username, display name, English name, team, roles, position profile
STAFF = [
    ("lead", "叶婉清", "Wanqing Ye", "apparel", [Role.TEAM_LEAD], "senior-agent"),
    ("lead.cosmetics", "沈佳怡", "Jiayi Shen", "cosmetics", [Role.TEAM_LEAD], "senior-agent"),
    ("lead.electronics", "潘立军", "Lijun Pan", "electronics", [Role.TEAM_LEAD], "senior-agent"),
    ("trainer", "蒋文静", "Wenjing Jiang", None, [Role.TRAINER], "trainer"),
    ("hr", "田慧敏", "Huimin Tian", None, [Role.HR], None),
    ("admin", "系统管理员", "Administrator", None, [Role.ADMIN], None),
]

KIND_POSITION = {"senior": "senior-agent", "junior": "junior-agent", "kb": "kb-specialist"}
KIND_POSITION["new"] = KIND_POSITION["junior"]
# Days since hire (from, to): new hires have weeks, seniors years; mentees are recent.
TENURE = {"senior": (420, 1095), "junior": (120, 900), "new": (7, 45), "kb": (365, 900)}
TENURE.update(mentee=(45, 330), staff=(600, 1095))
# kind: chance of any evidence in a competency and weights of basic / advanced / expert,
# then the same for the product knowledge of the agent's own team.
EVIDENCE_PLAN = {
    "senior": (0.95, (1, 6, 3), 1.0, (0, 3, 7)),
    "junior": (0.65, (8, 2, 0), 0.95, (5, 5, 0)),
    "new": (0.08, (1, 0, 0), 0.5, (1, 0, 0)),
    "kb": (0.8, (3, 5, 2), 1.0, (0, 5, 5)),
}
KB_STRENGTHS = {"knowledge-base", "written-standards"}
PRODUCT_CODES = {product for *_names, product in TEAMS}
SOURCES = ["quiz", "roleplay", "course", "hr_assessment"]
SOURCE_WEIGHTS = [4, 3, 3, 1]
SOURCE_NOTES = {
    "quiz": "知识测验通过（演示数据）",
    "roleplay": "情景演练评分（演示数据）",
    "course": "完成课程（演示数据）",
    "hr_assessment": "人力资源评估（演示数据）",
}
LOGINS = [("agent", "agent"), ("mentor", "mentor"), ("trainer", "trainer")]
LOGINS += [("team lead (apparel)", "lead"), ("HR", "hr"), ("admin", "admin")]
COUNTED = [User, Team, Mentorship, Competency, BehaviouralIndicator, Evidence]


def _evidence_plan(kind: str, code: str, own_product: str) -> tuple[float, tuple[int, ...]]:
    chance, weights, own_chance, own_weights = EVIDENCE_PLAN[kind]
    if code == own_product:
        return own_chance, own_weights
    if code in PRODUCT_CODES:
        return chance / 2, weights
    if kind == "kb" and code in KB_STRENGTHS:
        return 1.0, (0, 2, 8)
    return chance, weights


class Command(BaseCommand):
    help = "Create idempotent demo data (teams, people, mentorships, evidence). DEBUG only."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is False.")

    def handle(self, *args, force: bool = False, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates users with a published password and refuses to run "
                "with DEBUG=False. Pass --force if this really is a demo installation."
            )
        password = os.environ.get("DEMO_PASSWORD", DEFAULT_PASSWORD)
        before = {m.__name__: m._default_manager.count() for m in COUNTED}
        with transaction.atomic():
            matrix = matrix_load()
            self._seed(password)
        after = {m.__name__: m._default_manager.count() for m in COUNTED}

        created = ", ".join(f"{kind} +{c['created']}" for kind, c in matrix.items())
        self.stdout.write(f"Competency matrix: {created}")
        for name, count in after.items():
            self.stdout.write(f"{name:>20}: {count} ({count - before[name]:+d})")
        # Higher apps add their demo data with a command named seed_demo_<app label>;
        # found by name, so that lms never imports them.
        commands = get_commands()
        for app_config in apps.get_app_configs():
            name = f"seed_demo_{app_config.label}"
            if name in commands:
                call_command(name, stdout=self.stdout, force=force)
        self.stdout.write(self.style.SUCCESS("\nDemo logins (云裳优品):"))
        self.stdout.write(f"  {'role':<20} {'username':<10} password")
        for role, username in LOGINS:
            self.stdout.write(f"  {role:<20} {username:<10} {password}")

    def _seed(self, password: str) -> None:
        rng = random.Random(2026)
        today = timezone.localdate()
        hashed = make_password(password)  # one hash for all: hashing 36 times is slow
        groups = {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}
        profiles = {p.code: p for p in PositionProfile.objects.all()}
        teams: dict[str, Team] = {}
        for code, zh, en, _product in TEAMS:
            teams[code], _ = Team.objects.update_or_create(
                code=code, defaults={"name_zh": zh, "name_en": en}
            )
        mentees = {name for names in MENTEES.values() for name in names}

        people = [
            (u, zh, en, team, [Role.AGENT, *([Role.MENTOR] if u in MENTEES else [])], kind)
            for u, zh, en, team, kind in AGENTS
        ]
        people += [(u, zh, en, team, roles, "staff") for u, zh, en, team, roles, _p in STAFF]
        positions = [KIND_POSITION[kind] for *_a, kind in AGENTS] + [p for *_s, p in STAFF]
        users: dict[str, User] = {}
        for number, (person, position) in enumerate(zip(people, positions, strict=True), 1):
            username, zh, en, team, roles, kind = person
            low, high = TENURE["mentee" if username in mentees and kind != "new" else kind]
            hired = today - datetime.timedelta(days=low + int(rng.random() * (high - low)))
            fields = {
                "display_name": zh,
                "english_name": en,
                "email": f"{username}@{EMAIL_DOMAIN}",
                "employee_no": f"YS{number:04d}",
                "team": teams[team] if team else None,
                "position": profiles[position] if position else None,
                "preferred_language": "zh-hans",
                "is_staff": username in ("hr", "admin"),
                "is_superuser": username == "admin",
            }
            # Password and hire date only on creation: a re-run must not churn them.
            user, _created = User.objects.update_or_create(
                username=username,
                defaults=fields,
                create_defaults={**fields, "password": hashed, "hire_date": hired},
            )
            user.groups.add(*(groups[role] for role in roles))
            users[username] = user

        for username, _zh, _en, team, _roles, _position in STAFF:
            if team and teams[team].lead_id != users[username].pk:
                teams[team].lead = users[username]
                teams[team].save(update_fields=["lead"])

        hr = users["hr"]
        for mentor_name, names in MENTEES.items():
            for name in names:
                mentee = users[name]
                # Skip while mentored, and never revive a pairing that HR ended.
                if Mentorship.objects.filter(
                    Q(ended_on__isnull=True) | Q(mentor=users[mentor_name]), mentee=mentee
                ).exists():
                    continue
                started = min(today, (mentee.hire_date or today) + datetime.timedelta(days=7))
                mentorship_create(
                    mentor=users[mentor_name], mentee=mentee, created_by=hr, started_on=started
                )

        self._seed_evidence(rng, today, users, hr)

    def _seed_evidence(
        self, rng: random.Random, today: datetime.date, users: dict[str, User], hr: User
    ) -> None:
        product_of = {code: product for code, _zh, _en, product in TEAMS}
        codes = matrix_content.competency_codes()
        # Competencies HR retired take no new evidence; draws still happen, to stay in step.
        active = {c.code: c for c in Competency.objects.filter(code__in=codes, is_active=True)}
        for username, _zh, _en, team, kind in AGENTS:
            agent = users[username]
            hired = agent.hire_date or today - datetime.timedelta(days=365)
            span = max(0, min(364, (today - hired).days))
            for code in codes:
                chance, weights = _evidence_plan(kind, code, product_of[team])
                has_evidence = rng.random() < chance
                target = rng.choices([1, 2, 3], weights=weights)[0]
                pieces = rng.randint(1, 3)
                # Earliest first, rising levels: the last piece decides, whatever the source.
                offsets = sorted((int(rng.random() * span) for _ in range(pieces)), reverse=True)
                sources = rng.choices(SOURCES, weights=SOURCE_WEIGHTS, k=pieces)
                if not has_evidence or code not in active:
                    continue
                for n, (offset, source) in enumerate(zip(offsets, sources, strict=True), 1):
                    evidence_record(
                        agent=agent,
                        competency=active[code],
                        level=max(1, target - (pieces - n)),
                        source=source,
                        recorded_by=hr,
                        observed_on=today - datetime.timedelta(days=offset),
                        source_ref=f"demo:{username}:{code}:{n}",
                        note=SOURCE_NOTES[source],
                    )
