"""Open a cohort from a roster file on the command line, with a progress bar.

Same validation and same service as the roster page; suited to rosters too large
to upload. Rejected rows are printed with their reasons.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from cases.roster_files import RosterFileError, RosterValidator, read_table
from processes.registration import services
from roles.models import University


class Command(BaseCommand):
    help = "Import a graduating cohort's roster (CSV or XLSX) for one university."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--university", required=True, help="the five-digit 学校代码")
        parser.add_argument("--cohort", required=True, type=int, help="graduation year")
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, path, university, cohort, batch_size, **options):
        try:
            university = University.objects.get(code=university)
        except University.DoesNotExist:
            raise CommandError(f"No university with code {university}.") from None
        try:
            validator = RosterValidator(university=university, cohort=cohort)
            rows = validator.parse(read_table(path.name, path.read_bytes()))
        except (OSError, RosterFileError) as exc:
            raise CommandError(str(exc)) from exc
        valid = sum(1 for row in rows if not row.errors)
        with tqdm(total=valid, unit="graduates", disable=options["verbosity"] == 0) as bar:
            result = services.roster_import(
                university=university,
                cohort=cohort,
                rows=rows,
                actor=None,
                batch_size=batch_size,
                progress=bar.update,
            )
        for error in result.errors:
            self.stderr.write(f"row {error.row} [{error.column}]: {error.message}")
        if validator.unused:
            self.stderr.write("columns not used: " + ", ".join(validator.unused))
        self.stdout.write(
            f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged, "
            f"{result.error_rows} rows rejected."
        )
