"""gunicorn settings shared by every service: ``gunicorn -c python:shared.gunicorn_conf 'services.X.app:create_app()'``.

gthread workers (kafka-python and psycopg must not run under gevent); prometheus-client in
multiprocess mode: the metrics folder is set before prometheus_client is imported, wiped when
gunicorn starts, and each dead worker's live gauges are dropped.
"""

import os
import shutil
import tempfile

os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", os.path.join(tempfile.gettempdir(), f"bangkom-metrics-{os.getpid()}"))

from prometheus_client import multiprocess  # noqa: E402 - must follow the environment above

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
# Idle keep-alive connections stay open this long. gunicorn's default (2 s) closes the gateway's pooled
# connections so soon that, on a busy machine, the gateway often sends on one the service is closing
# at that moment: a reset, answered 502. The gateway's pool reuses connections long before this.
keepalive = int(os.environ.get("WEB_KEEPALIVE", "75"))
graceful_timeout = 20
accesslog = None  # the app logs each request as JSON
# gunicorn ≥ 27 opens a control socket, by default at one path for every gunicorn of the user: several
# services on one machine would take it from each other, and nothing here uses it
control_socket_disable = True


def on_starting(server) -> None:
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder, exist_ok=True)


def child_exit(server, worker) -> None:
    multiprocess.mark_process_dead(worker.pid)
