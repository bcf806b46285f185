"""The deployment files, checked offline with the tools their platforms use: promtool for the Prometheus
configuration and alert rules (with unit tests of every alert), compose-go for the Compose file, kustomize
and the Kubernetes, Strimzi and CloudNativePG schemas for the manifests, and the commands every container runs."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from click.testing import CliRunner

from services.cli import main as bangkom

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
TOOLS = Path(os.environ.get("BANGKOM_CACHE_DIR", Path.home() / ".cache/bangkom")) / "tools/bin"
KUBERNETES_VERSION = "1.33.0"


def tool(name: str) -> str:
    path = TOOLS / name
    assert path.exists(), f"{path} is missing: run deploy/tools/install.sh (make test does)"
    return str(path)


def run(*command: str, stdin: str | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(command, input=stdin, capture_output=True, text=True, cwd=cwd, timeout=300)


def code_metrics() -> set[str]:
    """Every metric name the services and workers expose (the names in their source)."""
    names = set()
    for path in [*ROOT.joinpath("shared").rglob("*.py"), *ROOT.joinpath("services").rglob("*.py")]:
        names |= set(re.findall(r'"(bangkom_[a-z_]+)"', path.read_text()))
    return names


def used_metrics(expression: str) -> set[str]:
    return {re.sub(r"_(bucket|sum|count|created)$", "", n) for n in re.findall(r"\bbangkom_[a-z_]+", expression)}


# --- Prometheus ---------------------------------------------------------------------------------


def test_prometheus_configuration_and_rules_pass_promtool():
    checked = run(tool("promtool"), "check", "config", "prometheus.yml", cwd=DEPLOY / "prometheus")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "SUCCESS: 13 rules found" in checked.stdout


def test_every_alert_fires_in_its_unit_test():
    tested = run(tool("promtool"), "test", "rules", "alerts.test.yml", cwd=DEPLOY / "prometheus")
    assert tested.returncode == 0, tested.stdout + tested.stderr
    rules = yaml.safe_load((DEPLOY / "prometheus/alerts.yml").read_text())["groups"][0]["rules"]
    tests = (DEPLOY / "prometheus/alerts.test.yml").read_text()
    for rule in rules:
        assert f"alertname: {rule['alert']}\n        exp_alerts:\n          - exp_labels" in tests, rule["alert"]


def test_promtool_refuses_a_broken_rule(tmp_path):
    (tmp_path / "broken.yml").write_text("groups:\n  - name: x\n    rules:\n      - alert: X\n        expr: rate(\n")
    checked = run(tool("promtool"), "check", "rules", str(tmp_path / "broken.yml"))
    assert checked.returncode != 0


def test_alerts_and_dashboard_use_only_metrics_the_code_exposes():
    exposed = code_metrics()
    rules = yaml.safe_load((DEPLOY / "prometheus/alerts.yml").read_text())["groups"][0]["rules"]
    dashboard = json.loads((DEPLOY / "grafana/dashboards/bangkom.json").read_text())
    expressions = [r["expr"] for r in rules] + [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    unknown = set().union(*(used_metrics(e) for e in expressions)) - exposed
    assert not unknown, f"not exposed by any service: {sorted(unknown)}"
    # and the concerns ops asked for each have an alert
    alerts = {r["alert"] for r in rules}
    assert {
        "BangkomConsumerLagGrowing",
        "BangkomDeadLetters",
        "BangkomOutboxBacklog",
        "BangkomOutboxStale",
        "BangkomHttp5xxRate",
        "BangkomServiceDown",
        "BangkomSimpegHistoryFailed",
    } <= alerts


# --- Grafana ------------------------------------------------------------------------------------


def test_the_dashboard_is_provisioned_with_one_row_per_concern():
    dashboard = json.loads((DEPLOY / "grafana/dashboards/bangkom.json").read_text())
    rows = [p["title"] for p in dashboard["panels"] if p["type"] == "row"]
    for concern in ("HTTP", "Events", "Outbox", "kompetensi", "SIMPEG", "Gateway"):
        assert any(concern in title for title in rows), concern
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    datasource = yaml.safe_load((DEPLOY / "grafana/provisioning/datasources/prometheus.yml").read_text())
    uid = datasource["datasources"][0]["uid"]
    assert {p["datasource"]["uid"] for p in dashboard["panels"] if p["type"] != "row"} == {uid}
    provider = yaml.safe_load((DEPLOY / "grafana/provisioning/dashboards/bangkom.yml").read_text())
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    mounts = compose["services"]["grafana"]["volumes"]
    assert f"./grafana/dashboards:{provider['providers'][0]['options']['path']}:ro" in mounts


# --- Compose ------------------------------------------------------------------------------------


def test_the_compose_file_loads_as_docker_compose_would():
    loaded = run(tool("composecheck"), "deploy/docker-compose.yml", "deploy/compose/env.example")
    assert loaded.returncode == 0, loaded.stderr
    assert set(loaded.stdout.split()) == {
        "kafka-1",
        "kafka-2",
        "kafka-3",
        "topics",
        "postgres",
        "backup",
        "migrate",
        "gateway",
        "needs",
        "training",
        "evaluation",
        "notifications",
        "audit",
        "needs-worker",
        "training-worker",
        "evaluation-worker",
        "notifications-worker",
        "gateway-worker",
        "audit-worker",
        "prometheus",
        "grafana",
    }


def test_composecheck_refuses_a_broken_compose_file(tmp_path):
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    compose["services"]["grafana"]["depends_on"] = ["promethe"]
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(yaml.safe_dump(compose))
    loaded = run(tool("composecheck"), str(broken), str(DEPLOY / "compose/env.example"))
    assert loaded.returncode != 0 and "promethe" in loaded.stderr
    missing = run(tool("composecheck"), "deploy/docker-compose.yml")  # no secrets given: refused by name
    assert (
        missing.returncode != 0 and "is missing a value: set" in missing.stderr and "in deploy/.env" in missing.stderr
    )


# --- Kubernetes ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def manifests(tmp_path_factory) -> list[dict]:
    folder = tmp_path_factory.mktemp("k8s") / "k8s"
    shutil.copytree(DEPLOY / "k8s", folder)
    shutil.copy(folder / "secrets.env.example", folder / "secrets.env")
    built = run(tool("kustomize"), "build", str(folder))
    assert built.returncode == 0, built.stderr
    return [d for d in yaml.safe_load_all(built.stdout) if d]


def test_the_manifests_match_the_kubernetes_schemas(manifests):
    core = [m for m in manifests if not m["apiVersion"].startswith("kafka.strimzi.io/")]
    for manifest in core:
        kubernetes_validate.validate(manifest, KUBERNETES_VERSION, strict=True)
    kinds = {(m["kind"], m["metadata"]["name"]) for m in manifests}
    for service in ("needs", "training", "evaluation", "notifications", "gateway", "audit"):
        assert {("Deployment", service), ("Service", service), ("HorizontalPodAutoscaler", service)} <= kinds
    for service in ("needs", "training", "evaluation", "notifications", "audit"):
        assert {("Deployment", f"{service}-worker"), ("HorizontalPodAutoscaler", f"{service}-worker")} <= kinds
    assert ("Deployment", "gateway-worker") in kinds and ("PersistentVolumeClaim", "needs-certificates") in kinds
    assert ("CronJob", "simpeg-sync") in kinds and ("Job", "bangkom-migrate") in kinds


def test_the_strimzi_resources_match_the_operators_schemas(manifests):
    checked = run("node", "deploy/tools/crdcheck/check.mjs", stdin=json.dumps(manifests))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "ok Kafka/bangkom" in checked.stdout and "ok KafkaNodePool/dual-role" in checked.stdout
    topics = {line.split("/")[1] for line in checked.stdout.splitlines() if line.startswith("ok KafkaTopic/")}
    services = ("needs", "training", "evaluation", "notifications", "gateway")
    assert topics == {f"bangkom.{s}.v1" for s in ("needs", "training", "evaluation")} | {
        f"bangkom.{s}.audit.v1" for s in services
    } | {f"bangkom.dlq.{s}" for s in ("needs", "training", "evaluation", "notifications", "gateway", "audit")}


def test_the_validators_refuse_broken_manifests(manifests):
    deployment = next(m for m in manifests if m["kind"] == "Deployment")
    broken = json.loads(json.dumps(deployment))
    broken["spec"]["replica"] = 2  # a typo Kubernetes would silently ignore
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)
    topic = json.loads(json.dumps(next(m for m in manifests if m["kind"] == "KafkaTopic")))
    topic["spec"]["partitions"] = "twelve"
    checked = run("node", "deploy/tools/crdcheck/check.mjs", stdin=json.dumps([topic]))
    assert checked.returncode == 1 and "partitions must be integer" in checked.stdout
    cluster = json.loads(json.dumps(next(m for m in postgres_manifests() if m["kind"] == "Cluster")))
    del cluster["spec"]["backup"]["barmanObjectStore"]["destinationPath"]
    checked = run("node", "deploy/tools/crdcheck/check.mjs", stdin=json.dumps([cluster]))
    assert checked.returncode == 1 and "must have required property destinationPath" in checked.stdout


def postgres_manifests() -> list[dict]:
    """deploy/k8s/postgres built by kustomize (the example credentials), and the restore example."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "postgres"
        shutil.copytree(DEPLOY / "k8s/postgres", copy)
        shutil.copy(copy / "backup-storage.env.example", copy / "backup-storage.env")
        built = run(tool("kustomize"), "build", str(copy))
        assert built.returncode == 0, built.stderr
    restore = yaml.safe_load((DEPLOY / "k8s/postgres/restore.example.yaml").read_text())
    return [d for d in yaml.safe_load_all(built.stdout) if d] + [restore]


