"""civicstat rtm run CONFIG.yaml [--publish KEY] [--data-root DIR] [--out DIR]

Run a risk terrain model from a YAML configuration (docs/risk-terrain.md), write its report and,
with --publish, store its high-risk zones in the warehouse and publish it as the analysis KEY.
The work is in civicstat.dashboards.pilots.rtm_run.
"""

from django.core.management.base import BaseCommand, CommandError

from civicstat.dashboards.pilots.rtm_run import RTMRunError, run_and_publish
from civicstat.safety.errors import SafetyError
from civicstat.warehouse import WarehouseError


class Command(BaseCommand):
    help = "Risk terrain modelling: run a model from a YAML configuration and publish it."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="run a model, write its report, optionally publish it")
        run.add_argument("config", help="the run's YAML configuration (docs/risk-terrain.md)")
        run.add_argument(
            "--publish",
            metavar="KEY",
            help="publish as this analysis key (e.g. rtm/durham-robbery) and store "
            "the zones in the warehouse",
        )
        run.add_argument(
            "--data-root",
            metavar="DIR",
            help="folder the configuration's relative paths start from (default: "
            "its data_root, else the configuration's folder)",
        )
        run.add_argument(
            "--out", metavar="DIR", help="report folder (default: <data dir>/rtm/<config name>)"
        )

    def handle(self, *args, action, config, publish=None, data_root=None, out=None, **options):
        try:
            done = run_and_publish(config, data_root=data_root, publish=publish, out_dir=out)
        except (RTMRunError, SafetyError, WarehouseError) as exc:
            raise CommandError(f"Nothing was published.\n{exc}") from exc
        self.stdout.write(done.summary())
