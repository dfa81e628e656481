"""The layout keeps what was reachable reachable: every template of the project is the one
its name finds (none shadowed by a library's of the same name), and the admin pages of the
statistics jobs still answer at the reporting app's address."""

from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import get_template

from .factories import UserFactory

ROOT = Path(settings.BASE_DIR)


def _our_templates():
    for path in sorted(ROOT.glob("**/templates/**/*.html")):
        if ".venv" in path.parts or "node_modules" in path.parts:
            continue
        yield path.relative_to(ROOT).as_posix().split("templates/", 1)[1], path


def test_each_template_name_finds_the_projects_own_file():
    templates = list(_our_templates())
    assert len(templates) > 50
    shadowed = [
        (name, get_template(name).origin.name)
        for name, path in templates
        if Path(get_template(name).origin.name) != path
    ]
    assert shadowed == []


@pytest.mark.django_db
def test_the_statistics_jobs_admin_answers_at_its_old_address(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get("/admin/reporting/statisticsjob/")
    assert response.status_code == 301
    assert response["Location"] == "/admin/stats/statisticsjob/"
    assert client.get(response["Location"]).status_code == 200
