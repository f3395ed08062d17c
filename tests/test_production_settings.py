"""Production scale-out settings chosen by the environment: object storage, shared cache, replica,
JSON logs. Each case loads the settings in a fresh process (no network: nothing is contacted)."""

from __future__ import annotations

import json

from tests.test_settings import run_python

PRODUCTION = {"DATABASE_URL": "postgres://nonasn:rahasia@db.example.internal:5432/pendataan"}

PRINT = (
    "import json, django; django.setup(); from django.conf import settings; "
    "from django.core.files.storage import storages; from django.core.cache import caches; cache = caches['default']; "
    "storage = storages['default']; "
    "print(json.dumps({'storage': type(storage).__module__ + '.' + type(storage).__name__, "
    "'storage_options': settings.STORAGES['default'].get('OPTIONS', {}), "
    "'url': storage.url('documents/ab/cd.jpg') if hasattr(storage, 'bucket_name') else None, "
    "'cache': type(cache).__module__ + '.' + type(cache).__name__, 'caches': settings.CACHES, "
    "'databases': sorted(settings.DATABASES), 'replica': settings.DATABASES.get('replica'), "
    "'routers': settings.DATABASE_ROUTERS, 'middleware': settings.MIDDLEWARE, "
    "'formatters': {n: h.get('formatter') for n, h in settings.LOGGING['handlers'].items()}}, default=str))"
)


def load(**env: str) -> dict:
    result = run_python(PRINT, **PRODUCTION, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_media_stays_on_local_disk_by_default():
    data = load()
    assert data["storage"] == "django.core.files.storage.filesystem.FileSystemStorage"


def test_a_bucket_selects_s3_compatible_object_storage_with_private_signed_urls():
    data = load(
        AWS_STORAGE_BUCKET_NAME="pendataan-media",
        AWS_S3_ENDPOINT_URL="https://s3.example.go.id",
        AWS_S3_REGION_NAME="id-jkt-1",
        AWS_ACCESS_KEY_ID="AKIAEXAMPLE",
        AWS_SECRET_ACCESS_KEY="secret-example",
    )
    assert data["storage"] == "storages.backends.s3.S3Storage"
    options = data["storage_options"]
    assert options["bucket_name"] == "pendataan-media"
    assert options["endpoint_url"] == "https://s3.example.go.id"
    assert options["default_acl"] == "private" and options["file_overwrite"] is False
    # A URL is signed (nothing in the bucket is public) and points at the configured endpoint.
    assert data["url"].startswith("https://s3.example.go.id/pendataan-media/documents/ab/cd.jpg?")
    assert "X-Amz-Signature=" in data["url"]


def test_media_storage_s3_can_be_asked_for_explicitly():
    data = load(
        MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="media",
        AWS_S3_ENDPOINT_URL="http://minio.internal:9000",
        AWS_S3_ADDRESSING_STYLE="path",
        AWS_ACCESS_KEY_ID="minio",
        AWS_SECRET_ACCESS_KEY="minio-secret",
    )
    assert data["storage"] == "storages.backends.s3.S3Storage"
    assert data["storage_options"]["addressing_style"] == "path"
    assert data["url"].startswith("http://minio.internal:9000/media/documents/ab/cd.jpg?")


def test_an_unknown_media_storage_is_refused():
    result = run_python("import django; django.setup()", **PRODUCTION, MEDIA_STORAGE="ftp")
    assert result.returncode != 0
    assert "MEDIA_STORAGE" in result.stderr


def test_the_cache_is_per_process_memory_by_default():
    data = load()
    assert data["cache"] == "django.core.cache.backends.locmem.LocMemCache"


def test_redis_url_selects_the_redis_cache():
    data = load(REDIS_URL="redis://:rahasia@cache.internal:6379/2")
    assert data["cache"] == "nonasn.redis_cache.RedisCache"
    assert data["caches"]["default"]["LOCATION"] == "redis://:rahasia@cache.internal:6379/2"
    assert data["caches"]["default"]["KEY_PREFIX"] == "nonasn"


def test_a_redis_cache_url_also_selects_the_redis_cache():
    data = load(CACHE_URL="rediss://cache.internal:6380/0")
    assert data["cache"] == "nonasn.redis_cache.RedisCache"


def test_without_replica_url_there_is_one_database():
    data = load()
    assert data["databases"] == ["default"]
    assert data["routers"] == ["nonasn.db_router.ReplicaRouter"]


def test_replica_url_adds_the_replica_alias_mirrored_in_tests():
    data = load(DATABASE_REPLICA_URL="postgres://reader:rahasia@replica.internal:5432/pendataan")
    assert data["databases"] == ["default", "replica"]
    assert data["replica"]["HOST"] == "replica.internal"
    assert data["replica"]["TEST"]["MIRROR"] == "default"


def test_health_check_answers_before_host_check_and_https_redirect():
    middleware = load()["middleware"]
    assert middleware[0] == "nonasn.health.HealthCheckMiddleware"
    assert middleware.index("nonasn.health.HealthCheckMiddleware") < middleware.index(
        "django.middleware.security.SecurityMiddleware"
    )


def test_log_format_json_puts_the_json_formatter_on_every_handler():
    assert all(f != "json" for f in load()["formatters"].values())
    formatters = load(LOG_FORMAT="json")["formatters"]
    assert formatters and all(f == "json" for f in formatters.values())
