"""civicstat demo: load the Durham dashboard (plans, staff, workflow, data). Safe to run again."""

from django.core.management.base import BaseCommand

from civicstat.demo import setup


class Command(BaseCommand):
    help = "Load the Durham demo: plans, staff accounts, review workflow, synthetic data, measures."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-data",
            action="store_true",
            help="load the plans and accounts only: no synthetic data, ingest or refresh",
        )

    def handle(self, *args, no_data=False, **options):
        logins = setup.run(stdout=self.stdout, data=not no_data)
        self.stdout.write(self.style.SUCCESS("\nThe Durham demo is ready."))
        self.stdout.write("Staff logins for http://127.0.0.1:8000/admin/ :")
        for login in logins:
            self.stdout.write(f"  {login.username:<12} {login.password:<20} {login.role}")
