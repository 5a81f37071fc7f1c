"""Every request ends by its overall deadline, however slowly the bytes arrive (#14)."""

from __future__ import annotations

import httpx
import pytest

from tests.helpers.trickle import trickling_server
from vismadesk import messages
from vismadesk.config import Settings
from vismadesk.errors import NetworkError
from vismadesk.keyring_store import MemoryKeyring, SecretName, Secrets
from vismadesk.net.transport import REQUEST_DEADLINE_S, new_http_client
from vismadesk.outsmart.client import OutSmartClient


def test_a_server_sending_a_byte_at_a_time_is_cut_off_at_the_deadline() -> None:
    # Every read gets its byte long before the 60 s read timeout: only the overall
    # deadline ends this request.
    with (
        trickling_server(every_s=0.25) as url,
        new_http_client(deadline_s=1.0) as http,
        pytest.raises(httpx.TimeoutException),
    ):
        http.get(f"{url}/slow")


def test_a_fast_answer_is_not_affected_by_the_deadline() -> None:
    with trickling_server(every_s=0.0) as url, new_http_client(deadline_s=30.0) as http:
        assert http.get(f"{url}/fast").json()["code"] == 200


def test_the_outsmart_client_reports_the_trickle_as_a_timeout() -> None:
    secrets = Secrets(backend=MemoryKeyring(), env={})
    secrets.set(SecretName.OUTSMART_TOKEN, "outsmart-token-trickle")
    secrets.set(SecretName.OUTSMART_SOFTWARE_TOKEN, "software-token-trickle")
    with trickling_server(every_s=0.25) as url:
        settings = Settings(outsmart_url=url)
        client = OutSmartClient(settings, secrets, http=new_http_client(deadline_s=0.5))
        try:
            with pytest.raises(NetworkError) as info:
                client.work_statuses()
        finally:
            client.close()
    assert info.value.code == messages.TIMEOUT.code


def test_the_default_deadline_is_minutes_not_forever() -> None:
    assert 30 <= REQUEST_DEADLINE_S <= 600
