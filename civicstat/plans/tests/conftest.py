import pytest

from civicstat.core import testing as t


@pytest.fixture
def tree(db):
    """A small plan: goal 2 > objective 2.1 > initiatives 2.11 (community safety) and 2.12 (police)."""
    safety = t.department("community-safety", "Community Safety Department", "DCSD")
    police = t.department("police", "Police Department", "DPD")
    plan = t.make_plan()
    goal = t.make_goal(plan, statement="Keep neighborhoods safe together.")
    objective = t.make_objective(goal)
    fn = t.make_initiative(
        objective,
        "2.11",
        "Familiar neighbors",
        [safety],
        description="<p>Coordinated care for frequent callers.</p>",
    )
    youth = t.make_initiative(objective, "2.12", "Youth outreach", [police])
    from civicstat.plans.permissions import setup_groups_and_workflow

    setup_groups_and_workflow()
    return {
        "plan": plan,
        "goal": goal,
        "objective": objective,
        "fn": fn,
        "youth": youth,
        "safety": safety,
        "police": police,
    }
