"""Checks of deploy/k8s that need neither a cluster nor kustomize.

- The generated Strimzi topics and KEDA ScaledObjects match deploy/kafka/topics.toml.
- Every manifest parses; every kustomization names files that exist, and no manifest is left out.
- Every Deployment container is hardened: non-root, read-only root filesystem, no privilege
  escalation, no capabilities, seccomp, resource requests and limits; serving containers have
  liveness and readiness probes.
- Each service has its Deployment, Service, PodDisruptionBudget and ServiceAccount, migrates in an
  initContainer when it has a database, and finds that database and the broker where the
  components put them.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
BASE = K8S / "base"
COMPONENTS = K8S / "components"
OVERLAYS = K8S / "overlays"

SERVICES = sorted(p.parent.name for p in (ROOT / "services").glob("*/pyproject.toml"))
PORTS = {
    "gateway": 8000,
    "membership": 8001,
    "events": 8002,
    "matching": 8003,
    "notifications": 8004,
    "community": 8005,
}
WITHOUT_DATABASE = {name for name in SERVICES if not (ROOT / "services" / name / "migrations").is_dir()}


def load_generator() -> Any:
    spec = importlib.util.spec_from_file_location("generate_topics", K8S / "generate_topics.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def yaml_files() -> list[Path]:
    return sorted(p for p in K8S.rglob("*") if p.suffix in {".yaml", ".yml"})


def documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]


def manifests(directory: Path = K8S) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Every Kubernetes object under `directory` (kustomization files excluded)."""
    for path in yaml_files():
        if directory in path.parents and path.name != "kustomization.yaml":
            for doc in documents(path):
                yield path, doc


def objects(kind: str, directory: Path = K8S) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for _path, doc in manifests(directory):
        if doc["kind"] == kind:
            name = doc["metadata"]["name"]
            assert name not in found, f"two {kind} objects named {name} under {directory}"
            found[name] = doc
    return found


def env_value(container: dict[str, Any], name: str) -> dict[str, Any]:
    found = [e for e in container.get("env", []) if e["name"] == name]
    assert found, f"{container['name']} does not set {name}"
    return dict(found[0])


# ---- generated files ----------------------------------------------------------------------------------


def test_generated_files_match_topics_toml() -> None:
    generator = load_generator()
    stale = [
        path.relative_to(ROOT)
        for path, content in generator.render().items()
        if not path.exists() or path.read_text() != content
    ]
    assert not stale, (
        f"{', '.join(map(str, stale))} differ from deploy/kafka/topics.toml; "
        "run `uv run python deploy/k8s/generate_topics.py` and commit the result"
    )


def test_kafka_topics_cover_every_topic_and_dead_letter_topic() -> None:
    plan = load_generator().load_plan(ROOT / "deploy" / "kafka" / "topics.toml")
    topics = {doc["spec"].get("topicName", name): doc for name, doc in objects("KafkaTopic").items()}
    expected = {t.name for t in plan.topics}
    assert set(topics) == expected
    for group, names in plan.groups.items():
        for name in names:
            assert f"{name}.{group}.dlq" in topics, f"no dead-letter topic for {group} on {name}"
    contact = topics["membership.contact.v1"]["spec"]["config"]
    assert contact["cleanup.policy"] == "compact", "contact data is compacted so a tombstone erases it"
    for name, doc in topics.items():
        assert "retention.ms" in doc["spec"]["config"], f"{name} has no retention"
        if name.endswith(".dlq"):
            assert doc["spec"]["config"].get("cleanup.policy", "delete") == "delete", (
                f"{name}: dead letters must expire, never be compacted"
            )
    kafka_clusters = set(objects("Kafka", COMPONENTS / "strimzi"))
    for name, doc in objects("KafkaTopic").items():
        assert doc["metadata"]["labels"]["strimzi.io/cluster"] in kafka_clusters, name


def test_scaled_objects_follow_consumer_groups() -> None:
    plan = load_generator().load_plan(ROOT / "deploy" / "kafka" / "topics.toml")
    scaled = objects("ScaledObject")
    deployments = objects("Deployment", BASE)
    assert set(scaled) == set(plan.groups), "one ScaledObject per consumer group in topics.toml"
    for group, doc in scaled.items():
        target = doc["spec"]["scaleTargetRef"]["name"]
        assert target in deployments, f"ScaledObject {group} scales unknown Deployment {target}"
        triggers = doc["spec"]["triggers"]
        assert {t["metadata"]["topic"] for t in triggers} == set(plan.groups[group])
        assert {t["metadata"]["consumerGroup"] for t in triggers} == {group}
        assert doc["spec"]["minReplicaCount"] >= 2


# ---- every manifest -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", yaml_files(), ids=lambda p: str(p.relative_to(K8S)))
def test_manifest_parses_and_names_its_kind(path: Path) -> None:
    docs = documents(path)
    assert docs, f"{path} holds no document"
    for doc in docs:
        assert doc.get("apiVersion") and doc.get("kind"), f"{path}: a document without apiVersion/kind"
        if path.name != "kustomization.yaml":
            assert doc["metadata"]["name"], f"{path}: an object without a name"


