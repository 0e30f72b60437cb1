"""Command line: ``ishenzhen serve | migrate | openapi export | db schema | audit verify``.

Operator-facing failures (bad settings, unreachable database, a busy data folder) end with one clear line
on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import multiprocessing
import os
import shutil
import socket
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import structlog

from ishenzhen.catalog.cli import CatalogInvalid
from ishenzhen.db.migrate import MigrationError, apply_migrations
from ishenzhen.db.pool import DatabaseUnavailable, connect, describe_url
from ishenzhen.departments.directory import DirectoryError
from ishenzhen.departments.fleet import FleetError
from ishenzhen.embedded import EmbeddedPostgres, EmbeddedPostgresError
from ishenzhen.identity.cli import ClientRefused
from ishenzhen.identity.oauth.keys import KeyEncryptionKeyMissing, key_encryption_key
from ishenzhen.identity.seed import ProductionRefused
from ishenzhen.logging import configure_logging
from ishenzhen.registry.cli import ExportFailed
from ishenzhen.settings import ENV_NAMES, Settings, SettingsError, load_settings

__all__ = ["main"]

log = structlog.get_logger("ishenzhen.cli")


class PortInUse(Exception):
    """The address ``serve`` should listen on is held by another process."""


_OPERATOR_ERRORS = (
    SettingsError,
    DatabaseUnavailable,
    EmbeddedPostgresError,
    MigrationError,
    CatalogInvalid,
    ProductionRefused,
    ClientRefused,
    ExportFailed,
    DirectoryError,
    FleetError,
    PortInUse,
    KeyEncryptionKeyMissing,
)
DEFAULT_OPENAPI_FILE = Path("openapi") / "openapi.json"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ishenzhen", description="i深圳 government super-app back end")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="start the database (unless DATABASE_URL is set) and the API")
    serve.add_argument("--host", help=f"address to listen on [{ENV_NAMES['host']}]")
    serve.add_argument("--port", type=int, help=f"port to listen on [{ENV_NAMES['port']}]")
    serve.add_argument("--workers", type=int, help=f"worker processes [{ENV_NAMES['workers']}]")
    serve.add_argument("--data-dir", type=Path, help=f"embedded database folder [{ENV_NAMES['data_dir']}]")

    migrate = commands.add_parser("migrate", help="apply pending schema migrations and exit")
    migrate.add_argument("--data-dir", type=Path, help=f"embedded database folder [{ENV_NAMES['data_dir']}]")

    openapi = commands.add_parser("openapi", help="the OpenAPI document")
    openapi_commands = openapi.add_subparsers(dest="openapi_command", required=True, metavar="ACTION")
    export = openapi_commands.add_parser(
        "export", help="write the OpenAPI document the app serves, and the render-spec JSON Schema next to it"
    )
    export.add_argument(
        "--output", type=Path, default=DEFAULT_OPENAPI_FILE, help="file to write, - for stdout"
    )

    catalog = commands.add_parser("catalog", help="the service catalogue's source files")
    catalog_commands = catalog.add_subparsers(dest="catalog_command", required=True, metavar="ACTION")
    importing = catalog_commands.add_parser(
        "import", help="validate the files, then import them all or nothing"
    )
    importing.add_argument("path", nargs="?", type=Path, help="catalogue folder [ISHENZHEN_CATALOG_DIR]")
    importing.add_argument(
        "--data-dir", type=Path, help=f"embedded database folder [{ENV_NAMES['data_dir']}]"
    )
    validating = catalog_commands.add_parser("validate", help="check the files and report every problem")
    validating.add_argument("path", nargs="?", type=Path, help="catalogue folder [ISHENZHEN_CATALOG_DIR]")

    db = commands.add_parser("db", help="database helpers")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    schema = db_commands.add_parser(
        "schema", help="print the migrated schema (the snapshot the tests compare)"
    )
    schema.add_argument("--data-dir", type=Path, help=f"embedded database folder [{ENV_NAMES['data_dir']}]")
    # The identity provider's operator commands
    identity = commands.add_parser("identity", help="identity provider helpers")
    identity_commands = identity.add_subparsers(dest="identity_command", required=True, metavar="ACTION")
    outbox = identity_commands.add_parser("sms-outbox", help="show the development SMS outbox (newest first)")
    outbox.add_argument("--limit", type=int, default=20, help="messages to show [20]")
    outbox.add_argument("--data-dir", type=Path, help=f"embedded database folder [{ENV_NAMES['data_dir']}]")
    rotate = identity_commands.add_parser(
        "rotate-keys", help="publish a new signing key of each kind (ES256, RS256); they sign after a delay"
    )
    rotate.add_argument(
        "--publish-seconds",
        type=float,
        help="seconds between publishing and signing [key refresh interval + 30]",
    )
    rotate.add_argument("--data-dir", type=Path, help=f"embedded database folder [{ENV_NAMES['data_dir']}]")
    clients = identity_commands.add_parser("clients", help="OAuth clients of department systems")
    clients_commands = clients.add_subparsers(dest="clients_command", required=True, metavar="ACTION")
    create = clients_commands.add_parser(
        "create", help="register a department system's client-credentials client; prints its secret once"
    )
    create.add_argument("--name", required=True, help="display name, e.g. 市场监督管理局 Market regulation")
    create.add_argument("--department", required=True, help="department code (slug), e.g. market-regulation")
    create.add_argument(
        "--scope",
        action="append",
        required=True,
        dest="scopes",
        help="registry:write, registry:review, applications:update or results:revoke (repeat for several)",
    )
    create.add_argument("--client-id", help="client id [dept-<department>]")
    create.add_argument("--data-dir", type=Path, help=f"embedded database folder [{ENV_NAMES['data_dir']}]")
    # The service-item registry's operator commands
    registry = commands.add_parser("registry", help="the service-item registry")
    registry_commands = registry.add_subparsers(dest="registry_command", required=True, metavar="ACTION")
    export_items = registry_commands.add_parser(
        "export", help="write a department's published items as services_catalog/items/<slug>.yaml"
    )
    export_items.add_argument("--department", required=True, help="department code (slug)")
    export_items.add_argument(
        "--out", type=Path, required=True, help="catalogue folder to write items/<slug>.yaml in"
    )
    export_items.add_argument(
        "--data-dir", type=Path, help=f"embedded database folder [{ENV_NAMES['data_dir']}]"
    )
    # The tamper-evident data-access log
    audit = commands.add_parser("audit", help="the data-access log")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    for name, text in (
        ("verify", "check every hash chain and signed checkpoint; name the first broken entry"),
        ("checkpoint", "sign a checkpoint of every chain's head now"),
    ):
        action = audit_commands.add_parser(name, help=text)
        action.add_argument(
            "--data-dir", type=Path, help=f"embedded database folder [{ENV_NAMES['data_dir']}]"
        )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        settings = load_settings(
            host=getattr(arguments, "host", None),
            port=getattr(arguments, "port", None),
            workers=getattr(arguments, "workers", None),
            data_dir=getattr(arguments, "data_dir", None),
        )
        configure_logging(settings.effective_log_format, settings.logging.level)
        if arguments.command == "serve":
            return _serve(settings)
        if arguments.command == "migrate":
            with _database(settings) as url:
                _migrate(url, settings)
            return 0
        if arguments.command == "catalog":
            return _catalog(settings, arguments)
        if arguments.command == "openapi":
            return _export_openapi(settings, arguments.output)
        if arguments.command == "identity":
            return _identity(settings, arguments)
        if arguments.command == "registry":
            return _registry(settings, arguments)
        if arguments.command == "audit":
            return _audit(settings, arguments)
        if arguments.command == "db":
            from ishenzhen.db.snapshot import dump_schema

            with _database(settings) as url:
                _migrate(url, settings)
                sys.stdout.write(dump_schema(url))
            return 0
    except _OPERATOR_ERRORS as exc:
        print(f"ishenzhen: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 2


@contextmanager
def _database(settings: Settings) -> Iterator[str]:
    """The configured server, or the embedded one started for the duration of the block."""
    if settings.database.url is not None:
        yield settings.database.url
        return
    server = EmbeddedPostgres(
        settings.embedded.effective_data_dir, port=settings.embedded.port, run_as=settings.embedded.user
    )
    url = server.start()
    try:
        yield url
    finally:
        server.stop()


def _migrate(url: str, settings: Settings) -> None:
    async def run() -> None:
        connection = await connect(url, settings.database.connect_timeout)
        try:
            applied = await apply_migrations(connection)
        finally:
            await connection.close()
        log.info("database.migrated", url=describe_url(url), applied=len(applied))

    asyncio.run(run())


def _import_catalog(url: str, settings: Settings, path: Path) -> None:
    """Check every source file (the catalogue), then publish them all or nothing (through the registry)."""
    from ishenzhen.catalog.cli import run_validate
    from ishenzhen.registry.cli import run_import

    run_import(url, settings, run_validate(path))


def _import_catalog_apart(url: str, settings: Settings, path: Path) -> None:
    """The first start's import in a forked child: the ~100 MiB of Python objects it reads go with the child,
    rather than staying in this supervisor for good and in every granian worker forked from it. Its errors
    come back here as they were raised."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as child:
        child.submit(_import_catalog, url, settings, path).result()


