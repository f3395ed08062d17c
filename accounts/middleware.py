"""Session lifetimes per kind of account, and no caching of anything a logged-in person sees.

Staff sessions (agency portal, national admin) end after STAFF_SESSION_MAX_AGE and after
STAFF_SESSION_IDLE without a request; worker sessions end when the browser closes or after
WORKER_SESSION_MAX_AGE. Every response to a logged-in request carries `Cache-Control: no-store`
(pages and downloads hold personal data: NIK, KK, documents).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout, user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

STARTED = "auth_started_at"
SEEN = "auth_seen_at"
# How stale the "last seen" stamp may get before it is written again (one session write a minute).
SEEN_RESOLUTION_SECONDS = 60


def _is_staff(user) -> bool:
    return not user.is_worker


def _limits(user) -> tuple[float, float | None]:
    """(absolute lifetime, idle timeout) in seconds for this account."""
    if _is_staff(user):
        return settings.STAFF_SESSION_MAX_AGE.total_seconds(), settings.STAFF_SESSION_IDLE.total_seconds()
    return settings.WORKER_SESSION_MAX_AGE.total_seconds(), None


@receiver(user_logged_in, dispatch_uid="accounts.session_policy_login")
def _stamp_login(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        now = time.time()
        session[STARTED] = now
        session[SEEN] = now
        _, idle = _limits(user)
        session.set_expiry(0 if idle is None else int(idle))


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Without a session cookie nobody is logged in: leave the session untouched (no Vary: Cookie).
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            user = request.user
            if user.is_authenticated and self._expired(request, user):
                logout(request)  # the view then answers as for anyone logged out (its login page)
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if SESSION_KEY in request.session:
                # Logged in through the session. A request authenticated otherwise (an API key)
                # gets no session: stamping one created a session row and a cookie per API call.
                self._stamp(request, user)
            patch_cache_control(response, private=True, no_store=True)
        return response

    @staticmethod
    def _expired(request: HttpRequest, user) -> bool:
        now = time.time()
        max_age, idle = _limits(user)
        started = request.session.get(STARTED)
        seen = request.session.get(SEEN)
        if started is not None and now - started > max_age:
            return True
        return idle is not None and seen is not None and now - seen > idle

    @staticmethod
    def _stamp(request: HttpRequest, user) -> None:
        session = request.session
        now = time.time()
        session.setdefault(STARTED, now)
        _, idle = _limits(user)
        if idle is None:
            # Workers: the cookie lives only as long as the browser.
            if not session.get_expire_at_browser_close():
                session.set_expiry(0)
            session.setdefault(SEEN, now)
        elif now - session.get(SEEN, 0) >= SEEN_RESOLUTION_SECONDS:
            session[SEEN] = now
            session.set_expiry(int(idle))
