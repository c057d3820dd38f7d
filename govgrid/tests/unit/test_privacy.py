"""govgrid.privacy: what the personal-data guard finds in free text, and what it must let through."""

from __future__ import annotations

import pytest
from pydantic import BaseModel
from pydantic import Field
from pydantic import ValidationError

from govgrid.privacy import BANK_CARD_NUMBER
from govgrid.privacy import EMAIL_ADDRESS
from govgrid.privacy import PHONE_NUMBER
from govgrid.privacy import RESIDENT_ID_NUMBER
from govgrid.privacy import FreeText
from govgrid.privacy import personal_data_in

PHONES = [
    "回拨13800138000",
    "回拨 138 0013 8000",
    "回拨 138-0013-8000",
    "电话:+8613800138000",
    "电话 +86 138 0013 8000",
    "电话 +86-138-0013-8000",
    "电话(+86)13800138000",
    "电话 0086 13800138000",
    "电话 0086-138-0013-8000",
    "电话 8613800138000",
    "电话１３８００１３８０００",  # full-width digits
    "电话＋８６　１３８　００１３　８０００",  # full-width plus and ideographic space
    "座机 0898-23321234",
    "座机 0898 2332 1234",
    "座机 (0898)23321234",
    "座机（0898）2332-1234",
    "座机 010-12345678",
    "座机 020 1234 5678",
    "座机 089823321234",
    "座机 +86 898 2332 1234",
    "座机 0086-10-12345678",
    "先写日期2023-09-01再写13800138000",
]
EMAILS = ["发邮件到 someone@example.com", "邮箱 zhang.san+tips@mail.hainan.gov.cn", "ｚｓ＠ｑｑ．ｃｏｍ"]
# Valid check digits (GB 11643); the X is the check character 10.
RESIDENT_IDS = ["身份证 11010519491231002X", "身份证号460003199001011234", "证件 110105 19491231 002x"]
# Valid Luhn sums.
BANK_CARDS = ["卡号 6222021234567890128", "卡号 4111 1111 1111 1111", "卡号 6222-0212-3456-7890-128"]

PASSES = [
    "2023-09-01",
    "2023年9月1日至2023年9月30日",
    "2023-09-01 2023-09-30",
    "2023/09/01 08:30",
    "20230901",
    "12,000元",
    "赔偿 3500 元, 分 12 期",
    "¥1,380,013.80",
    "儋公(刑)立字[2023]1234号",
    "案件编号 DZ2023-1106",
    "DZ-2023-0042",
    "J4604002023090112345",
    "接警 46040020230901001 号",  # 17 digits: neither an ID number nor a card
    "共 138 户 1380 人",
    "电话 2332 1234",  # a local number without area code: as often a count or an amount
    "第3组巡逻 21:00-23:30",
    "身份证 110105194912310021",  # wrong check digit: not an ID number (nor a card: fails Luhn)
    "卡号 6222021234567890127",  # fails Luhn
    "邻里纠纷, 已调解",
    "请在 @村委会 群里通知",
]


@pytest.mark.parametrize("text", PHONES)
def test_phone_numbers_in_every_common_form_are_found(text: str) -> None:
    assert personal_data_in(text) == PHONE_NUMBER


@pytest.mark.parametrize("text", EMAILS)
def test_email_addresses_are_found(text: str) -> None:
    assert personal_data_in(text) == EMAIL_ADDRESS


@pytest.mark.parametrize("text", RESIDENT_IDS)
def test_resident_id_numbers_with_a_right_check_digit_are_found(text: str) -> None:
    assert personal_data_in(text) == RESIDENT_ID_NUMBER


@pytest.mark.parametrize("text", BANK_CARDS)
def test_bank_card_numbers_passing_luhn_are_found(text: str) -> None:
    assert personal_data_in(text) == BANK_CARD_NUMBER


@pytest.mark.parametrize("text", PASSES)
def test_dates_amounts_and_case_numbers_pass(text: str) -> None:
    assert personal_data_in(text) is None


class Note(BaseModel):
    note: FreeText = Field(min_length=1, max_length=40)


def test_free_text_refuses_personal_data_naming_the_kind_but_not_the_value() -> None:
    with pytest.raises(ValidationError) as raised:
        Note(note="甲方电话 138-0013-8000")

    [error] = raised.value.errors(include_input=False)
    assert error["loc"] == ("note",)
    assert "phone number" in error["msg"]
    assert "8000" not in error["msg"]


def test_free_text_keeps_the_fields_own_length_limit() -> None:
    assert Note.model_json_schema()["properties"]["note"]["maxLength"] == 40
    with pytest.raises(ValidationError, match="at most 40"):
        Note(note="邻" * 41)
    assert Note(note="邻里纠纷, 已调解").note == "邻里纠纷, 已调解"
