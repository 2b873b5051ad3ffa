"""Rate limiting for the public forms, without storing IP addresses.

Submissions are counted per client in the cache under an HMAC of (scope, client address, time
window) keyed with SECRET_KEY, so the cache never holds an address and the keys change every
window. A second counter per scope caps a flood spread over many addresses. The cache must be
shared between processes in production (e.g. Redis or the database cache); Django's default
local-memory cache is per process.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    scope: str
    per_client: int
    overall: int
    window_s: int = 600


EVENT_REQUESTS = Limit("event-request", per_client=5, overall=200)
QUESTIONS = Limit("question", per_client=5, overall=300)
SURVEYS = Limit("survey", per_client=10, overall=1000)


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or the entry CIVICSTAT_TRUSTED_PROXIES hops from the
    right of X-Forwarded-For when the site runs behind that many trusted proxies."""
    hops = int(getattr(settings, "CIVICSTAT_TRUSTED_PROXIES", 0))
    if hops:
        chain = [
            p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()
        ]
        if len(chain) >= hops:
            return chain[-hops]
    return request.META.get("REMOTE_ADDR", "")


def _key(limit: Limit, who: str, window: int) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{limit.scope}|{who}|{window}".encode(), hashlib.sha256
    ).hexdigest()[:40]
    return f"civicstat:rl:{digest}"


def _count(key: str, timeout: int) -> int:
    cache.add(key, 0, timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout)
        return 1


def allow(request, limit: Limit) -> bool:
    """Count one submission; False when the client or everyone together is over the limit."""
    window = int(time.time() // limit.window_s)
    mine = _count(_key(limit, client_address(request), window), limit.window_s)
    everyone = _count(_key(limit, "*", window), limit.window_s)
    return mine <= limit.per_client and everyone <= limit.overall
