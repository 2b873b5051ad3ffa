"""Webpage Views (2.23): department data pages counted on the server with no IP address,
cookie or user agent stored; exported to the warehouse; summed per quarter by the engine."""

from datetime import date

from django.conf import settings
from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.urls import resolve
from django.utils import timezone

from civicstat.core import testing as t
from civicstat.engage.models import PageView
from civicstat.engage.pageviews import DataPage, classify, record
from civicstat.engage.sources import export_page_views
from civicstat.events.measures import PAGE_VIEWS, specs
from civicstat.events.tests.support import compute
from civicstat.warehouse import connect, dataset_table

COUNTER = "civicstat.engage.middleware.PageViewMiddleware"
COUNTING = settings.MIDDLEWARE
NOT_COUNTING = [m for m in settings.MIDDLEWARE if m != COUNTER]
IP, AGENT, COOKIE = "203.0.113.77", "Mozilla/5.0 (X11; Linux) TestBrowser/99.1", "ck-7f3a9b1c"


def visit(client, url, **extra):
    client.cookies["preferences"] = COOKIE
    return client.get(url, **{"REMOTE_ADDR": IP, "HTTP_USER_AGENT": AGENT, **extra})


def database_text() -> str:
    """Every row of every table of the test database, as SQL text."""
    return "\n".join(connection.connection.iterdump())


@override_settings(MIDDLEWARE=COUNTING)
def test_dashboard_views_are_counted_per_owning_department(client, tree, deps):
    tree["measure"].departments.set([deps["fire"], deps["police"]])
    tree["measure"].save()
    for _ in range(3):
        assert visit(client, "/events/dashboard/").status_code == 200
    counts = {(v.department.slug, v.path, v.page_kind): v.views for v in PageView.objects.all()}
    assert counts == {
        ("fire", "/events/dashboard/", "event-dashboard"): 3,
        ("police", "/events/dashboard/", "event-dashboard"): 3,
    }
    assert PageView.objects.get(department=deps["fire"]).date == timezone.localdate()


@override_settings(MIDDLEWARE=COUNTING)
def test_counting_stores_no_ip_cookie_or_user_agent(client, tree):
    counted = visit(client, "/events/dashboard/")
    assert PageView.objects.count() == 1
    field_names = {f.name for f in PageView._meta.get_fields()}
    assert field_names == {"id", "date", "path", "department", "page_kind", "views"}
    text = database_text()
    for secret in (IP, AGENT, COOKIE, "TestBrowser"):
        assert secret not in text
    with override_settings(MIDDLEWARE=NOT_COUNTING):
        uncounted = visit(Client(), "/events/dashboard/")  # a new client loads the middleware
    # Counting adds no cookie and no header: the page's own cookies (the language form's CSRF
    # token) are the same with and without the counter.
    assert sorted(counted.cookies) == sorted(uncounted.cookies) == ["csrftoken"]
    assert sorted(counted.headers) == sorted(uncounted.headers)
    assert PageView.objects.get().views == 1


@override_settings(MIDDLEWARE=COUNTING)
def test_what_is_not_counted(client, tree, staff):
    visit(client, "/events/dashboard/", HTTP_USER_AGENT="Googlebot/2.1")
    visit(client, "/events/dashboard/", HTTP_SEC_PURPOSE="prefetch")
    visit(client, "/events/")  # not a department data page
    client.post("/events/dashboard/")  # not a GET
    visit(client, "/events/event/999999/")  # not found
    assert PageView.objects.count() == 0
    staff_user = t.make_user("analyst", groups=[tree["measure"].departments.first().staff_group])
    client.force_login(staff_user)
    visit(client, "/events/dashboard/")
    assert PageView.objects.count() == 0
    client.logout()
    visit(client, "/events/dashboard/")
    assert PageView.objects.get().views == 1


def test_the_site_counts_page_views():
    assert COUNTER in settings.MIDDLEWARE  # on in every environment, not only in tests


def test_plan_data_pages_are_counted_for_their_departments(client, tree, deps):
    from civicstat.plans.models import DataPage as PlanDataPage

    heart = PlanDataPage(title="Community response team", slug="heart")
    tree["initiative"].add_child(instance=heart)
    heart.departments.set([deps["community-safety"]])
    heart.save_revision().publish()
    inherited = PlanDataPage(title="Joint events in detail", slug="joint-detail")
    tree["initiative"].add_child(instance=inherited)  # no departments: the initiative's
    inherited.save_revision().publish()
    for url in (heart.url, heart.url, inherited.url, tree["initiative"].url):
        assert visit(client, url).status_code == 200, url
    counts = {(v.path, v.department.slug, v.page_kind): v.views for v in PageView.objects.all()}
    assert counts == {
        (heart.url, "community-safety", "data-page"): 2,
        (inherited.url, "community-safety", "data-page"): 1,
        (inherited.url, "fire", "data-page"): 1,
        (inherited.url, "police", "data-page"): 1,
    }  # the initiative page itself is not a data page


def test_measure_pages_belong_to_the_measure_departments(tree, deps):
    request = RequestFactory().get(f"/measures/{tree['measure'].slug}/")
    request.resolver_match = resolve(request.path)
    assert classify(request) == DataPage("measure", ("fire",))
    other = RequestFactory().get("/events/2026/10/")
    other.resolver_match = resolve(other.path)
    assert classify(other) is None


def test_page_views_reach_the_warehouse_and_sum_by_quarter(tree, deps, tmp_path):
    police, safety = deps["police"], deps["community-safety"]
    page = DataPage("measure", ("police", "community-safety"))
    views = {date(2026, 7, 3): 4, date(2026, 9, 30): 6, date(2026, 10, 1): 5}
    for day, n in views.items():
        for _ in range(n):
            record("/measures/response-times/", page, day)
    record("/measures/heart/", DataPage("measure", ("community-safety",)), date(2026, 8, 2))
    url = f"duckdb://{tmp_path / 'w.duckdb'}"
    con = connect(url)
    try:
        load = export_page_views(con)
        rows = dataset_table(con, "page_views").to_pandas()
    finally:
        con.disconnect()
    assert load.rows == len(rows) == PageView.objects.count() == 7
    frame = compute(url, specs()[PAGE_VIEWS], date(2026, 12, 31))
    got = frame.set_index(["period_label", "breakdown"]).value.astype(float).to_dict()
    # By hand: Q3 2026 = July 3 (4) + Sept 30 (6) for each department, + 1 Aug view for DCSD.
    assert got[("2026 Q3", "police")] == 10 and got[("2026 Q3", "community-safety")] == 11
    assert got[("2026 Q4", "police")] == 5 and got[("2026 Q4", "community-safety")] == 5
    assert police.pk and safety.pk
