"""The plan as data: a documented YAML format that round-trips the whole plan tree (docs/plan-format.md).

data = load(path)             # YAML → dict (PlanFileError if it is not YAML)
problems = validate(data)     # every problem, each with its path in the file
plan = import_plan(data)      # all or nothing: validates first, changes nothing on any problem
text = dump(export_plan(plan))
"""

from .errors import PlanFileError, Problem
from .export import export_plan
from .importer import import_plan
from .schema import FORMAT, validate
from .yamlio import dump, load

__all__ = [
    "FORMAT",
    "PlanFileError",
    "Problem",
    "dump",
    "export_plan",
    "import_plan",
    "load",
    "validate",
]
