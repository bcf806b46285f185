"""SQLAlchemy engine and sessions, and the unit of work every command and event handler runs in."""

from __future__ import annotations

import contextvars
import datetime as dt
import time
from collections.abc import Callable, Iterable, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from sqlalchemy import DateTime, Engine, any_, bindparam, create_engine, event, insert, inspect, literal, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from shared.errors import NotFound

if TYPE_CHECKING:
    from shared.events import Event


def on_postgresql(session: Session) -> bool:
    """Whether the session talks to PostgreSQL (else SQLite, the demo's embedded database): the one dialect switch."""
    return session.get_bind().dialect.name == "postgresql"


def upsert_insert(session: Session | str):
    """The dialect's ``insert`` (PostgreSQL or SQLite), which has ``on_conflict_do_nothing/_do_update``; for a
    session, or a dialect's name (a statement built once per dialect)."""
    from sqlalchemy.dialects.postgresql import insert as postgresql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    dialect = session if isinstance(session, str) else session.get_bind().dialect.name
    return postgresql_insert if dialect == "postgresql" else sqlite_insert


def without_waiting_for_disk(session: Session) -> None:
    """This transaction's commit does not wait for its WAL to reach the disk (PostgreSQL ``synchronous_commit`` off
    for it alone): for bookkeeping whose last fraction of a second may be lost when the database crashes (rate
    counters, the replay window of signed requests), never for state and events. Visible to all at once as ever.
    Said once per transaction however often it is asked."""
    if on_postgresql(session) and session.info.get("quiet_transaction") is not session.get_transaction():
        session.connection().exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
        session.info["quiet_transaction"] = session.get_transaction()


def planned_for_its_values(session: Session) -> None:
    """This transaction's statements are planned for the values they are given, never by a generic plan (PostgreSQL
    ``plan_cache_mode`` for it alone). psycopg prepares a statement run five times; PostgreSQL then may plan it once
    for any values, blind to an array parameter's size: a recompute's chunk of 2,000 ASN went from 0.15 s to 20 s.
    Said once per transaction however often it is asked."""
    if not on_postgresql(session):
        return
    connection = session.connection()  # begins the transaction: before it there is none to compare (None is None)
    if session.info.get("custom_plans") is not session.get_transaction():
        connection.exec_driver_sql("SET LOCAL plan_cache_mode TO force_custom_plan")
        session.info["custom_plans"] = session.get_transaction()


def among(session: Session, column: Any, values: Iterable[Any]) -> Any:
    """``column IN values``; on PostgreSQL ``column = ANY(:values)``, one array parameter however many values (a
    recompute of 1,000 employees sent, typed and parsed 1,000 parameters in each of its statements)."""
    values = list(values)
    if on_postgresql(session):
        return column == any_(literal(values, ARRAY(column.type)))
    return column.in_(values)