def test_every_service_database_in_the_cluster_is_backed_up_for_point_in_time_recovery():
    manifests = postgres_manifests()
    checked = run("node", "deploy/tools/crdcheck/check.mjs", stdin=json.dumps(manifests))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    clusters = {m["metadata"]["name"]: m["spec"] for m in manifests if m["kind"] == "Cluster"}
    scheduled = {m["spec"]["cluster"]["name"] for m in manifests if m["kind"] == "ScheduledBackup"}
    for service in ("needs", "training", "evaluation", "notifications", "gateway", "audit"):
        spec = clusters[f"{service}-db"]
        assert spec["bootstrap"]["initdb"]["database"] == f"bangkom_{service}"
        assert spec["backup"]["barmanObjectStore"]["destinationPath"].endswith(f"/{service}")
        assert spec["postgresql"]["parameters"]["archive_timeout"] == "60s" and f"{service}-db" in scheduled
    restored = clusters["evaluation-db-restored"]["bootstrap"]["recovery"]
    assert restored["source"] == "evaluation-db" and "targetTime" in restored["recoveryTarget"]
    secret = next(m for m in manifests if m["kind"] == "Secret")
    kubernetes_validate.validate(secret, KUBERNETES_VERSION, strict=True)


def test_probes_secrets_and_the_sync_schedule(manifests):
    secret = next(m for m in manifests if m["kind"] == "Secret")
    for deployment in (m for m in manifests if m["kind"] == "Deployment"):
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert container["livenessProbe"] and container["readinessProbe"] and container["resources"]["limits"]
        for variable in container.get("env", []):  # every secret value comes from the generated Secret
            if "valueFrom" in variable:
                ref = variable["valueFrom"]["secretKeyRef"]
                assert ref["name"] == secret["metadata"]["name"] and ref["key"] in secret["data"]
    cronjob = next(m for m in manifests if m["kind"] == "CronJob")
    assert cronjob["spec"]["concurrencyPolicy"] == "Forbid"


