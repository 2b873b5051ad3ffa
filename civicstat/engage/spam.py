"""A honeypot field: invisible to people (and skipped by keyboard and screen readers), filled in
by naive bots. A form whose honeypot is filled is answered as if it succeeded, and discarded."""

from __future__ import annotations

import logging

from django import forms
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("civicstat.engage")
HONEYPOT = "website"


class HoneypotMixin(forms.Form):
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    @property
    def is_spam(self) -> bool:
        value = (self.data.get(self.add_prefix(HONEYPOT)) or "").strip()
        if value:
            logger.info("honeypot filled on %s; submission discarded", type(self).__name__)
        return bool(value)

    def visible_fields(self):
        return [f for f in super().visible_fields() if f.name != HONEYPOT]
