"""Create the machine client of a provincial system and print its key id and key once."""

from django.core.management.base import BaseCommand, CommandError

from api.models import ApiClient
from roles.models import Province


class Command(BaseCommand):
    help = "Create the API client of a provincial system (run on the national node)."

    def add_arguments(self, parser):
        parser.add_argument("--province", required=True, help="six-digit province code")
        parser.add_argument("--name", default="", help="e.g. 北京市毕业去向登记系统")
        parser.add_argument("--province-name", default="", help="create the province if missing")

    def handle(self, *args, province, name, province_name, **options):
        found = Province.objects.filter(code=province).first()
        if found is None:
            if not province_name:
                raise CommandError(f"No province {province}; give --province-name to create it.")
            found = Province(code=province, name=province_name)
            found.full_clean()
            found.save()
        client = ApiClient.objects.create(province=found, name=name or f"{found.name} system")
        self.stdout.write(f"NATIONAL_API_KEY_ID={client.key_id}")
        self.stdout.write(f"NATIONAL_API_KEY={client.key}")