def among_parameter(dialect: str, column: Any, name: str) -> Any:
    """``among`` for a statement built once and run many times: the values come as the parameter ``name`` (a list),
    one array on PostgreSQL, an expanding ``IN`` elsewhere."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(column.type)))
    return column.in_(bindparam(name, expanding=True))


_COMPILED: dict[tuple, str] = {}  # (statement, dialect) or (table, keys, many) → its SQL


def hot_rows(session: Session, statement: Any, parameters: dict[str, Any]) -> list[tuple]:
    """The rows of a statement every request of a hot path runs (built once at module level: ``among_parameter``
    for its lists), as tuples. On PostgreSQL it is compiled once and run on the driver's cursor of the session's
    connection, in its transaction: SQLAlchemy's work per execution (the execution context, the result's metadata
    and processors) was a third of an attendance request's CPU. Elsewhere (SQLite) it runs through SQLAlchemy.
    Columns come as the driver gives them: use it for reads whose types need no processing (text, numbers,
    PostgreSQL's timestamps with time zone). SQLAlchemy's statement events do not see these statements."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return [tuple(row) for row in connection.execute(statement, parameters)]
    sql = _COMPILED.get((statement, connection.dialect.name))
    if sql is None:
        sql = _COMPILED[(statement, connection.dialect.name)] = str(statement.compile(dialect=connection.dialect))
    with _driver_cursor(connection) as cursor:
        cursor.execute(sql, parameters)
        return cursor.fetchall() if cursor.description is not None else []


def hot_insert(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """``INSERT`` of ``rows`` (dicts with the same keys) into ``table`` on a hot path, as ``hot_rows`` says: on
    PostgreSQL one statement compiled once per table and keys, a row's values as parameters, or for many rows one
    array per column (``INSERT … SELECT * FROM unnest(…)``: a request of 1,000 records is three statements, not three
    thousand executions). Values go as the driver takes them (aware datetimes, text, numbers), and every column with
    a Python-side default needs its value in the rows (SQLAlchemy does not fill them in here). Elsewhere (SQLite)
    through SQLAlchemy."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), rows)
        return
    keys, many = tuple(rows[0]), len(rows) > 1
    sql = _COMPILED.get((table, keys, many))
    if sql is None:
        sql = _COMPILED[(table, keys, many)] = _insert_sql(connection.dialect, table, keys, many)
    parameters = {k: [row[k] for row in rows] for k in keys} if many else rows[0]
    with _driver_cursor(connection) as cursor:
        cursor.execute(sql, parameters)


def hot_upsert(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """``hot_insert`` of ``model``'s rows that replace those of the same primary key (the columns the rows name set
    from them, others kept; a row must still name every column a new row needs): a read model kept from events in
    one statement, without loading the row first. The session's pending changes are flushed first and an object of such a row it
    holds is expired, so the ORM and this statement never disagree. Rows of one call must not repeat a key."""
    if not rows:
        return
    session.flush()
    mapper = inspect(model)
    table, key = mapper.local_table, tuple(column.key for column in mapper.primary_key)
    connection, keys = session.connection(), tuple(rows[0])
    if connection.dialect.name != "postgresql":
        statement = upsert_insert(connection.dialect.name)(table)
        set_ = {k: statement.excluded[k] for k in keys if k not in key}
        connection.execute(statement.on_conflict_do_update(index_elements=list(key), set_=set_), rows)
    else:
        many = len(rows) > 1
        sql = _COMPILED.get((table, keys, many, key))
        if sql is None:
            quote = connection.dialect.identifier_preparer.quote
            updates = ", ".join(f"{quote(k)} = EXCLUDED.{quote(k)}" for k in keys if k not in key)
            conflict = f" ON CONFLICT ({', '.join(quote(k) for k in key)}) DO UPDATE SET {updates}"
            sql = _COMPILED[(table, keys, many, key)] = _insert_sql(connection.dialect, table, keys, many) + conflict
        parameters = {k: [row[k] for row in rows] for k in keys} if many else rows[0]
        with _driver_cursor(connection) as cursor:
            cursor.execute(sql, parameters)
    for row in rows:
        held = session.identity_map.get(mapper.identity_key_from_primary_key([row[k] for k in key]))
        if held is not None:
            session.expire(held)


def _driver_cursor(connection: Any) -> Any:
    """A cursor of the driver's own connection under a SQLAlchemy connection (in its transaction)."""
    driver = connection.connection.driver_connection
    if driver is None:
        raise RuntimeError("the connection is closed")
    return driver.cursor()


def _insert_sql(dialect: Any, table: Any, keys: tuple[str, ...], many: bool) -> str:
    if not many:
        return str(insert(table).inline().compile(dialect=dialect, column_keys=keys))  # inline: no RETURNING
    quote = dialect.identifier_preparer.quote
    arrays = ", ".join(f"%({k})s::{table.c[k].type.compile(dialect=dialect)}[]" for k in keys)
    columns = ", ".join(quote(k) for k in keys)
    target = dialect.identifier_preparer.format_table(
        table
    )  # names from the table itself, quoted; values are parameters
    return f"INSERT INTO {target} ({columns}) SELECT * FROM unnest({arrays})"  # noqa: S608


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every database (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        return value.astimezone(dt.UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value


PING_AFTER_IDLE_SECONDS = 1.0


def _ping_if_idle(engine: Engine) -> None:
    """Check a pooled connection before use only when it has lain idle (when the database can have restarted or
    the network dropped it since): a busy process reuses its connections within milliseconds and no longer pays a
    round trip per transaction for SQLAlchemy's ``pool_pre_ping``. A dead one is replaced before the transaction."""

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection, record) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _taken(dbapi_connection, record, _proxy) -> None:
        returned = record.info.get("returned_at")  # None: connected just now
        if returned is None or time.monotonic() - returned < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError("the database connection was lost while idle") from exc


class Database:
    """One engine and session factory per process (create it after gunicorn forks)."""

    def __init__(self, url: str, **engine_options) -> None:
        self.url = url
        self.engine: Engine = create_engine(url, **engine_options)
        _ping_if_idle(self.engine)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_postgresql(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def ping(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


# Set by the web layer for a request that may change something (shared/audit.py): called by each unit of work that
# commits with an outbox during the request, before its commit (the first one records the change)
before_commit: contextvars.ContextVar[Callable[[UnitOfWork], None] | None] = contextvars.ContextVar(
    "before_commit", default=None
)


class UnitOfWork:
    """A transaction: the state changes of one command or event, and the events they cause.

    ``publish`` writes the event to the service's outbox table in the same transaction, so the
    event exists if and only if the state change was committed. Leaving the block without
    ``commit()`` rolls everything back.
    """

    def __init__(self, database: Database, outbox_model: type[Any] | None, topic_prefix: str = "") -> None:
        """``outbox_model`` is None for a service that publishes no events (the gateway)."""
        self.database = database
        self.outbox_model = outbox_model
        self.topic_prefix = topic_prefix
        self.session: Session
        self.gathered: dict[str, tuple[set, Callable[[set], None]]] = {}
        self.audited = True  # False: bookkeeping, not a change to record (the gateway's replay ids and rate counters)

    def __enter__(self) -> Self:
        self.session = self.database.sessions()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.session.rollback()
        self.session.close()

    @property
    def outbox(self) -> type[Any]:
        """The service's outbox table; a service without one (the gateway) publishes no events."""
        if self.outbox_model is None:
            raise RuntimeError("this service has no outbox: it publishes no events")
        return self.outbox_model

    def publish(self, event: Event) -> None:
        self.session.add(self.outbox.from_event(event, self.topic_prefix))

    def publish_all(self, events: Sequence[Event]) -> None:
        """Many events at once (one multi-row INSERT): for set-based commands that cause thousands."""
        if events:
            rows = [self.outbox.values_of(event, self.topic_prefix) for event in events]
            hot_insert(self.session, self.outbox.__table__, rows)

    def get(self, model: type[Any], key: Any, what: str, **options: Any) -> Any:
        """The row of ``model`` with primary key ``key``, or NotFound ("No <what> <key>.")."""
        found = self.session.get(model, key, **options)
        if found is None:
            raise NotFound(f"No {what} {key}.")
        return found

    def gather(self, key: str, finish: Callable[[set], None]) -> set:
        """A set this transaction's handlers add to, handed once to ``finish`` just before the commit: work that many
        handlers cause, done once for all of them (needs: one recompute for every ASN a poll's completions credited,
        not one per completion). The first ``finish`` given for ``key`` is the one called."""
        return self.gathered.setdefault(key, (set(), finish))[0]

    def commit(self) -> None:
        while self.gathered:
            items, finish = self.gathered.pop(next(iter(self.gathered)))
            finish(items)
        hook = before_commit.get()
        if hook is not None and self.audited and self.outbox_model is not None:
            hook(self)
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
