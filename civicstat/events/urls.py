"""/events/: the public calendar, feeds and dashboard; /events/internal/: the staff calendar."""

from django.urls import path

from civicstat.events.views import dashboard, feeds, internal, public

app_name = "events"

urlpatterns = [
    path("", public.upcoming, name="list"),
    path("<int:year>/<int:month>/", public.month, name="month"),
    path("event/<int:pk>/", public.detail, name="detail"),
    path("event/<int:pk>.ics", feeds.event_feed, name="event-ics"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("feeds/", feeds.feed_index, name="feeds"),
    path("feeds/public.ics", feeds.public_feed, name="feed-public"),
    path("feeds/department/<slug:slug>.ics", feeds.department_feed, name="feed-department"),
    path("feeds/category/<slug:slug>.ics", feeds.category_feed, name="feed-category"),
    path("feeds/internal/<str:token>.ics", feeds.internal_feed, name="feed-internal"),
    path("internal/", internal.upcoming, name="internal-list"),
    path("internal/<int:year>/<int:month>/", internal.month, name="internal-month"),
    path("internal/week/<int:year>/<int:month>/<int:day>/", internal.week, name="internal-week"),
    path("internal/event/<int:pk>/", internal.detail, name="internal-detail"),
    path("internal/event/<int:pk>/assist/", internal.offer, name="assist-offer"),
    path("internal/assist/<int:pk>/<str:decision>/", internal.decide, name="assist-decide"),
    path("internal/feed/", internal.feed, name="internal-feed"),
]
