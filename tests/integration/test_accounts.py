"""Every ASN can sign in, on real PostgreSQL and Kafka with a local SMTP receiver: accounts follow EmployeeSynced
through the gateway worker's handler, activation by an e-mailed link or a printed code, password reset, BKPSDM
managing roles, and closing when the ASN leaves."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from services.gateway import handlers
from services.gateway.app import create_app
from services.gateway.config import GatewaySettings
from services.gateway.mail import send_due_mail
from services.gateway.models import Account, ActivationCode, MailMessage, Outbox, ProcessedEvent
from services.gateway.process import ProcessState
from shared import hashing
from shared.db import Database, UnitOfWork
from shared.mail import SmtpChannel as Mailer
from tests import factories
from tests.integration.conftest import kafka_feed
from tests.integration.needs.conftest import new_nip
from tests.services import JWT_SECRET, SECRET

PASSWORD = "kata-sandi-baru-yang-panjang"


@pytest.fixture
def gateway(migrated_database, kafka_bootstrap, unique, smtp):
    settings = GatewaySettings(
        service="gateway",
        database_url=migrated_database("gateway"),
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_topic_prefix=unique("gateway") + ".",
        internal_identity_secret=SECRET,
        jwt_secret=JWT_SECRET,
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        smtp_security="none",
        public_url="https://bangkom.lhokseumawekota.go.id",
        mail_retry_seconds=0.0,
        login_rate_limit_per_minute=100,  # these tests sign in more than a person would
    )
    database = Database(settings.database_url)
    yield settings, create_app(settings).test_client(), database
    database.dispose()


@pytest.fixture
def deliver(gateway, kafka_producer, producer, kafka_bootstrap, unique):
    """EmployeeSynced events through Kafka to the gateway worker's handler."""
    settings, _, database = gateway
    with kafka_feed(
        service="gateway",
        settings=settings,
        database=database,
        outbox_model=Outbox,
        processed_model=ProcessedEvent,
        handlers=handlers.event_handlers(settings),
        topics=[settings.kafka_topic_prefix + "bangkom.needs.v1"],
        group_id=unique("gateway-group"),
        bootstrap=kafka_bootstrap,
        producer=producer,
        kafka_producer=kafka_producer,
    ) as send:
        yield send


def _account(database: Database, username: str) -> Account:
    with database.sessions() as session:
        account = session.get(Account, username)
        session.expunge_all()
        return account


def _admin(gateway) -> dict:
    settings, client, database = gateway
    username = f"bkpsdm-{uuid.uuid4().hex[:6]}"
    with UnitOfWork(database, None) as uow:
        handlers.create_account(uow, username, "admin-password-panjang", ["admin"], None)
    token = client.post("/api/v1/auth/login", json={"username": username, "password": "admin-password-panjang"})
    return {"Authorization": f"Bearer {token.json['access_token']}"}


