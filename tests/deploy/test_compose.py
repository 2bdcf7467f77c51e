"""Checks of docker-compose.yml and the one Dockerfile that need no Docker engine.

The file is validated against the Compose specification schema vendored in check-jsonschema, then
against what a person running `docker compose up` relies on: every service is there and built from
the one Dockerfile (by its SERVICE and PORT arguments), images run as a non-root user, the real broker profile is used, topics come
from deploy/kafka/topics.toml only, and nothing starts before its database and topics are ready.
"""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
TOPICS_FILE = ROOT / "deploy" / "kafka" / "topics.toml"
INIT_SQL = ROOT / "deploy" / "compose" / "init-databases.sql"

SERVICES = sorted(p.parent.name for p in (ROOT / "services").glob("*/pyproject.toml"))
# ARCHITECTURE.md §8: default local ports.
PORTS = {
    "gateway": 8000,
    "membership": 8001,
    "events": 8002,
    "matching": 8003,
    "notifications": 8004,
    "community": 8005,
}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    # safe_load resolves the `<<` merge keys the file uses for its shared fragments.
    data: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text())
    return data


def environment(service: dict[str, Any]) -> dict[str, str]:
    """A service's environment as a mapping, whichever of the two Compose forms it uses.

    A variable listed without a value (taken from the host's environment) maps to "".
    """
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def command(service: dict[str, Any]) -> list[str]:
    cmd = service.get("command") or []
    return shlex.split(cmd) if isinstance(cmd, str) else [str(part) for part in cmd]


def depends_on(service: dict[str, Any]) -> dict[str, str]:
    """Dependency name -> condition (the short list form means service_started)."""
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return {name: "service_started" for name in deps}
    return {name: spec.get("condition", "service_started") for name, spec in deps.items()}


# ---- Dockerfiles --------------------------------------------------------------------------------------


def dockerfile_instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = pending + line
        pending = ""
        keyword, _, args = line.partition(" ")
        instructions.append((keyword.upper(), args.strip()))
    assert not pending, f"{path} ends inside a continued line"
    return instructions


