"""Erasure of a commenter's personal data (个人信息保护法 第四十七条): the page ``/receipt/erase`` (a form
that works without JavaScript, CSRF-protected like the comment form) and ``POST
/api/v1/receipts/{receipt}/erasure`` (JSON, not CSRF-protected for the reasons given in app.routes.api).

Both go through ``app.services.erasure.erase_personal_data`` and share one per-client throttle
(``LIMIT`` attempts per ``WINDOW`` seconds, counted across processes by app/services/throttle.py), so the
contact cannot be guessed quickly from one address; the service adds a per-comment allowance per client
for guessing from many. Refusals carry a true ``Retry-After``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import Template

from app.db import Database
from app.routes.api import WRITE_ERRORS, error_responses
from app.routes.common import check_csrf, client_address, render_page, run_blocking
from app.services import erasure
from app.services.errors import MESSAGES, ServiceError, retry_minutes
from app.services.throttle import Throttle, key_for
from app.settings import Settings

LIMIT, WINDOW = 10, 600


def _erase(
    request: Request, db: Database, settings: Settings, throttle: Throttle, number: str, contact: str
) -> erasure.Erasure:
    """Counts this client's attempt (ServiceError erasure_throttled over ``LIMIT``), then erases."""
    secret, address = settings.secret_key, client_address(request)
    verdict = throttle.hit(key_for(secret, "erasure-client", address), LIMIT, WINDOW)
    if not verdict.allowed:
        raise ServiceError("erasure_throttled", retry_after=verdict.retry_after)
    return erasure.erase_personal_data(
        db,
        number,
        contact,
        throttle=throttle,
        guesser=key_for(secret, "erasure-guess", address),
        data_dir=settings.data_dir,
    )


def _erase_page(
    request: Request,
    number: str,
    contact: str = "",
    error: ServiceError | None = None,
    done: erasure.Erasure | None = None,
) -> Template:
    field_error = error.fields.get("contact") if error else None
    return render_page(
        request,
        "erase.html",
        {
            "number": number,
            "contact": contact,
            "done": done,
            "contact_error": MESSAGES[field_error] if field_error else None,
            "page_error": MESSAGES[error.code] if error and not field_error else None,
            "retry_minutes": retry_minutes(error.retry_after) if error and error.retry_after else None,
        },
        status=error.status if error else 200,
        partial="_erase_form.html",
    )


@get("/receipt/erase", name="erase_form")
async def erase_form(request: Request, number: FromQuery[str] = "") -> Template:
    """The erasure form with what will be erased and what kept; ``number`` fills in the receipt."""
    return _erase_page(request, number.strip()[:40])


@post("/receipt/erase", name="erase_submit")
async def erase_submit(
    db: NamedDependency[Database],
    settings: NamedDependency[Settings],
    throttle: NamedDependency[Throttle],
    request: Request,
) -> Template:
    """Checks the receipt and contact and erases; the form again with a precise message when refused."""
    form = await request.form()
    number, contact = str(form.get("number") or "")[:40], str(form.get("contact") or "")[:200]
    try:
        check_csrf(request, form)
        done = await run_blocking(_erase, request, db, settings, throttle, number, contact)
    except ServiceError as error:
        page = _erase_page(request, number, contact, error)
        page.headers.update(error.headers)
        return page
    return _erase_page(request, done.receipt, done=done)


@dataclass
class ErasureIn:
    """The contact (phone number or e-mail) given with the comment, to verify the request."""

    contact: str


@dataclass
class ErasureOut:
    """``code``: personal_data_erased, or personal_data_already_erased when an earlier request did it."""

    receipt: str
    code: str
    already_erased: bool
    erased_at: datetime


ERRORS = (
    "erasure_contact_required",
    "erasure_not_verified",
    "erasure_no_contact",
    "erasure_locked",
    "erasure_throttled",
    *WRITE_ERRORS,
)


@post("/receipts/{number:str}/erasure", status_code=200, responses=error_responses(*ERRORS))
async def erase_api(
    db: NamedDependency[Database],
    settings: NamedDependency[Settings],
    throttle: NamedDependency[Throttle],
    request: Request,
    number: FromPath[str],
    data: JSONBody[ErasureIn],
) -> ErasureOut:
    """Erases the personal data of the comment with receipt ``number`` when ``contact`` matches; 200 also
    when it was erased before. Refusals use the stable codes listed per status."""
    done = await run_blocking(_erase, request, db, settings, throttle, number, data.contact)
    return ErasureOut(
        done.receipt,
        "personal_data_already_erased" if done.already else "personal_data_erased",
        done.already,
        done.erased_at,
    )


ERASURE_PAGES = [erase_form, erase_submit]