def test_a_synced_asn_gets_an_account_activates_it_from_the_email_and_signs_in(gateway, deliver, smtp):
    settings, client, database = gateway
    nip, supervisor = new_nip(), new_nip()
    address = f"{nip}@lhokseumawekota.go.id"
    synced = factories.employee_synced(nip, supervisor_nip=supervisor, email=address, unit="DISKOMINFO")
    assert deliver(synced, synced) == ["handled", "duplicate"]  # redelivered: one account, one message
    account = _account(database, nip)
    assert (account.status, account.roles, account.nip, account.password_hash) == ("pending", ["employee"], nip, None)
    assert client.post("/api/v1/auth/login", json={"username": nip, "password": PASSWORD}).status_code == 401

    mailer = Mailer(settings)
    assert send_due_mail(database, settings, mailer) == {"sent": 1, "failed": 0, "retrying": 0}
    assert send_due_mail(database, settings, mailer) == {"sent": 0, "failed": 0, "retrying": 0}
    [message] = smtp.to(address)
    assert "aktifkan akun" in message["Subject"]
    text = message.get_content()
    assert f"https://bangkom.lhokseumawekota.go.id/aktivasi?u={nip}&kode=" in text
    code = smtp.code_in(message)
    with database.sessions() as session:  # the code is kept only as its digest; the message row holds none
        stored = session.scalars(select(ActivationCode).where(ActivationCode.username == nip)).all()
        assert len(stored) == 1 and code not in stored[0].code_hash
        assert all(code not in (m.last_error or "") for m in session.scalars(select(MailMessage)))

    short = client.post("/api/v1/auth/activate", json={"username": nip, "code": code, "password": "pendek"})
    assert short.status_code == 422
    wrong = client.post("/api/v1/auth/activate", json={"username": nip, "code": "AAAA-BBBB-CCCC", "password": PASSWORD})
    assert wrong.status_code == 401
    typed = code.lower().replace("-", " ")  # as people type it
    activated = client.post("/api/v1/auth/activate", json={"username": nip, "code": typed, "password": PASSWORD})
    assert activated.status_code == 200, activated.get_data(as_text=True)
    assert activated.json["access_token"]
    again = client.post("/api/v1/auth/activate", json={"username": nip, "code": code, "password": PASSWORD})
    assert again.status_code == 401  # once
    assert _account(database, nip).status == "active"
    assert client.post("/api/v1/auth/login", json={"username": nip, "password": PASSWORD}).status_code == 200

    # the supervisor named in the record gets the role when their own account is made
    deliver(factories.employee_synced(supervisor, unit="DISKOMINFO"))
    assert set(_account(database, supervisor).roles) == {"employee", "supervisor"}

    # a reset: the same answer for anyone; a message only for a real account with an address
    for username in (f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}", "nobody-here"):  # the NIP as people type it
        assert client.post("/api/v1/auth/password-reset", json={"username": username}).status_code == 202
    assert send_due_mail(database, settings, mailer)["sent"] == 1
    reset = smtp.to(address)[-1]
    assert "atur ulang" in reset["Subject"]
    new_password = "kata-sandi-ketiga-panjang"
    reset_code = smtp.code_in(reset)
    answer = client.post("/api/v1/auth/activate", json={"username": nip, "code": reset_code, "password": new_password})
    assert answer.status_code == 200
    assert client.post("/api/v1/auth/login", json={"username": nip, "password": PASSWORD}).status_code == 401
    assert client.post("/api/v1/auth/login", json={"username": nip, "password": new_password}).status_code == 200

    # the ASN retires: the account closes, and its tokens stop refreshing
    refresh = client.post("/api/v1/auth/login", json={"username": nip, "password": new_password}).json["refresh_token"]
    deliver(factories.employee_synced(nip, active=False))
    assert _account(database, nip).status == "closed"
    assert client.post("/api/v1/auth/login", json={"username": nip, "password": new_password}).status_code == 401
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": refresh}).status_code == 401


