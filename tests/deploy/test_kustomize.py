"""What operators apply: every overlay rendered by `kubectl kustomize` (Kustomize v5) and each rendered
object validated, strictly, against the Kubernetes schemas (`kubernetes-validate`) or, for the operators'
custom resources, against the CRD schemas vendored in `crd-schemas/`."""

from __future__ import annotations

import json
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
OVERLAYS = sorted(p.parent for p in (ROOT / "deploy" / "k8s" / "overlays").glob("*/kustomization.yaml"))
KUBERNETES_VERSION = "1.32.0"  # the oldest release the overlays support (the kubectl on our machines)
CRD_DIR = Path(__file__).resolve().parent / "crd-schemas"
CRD_SCHEMAS = {
    ("kafka.strimzi.io/v1", "Kafka"): "kafka.strimzi.io/kafka_v1.json",
    ("kafka.strimzi.io/v1", "KafkaNodePool"): "kafka.strimzi.io/kafkanodepool_v1.json",
    ("kafka.strimzi.io/v1", "KafkaTopic"): "kafka.strimzi.io/kafkatopic_v1.json",
    ("postgresql.cnpg.io/v1", "Cluster"): "postgresql.cnpg.io/cluster_v1.json",
    ("keda.sh/v1alpha1", "ScaledObject"): "keda.sh/scaledobject_v1alpha1.json",
}


@cache
def rendered(overlay: Path) -> list[dict[str, Any]]:
    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl (with Kustomize v5) is needed to render the overlays; it is on this machine's image"
    result = subprocess.run([kubectl, "kustomize", str(overlay)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"kubectl kustomize {overlay.name} failed:\n{result.stderr}"
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def name_of(obj: dict[str, Any]) -> str:
    return f"{obj.get('kind')}/{obj.get('metadata', {}).get('name')}"


@cache
def crd_schema(path: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((CRD_DIR / path).read_text())
    return schema


def test_there_are_overlays() -> None:
    assert {overlay.name for overlay in OVERLAYS} >= {"dev", "production"}


@pytest.mark.parametrize("overlay", OVERLAYS, ids=lambda p: p.name)
def test_every_rendered_object_is_valid_for_kubernetes_or_its_operator(overlay: Path) -> None:
    problems = []
    for obj in rendered(overlay):
        crd = CRD_SCHEMAS.get((obj.get("apiVersion", ""), obj.get("kind", "")))
        try:
            if crd is not None:
                jsonschema.validate(obj, crd_schema(crd))
            else:
                kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
        except (jsonschema.ValidationError, kubernetes_validate.ValidationError) as error:
            problems.append(f"{name_of(obj)}: {error.message} at {'/'.join(map(str, error.path))}")
        except kubernetes_validate.SchemaNotFoundError:
            problems.append(f"{name_of(obj)}: no schema for {obj.get('apiVersion')} {obj.get('kind')}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("overlay", OVERLAYS, ids=lambda p: p.name)
def test_the_overlay_renders_every_service_and_every_custom_resource_kind(overlay: Path) -> None:
    objects = rendered(overlay)
    deployments = {obj["metadata"]["name"] for obj in objects if obj["kind"] == "Deployment"}
    services = {p.parent.name for p in (ROOT / "services").glob("*/pyproject.toml")}

    assert deployments >= services
    custom = {"KafkaTopic", "Cluster"} | ({"ScaledObject"} if overlay.name == "production" else set())
    assert {obj["kind"] for obj in objects} >= custom


def test_a_broken_manifest_is_caught() -> None:
    """The validation can fail: a Deployment with a misspelt field and a KafkaTopic without a spec."""
    deployment = next(obj for obj in rendered(OVERLAYS[0]) if obj["kind"] == "Deployment")
    broken = json.loads(json.dumps(deployment))
    broken["spec"]["replica"] = 2
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)
    topic = next(obj for obj in rendered(OVERLAYS[-1]) if obj["kind"] == "KafkaTopic")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            {**topic, "spec": {"partitions": "many"}}, crd_schema(CRD_SCHEMAS[("kafka.strimzi.io/v1", "KafkaTopic")])
        )


@pytest.mark.parametrize("overlay", OVERLAYS, ids=lambda p: p.name)
def test_every_database_cluster_bounds_statements_locks_idle_transactions_and_dead_clients(overlay: Path) -> None:
    clusters = [obj for obj in rendered(overlay) if obj["kind"] == "Cluster"]
    assert clusters
    for cluster in clusters:
        parameters = cluster["spec"].get("postgresql", {}).get("parameters", {})
        assert {
            "statement_timeout",
            "lock_timeout",
            "idle_in_transaction_session_timeout",
            "tcp_keepalives_idle",
            "tcp_keepalives_interval",
            "tcp_keepalives_count",
        } <= set(parameters), name_of(cluster)
