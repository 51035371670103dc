"""Masking, case by case: every way a customer's number is typed is masked, and the numbers staff
must read (tickets, amounts, dates, times, counters, case and staff numbers) stay as they are.

``CASES`` is the table the screens, exports and report tests also run through.
"""

from __future__ import annotations

import random
import unicodedata

import pytest

from lobby_tui.domain.masking import DIGIT_LIKE, mask, mask_name, may_hold_numbers, unmasked

# (what was typed, what a person is shown)
MASKED = [
    ("13812345678", "138****5678"),
    ("客户电话13812345678，请回电", "客户电话138****5678，请回电"),
    ("tel:19912345678", "tel:199****5678"),
    ("+8613812345678", "+86138****5678"),
    ("+86 13812345678", "+86 138****5678"),
    ("8613812345678", "86138****5678"),
    ("008613812345678", "0086138****5678"),
    ("138 1234 5678", "138****5678"),
    ("138-1234-5678", "138****5678"),
    ("138.1234.5678", "138****5678"),
    ("１３８１２３４５６７８", "138****5678"),
    ("电话：１３８－１２３４－５６７８。", "电话：138****5678。"),
    ("13812345678 2 份", "138****5678 2 份"),
    ("A023 13812345678", "A023 138****5678"),
    ("110105194912310021", "**************0021"),
    ("110101199003078765", "**************8765"),
    ("身份证号11010519491231002X已核对", "身份证号**************002X已核对"),
    ("11010519491231002x", "**************002x"),
    ("１１０１０５１９４９１２３１００２Ｘ", "**************002X"),
    ("110101 19900307 8768", "**************8768"),
    ("110101-1990-0307-8768", "**************8768"),
    ("110101900307123", "***********7123"),
    ("旧身份证 110101900307123 已过期", "旧身份证 ***********7123 已过期"),
    ("6222021234567890123", "***************0123"),
    ("6222 0212 3456 7890 123", "***************0123"),
    ("6222-0212-3456-7890-123", "***************0123"),
    ("卡号4111111111111111吞卡", "卡号************1111吞卡"),
    ("4111 1111 1111 1111", "************1111"),
    ("6222021381234567890", "***************7890"),
    (
        "手机13812345678 身份证110105194912310021",
        "手机138****5678 身份证**************0021",
    ),
    (
        "客户 13812345678，身份证 110101 19900307 8768",
        "客户 138****5678，身份证 **************8768",
    ),
]

KEPT = [
    "A023",
    "A023 号请到 3 号窗口",
    "AB1234",
    "取款 200,000 元",
    "12345.67",
    "金额 1,380,000.00",
    "2026-11-29",
    "2026-11-29 10:30",
    "20261129",
    "10:30–11:00",
    "TS-20261129-003",
    "TS-20261129-003 已受理",
    "工号 1001",
    "柜员 8001 在 3 号窗口",
    "客户咨询理财产品",
    # Not a mobile: a digit joined before or after, or a second digit that is no mobile prefix.
    "013812345678",
    "138123456789",
    "12345678901",
    # Not an ID: no real birth date.
    "110101199013078765",
    "110101901307123",
    # Not a card: neither Luhn-valid nor UnionPay's, or too long.
    "4111111111111112",
    "12345678901234567890",
    "",
    "138****5678",
    "**************0021",
]

CASES = [*MASKED, *((text, text) for text in KEPT)]


def test_the_table_is_at_least_forty_cases() -> None:
    assert len(CASES) >= 40
    assert len(MASKED) >= 20 and len(KEPT) >= 20


@pytest.mark.parametrize(("typed", "shown"), MASKED, ids=[typed for typed, _ in MASKED])
def test_a_customer_number_is_masked(typed: str, shown: str) -> None:
    assert mask(typed) == shown


@pytest.mark.parametrize("typed", KEPT, ids=KEPT)
def test_a_number_staff_must_read_stays_readable(typed: str) -> None:
    assert mask(typed) == typed


@pytest.mark.parametrize(("typed", "shown"), CASES)
def test_masking_twice_changes_nothing_more(typed: str, shown: str) -> None:
    assert mask(shown) == shown


def test_none_stays_none() -> None:
    assert mask(None) is None


@pytest.mark.parametrize(
    ("name", "shown"), [("王先生", "王**"), ("Wang Wei", "W*******"), ("李", "李*"), ("", "")]
)
def test_a_name_keeps_its_first_character(name: str, shown: str) -> None:
    assert mask_name(name) == shown


@pytest.mark.parametrize(
    ("clear", "edited", "stored"),
    [
        ("call 13812345678 back", "call 138****5678 back today", "call 13812345678 back today"),
        (
            "ID 110101199003078765, tel 13812345678",
            "ID **************8765; tel 138****5678.",
            "ID 110101199003078765; tel 13812345678.",
        ),
        ("call 13812345678 back", "call back", "call back"),
        ("call 13812345678 back", "call 13900001111 back", "call 13900001111 back"),
        ("no number", "still none", "still none"),
        (None, "new text", "new text"),
    ],
)
def test_an_edit_of_a_masked_text_keeps_the_numbers_it_kept(
    clear: str | None, edited: str, stored: str
) -> None:
    assert unmasked(edited, clear) == stored


def test_the_digit_like_characters_are_every_one_that_folds_to_a_digit() -> None:
    # The quick checks (a page's texts at once, a run of digits) look for these characters
    # in the text as typed; masking looks for ASCII digits once the text is folded (NFKC).
    listed = {chr(code) for low, high in DIGIT_LIKE for code in range(low, high + 1)}
    folding = set()
    for code in range(0x110000):
        folded = unicodedata.normalize("NFKC", chr(code))
        if len(folded) == 1 and "0" <= folded <= "9":
            folding.add(chr(code))
    assert listed == folding


def _texts_to_check() -> list[str | None]:
    """The table's texts, each also in full-width digits and inside other text, and random
    mixes of digits, separators and words."""
    full_width = str.maketrans("0123456789-. ", "０１２３４５６７８９－．　")
    texts: list[str | None] = [None, "", "客户"]
    for typed, _ in CASES:
        texts += [typed, typed.translate(full_width), f"备注：{typed}，谢谢", f"{typed}\0{typed}"]
    pieces = [
        "138",
        "1234",
        "5678",
        "62220212",
        "110101",
        "19900307",
        "８",
        "¹",
        "①",
        "-",
        ".",
        " ",
    ]
    pieces += ["，", "客户", "x", "0", "9", "\n", "\0", "200,000"]
    chance = random.Random(15)
    texts += ["".join(chance.choices(pieces, k=chance.randint(1, 12))) for _ in range(3000)]
    return texts


@pytest.mark.parametrize("with_nul", [False, True], ids=["texts", "a text with a NUL in it"])
def test_may_hold_numbers_finds_every_text_that_masking_changes(with_nul: bool) -> None:
    texts = [t for t in _texts_to_check() if with_nul or not (t and "\0" in t)]
    changed = {at for at, text in enumerate(texts) if mask(text) != text}
    found = may_hold_numbers(texts)
    assert changed <= set(found)
    assert len(changed) > 200  # the check was put to work
    assert found == sorted(set(found))


def test_may_hold_numbers_leaves_out_texts_with_too_few_digits() -> None:
    texts = [
        "排队 A023",
        None,
        "",
        "Wants 100,000 yuan cash",
        "电话13812345678",
        "１３８１２３４５６７８",
    ]
    assert may_hold_numbers(texts) == [4, 5]