def test_bkpsdm_prints_codes_for_an_opd_and_manages_roles(gateway, deliver, smtp):
    settings, client, database = gateway
    unit = f"OPD-{uuid.uuid4().hex[:6]}"
    nips = [new_nip() for _ in range(3)]
    deliver(*[factories.employee_synced(n, unit=unit) for n in nips])  # no e-mail addresses: nothing to send
    assert send_due_mail(database, settings, Mailer(settings))["sent"] == 0
    admin = _admin(gateway)

    assert client.post("/api/v1/auth/activation-codes", json={"unit_code": unit}).status_code == 401
    sheet = client.post("/api/v1/auth/activation-codes", json={"unit_code": unit}, headers=admin)
    assert sheet.status_code == 201, sheet.get_data(as_text=True)
    codes = {row["username"]: row["code"] for row in sheet.json}
    assert set(codes) == set(nips)
    first = nips[0]
    answer = client.post(
        "/api/v1/auth/activate", json={"username": first, "code": codes[nips[1]], "password": PASSWORD}
    )
    assert answer.status_code == 401  # another person's code
    answer = client.post("/api/v1/auth/activate", json={"username": first, "code": codes[first], "password": PASSWORD})
    assert answer.status_code == 200
    employee = {"Authorization": f"Bearer {answer.json['access_token']}"}

    listed = client.get(f"/api/v1/auth/accounts?unit_code={unit}", headers=admin)
    assert {(a["username"], a["status"]) for a in listed.json} == {
        (first, "active"),
        (nips[1], "pending"),
        (nips[2], "pending"),
    }
    assert client.get("/api/v1/auth/accounts", headers=employee).status_code == 403

    made_supervisor = client.patch(
        f"/api/v1/auth/accounts/{first}", json={"roles": ["employee", "supervisor"]}, headers=admin
    )
    assert made_supervisor.status_code == 200 and made_supervisor.json["roles"] == ["employee", "supervisor"]
    supervisors = client.get(f"/api/v1/auth/accounts?unit_code={unit}&role=supervisor", headers=admin)
    assert [a["username"] for a in supervisors.json] == [first]  # the role filter, in the database
    assert supervisors.headers["X-Pagination"] and '"total": 1' in supervisors.headers["X-Pagination"]
    login = client.post("/api/v1/auth/login", json={"username": first, "password": PASSWORD})
    assert login.status_code == 200  # the new token carries the role
    bad = client.patch(f"/api/v1/auth/accounts/{first}", json={"roles": ["king"]}, headers=admin)
    assert bad.status_code == 422
    closed = client.patch(f"/api/v1/auth/accounts/{first}", json={"status": "closed"}, headers=admin)
    assert closed.status_code == 200 and closed.json["status"] == "closed"
    assert client.post("/api/v1/auth/login", json={"username": first, "password": PASSWORD}).status_code == 401

    staff = client.post(
        "/api/v1/auth/accounts",
        json={"username": f"staf-{uuid.uuid4().hex[:6]}", "roles": ["admin"], "email": "staf@lhokseumawekota.go.id"},
        headers=admin,
    )
    assert staff.status_code == 201 and staff.json["status"] == "pending"
    partner_user = {"username": f"mitra-{uuid.uuid4().hex[:6]}", "roles": ["partner"], "partner_code": "UNIMAL"}
    half = client.post("/api/v1/auth/accounts", json=partner_user | {"partner_code": None}, headers=admin)
    assert half.status_code == 422 and half.json["errors"][0]["field"] == "partner_code"
    mixed = client.post("/api/v1/auth/accounts", json=partner_user | {"roles": ["partner", "admin"]}, headers=admin)
    assert mixed.status_code == 422, "a partner's user is not BKPSDM staff too"
    made = client.post("/api/v1/auth/accounts", json=partner_user, headers=admin)
    assert made.status_code == 201 and made.json["partner_code"] == "UNIMAL"
    opd_user = {"username": f"opd-{uuid.uuid4().hex[:6]}", "roles": ["opd"], "unit_code": "OPD-DINKES"}
    unnamed = client.post("/api/v1/auth/accounts", json=opd_user | {"unit_code": None}, headers=admin)
    assert unnamed.status_code == 422 and unnamed.json["errors"][0]["field"] == "unit_code"
    made = client.post("/api/v1/auth/accounts", json=opd_user, headers=admin)
    assert made.status_code == 201 and made.json["unit_code"] == "OPD-DINKES"
    with UnitOfWork(database, None) as uow:  # activated, it signs in with its unit in the token and the identity
        uow.session.get(Account, opd_user["username"]).password_hash = hashing.hash_secret(PASSWORD)
        uow.session.get(Account, opd_user["username"]).status = "active"
        uow.commit()
    token = client.post("/api/v1/auth/login", json={"username": opd_user["username"], "password": PASSWORD})
    bearer = f"Bearer {token.json['access_token']}"
    who = handlers.identity_of_bearer(settings, bearer, ProcessState())
    assert (who.roles, who.unit_code) == (("opd",), "OPD-DINKES")
    assert send_due_mail(database, settings, Mailer(settings))["sent"] == 1
    assert smtp.to("staf@lhokseumawekota.go.id")


