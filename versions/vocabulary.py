"""The consultation vocabulary, defined once: dispositions, channels, commenter types, the personal fields
and how they are masked, and the labels of 款 and of a comment's target. The site, the API, the command
line and the Word exporters all read it from here (issue 19), so the pages and the 意见汇总表 cannot drift.

Pure: no web or database imports. The Chinese labels are marked with ``N_`` so that ``pybabel extract``
(app/locale/babel.cfg names this file) puts them in the message catalogue; they are translated where shown.
"""

from __future__ import annotations

import re

from versions.numerals import to_chinese


def N_(message: str) -> str:
    """Marks a message for extraction without translating it here."""
    return message


# Disposition code → label, in the order the office answers and the reports count them.
DISPOSITIONS: dict[str, str] = {
    "adopted": N_("采纳"),
    "partly_adopted": N_("部分采纳"),
    "not_adopted": N_("不采纳"),
    "already_provided": N_("已有规定"),
    "under_study": N_("待研究"),
}
ALWAYS_COUNTED = ("adopted", "partly_adopted", "not_adopted", "already_provided")  # zero included
NO_REASON_NEEDED = ("adopted", "under_study")  # every other answer must say why
NAMED = ("adopted", "partly_adopted")  # dispositions whose commenters may be named (with consent)

# Channel code → label: how a comment reached the office.
SOURCES: dict[str, str] = {
    "online": N_("网上提交"),
    "letter": N_("信函"),
    "email": N_("电子邮件"),
    "contact_point": N_("基层立法联系点"),
    "meeting": N_("座谈会"),
    "other": N_("其他"),
}

COMMENTER_TYPES = (N_("个人"), N_("企业"), N_("社会组织"), N_("国家机关"), N_("专家学者"), N_("其他"))
# Submitters whose organisation speaks for them: its name (and region) are not personal data. For every
# other type (个人 above all) organisation and region could identify the person and are masked.
ORGANISATION_TYPES = ("企业", "社会组织", "国家机关")

# What a commenter may tell about themselves, each optional; erasure blanks exactly these (and the keyed
# client hash). Every dataclass carrying a commenter declares these fields (tests/versions/test_vocabulary).
PERSONAL_FIELDS = ("name", "organisation", "region", "contact")

GENERAL = N_("总体意见")  # the label of a comment on the whole draft (target "draft")


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: the first character stays, each other character becomes *."""
    name = name.strip()
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


def mask_contact(contact: str) -> str:
    """13812345678 → 138****5678, zhang@example.com → z***@example.com; anything else → ****."""
    contact = contact.strip()
    if not contact:
        return ""
    if "@" in contact:
        local, _, domain = contact.partition("@")
        return f"{local[:1]}***@{domain}"
    digits = re.sub(r"\D", "", contact)
    return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 7 else "****"


def mask(value: str, field: str) -> str:
    """Personal field ``field`` (one of PERSONAL_FIELDS) as a receipt or a masked export shows it:
    the contact as ``mask_contact``, any other field as ``mask_name``."""
    return mask_contact(value) if field == "contact" else mask_name(value)


def paragraph_label(number: int) -> str:
    """第二款 for 2, 第一百款 for 100, 第一百一十款 for 110 (an annex imported after the last article can have
    that many)."""
    return f"第{to_chinese(number)}款"


def target_label(article_label: str | None, paragraph_no: int | None) -> str:
    """总体意见, 第十三条 or 第十三条第二款."""
    if article_label is None:
        return GENERAL
    return article_label + (paragraph_label(paragraph_no) if paragraph_no else "")
