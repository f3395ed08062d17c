"""The OpenAPI 3.1 description and the browsable docs, served from local files."""

from __future__ import annotations

import re

import yaml


def test_the_schema_is_openapi_3_1_and_lists_every_endpoint(client, db):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"] == "3.1.0"
    assert set(schema["paths"]) == {
        "/api/v1/workers/", "/api/v1/workers/bulk/", "/api/v1/workers/{id}/", "/api/v1/workers/{id}/release/",
        "/api/v1/changes/", "/api/v1/agency/", "/api/v1/national/agencies/", "/api/v1/national/records/",
    }  # fmt: skip
    assert schema["components"]["securitySchemes"]["ApiKey"]["scheme"] == "bearer"


def test_the_input_fields_come_from_the_portal_s_form(client, db):
    from registry.forms import WorkerForm

    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    worker_input = schema["components"]["schemas"]["WorkerInputRequest"]
    assert set(WorkerForm().fields) <= set(worker_input["properties"])
    assert set(worker_input["required"]) == {n for n, f in WorkerForm().fields.items() if f.required}


def test_the_docs_page_loads_swagger_ui_from_this_site(client, db):
    page = client.get("/api/v1/docs/").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any("swagger-ui" in s for s in sources)
    assert all(s.startswith("/") or s.startswith("?") for s in sources), sources