def kustomizations() -> list[Path]:
    return sorted(K8S.rglob("kustomization.yaml"))


@pytest.mark.parametrize("path", kustomizations(), ids=lambda p: str(p.parent.relative_to(K8S)))
def test_kustomization_references_exist_and_cover_the_directory(path: Path) -> None:
    (kustomization,) = documents(path)
    expected_kind = "Component" if COMPONENTS in path.parents else "Kustomization"
    assert kustomization["kind"] == expected_kind
    referenced: set[Path] = set()
    for entry in kustomization.get("resources", []) + kustomization.get("components", []):
        target = (path.parent / entry).resolve()
        assert target.exists(), f"{path}: {entry} does not exist"
        if target.is_dir():
            assert (target / "kustomization.yaml").is_file(), f"{path}: {entry} is not a kustomization"
        referenced.add(target)
    for patch in kustomization.get("patches", []):
        if "path" in patch:
            target = (path.parent / patch["path"]).resolve()
            assert target.is_file(), f"{path}: patch {patch['path']} does not exist"
            referenced.add(target)
    for component in kustomization.get("components", []):
        assert (path.parent / component).resolve().parent == COMPONENTS.resolve()
    orphans = [
        p.name for p in path.parent.glob("*.yaml") if p.name != "kustomization.yaml" and p.resolve() not in referenced
    ]
    assert not orphans, f"{path}: {orphans} are in the directory but not in the kustomization"


def deployment_containers() -> list[tuple[str, dict[str, Any], dict[str, Any], bool]]:
    """(id, pod spec, container, is_init) for every Deployment container under deploy/k8s."""
    found = []
    for path, doc in manifests():
        if doc["kind"] != "Deployment":
            continue
        pod = doc["spec"]["template"]["spec"]
        for is_init, key in ((True, "initContainers"), (False, "containers")):
            for container in pod.get(key, []):
                label = f"{path.relative_to(K8S)}:{doc['metadata']['name']}/{container['name']}"
                found.append((label, pod, container, is_init))
    return found


@pytest.mark.parametrize(
    ("label", "pod", "container", "is_init"), deployment_containers(), ids=[c[0] for c in deployment_containers()]
)
def test_deployment_container_is_hardened(
    label: str, pod: dict[str, Any], container: dict[str, Any], is_init: bool
) -> None:
    pod_sc = pod.get("securityContext", {})
    sc = container.get("securityContext", {})

    def effective(key: str) -> Any:
        return sc.get(key, pod_sc.get(key))

    assert effective("runAsNonRoot") is True, f"{label}: runAsNonRoot"
    assert effective("runAsUser") != 0, f"{label}: runs as UID 0"
    assert sc.get("readOnlyRootFilesystem") is True, f"{label}: root filesystem is writable"
    assert sc.get("allowPrivilegeEscalation") is False, f"{label}: privilege escalation allowed"
    assert "ALL" in sc.get("capabilities", {}).get("drop", []), f"{label}: capabilities not dropped"
    assert not sc.get("capabilities", {}).get("add"), f"{label}: adds capabilities"
    assert (effective("seccompProfile") or {}).get("type") == "RuntimeDefault", f"{label}: no seccomp profile"
    assert not sc.get("privileged"), f"{label}: privileged"

    resources = container.get("resources", {})
    for kind in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(resources.get(kind, {})), f"{label}: {kind} need cpu and memory"

    # The one writable place: /tmp, on an emptyDir.
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    tmp = [m for m in container.get("volumeMounts", []) if m["mountPath"] == "/tmp"]
    assert tmp and "emptyDir" in volumes[tmp[0]["name"]], f"{label}: needs an emptyDir at /tmp"

    if not is_init:
        for probe in ("livenessProbe", "readinessProbe"):
            assert probe in container, f"{label}: no {probe}"