# --- one image, every command -------------------------------------------------------------------


def container_commands(manifests) -> list[list[str]]:
    commands = []
    for manifest in manifests:
        spec = manifest.get("spec", {})
        pod = spec.get("template", {}).get("spec") or spec.get("jobTemplate", {}).get("spec", {}).get(
            "template", {}
        ).get("spec")
        for container in (pod or {}).get("containers", []):
            if "args" in container and "command" not in container:
                commands.append(container["args"])
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    commands += [
        s["command"]
        for s in compose["services"].values()
        if s.get("image", "").startswith("${BANGKOM_IMAGE") and "entrypoint" not in s
    ]
    for line in (DEPLOY / "demo/Procfile").read_text().splitlines():
        if "exec bangkom" in line:
            commands.append(line.split("exec bangkom", 1)[1].split())
    return commands


def test_every_container_command_is_a_bangkom_command(manifests):
    commands = container_commands(manifests)
    assert len(commands) == 13 + 13 + 12  # Kubernetes (12 Deployments, the CronJob), Compose (and its topics), Procfile
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["bangkom"]' in dockerfile
    runner = CliRunner()
    for command in commands:
        answer = runner.invoke(bangkom, [*command, "--help"])
        assert answer.exit_code == 0, (command, answer.output)


# --- the topic plan -----------------------------------------------------------------------------


