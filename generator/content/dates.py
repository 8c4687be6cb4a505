"""The partial date: parsed at its true precision, ordered, written out in a language.

`2023-03` means March 2023, never the 1st of March. Years follow EDTF's
astronomical numbering (`-0499` is 500 BC) and may carry a level-1 qualifier:
`~` approximate, `?` uncertain, `%` both.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale
from babel.dates import format_skeleton, get_month_names

from ..errors import one_line

_DATE = re.compile(r"(-?)([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?([~?%]?)")
_MONTHS_EN = (
    "January February March April May June July August September October November December"
).split()
_STAND_IN_YEAR = 2000
"""A leap year that Babel formats; its digits are then replaced by the real year."""


def is_leap(year: int) -> bool:
    """Proleptic Gregorian rule; works for astronomical years below 1 too."""
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if is_leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date known to the year, the month or the day, perhaps approximate or uncertain."""

    year: int
    month: int | None = None
    day: int | None = None
    approximate: bool = False
    uncertain: bool = False

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    @property
    def start_key(self) -> tuple[int, int, int]:
        """Sorts a date at the start of its period: March 2023 before 5 March 2023."""
        return (self.year, self.month or 0, self.day or 0)

    @property
    def end_key(self) -> tuple[int, int, int]:
        """The last day the date covers: 2023 ends on 31 December 2023."""
        month = self.month or 12
        return (self.year, month, self.day or days_in_month(self.year, month))

    @property
    def qualifier(self) -> str:
        if self.approximate and self.uncertain:
            return "%"
        return "~" if self.approximate else "?" if self.uncertain else ""

    @property
    def edtf(self) -> str:
        """The canonical EDTF string, as an editor would write it."""
        sign = "-" if self.year < 0 else ""
        text = f"{sign}{abs(self.year):04d}"
        if self.month:
            text += f"-{self.month:02d}"
        if self.day:
            text += f"-{self.day:02d}"
        return text + self.qualifier

    @property
    def html_datetime(self) -> str | None:
        """A value for `<time datetime>`, or None where HTML cannot say it."""
        if self.year < 1 or self.qualifier:
            return None
        return self.edtf

    @property
    def iso_start(self) -> str:
        """The first day the date covers, for feeds and exports that need a full date."""
        y, m, d = self.start_key
        return f"{'-' if y < 0 else ''}{abs(y):04d}-{max(m, 1):02d}-{max(d, 1):02d}"

    def __str__(self) -> str:
        return self.edtf


class DateError(ValueError):
    """Why a date is not one; the message is shown to the editor as is."""


_FORMS = ("write YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2023, 2023-03, 2023-03-29), "
          "optionally followed by ~, ? or %")
_UNPADDED = re.compile(r"(-?)([0-9]{1,4})[-/.]([0-9]{1,2})(?:[-/.]([0-9]{1,2}))?([~?%]?)")
_DAY_FIRST = re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})")
_TIME = re.compile(r"(-?[0-9]{4}-[0-9]{2}-[0-9]{2})(?:[T ]|(?<=[0-9])(?=[+Z]))(.*)")


def _valid(text: str) -> bool:
    try:
        parse_date(text)
    except DateError:
        return False
    return True


def _fix(text: str) -> str:
    """What the editor should write instead of `text`, as precisely as can be told."""
    day_first = _DAY_FIRST.fullmatch(text)
    if day_first:
        a, b, year = day_first.groups()
        readings = [f"{year}-{m.zfill(2)}-{d.zfill(2)}" for d, m in ((a, b), (b, a))]
        valid = list(dict.fromkeys(r for r in readings if _valid(r)))
        if len(valid) == 2:
            return (f"it is ambiguous: write {valid[0]} if it is day/month/year, or {valid[1]} "
                    "if it is month/day/year (dates are written YYYY-MM-DD)")
        if valid:
            return f"write {valid[0]} (dates are written YYYY-MM-DD)"
    unpadded = _UNPADDED.fullmatch(text)
    if unpadded:
        sign, year, month, day, qual = unpadded.groups()
        fixed = f"{sign}{year.zfill(4)}-{month.zfill(2)}" + (f"-{day.zfill(2)}" if day else "")
        if _valid(fixed + qual):
            return f"write {fixed + qual} (YYYY-MM-DD: four-digit years, two-digit months and days)"
    timed = _TIME.fullmatch(text)
    if timed and _valid(timed.group(1)):
        return (f"a time or time zone ('{one_line(timed.group(2))}') is not part of a date: "
                f"write {timed.group(1)}")
    return _FORMS


