import pytest

from govgrid.addresses import WriteServiceAddresses


def test_the_five_write_services_answer_on_the_local_platforms_ports_by_default() -> None:
    assert WriteServiceAddresses().write_services() == {
        "appointments": "http://127.0.0.1:8101",
        "patrols": "http://127.0.0.1:8102",
        "tips": "http://127.0.0.1:8103",
        "mediation": "http://127.0.0.1:8104",
        "outreach": "http://127.0.0.1:8105",
    }


def test_an_address_comes_from_its_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIPS_URL", "http://tips:8000")
    assert WriteServiceAddresses().write_services()["tips"] == "http://tips:8000"