# ---- the services -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SERVICES)
def test_service_has_its_objects(name: str) -> None:
    deployment = objects("Deployment", BASE).get(name)
    service = objects("Service", BASE).get(name)
    pdb = objects("PodDisruptionBudget", BASE).get(name)
    account = objects("ServiceAccount", BASE).get(name)
    assert deployment and service and pdb and account, f"base lacks an object for {name}"

    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    selector = deployment["spec"]["selector"]["matchLabels"]
    assert selector.items() <= pod_labels.items()
    assert service["spec"]["selector"].items() <= pod_labels.items()
    assert pdb["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    assert pod_labels.get("app.kubernetes.io/part-of") == "fellowship", "NetworkPolicies select on it"

    pod = deployment["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] == name
    (container,) = [c for c in pod["containers"] if c["name"] == name]
    assert container["command"] == [f"fellowship-{name}", "serve"]
    assert container["image"] == f"fellowship/{name}"
    assert container["ports"] == [{"name": "http", "containerPort": PORTS[name]}]
    assert service["spec"]["ports"][0]["port"] == PORTS[name]
    assert env_value(container, "HTTP_PORT")["value"] == str(PORTS[name])
    assert container["livenessProbe"]["httpGet"]["path"] == "/health"
    assert container["readinessProbe"]["httpGet"]["path"] == "/ready"


@pytest.mark.parametrize("name", SERVICES)
def test_service_migrates_its_own_database_first(name: str) -> None:
    pod = objects("Deployment", BASE)[name]["spec"]["template"]["spec"]
    if name in WITHOUT_DATABASE:
        assert not pod.get("initContainers"), f"{name} has no database to migrate"
        return
    (migrate,) = pod["initContainers"]
    assert migrate["command"] == [f"fellowship-{name}", "migrate"]
    assert migrate["image"] == f"fellowship/{name}"
    clusters = objects("Cluster", COMPONENTS / "cloudnative-pg")
    cluster = clusters[f"{name}-db"]
    assert cluster["spec"]["bootstrap"]["initdb"] == {"database": name, "owner": name}
    (server,) = [c for c in pod["containers"] if c["name"] == name]
    for container in (migrate, server):
        # CloudNativePG writes <cluster>-app with a `uri` key: the DATABASE_URL the service reads.
        ref = env_value(container, "DATABASE_URL")["valueFrom"]["secretKeyRef"]
        assert ref == {"name": f"{name}-db-app", "key": "uri"}


def test_configuration_points_at_the_strimzi_cluster_with_the_kafka_profile() -> None:
    (kustomization,) = documents(BASE / "kustomization.yaml")
    generators = {
        g["name"]: dict(item.split("=", 1) for item in g["literals"]) for g in kustomization["configMapGenerator"]
    }
    config = generators["fellowship-config"]
    assert config["KAFKA_PROFILE"] == "kafka"
    (kafka_name,) = objects("Kafka", COMPONENTS / "strimzi")
    assert config["KAFKA_BOOTSTRAP_SERVERS"] == f"{kafka_name}-kafka-bootstrap:9092"
    assert config["HTTP_HOST"] == "0.0.0.0"
    for _path, doc in manifests(BASE):
        if doc["kind"] == "Deployment":
            pod = doc["spec"]["template"]["spec"]
            for container in pod.get("initContainers", []) + pod["containers"]:
                refs = [e["configMapRef"]["name"] for e in container.get("envFrom", [])]
                assert "fellowship-config" in refs, f"{doc['metadata']['name']}/{container['name']}"


def test_strimzi_kafka_disables_topic_auto_creation() -> None:
    (kafka,) = objects("Kafka", COMPONENTS / "strimzi").values()
    assert kafka["spec"]["kafka"]["config"]["auto.create.topics.enable"] is False
    assert "topicOperator" in kafka["spec"]["entityOperator"], "KafkaTopic objects need the topic operator"
    pools = objects("KafkaNodePool", COMPONENTS / "strimzi").values()
    assert any({"broker", "controller"} <= set(p["spec"]["roles"]) for p in pools), "KRaft controllers"


def test_gateway_autoscales_on_cpu() -> None:
    (hpa,) = objects("HorizontalPodAutoscaler", COMPONENTS / "hpa").values()
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "gateway"}
    assert hpa["spec"]["minReplicas"] >= 2


def test_network_policies_use_ports_the_pods_name() -> None:
    for name, policy in objects("NetworkPolicy", COMPONENTS / "network-policies").items():
        for rule in policy["spec"].get("ingress", []):
            for port in rule.get("ports", []):
                assert port["port"] in ("http", 5432, 8000), f"{name}: unexpected port {port['port']}"


# ---- overlays -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("overlay", sorted(p.name for p in OVERLAYS.iterdir() if p.is_dir()))
def test_overlay_is_complete(overlay: str) -> None:
    (kustomization,) = documents(OVERLAYS / overlay / "kustomization.yaml")
    assert kustomization.get("namespace"), "an overlay picks its namespace"
    assert "../../base" in kustomization["resources"]
    tagged = {image["name"] for image in kustomization.get("images", []) if image.get("newTag")}
    assert tagged == {f"fellowship/{name}" for name in SERVICES}, "every image gets an explicit tag"
    merged = {
        g["name"]: dict(item.split("=", 1) for item in g["literals"])
        for g in kustomization.get("configMapGenerator", [])
    }
    components = {Path(c).name for c in kustomization.get("components", [])}
    if "keda" in components:
        # KEDA's operator resolves the address from its own namespace.
        servers = merged["fellowship-config"]["KAFKA_BOOTSTRAP_SERVERS"]
        assert f".{kustomization['namespace']}.svc:" in servers
    if "strimzi" in components:
        assert {"strimzi", "cloudnative-pg"} <= components, "the services need both Kafka and databases"