def _catalog(settings: Settings, arguments: argparse.Namespace) -> int:
    from ishenzhen.catalog.cli import run_validate

    path = arguments.path or settings.catalog.effective_source_dir
    if arguments.catalog_command == "validate":
        catalog = run_validate(path)
        print(f"{path}: {len(catalog.items)} items, no problems", file=sys.stderr)
        return 0
    with _database(settings) as url:
        _migrate(url, settings)
        _import_catalog(url, settings, path)
    return 0


def _identity(settings: Settings, arguments: argparse.Namespace) -> int:
    from ishenzhen.identity.cli import rotate_keys, show_sms_outbox

    with _database(settings) as url:
        _migrate(url, settings)
        if arguments.identity_command == "sms-outbox":
            return show_sms_outbox(url, settings, arguments.limit)
        if arguments.identity_command == "clients":
            from ishenzhen.identity.cli import create_department_client

            create_department_client(
                url,
                settings,
                name=arguments.name,
                department=arguments.department,
                scopes=arguments.scopes,
                client_id=arguments.client_id,
            )
            return 0
        rotate_keys(url, settings, arguments.publish_seconds)
    return 0


def _audit(settings: Settings, arguments: argparse.Namespace) -> int:
    from ishenzhen.sharing.cli import run_checkpoint, run_verify

    with _database(settings) as url:
        _migrate(url, settings)
        run = run_verify if arguments.audit_command == "verify" else run_checkpoint
        return asyncio.run(run(url, settings))


