"""``shared.db`` on real PostgreSQL: the hot paths' statements run inside the unit of work's transaction, and a pooled
connection that died while idle is replaced before it is used."""

from __future__ import annotations

import random
import time
import uuid

from sqlalchemy import create_engine, select, text

from shared.db import Database, among_parameter, hot_insert, hot_rows, hot_upsert, planned_for_its_values
from tests.backbone_models import Base, JpCredit

TABLE = JpCredit.__table__
BY_ENROLMENT = select(TABLE.c.nip, TABLE.c.jp).where(among_parameter("postgresql", TABLE.c.enrollment_id, "ids"))


def test_hot_statements_share_the_unit_of_works_transaction(uow):
    tag = uuid.uuid4().hex[:8]
    many = [{"nip": "198609262015051001", "enrollment_id": f"{tag}-{n}", "jp": n} for n in range(3)]
    one = [{"nip": "198609262015051002", "enrollment_id": f"{tag}-one", "jp": 9}]
    ids = [r["enrollment_id"] for r in many + one]
    with uow() as unit:
        hot_insert(unit.session, TABLE, many)  # one statement, an array per column
        hot_insert(unit.session, TABLE, one)
        assert sorted(hot_rows(unit.session, BY_ENROLMENT, {"ids": ids})) == [
            ("198609262015051001", 0),
            ("198609262015051001", 1),
            ("198609262015051001", 2),
            ("198609262015051002", 9),
        ], "what the transaction wrote, read back in it"
        # left without commit: rolled back, hot statements included
    with uow() as unit:
        assert hot_rows(unit.session, BY_ENROLMENT, {"ids": ids}) == []
        hot_insert(unit.session, TABLE, one)
        unit.commit()
    with uow() as unit:
        assert unit.session.scalars(select(JpCredit.jp).where(JpCredit.enrollment_id == f"{tag}-one")).all() == [9]


def test_a_pooled_connection_that_died_while_idle_is_replaced_before_use(make_database, pg_admin_url):
    database = Database(make_database("idle_ping"), pool_size=1, max_overflow=0)
    Base.metadata.create_all(database.engine)
    with database.engine.connect() as connection:
        first = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
    admin = create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first}).scalar_one()
    admin.dispose()
    time.sleep(1.2)  # idle longer than PING_AFTER_IDLE_SECONDS: checked before it is handed out
    with database.engine.connect() as connection:
        second = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
    assert second != first
    database.dispose()


def test_an_upsert_replaces_the_named_columns_of_a_known_row_and_the_session_never_disagrees(uow):
    """``hot_upsert``: a new key inserts, a known key updates the columns named; the session's pending change to that
    row is written first and the object it holds is read again afterwards; many rows go in one statement."""
    other = random.randint(10**9, 2 * 10**9)  # an id no other test's row has
    with uow() as unit:
        held = JpCredit(nip="198609262015051001", enrollment_id=f"{uuid.uuid4().hex[:8]}-held", jp=1)
        unit.session.add(held)
        unit.session.flush()
        held.jp = 2  # pending: flushed before the upsert, which then wins
        row = {"id": held.id, "nip": held.nip, "enrollment_id": held.enrollment_id}
        hot_upsert(unit.session, JpCredit, [row | {"jp": 5}])
        assert held.jp == 5, "read again"
        hot_upsert(unit.session, JpCredit, [{"id": other, "nip": held.nip, "enrollment_id": "new", "jp": 7}])
        hot_upsert(
            unit.session, JpCredit, [row | {"jp": 6}, {"id": other, "nip": held.nip, "enrollment_id": "new", "jp": 9}]
        )
        held_id, enrollment = held.id, held.enrollment_id
        unit.commit()
    with uow() as unit:
        rows = unit.session.execute(
            select(JpCredit.id, JpCredit.enrollment_id, JpCredit.jp)
            .where(JpCredit.id.in_([held_id, other]))
            .order_by(JpCredit.id)
        ).all()
        assert [tuple(r) for r in rows] == [(held_id, enrollment, 6), (other, "new", 9)]


def test_a_transaction_asked_for_plans_made_for_its_values_gets_them_from_its_first_statement(uow):
    """A fresh unit of work has no transaction until its first statement: asking then must still take effect
    (it once compared "no transaction" with "none remembered" and said nothing: queued recomputes fell back to a
    generic plan from their eleventh chunk, 0.3 s → 150 s each)."""
    mode = text("SHOW plan_cache_mode")
    for _ in range(2):  # each transaction asks anew; SET LOCAL ends with it
        with uow() as unit:
            planned_for_its_values(unit.session)
            planned_for_its_values(unit.session)  # said once however often asked
            assert unit.session.execute(mode).scalar() == "force_custom_plan"
            unit.commit()
            assert unit.session.execute(mode).scalar() == "auto", "the next transaction plans as PostgreSQL likes"
