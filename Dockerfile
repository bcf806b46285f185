# One image for every part of Bangkom; the command picks the part:
#   bangkom serve needs|training|evaluation|gateway    an HTTP API under gunicorn (port 8000)
#   bangkom worker needs|training|evaluation            a Kafka consumer and outbox relay (metrics on 9100)
#   bangkom migrate SERVICE, bangkom simpeg sync, …     one-off jobs (docs/operations.md)
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY requirements/runtime.txt ./requirements/
RUN pip install --require-hashes -r requirements/runtime.txt  # the locked versions, every hash checked
COPY pyproject.toml README.md ./
COPY shared ./shared
COPY services ./services
RUN pip install --no-deps . && useradd --system --uid 10001 --home-dir /app bangkom

USER 10001
# gunicorn keeps its metrics files under /tmp (shared/gunicorn_conf.py): give it a writable /tmp
ENV BIND=0.0.0.0:8000 \
    WORKER_METRICS_ADDR=0.0.0.0 \
    WORKER_METRICS_PORT=9100
EXPOSE 8000 9100
ENTRYPOINT ["bangkom"]
CMD ["--help"]
