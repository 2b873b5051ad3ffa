"""The Durham demo: the plans, staff accounts, groups and workflow. Safe to run again."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.models import Site

from civicstat.core.models import Department, SiteSettings
from civicstat.core.services import ensure_home_page
from civicstat.plans import planfile
from civicstat.plans.models import PlanPage
from civicstat.plans.permissions import PERFORMANCE_OFFICE, setup_groups_and_workflow

PLAN_FILES = ("durham-fy2024-2026.yaml", "durham-prior-safety-initiatives.yaml")

CREDIT = (
    "Budget and Management Services Department\n"
    "Office of Performance and Innovation\n"
    "Strategy and Performance Division"
)


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    role: str


# (username, first name, last name, role description, group or None for superuser)
DEMO_STAFF = (
    ("admin", "Avery", "Admin", "site administrator (everything)", None),
    (
        "performance",
        "Pat",
        "Okafor",
        "performance office: approves and publishes",
        PERFORMANCE_OFFICE,
    ),
    ("police", "Dana", "Reyes", "Police Department staff: edits police initiatives", "police"),
    (
        "safety",
        "Sam",
        "Lee",
        "Community Safety staff: edits community safety initiatives",
        "community-safety",
    ),
)


def plan_file(name: str) -> Path:
    return Path(str(resources.files("civicstat.demo") / "plans" / name))


def load_plans(stdout=None) -> list[PlanPage]:
    """Import the Durham plans that are not there yet (never duplicates)."""
    loaded = []
    for name in PLAN_FILES:
        data = planfile.load(plan_file(name))
        existing = PlanPage.objects.filter(slug=data["slug"]).first()
        if existing is not None:
            if stdout:
                stdout.write(f"Plan {data['slug']!r} already loaded; left as it is.")
            loaded.append(existing)
            continue
        loaded.append(planfile.import_plan(data, source=name))
        if stdout:
            stdout.write(f"Loaded plan {data['slug']!r} from {name}.")
    return loaded


def configure_site() -> None:
    home = ensure_home_page()
    site = Site.objects.get(root_page=home)
    if site.site_name != "Durham Strategic Plan Dashboard":
        site.site_name = "Durham Strategic Plan Dashboard"
        site.save()
    site_settings = SiteSettings.for_site(site)
    if not site_settings.credit:
        site_settings.organisation_name = "City of Durham"
        site_settings.credit = CREDIT
        site_settings.save()
    if home.title != "Durham Strategic Plan Dashboard":
        home.title = "Durham Strategic Plan Dashboard"
        home.save_revision().publish()


def _credentials_file() -> Path:
    return Path(settings.DATA_DIR) / "demo-logins.txt"


def _stored_passwords() -> dict[str, str]:
    path = _credentials_file()
    if not path.exists():
        return {}
    pairs = (line.split(" ", 1) for line in path.read_text().splitlines() if " " in line)
    return {user: password for user, password in pairs}


@transaction.atomic
def create_staff() -> list[Login]:
    """Demo accounts with random passwords, created once and kept in var/demo-logins.txt."""
    User = get_user_model()
    stored = _stored_passwords()
    logins = []
    for username, first, last, role, group in DEMO_STAFF:
        user = User.objects.filter(username=username).first()
        password = stored.get(username)
        if user is None or password is None or not user.check_password(password):
            password = secrets.token_urlsafe(12)
            if user is None:
                user = User(username=username, email=f"{username}@example.org")
            user.first_name, user.last_name = first, last
            user.set_password(password)
            user.is_staff = True
            user.is_superuser = group is None
            user.save()
        if group == PERFORMANCE_OFFICE:
            user.groups.add(Group.objects.get(name=PERFORMANCE_OFFICE))
        elif group:
            department = Department.objects.get(slug=group)
            user.groups.add(department.staff_group)
        logins.append(Login(username, password, role))
    path = _credentials_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{login.username} {login.password}\n" for login in logins))
    path.chmod(0o600)
    return logins


CURRENT_PLAN = "fy2024-2026"


def run(stdout=None, data: bool = True) -> list[Login]:
    """Plans, site, groups and workflow, staff accounts, then (``data``) the synthetic data
    through ingest and refresh (civicstat.demo.pipeline)."""
    load_plans(stdout)
    configure_site()
    setup_groups_and_workflow()
    logins = create_staff()
    if data:
        from civicstat.demo import pipeline

        pipeline.run(PlanPage.objects.get(slug=CURRENT_PLAN), stdout=stdout)
    return logins