def final_stage(path: Path, build_args: dict[str, str] | None = None) -> tuple[str, list[tuple[str, str]]]:
    """The final stage's base image and its instructions, with global ARG defaults and `build_args`
    substituted."""
    instructions = dockerfile_instructions(path)
    global_args: dict[str, str] = {}
    for keyword, args in instructions:
        if keyword == "FROM":
            break
        if keyword == "ARG" and "=" in args:
            name, value = args.split("=", 1)
            global_args[name] = value
    values = {**global_args, **(build_args or {})}

    def substitute(text: str) -> str:
        return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: values.get(m[1] or m[2], m[0]), text)

    last_from = max(i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM")
    base = substitute(instructions[last_from][1].split()[0])
    return base, [(keyword, substitute(args)) for keyword, args in instructions[last_from + 1 :]]


DOCKERFILE = ROOT / "Dockerfile"


def build_args(name: str) -> dict[str, str]:
    return {"SERVICE": name, "PORT": str(PORTS[name])}


def test_there_is_one_dockerfile_for_every_service() -> None:
    assert DOCKERFILE.is_file()
    assert not list((ROOT / "services").glob("*/Dockerfile")), "services share the root Dockerfile"
    text = DOCKERFILE.read_text()
    assert "ARG SERVICE" in text and "ARG PORT" in text


@pytest.mark.parametrize("name", SERVICES)
def test_every_service_is_built_from_the_one_dockerfile_in_compose(name: str, compose: dict[str, Any]) -> None:
    service = compose["services"].get(name)
    assert service is not None, f"docker-compose.yml has no service {name!r}"
    assert service["build"]["dockerfile"] == "Dockerfile"
    assert service["build"]["args"] == build_args(name)
    # Dockerfiles copy shared/ and uv.lock: only the repository root works as their context.
    assert (COMPOSE_FILE.parent / service["build"]["context"]).resolve() == ROOT


@pytest.mark.parametrize("name", SERVICES)
def test_dockerfile_final_stage_runs_as_a_numeric_non_root_user(name: str) -> None:
    _, stage = final_stage(DOCKERFILE, build_args(name))
    users = [args for keyword, args in stage if keyword == "USER"]
    assert users, f"Dockerfile ({name}): the final stage never sets USER, so it runs as root"
    user = users[-1].split(":")[0]
    # Numeric, so Kubernetes can check runAsNonRoot without resolving a name in /etc/passwd.
    assert user.isdigit(), f"Dockerfile ({name}): USER {users[-1]} should be a numeric UID"
    assert int(user) != 0, f"Dockerfile ({name}): USER is root"


@pytest.mark.parametrize("name", SERVICES)
def test_dockerfile_builds_from_the_lock_and_serves_with_a_healthcheck(name: str) -> None:
    text = DOCKERFILE.read_text()
    assert "uv==0.13.8" in text, "the builder must use the uv version that wrote uv.lock"
    assert "uv sync --frozen --no-dev --package ${SERVICE}" in text
    base, stage = final_stage(DOCKERFILE, build_args(name))
    assert base == "python:3.11-slim"
    assert not any("uv" in args.split() for keyword, args in stage if keyword == "RUN"), (
        "the runtime stage must not install anything with uv"
    )
    exposed = [args for keyword, args in stage if keyword == "EXPOSE"]
    assert exposed == [str(PORTS[name])]
    healthchecks = [args for keyword, args in stage if keyword == "HEALTHCHECK"]
    assert len(healthchecks) == 1 and "/health" in healthchecks[0] and "urllib" in healthchecks[0]
    cmds = [json.loads(args) for keyword, args in stage if keyword == "CMD"]
    assert cmds[-1] == ["fellowship-service", "serve"]
    assert f'ln -s "fellowship-{name}" /app/.venv/bin/fellowship-service' in (
        DOCKERFILE.read_text().replace("${SERVICE}", name)
    ), "fellowship-service must run the service's own command"


def test_dockerignore_keeps_local_state_out_of_the_build_context() -> None:
    patterns = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    for required in (".git", ".venv", ".data", ".tools", "**/__pycache__"):
        assert required in patterns, f".dockerignore should exclude {required}"
    # The images need these, so nothing may exclude them.
    assert not patterns & {"README.md", "uv.lock", "pyproject.toml", "shared", "services"}


# ---- docker-compose.yml -------------------------------------------------------------------------------


def test_compose_file_is_valid_against_the_compose_specification(compose: dict[str, Any]) -> None:
    schema_file = resources.files("check_jsonschema") / "builtin_schemas" / "vendor" / "compose-spec.json"
    schema = json.loads(schema_file.read_text())
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    errors = sorted(validator_class(schema).iter_errors(compose), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors)


def test_depends_on_names_existing_services(compose: dict[str, Any]) -> None:
    names = set(compose["services"])
    for name, service in compose["services"].items():
        unknown = set(depends_on(service)) - names
        assert not unknown, f"{name} depends on unknown services {unknown}"


@pytest.mark.parametrize("name", SERVICES)
def test_service_uses_apache_kafka_profile_and_its_port(name: str, compose: dict[str, Any]) -> None:
    service = compose["services"][name]
    env = environment(service)
    assert env["KAFKA_PROFILE"] == "kafka"
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
    assert env["HTTP_HOST"] == "0.0.0.0", "the default 127.0.0.1 is unreachable from other containers"
    assert env["HTTP_PORT"] == str(PORTS[name])
    assert f"{PORTS[name]}:{PORTS[name]}" in [str(p) for p in service["ports"]]
    assert command(service) == [f"fellowship-{name}", "serve"]


def test_every_container_of_ours_runs_with_a_read_only_root(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        if "build" not in service:
            continue
        assert service.get("read_only") is True, f"{name} should run with read_only: true"
        assert "/tmp" in service.get("tmpfs", []), f"{name} needs a tmpfs at /tmp"
        assert "ALL" in service.get("cap_drop", []), f"{name} should drop every capability"


def test_kafka_is_kraft_without_topic_auto_creation(compose: dict[str, Any]) -> None:
    kafka = compose["services"]["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    env = environment(kafka)
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert "INTERNAL://kafka:9092" in env["KAFKA_ADVERTISED_LISTENERS"].split(",")
    assert "healthcheck" in kafka


def test_topics_step_creates_topics_from_the_one_topics_file(compose: dict[str, Any]) -> None:
    topics = compose["services"]["topics"]
    args = command(topics)
    assert args[:2] == ["fellowship-topics", "create"]
    assert args[args.index("--bootstrap-servers") + 1] == "kafka:9092"
    assert args[args.index("--replication-factor") + 1] == "1", "the compose cluster has one broker"
    file_in_container = args[args.index("--file") + 1]
    mounts = {}
    for volume in topics.get("volumes", []):
        source, target = volume.split(":")[:2]
        mounts[target] = (COMPOSE_FILE.parent / source).resolve()
    assert mounts.get(file_in_container) == TOPICS_FILE, (
        f"{file_in_container} should be deploy/kafka/topics.toml mounted from the work tree"
    )
    assert tomllib.loads(TOPICS_FILE.read_text())["topics"], "topics.toml lists no topics"
    assert depends_on(topics) == {"kafka": "service_healthy"}


@pytest.mark.parametrize("name", SERVICES)
def test_service_starts_after_its_migrations_and_the_topics(name: str, compose: dict[str, Any]) -> None:
    services = compose["services"]
    deps = depends_on(services[name])
    env = environment(services[name])
    if "DATABASE_URL" not in env:
        assert f"migrate-{name}" not in services
        return
    assert deps.get("topics") == "service_completed_successfully"
    assert deps.get(f"migrate-{name}") == "service_completed_successfully"
    migrate = services[f"migrate-{name}"]
    assert command(migrate) == [f"fellowship-{name}", "migrate"]
    assert migrate["image"] == services[name]["image"]
    assert environment(migrate)["DATABASE_URL"] == env["DATABASE_URL"]
    assert depends_on(migrate) == {"postgres": "service_healthy"}


@pytest.mark.parametrize("name", [s for s in SERVICES if s != "gateway"])
def test_each_service_has_its_own_database_and_role(name: str, compose: dict[str, Any]) -> None:
    url = environment(compose["services"][name])["DATABASE_URL"]
    match = re.fullmatch(r"postgresql://(\w+):[^@]+@postgres:5432/(\w+)", url)
    assert match, f"{name}: unexpected DATABASE_URL {url}"
    assert match.groups() == (name, name), "one database and one role per service, named after it"
    sql = INIT_SQL.read_text()
    assert f"CREATE ROLE {name} LOGIN" in sql
    assert f"CREATE DATABASE {name} OWNER {name};" in sql
    postgres = compose["services"]["postgres"]
    assert postgres["image"] == "postgres:17"
    assert any(
        v.startswith("./deploy/compose/init-databases.sql:/docker-entrypoint-initdb.d/") for v in postgres["volumes"]
    )


def test_notifications_sends_mail_to_the_sink(compose: dict[str, Any]) -> None:
    services = compose["services"]
    env = environment(services["notifications"])
    assert (env["SMTP_HOST"], env["SMTP_PORT"]) == ("mailpit", "1025")
    assert services["mailpit"]["image"].startswith("axllent/mailpit:")
    assert depends_on(services["notifications"])["mailpit"] == "service_healthy"


def test_gateway_reaches_every_service(compose: dict[str, Any]) -> None:
    gateway = compose["services"]["gateway"]
    env = environment(gateway)
    for name in SERVICES:
        if name == "gateway":
            continue
        assert env[f"{name.upper()}_URL"] == f"http://{name}:{PORTS[name]}"
        assert depends_on(gateway)[name] == "service_healthy"
