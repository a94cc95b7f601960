"""Stable error codes with their Chinese messages (the English ones live in the gettext catalog).

The codes are the JSON API's contract: never rename one. Messages are gettext msgids, marked with ``N_``
so that ``pybabel extract`` finds them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def N_(message: str) -> str:
    """Marks a message for extraction without translating it here."""
    return message


# Every refusal: code → (HTTP status in the API and on pages, Chinese message). The codes are the API's
# contract: never rename one. One table, so that a code cannot have a message without a status.
ERRORS: dict[str, tuple[int, str]] = {
    "content_required": (422, N_("请填写意见内容。")),
    "content_too_long": (422, N_("意见内容不能超过 5000 字。")),
    "field_too_long": (422, N_("内容过长，请删减。")),
    "commenter_type_invalid": (422, N_("请选择列表中的身份类别。")),
    "contact_invalid": (422, N_("请填写有效的手机号码（11 位）、固定电话或电子邮箱。")),
    "consent_required": (422, N_("填写了个人信息，须勾选同意处理个人信息后才能提交。")),
    "target_not_found": (404, N_("找不到要提意见的条文或款，请从草案页面重新进入。")),
    "consultation_not_found": (404, N_("找不到该征求意见项目。")),
    "version_not_found": (404, N_("找不到该版本。")),
    "consultation_closed": (409, N_("本次征求意见已经截止，不再接收意见。")),
    "consultation_not_open": (409, N_("本次征求意见尚未开始，暂不接收意见。")),
    "answers_round_open": (409, N_("本轮征求意见尚未截止，截止后才能公布答复。")),
    "csrf_failed": (403, N_("页面已过期或无法确认提交来源，请再次点击提交（您填写的内容已保留）。")),
    "cross_origin": (403, N_("这个请求来自其他网站，已拒绝。请直接在本站页面上操作。")),
    "form_invalid": (400, N_("提交的表单无法读取（格式不完整或已损坏），请回到页面重新提交。")),
    "text_invalid": (
        400,
        N_("提交的文字含有无法识别的字符（须为 UTF-8 编码，且不能含空字符），请检查后重新提交。"),
    ),
    "request_too_large": (413, N_("提交的内容过大（超过 1 MB），请删减后重新提交。")),
    "rate_limited": (429, N_("提交过于频繁。")),
    "receipt_not_found": (404, N_("没有找到这个回执编号，请核对后重试。")),
    "invalid_request": (400, N_("请求格式不正确。")),
    "unsupported_media_type": (415, N_("请以 JSON 格式提交（Content-Type: application/json）。")),
    "not_found": (404, N_("找不到该地址。")),
    "method_not_allowed": (405, N_("该地址不接受这种请求方法。")),
    "internal_error": (503, N_("保存时出现问题，意见未保存，请稍后重试。")),
    "server_error": (500, N_("服务器出现问题，请稍后重试。")),
    "database_unavailable": (
        503,
        N_("系统正在维护或暂时繁忙，请稍后再试。如您正在提交意见，本次意见尚未保存，请稍后重新提交。"),
    ),
    "slug_invalid": (422, N_("项目标识只能由小写字母、数字和连字符组成（2–80 个字符）。")),
    "period_invalid": (422, N_("截止日期不能早于开始日期。")),
    "period_out_of_range": (422, N_("征求意见的起止日期应在 2000 年至 2999 年之间。")),
    "stage_invalid": (422, N_("请填写草案阶段（例如 征求意见稿）。")),
    "user_name_invalid": (422, N_("用户名应为 2–40 个字母、数字、汉字或 . _ -。")),
    "role_invalid": (422, N_("角色只能是 drafter（起草人员）或 admin（管理员）。")),
    "password_too_short": (422, N_("密码至少 10 个字符。")),
    "user_exists": (409, N_("该用户名已存在。")),
    "login_failed": (401, N_("用户名或密码不正确。")),
    "login_locked": (423, N_("连续登录失败次数过多，账号已锁定 15 分钟，请稍后再试。")),
    "login_throttled": (429, N_("登录尝试过于频繁。")),
    "not_authenticated": (401, N_("请先登录。")),
    "disposition_invalid": (422, N_("请选择处理意见：采纳、部分采纳、不采纳、已有规定或待研究。")),
    "reason_required": (422, N_("除“采纳”“待研究”外，须填写理由。")),
    "reason_too_long": (422, N_("理由不能超过 2000 字。")),
    "comment_not_found": (404, N_("找不到该意见。")),
    "selection_empty": (422, N_("请至少选择一条意见。")),
    "source_invalid": (422, N_("请选择意见来源。")),
    "date_invalid": (422, N_("日期应写作 YYYY-MM-DD，且不能晚于今天。")),
    "upload_missing": (422, N_("请选择要上传的草案文件。")),
    "upload_too_large": (413, N_("文件过大：上传的草案不能超过 5 MB。")),
    "upload_type_invalid": (415, N_("只能上传 .txt、.md 或 .docx 格式的草案。")),
    "upload_expired": (410, N_("上传的文件已失效，请重新上传。")),
    "parse_failed": (422, N_("无法读取这个草案文件。")),
    "versions_invalid": (422, N_("请选择两个不同的版本进行比对。")),
    "export_not_found": (404, N_("没有这种导出文件。")),
    "no_earlier_version": (409, N_("这是该项目的第一个版本，没有可以比对的前一版本。")),
    "erasure_contact_required": (422, N_("请填写提交意见时留下的手机号码或电子邮箱，用于核实您的身份。")),
    "erasure_not_verified": (
        403,
        N_("回执编号或联系方式不正确，请核对后重试（联系方式须与提交意见时填写的一致）。"),
    ),
    "erasure_no_contact": (
        409,
        N_(
            "这条意见提交时没有留下联系方式，无法在网上核实您的身份。如需删除个人信息，请凭回执编号联系起草部门办理。"
        ),
    ),
    "erasure_locked": (
        423,
        N_("您对这个回执编号核对失败的次数过多，网上删除暂不受理。如需尽快办理，请凭回执编号联系起草部门。"),
    ),
    "attachment_too_many": (422, N_("每条意见最多上传 5 个附件。您填写的内容已保留，请减少附件后重新提交。")),
    "attachment_too_large": (413, N_("附件过大：每个附件不能超过 10 MB。")),
    "attachment_total_too_large": (413, N_("附件合计过大：一条意见的附件合计不能超过 20 MB。")),
    "attachment_empty": (422, N_("附件是空文件。")),
    "attachment_type_invalid": (415, N_("附件只能是 PDF、Word（.docx）、文本（.txt）或 JPG、PNG 图片。")),
    "attachment_type_mismatch": (415, N_("附件的内容与文件扩展名不符（例如改了扩展名的压缩包），已拒绝。")),
    "attachment_damaged": (422, N_("附件已损坏或无法读取。")),
    "attachment_bomb": (422, N_("附件解压或展开后过大（可能是恶意构造的文件），已拒绝。")),
    "attachment_encrypted": (422, N_("附件设有密码，无法读取，请上传未加密的文件。")),
    "attachment_not_found": (404, N_("找不到该附件。")),
    "proposal_too_long": (422, N_("修改后的条文不能超过 5000 字。")),
    "proposal_target_invalid": (422, N_("只能对某一条或某一款提出修改后的条文。")),
    "working_draft_missing": (409, N_("还没有下一轮的工作稿，请先创建。")),
    "working_draft_exists": (409, N_("下一轮的工作稿已经存在。")),
    "provision_not_found": (404, N_("工作稿中找不到这一条或款（可能已被删除）。")),
    "text_required": (422, N_("条文内容不能为空。")),
    "working_text_invalid": (
        422,
        N_("条文内容中不能另起一条或一章（以“第X条”“第X章”开头的行），请只填写本条的各款。"),
    ),
    "proposal_target_changed": (
        422,
        N_(
            "您更改了意见针对的条款，但修改后的条文是按原来的条款填写的。请核对修改后的条文，或改回原来的条款。"
        ),
    ),
    "erasure_throttled": (429, N_("删除请求过于频繁。")),
    "lookup_throttled": (429, N_("查询过于频繁。")),
    "undo_unavailable": (409, N_("只能撤销本项目最近一次尚未撤销的批量处理。")),
    "selection_changed": (409, N_("符合条件的意见数已变化，请核对后再次确认。")),
    "selection_too_large": (422, N_("一次最多批量处理 5000 条意见，请缩小筛选范围后分批处理。")),
    "contact_or_address_invalid": (422, N_("请填写有效的手机号码、固定电话、电子邮箱或通信地址。")),
    "forbidden": (403, N_("只有管理员可以进行此项操作。")),
    "user_not_found": (404, N_("找不到该账号。")),
    "version_identical": (409, N_("该文件与已有版本的内容完全相同，未导入：")),
    "already_published": (409, N_("该版本已经发布。")),
    "not_published": (409, N_("该版本尚未发布，不能公开处理意见。")),
    "theme_not_found": (404, N_("找不到该主题。")),
    "themes_running": (409, N_("主题分析正在进行，请等待完成后再操作。")),
    "theme_label_invalid": (422, N_("主题名称须为 1–200 个字。")),
    "themes_merge_invalid": (422, N_("请至少选择两个主题进行合并。")),
    "theme_target_invalid": (422, N_("请选择要移入的主题。")),
    "handling_too_long": (422, N_("处理情况不能超过 5000 字。")),
    "report_not_found": (404, N_("该轮征求意见的情况通报尚未发布。")),
    "report_body_invalid": (422, N_("通报正文不能为空，且不能超过 50000 字。")),
    "admin_required": (403, N_("只有管理员可以发布征求意见情况通报。")),
    "job_not_found": (404, N_("找不到该后台任务。")),
    "job_not_retryable": (409, N_("只有失败的后台任务才能重试。")),
    "job_kind_unknown": (500, N_("系统不认识这种后台任务（可能是升级后已停用的任务）。")),
    "http_error": (400, N_("请求无法处理，请返回重试。")),  # any other HTTP refusal (its own status)
}
MESSAGES: dict[str, str] = {code: message for code, (_, message) in ERRORS.items()}
STATUS: dict[str, int] = {code: status for code, (status, _) in ERRORS.items()}


RETRY = N_("请于%(minutes)s分钟后再试。")


def retry_minutes(seconds: int) -> int:
    """Whole minutes to wait, rounded up: what the refusals of the throttles tell people."""
    return max(1, -(-seconds // 60))


def error_body(code: str, fields: dict[str, str] | None = None, message: str = "") -> dict:
    """The JSON error body of the API and of every JSON refusal: ``{"error": {"code", "message", "fields"}}``
    (``message`` instead of the code's own, e.g. with the wait; ``fields`` maps form fields to codes)."""
    return {
        "error": {
            "code": code,
            "message": message or MESSAGES[code],
            "fields": {name: {"code": c, "message": MESSAGES[c]} for name, c in (fields or {}).items()},
        }
    }


@dataclass
class ServiceError(Exception):
    """A refusal with a stable ``code``; ``fields`` maps form fields to their own codes."""

    code: str
    fields: dict[str, str] = field(default_factory=dict)
    # For the throttles' refusals: seconds until an attempt will be accepted again (the Retry-After).
    retry_after: int = 0

    @property
    def message(self) -> str:
        """The Chinese message for ``code`` (with the minutes to wait, for a throttle's refusal)."""
        if self.retry_after:
            return MESSAGES[self.code] + RETRY % {"minutes": retry_minutes(self.retry_after)}
        return MESSAGES[self.code]

    @property
    def headers(self) -> dict[str, str]:
        """``Retry-After`` for a throttle's refusal, else nothing."""
        return {"Retry-After": str(self.retry_after)} if self.retry_after else {}

    @property
    def status(self) -> int:
        """The HTTP status for ``code``."""
        return STATUS[self.code]

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"