def parse_date(text: str) -> PartialDate:
    """Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, signed, with an EDTF qualifier.

    Raises DateError saying why the text is not a real date.
    """
    match = _DATE.fullmatch(text.strip())
    if not match:
        raise DateError(f"'{one_line(text)}' is not a date: {_fix(text.strip())}")
    sign, year_s, month_s, day_s, qual = match.groups()
    year = -int(year_s) if sign else int(year_s)
    month = int(month_s) if month_s else None
    day = int(day_s) if day_s else None
    if month is not None and not 1 <= month <= 12:
        raise DateError(f"date '{text.strip()}' has no month {month_s}: months run from 01 to 12")
    if month is not None and day is not None:
        last = days_in_month(year, month)
        if not 1 <= day <= last:
            raise DateError(
                f"date '{text.strip()}' is not a real day: {_MONTHS_EN[month - 1]} {sign}{year_s} "
                f"has {last} days"
            )
    return PartialDate(year, month, day, approximate=qual in "~%" and bool(qual),
                       uncertain=qual in "?%" and bool(qual))


@dataclass(frozen=True, slots=True)
class DateWords:
    """How one language writes dates: a Babel locale and the phrases around qualifiers."""

    locale: str
    approximate: str = "about {date}"
    uncertain: str = "{date}?"
    approximate_uncertain: str = "about {date}?"
    range: str = "{start} – {end}"


@lru_cache(maxsize=64)
def _era_bc(locale: str) -> str:
    return str(Locale.parse(locale).eras["abbreviated"][0])


def _plain(year: int, month: int | None, day: int | None, locale: str, with_year: bool) -> str:
    text = _pattern(month, day, locale, with_year)
    year_text = str(year) if year >= 1 else f"{1 - year} {_era_bc(locale)}"
    return text.replace("{year}", year_text) if with_year or month is None else text


@lru_cache(maxsize=4096)
def _pattern(month: int | None, day: int | None, locale: str, with_year: bool) -> str:
    """The date in words with `{year}` for its year: Babel is slow, and a timeline of
    thousands of events has only a few hundred days of the year to write."""
    if month is None:
        text = "{year}"
    elif day is None and not with_year:  # Babel's "MMMM" skeleton gives "Mar" in English
        text = str(get_month_names("wide", "stand-alone", locale=locale)[month])
    else:
        stand_in = dt.date(_STAND_IN_YEAR, month, day or 1)
        skeleton = ("yMMMMd" if day else "yMMMM") if with_year else ("MMMMd" if day else "MMMM")
        text = format_skeleton(skeleton, stand_in, locale=locale).replace(
            str(_STAND_IN_YEAR), "{year}"
        )
    if day == 1 and locale.split("_")[0] == "fr":  # French writes the first "1er"
        text = re.sub(r"(?<![0-9])1(?![0-9])", "1er", text, count=1)
    return text


def format_date(date: PartialDate, words: DateWords, with_year: bool = True) -> str:
    """Writes a date at its precision: '29 mars 2023', 'mars 2023', 'vers 1920'."""
    text = _plain(date.year, date.month, date.day, words.locale, with_year)
    if date.approximate and date.uncertain:
        return words.approximate_uncertain.format(date=text)
    if date.approximate:
        return words.approximate.format(date=text)
    if date.uncertain:
        return words.uncertain.format(date=text)
    return text


@lru_cache(maxsize=64)
def _day_first(locale: str) -> bool:
    """True where the day is written before the month ('12 July'), so '12 – 14 July' reads."""
    return format_skeleton("MMMMd", dt.date(_STAND_IN_YEAR, 7, 12), locale=locale)[:2] == "12"


def range_parts(start: PartialDate, end: PartialDate | None, words: DateWords,
                ) -> tuple[str, str | None]:
    """The start and end of a period in words; the start drops what the end repeats:
    '27 septembre – 10 novembre 2020', '12 – 14 juillet 2023'."""
    if end is None or end == start:
        return format_date(start, words), None
    same_year = (
        start.year == end.year and start.month is not None and end.month is not None
        and not start.qualifier and not end.qualifier
    )
    if (same_year and start.month == end.month and start.day and end.day
            and _day_first(words.locale)):
        return _plain(start.year, start.month, start.day, words.locale, False).split(" ")[0], \
            format_date(end, words)
    return format_date(start, words, with_year=not same_year), format_date(end, words)


def format_range(start: PartialDate, end: PartialDate | None, words: DateWords) -> str:
    """Writes a date or a period: '2016 – 2020', '27 septembre – 10 novembre 2020'."""
    first, last = range_parts(start, end, words)
    return first if last is None else words.range.format(start=first, end=last)
