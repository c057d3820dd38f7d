"""Keeping the informant's contact out of free text: the pure checks and the commands using them."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.tips.application import commands as c
from services.tips.domain.informant import identifiers
from services.tips.domain.informant import mentions_contact

CONTACT = "+86 138 0013 8000 / 微信 wx_informant_42"


def test_the_identifying_parts_of_a_contact() -> None:
    assert identifiers(CONTACT) == {"13800138000", "wx_informant_42"}
    assert identifiers("张三 zhangsan@example.cn") == {"zhangsan@example.cn"}


@pytest.mark.parametrize(
    "text",
    [
        "举报人电话13800138000，请回电",
        "call +86-138-0013-8000",
        "电话：１３８ ００１３ ８０００",  # full-width digits
        "加微信 WX_Informant_42 联系",
        "原话：+86 138 0013 8000 / 微信 wx_informant_42",
    ],
)
def test_a_text_repeating_the_contact_in_any_spelling_is_caught(text: str) -> None:
    assert mentions_contact(CONTACT, text)


def test_a_text_about_something_else_passes() -> None:
    assert not mentions_contact(CONTACT, "村东废弃养殖场夜间有陌生人出入，疑似在逃人员")
    # The suspect's number is part of a fraud lead; it is not the informant's.
    assert not mentions_contact(CONTACT, "诈骗电话来自17012345678")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("需再次联系举报人核实藏匿地点", False),
        ("案件编号 DZ2023-1106 需要证人出庭", False),
        ("回拨 139-0898-1234", True),
        ("回拨 +8613908981234", True),
        ("发邮件到 someone@example.com", True),
    ],
)
def test_contact_like_data_is_refused_whoever_it_belongs_to(text: str, expected: bool) -> None:
    lead: dict[str, object] = {**LEAD, "description": text}
    if expected:
        assert [field for field, _ in errors_of(c.SubmitLead, lead)] == ["description"]
    else:
        assert c.SubmitLead.model_validate(lead).description == text


LEAD = {"channel": "hotline", "category": "fugitive", "place_code": "V01"}


def errors_of(model: type[c.Command], data: dict[str, object]) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as raised:
        model.model_validate(data)
    return [(".".join(str(p) for p in e["loc"]), e["msg"]) for e in raised.value.errors()]


def test_a_description_repeating_the_contact_is_refused_without_echoing_it() -> None:
    errors = errors_of(
        c.SubmitLead, {**LEAD, "informant_contact": CONTACT, "description": "线人微信wx_informant_42"}
    )
    assert [field for field, _ in errors] == ["description"]
    assert "wx_informant_42" not in repr(errors)


def test_the_contact_is_a_secret_hidden_from_reprs_and_dumps() -> None:
    command = c.SubmitLead.model_validate({**LEAD, "informant_contact": CONTACT, "description": "藏身养殖场"})
    assert command.informant_contact is not None
    assert command.informant_contact.get_secret_value() == CONTACT
    for shown in (
        repr(command),
        str(command),
        command.model_dump_json(),
        str(command.model_dump(mode="json")),
    ):
        assert "13800138000" not in shown.replace(" ", "") and "wx_informant_42" not in shown


def test_a_malformed_contact_is_refused_without_echoing_it() -> None:
    for bad in (CONTACT * 20, 13800138000, ["wx_informant_42"]):
        errors = errors_of(c.SubmitLead, {**LEAD, "informant_contact": bad, "description": "x"})
        assert [field for field, _ in errors] == ["informant_contact"]
        assert "wx_informant_42" not in repr(errors) and "13800138000" not in repr(errors)


def test_reveal_reasons_and_mediation_summaries_carry_no_contact_data() -> None:
    assert errors_of(c.RevealInformantContact, {"reason": "请拨打13800138000核实"})[0][0] == "reason"
    referral = {
        "outcome": "referred_to_mediation",
        "outcome_on": "2023-11-06",
        "dispute_category": "neighbour",
        "summary": "甲方电话13800138000",
    }
    with pytest.raises(ValidationError):
        c.ReferredToMediation.model_validate(referral)
