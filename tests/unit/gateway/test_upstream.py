"""The gateway sends a call again once when a connection broke before any answer, idempotent calls only."""

from __future__ import annotations

import socket
import threading

import pytest
import requests
from flask import Flask

from services.gateway.upstream import new_client, send_upstream


def _server(answers: list[bytes | None]) -> str:
    """Accepts one connection per entry: None closes it after reading the request (a reset), else answers."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        for answer in answers:
            connection, _ = listener.accept()
            with connection:
                connection.recv(65536)
                if answer is not None:
                    connection.sendall(answer)
        listener.close()

    threading.Thread(target=serve, daemon=True).start()
    return f"http://127.0.0.1:{listener.getsockname()[1]}/api/v1/needs/x"


OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"


@pytest.fixture
def app():
    app = Flask("test")
    app.extensions["gateway_http"] = new_client()
    with app.app_context():
        yield app


def test_an_idempotent_call_is_sent_again_after_a_reset(app):
    assert send_upstream("GET", _server([None, OK]), timeout=5).text == "ok"


def test_a_post_that_may_have_arrived_is_not_sent_again(app):
    with pytest.raises(requests.ConnectionError):
        send_upstream("POST", _server([None, OK]), data=b"{}", timeout=5)


def test_a_post_whose_connection_never_opened_is_tried_again(app):
    from shared.metrics import UPSTREAM_RETRIES

    port = socket.create_server(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{port.getsockname()[1]}/api/v1/needs/x"
    port.close()  # nothing listens: connection refused, so nothing was sent
    before = UPSTREAM_RETRIES.labels("needs")._value.get()
    with pytest.raises(requests.ConnectionError):
        send_upstream("POST", url, data=b"{}", timeout=2)
    assert UPSTREAM_RETRIES.labels("needs")._value.get() == before + 1


def test_a_call_that_timed_out_is_not_sent_again(app):
    """The service may still be working on it: a time-out is the caller's answer (504), even for a GET."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted = []

    def hold() -> None:
        listener.settimeout(3)
        try:
            while True:
                connection, _ = listener.accept()
                accepted.append(connection)  # read, never answered
        except OSError:
            pass

    threading.Thread(target=hold, daemon=True).start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/api/v1/needs/x"
    with pytest.raises(requests.ReadTimeout):
        send_upstream("GET", url, timeout=(2, 0.3))
    listener.close()
    assert len(accepted) == 1
