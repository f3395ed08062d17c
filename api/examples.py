"""The connection examples shown on the portal's API page; the tests run these very texts against a
live server (tests/api/test_examples.py), so the page never shows an example that does not work."""

from __future__ import annotations

CURL = """curl -sS -H "Authorization: Bearer {token}" "{base}/api/v1/workers/?status=submitted&size=10"

curl -sS -X POST -H "Authorization: Bearer {token}" -H "Content-Type: application/json" \\
     -H "Idempotency-Key: simpeg-2022-07-01-001" \\
     --data '{{"items": [{{"nik": "{nik}", "kk": "{kk}", "full_name": "Siti Aminah", "birth_place": "Bandung", "birth_date": "1990-05-12", "sex": "F", "category": "non_asn", "position": "Pengadministrasi Umum", "pay_source": "APBD"}}]}}' \\
     "{base}/api/v1/workers/bulk/"
"""

PYTHON = """import json
import urllib.request

BASE = "{base}/api/v1"
KEY = "{token}"


def call(method, path, body=None, idempotency_key=None):
    headers = {{"Authorization": f"Bearer {{KEY}}", "Content-Type": "application/json"}}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(BASE + path, data=data, headers=headers, method=method)
    with urllib.request.urlopen(request) as response:
        return json.load(response)


agency = call("GET", "/agency/")
print(agency["name"], agency["phase"], agency["counts"]["per_status"])

worker = {{
    "nik": "{nik}", "kk": "{kk}", "full_name": "Siti Aminah", "birth_place": "Bandung",
    "birth_date": "1990-05-12", "sex": "F", "category": "non_asn",
    "position": "Pengadministrasi Umum", "pay_source": "APBD",
}}
answer = call("POST", "/workers/bulk/", {{"items": [worker]}}, idempotency_key="simpeg-batch-0001")
# Per item: the result and the record's id, registration number, status and flags (the full
# document is at /workers/<id>/); a refused item carries its errors per field.
for item in answer["items"]:
    print(item["index"], item["result"], item["id"], item["registration_number"], item.get("errors", ""))

# Every worker of the agency, page by page (the cursor comes from the previous page).
cursor = ""
while True:
    page = call("GET", f"/workers/?size=100&after={{cursor}}")
    for row in page["results"]:
        print(row["registration_number"], row["status"], row["flags"])
    cursor = page["next_cursor"]
    if not cursor:
        break

# What changed since last time (keep next_cursor for the next run).
changes = call("GET", "/changes/?since=0")
print(len(changes["results"]), "changes; next since =", changes["next_cursor"])
"""

# A NIK and KK that pass the form's checks (a woman born 12-05-1990: day 12 + 40 = 52).
EXAMPLE_NIK = "3273015205900001"
EXAMPLE_KK = "3273010101100001"


def examples(*, base: str, token: str, nik: str = EXAMPLE_NIK, kk: str = EXAMPLE_KK) -> dict[str, str]:
    values = {"base": base.rstrip("/"), "token": token, "nik": nik, "kk": kk}
    return {"curl": CURL.format(**values), "python": PYTHON.format(**values)}
