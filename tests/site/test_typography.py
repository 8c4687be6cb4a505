"""Typography per language: what readers see fixed, and what must stay exactly as typed."""

from __future__ import annotations

import pytest

from generator.site import typography
from generator.site.typography import NBSP, NNBSP

FRENCH = [
    ("SIPRI : Israël", f"SIPRI{NBSP}: Israël"),
    ("SIPRI: Israël", f"SIPRI{NBSP}: Israël"),
    ("69 % des armes", f"69{NNBSP}% des armes"),
    ("69%", f"69{NNBSP}%"),
    ("Vraiment ? Oui ! Non ; si", f"Vraiment{NNBSP}? Oui{NNBSP}! Non{NNBSP}; si"),
    ("Vraiment? Oui!", f"Vraiment{NNBSP}? Oui{NNBSP}!"),
    ("« la diplomatie »", f"«{NBSP}la diplomatie{NBSP}»"),
    ("«allié»", f"«{NBSP}allié{NBSP}»"),
    ('"allié"', f"«{NBSP}allié{NBSP}»"),
    ("l'État d'Israël", "l’État d’Israël"),
    ("plus de 6 000 soldats", f"plus de 6{NNBSP}000 soldats"),
    ("1 250 000", f"1{NNBSP}250{NNBSP}000"),
]
UNCHANGED_FR = ["à 12:30", "https://example.org/?q=1", "(?)", "2016-2020", "entre 2016 2020",
                "vers 1920 (?)", "déjà typographié\u00a0: oui"]


@pytest.mark.parametrize(("typed", "shown"), FRENCH)
def test_french_gets_its_spaces_and_apostrophes(typed: str, shown: str) -> None:
    assert typography.text(typed, "fr") == shown
    assert typography.text(shown, "fr") == shown  # typesetting twice changes nothing


@pytest.mark.parametrize("typed", UNCHANGED_FR)
def test_french_leaves_times_urls_and_ranges_alone(typed: str) -> None:
    assert typography.text(typed, "fr") == typed


@pytest.mark.parametrize(("typed", "shown"), [
    ("Israel's \"DM\" said 'no'", "Israel’s “DM” said ‘no’"),
    ("the '90s", "the ’90s"),
    ("Arms transfers: The case", "Arms transfers: The case"),
    ("(\"a\")", "(“a”)"),
])
def test_english_gets_curly_quotes_and_no_french_spaces(typed: str, shown: str) -> None:
    assert typography.text(typed, "en-GB") == shown


def test_other_languages_stay_as_typed() -> None:
    assert typography.text("l'x : y", "ru") == "l'x : y"
    assert typography.text("l'x : y", None) == "l'x : y"


def test_html_changes_text_nodes_only() -> None:
    html = ('<p>SIPRI : l\'arme <code>a\'b : c</code> <a href="https://x.org/?a=1&amp;b=\'2\'" '
            'title="l\'x">l\'y</a> &amp; "<strong>x</strong>"</p><pre>x ; y</pre>')
    assert typography.html(html, "fr") == (
        f'<p>SIPRI{NBSP}: l’arme <code>a\'b : c</code> <a href="https://x.org/?a=1&amp;b=\'2\'" '
        f'title="l\'x">l’y</a> &amp; «{NBSP}<strong>x</strong>{NBSP}»</p><pre>x ; y</pre>')


def test_html_entities_are_read_as_text_not_as_punctuation() -> None:
    # `&nbsp;` ends in ';': it must not get a space before it, and stays a no-break space.
    assert typography.html("<p>a&nbsp;b &lt;c&gt; 5&nbsp;%</p>", "fr") == (
        f"<p>a{NBSP}b &lt;c&gt; 5{NNBSP}%</p>")


def test_english_quotes_open_and_close_across_tags() -> None:
    assert typography.html('<p>He said "<em>no</em>" and \'yes\'</p>', "en") == (
        "<p>He said “<em>no</em>” and ‘yes’</p>")
