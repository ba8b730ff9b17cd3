import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huiguang.core.id_card import IdCardError, check_char, make_id_number, parse_id_number

# A published sample number (GB 11643 annex): 11010519491231002X.
SAMPLE = "11010519491231002X"


def test_published_sample_number_is_valid():
    card = parse_id_number(SAMPLE)
    assert card.birth_date == dt.date(1949, 12, 31)
    assert card.gender == "F"
    assert card.region_code == "110105"


def test_historical_region_code_is_accepted():
    # 110103 (崇文区) was merged away in 2010; people born before still carry it.
    card = parse_id_number(make_id_number("110103", dt.date(1960, 6, 1), 31))
    assert card.region_code == "110103"


@pytest.mark.parametrize(
    "number,code",
    [
        (SAMPLE[:-1] + "1", "CHECK_DIGIT"),
        ("11010519490230002X", "BIRTH_DATE"),
        (SAMPLE[:17], "LENGTH"),
        (SAMPLE + "0", "LENGTH"),
        ("1101051949A231002X", "CHARACTERS"),
        ("１１０１０５１９４９１２３１００２Ｘ", "CHARACTERS"),  # full-width digits
        (make_id_number("000000", dt.date(1990, 1, 1), 1), "REGION"),
    ],
)
def test_invalid_numbers_raise_with_a_code(number, code):
    with pytest.raises(IdCardError) as exc:
        parse_id_number(number)
    assert exc.value.code == code


def test_future_birth_date_is_refused():
    with pytest.raises(IdCardError) as exc:
        parse_id_number(make_id_number("330482", dt.date(2030, 1, 1), 1), today=dt.date(2026, 11, 29))
    assert exc.value.code == "BIRTH_DATE"


@given(
    birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31)),
    seq=st.integers(min_value=0, max_value=999),
)
def test_generated_numbers_round_trip(birth, seq):
    number = make_id_number("330482", birth, seq)
    card = parse_id_number(number.lower())
    assert card.number == number
    assert card.birth_date == birth
    assert card.gender == ("M" if seq % 2 else "F")


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_exactly_one_check_character_is_valid(body):
    valid = [c for c in "0123456789X" if check_char(body) == c]
    assert len(valid) == 1


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_character_is_the_mod_11_2_of_the_weighted_digits(body):
    weights = [2 ** (17 - i) % 11 for i in range(17)]  # ISO 7064 MOD 11-2: 7, 9, 10, 5, ...
    total = sum(int(digit) * weight for digit, weight in zip(body, weights, strict=True))
    assert check_char(body) == "10X98765432"[total % 11]
    assert check_char(SAMPLE[:17]) == SAMPLE[17]
