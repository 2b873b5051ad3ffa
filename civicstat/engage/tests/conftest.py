import pytest
from django.core.cache import cache

from civicstat.core import testing as t
from civicstat.events import testing as et
from civicstat.events.categories import ensure_categories


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def deps(db):
    ensure_categories()
    return et.departments()


@pytest.fixture
def staff(deps):
    return {
        slug: t.make_user(f"{slug}-staff", groups=[dep.staff_group]) for slug, dep in deps.items()
    }


@pytest.fixture
def office(deps):
    from civicstat.plans.permissions import setup_groups_and_workflow

    group = setup_groups_and_workflow()
    return t.make_user("office", groups=[group])


@pytest.fixture
def tree(deps):
    """Initiative 2.21 (fire, police, community safety) with a live measure owned by fire."""
    from civicstat.measures.models import Measure

    plan = t.make_plan()
    goal = t.make_goal(plan)
    objective = t.make_objective(goal, "2.2", "Build trust")
    initiative = t.make_initiative(
        objective,
        "2.21",
        "Joint community safety events",
        [deps["fire"], deps["police"], deps["community-safety"]],
    )
    measure = Measure.objects.create(
        name="Joint Community Safety Events",
        slug="joint-community-safety-events",
        page=initiative,
        unit="events",
    )
    measure.departments.set([deps["fire"]])
    measure.save()
    return {"plan": plan, "initiative": initiative, "measure": measure}
