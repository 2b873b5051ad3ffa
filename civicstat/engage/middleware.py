"""PageViewMiddleware: counts views of department data pages (civicstat.engage.pageviews).

Add ``"civicstat.engage.middleware.PageViewMiddleware"`` at the end of settings.MIDDLEWARE
(after AuthenticationMiddleware). A failure to count is logged and never breaks the page.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError

from civicstat.engage.pageviews import count

logger = logging.getLogger("civicstat.engage")


class PageViewMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        try:
            count(request, response)
        except DatabaseError:
            logger.exception("page view of %s not counted", request.path)
        return response
