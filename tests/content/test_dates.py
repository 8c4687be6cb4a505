"""The partial date: every form of the contract, impossible dates, order, words."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from generator.content.dates import (
    DateError,
    DateWords,
    PartialDate,
    format_date,
    format_range,
    parse_date,
)
from generator.site.theme import load_theme

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def fr() -> DateWords:
    return load_theme(REPO).words("fr").dates


@pytest.fixture(scope="module")
def en() -> DateWords:
    return load_theme(REPO).words("en").dates


# --- parsing ---------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "year", "month", "day", "precision"), [
    ("2023", 2023, None, None, "year"),
    ("2023-03", 2023, 3, None, "month"),
    ("2023-03-29", 2023, 3, 29, "day"),
    ("0001", 1, None, None, "year"),
    ("0000", 0, None, None, "year"),
    ("-0499", -499, None, None, "year"),
    ("-0499-03-15", -499, 3, 15, "day"),
    ("-9999", -9999, None, None, "year"),
    ("9999", 9999, None, None, "year"),
    ("9999-12-31", 9999, 12, 31, "day"),
    ("-9999-01-01", -9999, 1, 1, "day"),
])
def test_parses_every_precision(text: str, year: int, month: int | None, day: int | None,
                                precision: str) -> None:
    date = parse_date(text)
    assert (date.year, date.month, date.day) == (year, month, day)
    assert date.precision == precision
    assert not date.approximate and not date.uncertain
    assert date.edtf == text


def test_month_precision_is_not_the_first_of_the_month() -> None:
    assert parse_date("2023-03") != parse_date("2023-03-01")
    assert parse_date("2023") != parse_date("2023-01-01")


@pytest.mark.parametrize(("text", "approximate", "uncertain"), [
    ("1920~", True, False),
    ("2023-07-10?", False, True),
    ("2023-07%", True, True),
    ("-0752~", True, False),
])
def test_qualifiers(text: str, approximate: bool, uncertain: bool) -> None:
    date = parse_date(text)
    assert (date.approximate, date.uncertain) == (approximate, uncertain)
    assert date.edtf == text


@pytest.mark.parametrize("text", [
    "", "23", "202", "20230", "12345", "-10000", "March 2023", "2023~?", "~2023", "2023 -03",
    "2023-03-29-01", "+2023", "２０２３", "today",
])
def test_malformed_dates_are_refused_with_the_forms_to_use(text: str) -> None:
    with pytest.raises(DateError) as exc:
        parse_date(text)
    assert "YYYY, YYYY-MM or YYYY-MM-DD" in str(exc.value)


@pytest.mark.parametrize(("text", "fix"), [
    ("2023-7-12", "write 2023-07-12 (YYYY-MM-DD"),
    ("2023-3", "write 2023-03 ("),
    ("2023/03/29", "write 2023-03-29 ("),
    ("29/03/2023", "write 2023-03-29 (dates are written YYYY-MM-DD)"),
    ("12/07/2023", "it is ambiguous: write 2023-07-12 if it is day/month/year, "
                   "or 2023-12-07 if it is month/day/year"),
    ("2023-03-29T10:00", "a time or time zone ('10:00') is not part of a date: write 2023-03-29"),
    ("2023-03-29 10:00+02:00", "('10:00+02:00') is not part of a date: write 2023-03-29"),
    ("2023-03-29Z", "('Z') is not part of a date: write 2023-03-29"),
])
def test_a_near_miss_date_is_refused_with_its_exact_fix(text: str, fix: str) -> None:
    with pytest.raises(DateError) as exc:
        parse_date(text)
    message = str(exc.value)
    assert message.startswith(f"'{text}' is not a date: ") and fix in message


@pytest.mark.parametrize(("text", "message"), [
    ("2023-02-30", "date '2023-02-30' is not a real day: February 2023 has 28 days"),
    ("2023-02-29", "date '2023-02-29' is not a real day: February 2023 has 28 days"),
    ("1900-02-29", "date '1900-02-29' is not a real day: February 1900 has 28 days"),
    ("2023-04-31", "date '2023-04-31' is not a real day: April 2023 has 30 days"),
    ("2023-01-32", "date '2023-01-32' is not a real day: January 2023 has 31 days"),
    ("2023-01-00", "date '2023-01-00' is not a real day: January 2023 has 31 days"),
    ("2023-13", "date '2023-13' has no month 13: months run from 01 to 12"),
    ("2023-00", "date '2023-00' has no month 00: months run from 01 to 12"),
    ("2023-13-01", "date '2023-13-01' has no month 13: months run from 01 to 12"),
    ("-0001-02-29", "February -0001 has 28 days"),
])
def test_impossible_dates_say_why(text: str, message: str) -> None:
    with pytest.raises(DateError) as exc:
        parse_date(text)
    assert message in str(exc.value)


@pytest.mark.parametrize("text", [
    "2000-02-29",     # divisible by 400: leap
    "2024-02-29",     # divisible by 4: leap
    "0000-02-29",     # astronomical year 0 (1 BC) is a leap year
    "-0004-02-29",    # 5 BC, astronomical -4: leap
    "-0400-02-29",
])
def test_leap_days(text: str) -> None:
    assert parse_date(text).day == 29


def test_end_key_covers_the_whole_period() -> None:
    assert parse_date("2023").end_key == (2023, 12, 31)
    assert parse_date("2024-02").end_key == (2024, 2, 29)
    assert parse_date("2023-02").end_key == (2023, 2, 28)
    assert parse_date("2023-05-30").end_key == (2023, 5, 30)


# --- order -----------------------------------------------------------------------------

def test_a_coarser_date_sorts_at_the_start_of_its_period() -> None:
    march = parse_date("2023-03")
    fifth = parse_date("2023-03-05")
    year = parse_date("2023")
    assert year.start_key < march.start_key < fifth.start_key
    assert parse_date("2023-02-28").start_key < march.start_key


def test_order_runs_across_the_era_boundary() -> None:
    texts = ["2023", "-0499", "0000", "-9999", "0001", "-0001-12-31", "9999", "-0500"]
    ordered = sorted(texts, key=lambda t: parse_date(t).start_key)
    assert ordered == ["-9999", "-0500", "-0499", "-0001-12-31", "0000", "0001", "2023",
                       "9999"]


def test_random_round_trip() -> None:
    """Every valid date prints back to the EDTF it was parsed from."""
    rng = random.Random(7)
    for _ in range(2000):
        year = rng.randint(-9999, 9999)
        text = f"{'-' if year < 0 else ''}{abs(year):04d}"
        if rng.random() < 0.7:
            text += f"-{rng.randint(1, 12):02d}"
            if rng.random() < 0.6:
                text += f"-{rng.randint(1, 28):02d}"
        text += rng.choice(["", "", "~", "?", "%"])
        assert parse_date(text).edtf == text


# --- words -----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "french", "english"), [
    ("2023-03-29", "29 mars 2023", "29 March 2023"),
    ("2023-03", "mars 2023", "March 2023"),
    ("2023", "2023", "2023"),
    ("1920~", "vers 1920", "about 1920"),
    ("-0499", "500 av. J.-C.", "500 BC"),
    ("0000", "1 av. J.-C.", "1 BC"),
    ("0001", "1", "1"),
    ("-0499-03-15", "15 mars 500 av. J.-C.", "15 March 500 BC"),
    ("2023-07-01", "1er juillet 2023", "1 July 2023"),
])
def test_dates_in_words(fr: DateWords, en: DateWords, text: str, french: str,
                        english: str) -> None:
    date = parse_date(text)
    assert format_date(date, fr) == french
    assert format_date(date, en) == english


def test_uncertain_dates_in_words(fr: DateWords, en: DateWords) -> None:
    assert "10 juillet 2023" in format_date(parse_date("2023-07-10?"), fr)
    assert format_date(parse_date("2023-07-10?"), fr) != "10 juillet 2023"
    both = format_date(parse_date("1920%"), fr)
    assert both.startswith("vers 1920") and both != "vers 1920"
    assert format_date(parse_date("1920%"), en).startswith("about 1920")


@pytest.mark.parametrize(("start", "end", "french"), [
    ("2016", "2020", "2016 – 2020"),
    ("2020-09-27", "2020-11-10", "27 septembre – 10 novembre 2020"),
    ("2020-09-27", "2021-01-10", "27 septembre 2020 – 10 janvier 2021"),
    ("2023-03", "2023-05", "mars – mai 2023"),
    ("-0499", "-0400", "500 av. J.-C. – 401 av. J.-C."),
    ("1920~", "1921-03", "vers 1920 – mars 1921"),
])
def test_periods_in_words(fr: DateWords, start: str, end: str, french: str) -> None:
    assert format_range(parse_date(start), parse_date(end), fr) == french


@pytest.mark.parametrize(("start", "end", "english", "french"), [
    ("2023-03", "2023-03-30", "March – 30 March 2023", "mars – 30 mars 2023"),
    ("2023-07-01", "2023-07-14", "1 – 14 July 2023", "1er – 14 juillet 2023"),
    ("2023-03-01", "2023-04-01", "1 March – 1 April 2023", "1er mars – 1er avril 2023"),
])
def test_periods_read_well_in_both_languages(fr: DateWords, start: str, end: str,
                                             english: str, french: str) -> None:
    en_gb = DateWords("en_GB")
    assert format_range(parse_date(start), parse_date(end), en_gb) == english
    assert format_range(parse_date(start), parse_date(end), fr) == french


def test_a_month_first_language_never_puts_a_bare_day_before_the_month() -> None:
    assert format_range(parse_date("2023-07-12"), parse_date("2023-07-14"),
                        DateWords("en_US")) == "July 12 – July 14, 2023"


def test_a_period_of_one_date_is_that_date(fr: DateWords) -> None:
    d = parse_date("2023-03-29")
    assert format_range(d, None, fr) == format_range(d, d, fr) == "29 mars 2023"


# --- HTML ------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "datetime"), [
    ("2023-03-29", "2023-03-29"),
    ("2023-03", "2023-03"),
    ("2023", "2023"),
    ("0001", "0001"),
    ("0000", None),
    ("-0499", None),
    ("1920~", None),
    ("2023-07-10?", None),
    ("2023%", None),
])
def test_html_datetime_only_where_html_can_say_it(text: str, datetime: str | None) -> None:
    assert parse_date(text).html_datetime == datetime


def test_iso_start() -> None:
    assert parse_date("2023-03").iso_start == "2023-03-01"
    assert parse_date("-0499").iso_start == "-0499-01-01"


def test_partial_date_is_frozen() -> None:
    date = PartialDate(2023)
    with pytest.raises(AttributeError):
        date.year = 2024  # type: ignore[misc]


def test_days_agree_with_the_standard_library() -> None:
    """Valid days are exactly those `datetime.date` accepts (years 1-9999), and years
    below 1 follow the same 400-year Gregorian cycle."""
    import calendar
    import datetime as dt

    rng = random.Random(11)
    for _ in range(3000):
        year, month, day = rng.randint(-9999, 9999), rng.randint(1, 12), rng.randint(28, 31)
        ref_year = year if year >= 1 else year + 10000  # 10000 = 25 cycles of 400 years
        try:
            dt.date(ref_year, month, day)
            real = True
        except ValueError:
            real = False
        text = f"{'-' if year < 0 else ''}{abs(year):04d}-{month:02d}-{day:02d}"
        if real:
            assert parse_date(text).day == day
        else:
            with pytest.raises(DateError, match=f"has {calendar.monthrange(ref_year, month)[1]} "
                                                "days"):
                parse_date(text)


@pytest.mark.parametrize("text", ["a\nb", "2023-13\n", "2023-02-30\n", "\t20x3", "20\u202823"])
def test_error_messages_stay_on_one_line(text: str) -> None:
    with pytest.raises(DateError) as exc:
        parse_date(text)
    assert "\n" not in str(exc.value) and "\t" not in str(exc.value)
    assert "\u2028" not in str(exc.value)
