# PostgreSQL with pgBackRest (Debian's package): the server archives its WAL with it, the backup container uses it
FROM postgres:15-bookworm
RUN apt-get update \
    && apt-get install -y --no-install-recommends pgbackrest \
    && rm -rf /var/lib/apt/lists/* \
    && install -d -o postgres -g postgres -m 750 /var/lib/pgbackrest /var/log/pgbackrest