def _registry(settings: Settings, arguments: argparse.Namespace) -> int:
    from ishenzhen.registry.cli import run_export

    with _database(settings) as url:
        _migrate(url, settings)
        run_export(url, settings, arguments.department, arguments.out)
    return 0


def _check_port_free(host: str, port: int) -> None:
    """granian binds with SO_REUSEPORT, so a second server on a taken port would start and share it with
    the first (requests alternating between two databases): bind once without it, first, and refuse."""
    if port == 0:
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortInUse(
                    f"{host}:{port} is already in use (another ishenzhen serve?); "
                    f"stop it or choose another port with --port or {ENV_NAMES['port']}"
                ) from None
            raise PortInUse(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def _serve(settings: Settings) -> int:
    from granian import Granian
    from granian.constants import Interfaces

    from ishenzhen.catalog.cli import catalog_is_empty
    from ishenzhen.identity.cli import check_production

    base = f"http://{settings.http.host}:{settings.http.port}"
    _check_port_free(settings.http.host, settings.http.port)
    key_encryption_key(settings)  # production without one stops here, before any database is started
    if (
        settings.database.url is None
        and not (settings.embedded.effective_data_dir / "pgdata" / "PG_VERSION").exists()
    ):
        print(
            f"first start: creating the embedded database in {settings.embedded.effective_data_dir}",
            file=sys.stderr,
            flush=True,
        )
    with _database(settings) as url:
        _migrate(url, settings)
        # Refuse here, with one line, rather than inside every granian worker.
        check_production(url, settings)
        # The simulators start while the catalogue is imported (a cold start's longest step).
        with _department_simulators(url, settings, base) as simulators:
            if catalog_is_empty(url, settings):
                print(
                    "first start: checking and importing the service catalogue from "
                    f"{settings.catalog.effective_source_dir} (about ten seconds; once only)",
                    file=sys.stderr,
                    flush=True,
                )
                _import_catalog_apart(url, settings, settings.catalog.effective_source_dir)
            # Workers are separate processes that build their settings from the environment: hand them the
            # database this process chose and the flags it was given (the issuer URL, for one, uses the port).
            os.environ["DATABASE_URL"] = url
            os.environ[ENV_NAMES["host"]] = settings.http.host
            os.environ[ENV_NAMES["port"]] = str(settings.http.port)
            os.environ[ENV_NAMES["workers"]] = str(settings.http.workers)
            _prometheus_multiprocess(settings)
            _check_port_free(
                settings.http.host, settings.http.port
            )  # again: the import may have taken seconds
            started = simulators.ready()
            print(
                f"ishenzhen {settings.environment} serving on {base}\n"
                f"  API docs (interactive): {base}/docs\n"
                f"  OpenAPI document:       {base}/docs/openapi.json\n"
                f"  Database:               {describe_url(url)}\n"
                f"{started}"
                "Press Ctrl-C to stop.",
                flush=True,
            )
            server = Granian(
                "ishenzhen.app:create_app_from_environment",
                factory=True,
                address=settings.http.host,
                port=settings.http.port,
                workers=settings.http.workers,
                interface=Interfaces.ASGI,
                log_access=False,
                backlog=2048,
            )
            server.serve()
    return 0


def _prometheus_multiprocess(settings: Settings) -> None:
    """Several workers: each writes its metrics to files in one folder, which every /metrics scrape adds up
    (prometheus-client's multiprocess mode). Emptied at start, as prometheus-client asks: the files of a
    previous run would otherwise be counted again."""
    if settings.http.workers < 2 or os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return
    folder = settings.embedded.effective_data_dir / "metrics"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)


