"""The demo a fresh install shows: the sample draft as the 征求意见稿, the round open for comment (it
opened a week before first start; its last day is 22 days after), with comments (a campaign of near-identical
ones among them; some already answered inside the workspace, the answers not yet published); and the
project's own 修改稿 (app/data/sample-draft-v2.txt) as the next round, published for reading and opening
for comment 15 days after the first closes. The consulting office's contacts and each round's 起草说明
are filled in. Every demo comment is marked ``source_detail = "演示数据"`` and every demo answer is signed
"演示数据"."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from app import models
from app.db import Database, utcnow
from app.services import clusters, comments
from app.services.auth import UserInfo
from app.services.comments import CommentInput
from app.services.dispositions import dispose
from app.services.importing import import_file
from app.services.rounds import set_note, set_office
from app.timeutil import today

DATA = Path(models.__file__).resolve().parent / "data"
SAMPLE_V2 = DATA / "sample-draft-v2.txt"
MARK = "演示数据"
MARK_KEY = "demo_seeded"  # app_state row written when the whole demo is in (see app/services/bootstrap.py)
CAMPAIGN = "建议删除第二十六条中“经过加工无法识别特定个人且不能复原的除外”这一例外，切实保护公民个人信息。"
# (target, content, commenter type, source) on the first version.
FIRST_ROUND = [
    ("art-13", "第十三条应当明确“同步验收”的责任主体，避免验收时互相推诿。", "个人", "online"),
    ("art-13-p2", "建议第二款明确移动通信基础设施建设标准的发布时限。", "企业", "online"),
    ("art-13", "“空間”为繁体字，应改为“空间”。", "个人", "online"),
    ("art-13-p1", "老旧小区改造是否也属于“改建”工程，建议予以明确。", "个人", "letter"),
    ("art-1", "建议在立法依据中写明《中华人民共和国数据安全法》。", "专家学者", "online"),
    ("art-3", "基本原则中建议增加“安全可控”。", "社会组织", "online"),
    ("art-18", "新技术基础设施与物联网内容相近，建议合并为一条。", "专家学者", "online"),
    ("art-19", "物联网一条建议并入第十八条。", "个人", "online"),
    ("art-28", "第二十八条内容较多，监管职责与企业义务建议分开规定。", "国家机关", "online"),
    ("art-28-p4", "网络运营者的数据安全义务建议单列一条。", "企业", "email"),
    ("art-37", "第三十七条属于倡导性规定，缺乏实际内容，建议删除。", "专家学者", "online"),
    ("art-72", "第七十二条与第三十四条重复，建议删除。", "个人", "contact_point"),
    ("art-75", "知识产权保障与数字产业化关系更紧密，建议移至第四章。", "社会组织", "online"),
    ("art-39", "第三十九条中“智慧农业云平台 and 农业大数据平台”的“and”应为“和”。", "个人", "online"),
    ("art-25-p2", "“具有重要价值的数”一句不完整，疑有遗漏。", "个人", "online"),
    ("art-84", "施行日期“2023 年 X 月 X 日期施行”表述有误，请核对。", "个人", "online"),
    ("draft", "建议增加个人数据保护的法律责任条款。", "国家机关", "letter"),
    ("draft", "总体赞成，建议加快出台。", "企业", "contact_point"),
    ("art-26", CAMPAIGN, "个人", "online"),
    ("art-26", CAMPAIGN, "个人", "online"),
    ("art-26", CAMPAIGN, "个人", "online"),
    ("art-26", CAMPAIGN.replace("切实保护", "保护"), "个人", "online"),
    ("art-26", CAMPAIGN.replace("。", "！"), "个人", "online"),
    (
        "art-26",
        "建议删除第二十六条中“经过加工无法识别特定个人且不能复原的除外”这一例外，切实保护公民个人信息安全。",
        "个人",
        "online",
    ),
    ("art-26", CAMPAIGN, "其他", "email"),
    ("art-26", "第二十六条应当规定个人数据处理者响应查阅、更正、删除请求的义务。", "专家学者", "online"),
]
ANSWERS = [  # (index in FIRST_ROUND, disposition, reason)
    (0, "under_study", ""),
    (4, "adopted", ""),
    (5, "adopted", ""),
    (6, "adopted", ""),
    (10, "adopted", ""),
    (16, "partly_adopted", "修改稿第八十三条已增加个人数据法律责任，其他法律责任依照有关法律执行。"),
    (15, "already_provided", "施行日期将在通过时确定。"),
]


OFFICE = {
    "name": "黑龙江省数字经济条例起草小组（演示）",
    "address": "黑龙江省哈尔滨市南岗区演示路 1 号（邮编 150000）",
    "email": "draft-demo@example.org",
    "phone": "0451-8000 0000",
}
NOTES = {
    1: "为促进数字经济高质量发展，起草小组在调研基础上起草了本条例草案，现公开征求社会各界意见。\n"
    "草案共十一章八十四条，重点规定数字基础设施建设、数据资源开发利用、数字产业化和产业数字化、"
    "数字化治理、促进措施以及安全保障。\n请在截止日期前对具体条款或草案整体提出意见，并说明理由。",
    2: "修改稿根据征求意见稿收到的意见作了修改：拆分数据安全一条，修改个人数据保护的规定，"
    "删除部分倡导性条款，将知识产权保障移至数字产业化一章，相应调整了条文序号。",
}


def _insert(
    db: Database, version_id: int, rows: list[tuple[str, str, str, str]], start: datetime
) -> list[int]:
    with db.writing() as session:
        conn = session.connection()
        stored = []
        for n, (target, content, kind, source) in enumerate(rows):
            at = start + timedelta(hours=6 * n + 1)
            stored.append(
                comments.comment_row(
                    CommentInput(target, content, commenter_type=kind),
                    version_id,
                    comments.target_ids(conn, version_id, target),
                    hashlib.sha256(f"demo:{n}".encode()).hexdigest(),
                    at,
                    source=source,
                    source_detail=MARK,
                    received_on=at.date() if source != "online" else None,
                )
            )
        return comments.insert_comments(conn, stored)


def seed_demo(db: Database, now: datetime | None = None) -> bool:
    """Seeds the demo when the database holds no consultation; True when it did."""
    from app.services.bootstrap import SAMPLE, SAMPLE_SLUG

    now = now or utcnow()
    with db.reading() as session:
        if session.scalar(select(models.Consultation.id).limit(1)) is not None:
            return False
    start = today(now)
    first = import_file(
        db,
        SAMPLE,
        slug=SAMPLE_SLUG,
        stage="征求意见稿",
        opens=start - timedelta(days=7),
        closes=start + timedelta(days=22),
        now=now - timedelta(days=7),
    )
    ids = _insert(db, first.version_id, FIRST_ROUND, now - timedelta(days=7))
    second = import_file(
        db,
        SAMPLE_V2,
        slug=SAMPLE_SLUG,
        stage="修改稿",
        opens=start + timedelta(days=37),
        closes=start + timedelta(days=66),
        now=now,
    )
    set_office(db, SAMPLE_SLUG, **OFFICE)
    for number, note in NOTES.items():
        set_note(db, SAMPLE_SLUG, number, note)
    signer = UserInfo(None, MARK, "drafter")  # type: ignore[arg-type]  # no account signs demo answers
    for index, value, reason in ANSWERS:
        dispose(db, signer, value, reason, comment_ids=[ids[index]], now=now - timedelta(hours=2))
    clusters.cluster_version(db, first.version_id)
    clusters.cluster_version(db, second.version_id)
    with db.writing() as session:
        session.merge(models.AppState(key=MARK_KEY, value=now.isoformat()))
    return True