def _csrf(page: str) -> str:
    return page.split('name="csrf" value="')[1].split('"')[0]


def test_the_web_ui_prints_codes_for_an_opd_and_a_person_activates_with_one(gateway, deliver):
    """BKPSDM signs in, opens the accounts page, prints the sheet of an OPD; the ASN opens /aktivasi, types the
    code and a password, and lands signed in on their own page (all in Indonesian)."""
    settings, client, database = gateway
    unit = f"OPD-{uuid.uuid4().hex[:6]}"
    nip = new_nip()
    deliver(factories.employee_synced(nip, unit=unit))
    username = f"bkpsdm-{uuid.uuid4().hex[:6]}"
    with UnitOfWork(database, None) as uow:
        handlers.create_account(uow, username, "admin-password-panjang", ["admin"], None)

    bkpsdm = create_app(settings).test_client()
    form = bkpsdm.get("/masuk").get_data(as_text=True)
    signed = bkpsdm.post(
        "/masuk", data={"csrf": _csrf(form), "username": username, "password": "admin-password-panjang"}
    )
    assert signed.status_code == 302
    page = bkpsdm.get(f"/akun?unit_code={unit}").get_data(as_text=True)
    assert "Akun dan peran" in page and nip in page and "Belum diaktifkan" in page
    sheet = bkpsdm.post("/akun/kode", data={"csrf": _csrf(page), "unit_code": unit}).get_data(as_text=True)
    assert nip in sheet and "hanya ditampilkan sekali" in sheet
    code = sheet.split("<code>")[1].split("</code>")[0]
    reloaded = bkpsdm.get("/akun/kode", headers={"Accept": "text/html"})  # the sheet's address opened again
    assert reloaded.status_code == 302 and reloaded.headers["Location"].endswith("/akun")
    assert "Pilih OPD lalu cetak lembar baru" in bkpsdm.get("/akun").get_data(as_text=True)
    for path, status in (("/tidak-ada", 404), ("/keluar", 405)):  # a page in words for a browser, never JSON
        answer = bkpsdm.get(path, headers={"Accept": "text/html,application/xhtml+xml"})
        assert answer.status_code == status and answer.mimetype == "text/html", (path, answer.mimetype)
        assert "Kembali ke beranda" in answer.get_data(as_text=True)
    api_answer = bkpsdm.get("/api/v1/tidak-ada/x", headers={"Accept": "text/html"})
    assert api_answer.mimetype == "application/problem+json"  # the API stays problem+json

    person = create_app(settings).test_client()
    form = person.get(f"/aktivasi?u={nip}").get_data(as_text=True)
    assert f'value="{nip}"' in form
    mismatch = person.post(
        "/aktivasi",
        data={"csrf": _csrf(form), "username": nip, "code": code, "password": PASSWORD, "password_again": "lain"},
    )
    assert mismatch.status_code == 400 and "tidak sama" in mismatch.get_data(as_text=True)
    spaced = f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"  # as people write their NIP
    done = person.post(
        "/aktivasi",
        data={"csrf": _csrf(form), "username": spaced, "code": code, "password": PASSWORD, "password_again": PASSWORD},
    )
    assert done.status_code == 302 and "bangkom_akses=" in done.headers.get("Set-Cookie", "")
    assert _account(database, nip).status == "active"
    assert person.get("/akun").status_code == 403  # an employee does not manage accounts
    for typed in (spaced, f"{nip[:8]}.{nip[8:14]}.{nip[14]}.{nip[15:]}", f"'{nip}"):  # sign-in reads them alike
        login = client.post("/api/v1/auth/login", json={"username": typed, "password": PASSWORD})
        assert login.status_code == 200, typed