class _Simulators:
    """What ``_department_simulators`` hands back: ``ready()`` waits for them and says what runs where."""

    def __init__(self, ready: Callable[[], str]) -> None:
        self.ready = ready


@contextmanager
def _department_simulators(url: str, settings: Settings, gateway_url: str) -> Iterator[_Simulators]:
    """Development: the department simulators, one process each for five departments and one for the rest, and
    the data-sharing platform's simulator.

    The processes are spawned on entry; ``ready()`` waits until each listens, writes the directory file and
    hands it to the gateway's workers through the environment. Their keys and the departments' client secrets
    live in the data folder (``departments/``); the simulators stop when the block ends (Ctrl-C stops the API
    first, then them).
    """
    if settings.is_production or not settings.departments.simulators:
        yield _Simulators(lambda: "")
        return
    from ishenzhen.departments.fleet import SimulatorFleet, catalog_departments
    from ishenzhen.identity.seed import seed_department_clients
    from ishenzhen.sharing.platform_process import PlatformProcess

    fleet = SimulatorFleet(
        folder=settings.embedded.effective_data_dir / "departments",
        departments=catalog_departments(settings.catalog.effective_source_dir),
        gateway_url=gateway_url,
        host=settings.http.host,
        base_port=settings.departments.simulator_port,
        pace_seconds=settings.departments.simulator_pace_seconds,
        run_name=str(settings.http.port),
    )

    async def seed() -> None:
        connection = await connect(url, settings.database.connect_timeout)
        try:
            await seed_department_clients(
                connection,
                ((c.client_id, f"{c.name}（模拟系统）", c.slug, c.secret) for c in fleet.client_secrets()),
            )
        finally:
            await connection.close()

    # The data-sharing platform's stand-in too, unless the platform's address was configured.
    platform = (
        None if ENV_NAMES["sharing_platform_url"] in os.environ else PlatformProcess(settings.http.host)
    )

    def ready() -> str:
        fleet.finish()
        if settings.departments.directory_file is None:
            os.environ[ENV_NAMES["departments_directory_file"]] = str(fleet.directory_file)
        lines = "".join(f"    {line}\n" for line in fleet.describe())
        text = f"  Department simulators ({len(fleet.departments)} departments, callbacks to {gateway_url}):\n{lines}"
        if platform is not None:
            platform.wait_ready()
            os.environ[ENV_NAMES["sharing_platform_url"]] = platform.url
            text += f"  Data-sharing platform simulator: {platform.url}\n"
        return text

    asyncio.run(seed())
    fleet.spawn()
    try:
        if platform is not None:
            platform.spawn()
        yield _Simulators(ready)
    finally:
        if platform is not None:
            platform.stop()
        fleet.stop()


def _export_openapi(settings: Settings, output: Path) -> int:
    from ishenzhen.openapi_document import render_openapi

    document = render_openapi(settings)
    if str(output) == "-":
        sys.stdout.write(document)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(document, encoding="utf-8")
        print(f"wrote {output}", file=sys.stderr)
        # The render spec's JSON Schema is published next to the API document, for app developers.
        from ishenzhen.ui.schema import SCHEMA_FILE, render_spec_schema_text

        schema_file = output.parent / SCHEMA_FILE
        schema_file.write_text(render_spec_schema_text(), encoding="utf-8")
        print(f"wrote {schema_file}", file=sys.stderr)
    return 0
