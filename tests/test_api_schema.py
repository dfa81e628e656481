"""The OpenAPI schema committed in api/openapi.yaml is the one the code generates."""

import io
from pathlib import Path

import yaml
from django.conf import settings
from django.core.management import call_command

COMMITTED = Path(settings.BASE_DIR) / "api" / "openapi.yaml"


def test_the_committed_openapi_schema_is_up_to_date():
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    assert out.getvalue() == COMMITTED.read_text(), (
        "api/openapi.yaml is stale: run `make schema` and commit it"
    )


def test_the_schema_is_served_and_documents_the_sync_endpoint(client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    operation = schema["paths"]["/api/v1/sync/events/"]["post"]
    assert {"200", "400", "401", "403"} <= set(operation["responses"])
