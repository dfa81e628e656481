"""Import destinations a province already reported (CSV or XLSX, by 学号).

Each becomes an approved registration version marked as reported by the province;
the graduate only confirms it at leave time.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.reported_files import parse_reported
from cases.roster_files import RosterFileError, read_table
from processes.registration import services
from roles.models import University


class Command(BaseCommand):
    help = "Import destinations already reported by the province for one university's cohort."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--university", required=True, help="the five-digit 学校代码")
        parser.add_argument("--cohort", required=True, type=int)

    def handle(self, *args, path, university, cohort, **options):
        try:
            university = University.objects.get(code=university)
        except University.DoesNotExist:
            raise CommandError(f"No university with code {university}.") from None
        try:
            rows, errors = parse_reported(read_table(path.name, path.read_bytes()), cohort=cohort)
        except (OSError, RosterFileError) as exc:
            raise CommandError(str(exc)) from exc
        result = services.reported_import(
            university=university, cohort=cohort, rows=rows, actor=None
        )
        for error in [*errors, *result.errors]:
            self.stderr.write(f"row {error.row} [{error.column}]: {error.message}")
        self.stdout.write(
            f"{result.created} imported, {len(errors) + len(result.errors)} problems."
        )