def test_kubernetes_and_compose_create_the_topics_of_the_plan_with_the_settings_the_cluster_test_proved(manifests):
    """Strimzi's KafkaTopics are the plan (shared/topics.py) at config.yaml's partitions and replication; the brokers
    of both keep two copies in sync and create no topic by themselves; Compose creates the plan with the same
    settings (`bangkom topics create`) before any service starts."""
    from shared.config import Settings
    from shared.topics import plan

    config = next(m for m in manifests if m["kind"] == "ConfigMap" and "KAFKA_TOPIC_PARTITIONS" in m.get("data", {}))
    settings = Settings(
        service="topics",
        database_url="",
        kafka_topic_partitions=int(config["data"]["KAFKA_TOPIC_PARTITIONS"]),
        kafka_replication_factor=int(config["data"]["KAFKA_REPLICATION_FACTOR"]),
    )
    planned = {t.name: (t.partitions, t.replication_factor, t.config) for t in plan(settings)}
    strimzi = {
        m["metadata"]["name"]: (
            m["spec"]["partitions"],
            m["spec"]["replicas"],
            {k: str(v) for k, v in m["spec"]["config"].items()},
        )
        for m in manifests
        if m["kind"] == "KafkaTopic"
    }
    assert strimzi == planned
    kafka = next(m for m in manifests if m["kind"] == "Kafka")["spec"]["kafka"]["config"]
    assert (kafka["min.insync.replicas"], kafka["default.replication.factor"]) == (2, 3)
    assert kafka["auto.create.topics.enable"] is False

    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())["services"]
    nodes = [compose[f"kafka-{n}"]["environment"] for n in (1, 2, 3)]
    for node in nodes:
        assert (node["KAFKA_MIN_INSYNC_REPLICAS"], node["KAFKA_DEFAULT_REPLICATION_FACTOR"]) == ("2", "3")
        assert node["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    topics = compose["topics"]
    assert topics["command"] == ["topics", "create"]
    for service in ("topics", "needs", "needs-worker", "gateway"):
        env = compose[service]["environment"]
        assert env["KAFKA_TOPIC_PARTITIONS"] == config["data"]["KAFKA_TOPIC_PARTITIONS"]
        assert env["KAFKA_REPLICATION_FACTOR"] == config["data"]["KAFKA_REPLICATION_FACTOR"]
    assert compose["needs"]["depends_on"]["topics"] == {"condition": "service_completed_successfully"}
