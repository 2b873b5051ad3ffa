from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "civicstat.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self):
        from civicstat.events import record  # noqa: F401 (registers the warehouse sources)
        from civicstat.events.signals import connect_signals

        connect_signals()
