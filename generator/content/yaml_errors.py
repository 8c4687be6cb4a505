"""PyYAML's parser errors in an editor's words: what is wrong, where, and what to type.

libyaml says "mapping values are not allowed in this context"; an editor needs
"the value holds ': ': put it in quotes", the line as they wrote it, and, for
an unclosed quote, the line where the quote opened rather than where the
parser gave up. Pure: the exception and the file's text in, a located error out.
"""

from __future__ import annotations

import json
import re
from typing import Protocol

import yaml

from ..errors import FriseError, SourceLocation

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader, ten times faster, where PyYAML was built with it; else the
pure-Python one (they read the same data)."""

_KEY_VALUE = re.compile(r"(\s*)(-\s+)?([^\s#'\"][^:#]*?):\s+(.*?)\s*$")
_BRACKETS = {"[": "]", "{": "}"}


class _Mark(Protocol):
    line: int
    column: int


def _quote(value: str) -> str:
    """The value as a YAML quoted scalar: double quotes, or single when it holds some."""
    if '"' in value and "'" not in value:
        return f"'{value}'"
    return json.dumps(value, ensure_ascii=False)


def _quoted_fix(line: str) -> str | None:
    """`title: a: b` → `title: "a: b"`: the line with its whole value put in quotes."""
    match = _KEY_VALUE.match(line)
    if not match or not match.group(4):
        return None
    indent, dash, key, value = match.groups()
    return f"{indent}{dash or ''}{key}: {_quote(value)}"


def _open_quote(text: str, before: int) -> yaml.ScalarEvent | None:
    """The last quoted value before line `before` that runs over several lines: where a
    quote left open swallowed the lines after it."""
    found = None
    try:
        for event in yaml.parse(text, Loader=LOADER):
            start, end = event.start_mark, event.end_mark
            if start is None or end is None:
                continue
            if start.line >= before:
                break
            if (isinstance(event, yaml.ScalarEvent) and event.style in ("'", '"')
                    and end.line > start.line):
                found = event
    except yaml.YAMLError:
        pass
    return found


def _unclosed_bracket(lines: list[str], row: int, col: int) -> tuple[int, int] | None:
    """Where the last '[' or '{' still open before (row, col) was typed, quotes skipped."""
    stack: list[tuple[int, int]] = []
    for r, line in enumerate(lines[: row + 1]):
        quote = ""
        for c, char in enumerate(line if r < row else line[:col]):
            if quote:
                quote = "" if char == quote else quote
            elif char in "'\"" and (c == 0 or line[c - 1] in " [{,:"):
                quote = char
            elif char in _BRACKETS:
                stack.append((r, c))
            elif char in "]}" and stack:
                stack.pop()
    return stack[-1] if stack else None


def explain(exc: yaml.MarkedYAMLError, text: str, path: str) -> FriseError:
    """The parser's error `exc` in `text` as a located error saying what to type."""
    problem, context = exc.problem or "", exc.context or ""
    mark: _Mark | None = exc.problem_mark or exc.context_mark
    lines = text.splitlines() or [""]
    row = min(mark.line, len(lines) - 1) if mark is not None else 0
    col = mark.column if mark is not None and mark.line < len(lines) else len(lines[row])
    line = lines[row]

    def at(r: int, c: int, message: str) -> FriseError:
        shown = lines[min(r, len(lines) - 1)].strip()
        return FriseError(message + (f"; the line reads: {shown}" if shown else ""),
                          SourceLocation(path, r + 1, c + 1))

    if "tab" in problem or "\t" in line[: col + 1] and "cannot start any token" in problem:
        tab = line.find("\t")
        return at(row, max(tab, 0), "tabs are not allowed in YAML: indent with spaces")
    if "while scanning a quoted scalar" in context and exc.context_mark is not None:
        open_at = exc.context_mark
        quote = lines[min(open_at.line, len(lines) - 1)][open_at.column:][:1] or '"'
        return at(open_at.line, open_at.column,
                  f"the quote {quote} opened here is never closed: end the value with {quote}")
    opened = _open_quote(text, row)
    if (opened is not None and opened.start_mark is not None and opened.end_mark is not None
            and opened.end_mark.line == row):  # the quote closed where the parser gave up
        start, end = opened.start_mark, opened.end_mark
        quote = '"' if opened.style == '"' else "'"
        return at(start.line, start.column,
                  f"the quote {quote} opened here is closed only on line {end.line + 1}, "
                  f"so the lines between are read as part of the value: close it with "
                  f"{quote} on this line")
    if "unknown escape character" in problem:
        return at(row, col, "a backslash in double quotes starts an escape such as \\n: "
                  "double it (\\\\), or put the value in single quotes")
    if "cannot start any token" in problem:
        char = line[col:col + 1]
        fix = _quoted_fix(line)
        return at(row, col, f"a value cannot begin with '{char}': put the whole value in "
                  "quotes" + (f", e.g. {fix.strip()}" if fix else ""))
    if "mapping values are not allowed" in problem:
        match = _KEY_VALUE.match(line)
        if match and match.end(3) < col:  # a second ': ' inside the value
            fix = _quoted_fix(line)
            return at(row, col, "the value holds ': ', which YAML reads as a new key: put the "
                      "whole value in quotes" + (f", e.g. {fix.strip()}" if fix else ""))
        return at(row, len(line) - len(line.lstrip()),
                  "this line is indented more than the key above it: start it in the same "
                  "column as that key, or put it under a key that ends with ':'")
    if "did not find expected key" in problem:
        before = line[:col].rstrip()
        if before.endswith(('"', "'")) and ":" in before:
            return at(row, col, "text after the closing quote: put the whole value inside "
                      "the quotes")
        return at(row, len(line) - len(line.lstrip()),
                  "this line does not line up with the lines above: the items of one list, "
                  "and the keys of one mapping, start in the same column")
    if "could not find expected ':'" in problem and exc.context_mark is not None:
        start = exc.context_mark
        return at(start.line, start.column,
                  "this line is not 'key: value': write the key, a colon and a space, then "
                  "the value; or indent the line if it continues the value above")
    opener = _unclosed_bracket(lines, row, col) if "flow" in context else None
    if opener is not None:
        r, c = opener
        bracket = lines[r][c]
        return at(r, c, f"the '{bracket}' opened here is not closed: end it with "
                  f"'{_BRACKETS[bracket]}' on the same line, with ', ' between items")
    described = f"{problem} ({context})" if context and problem else problem or context
    return at(row, col, f"YAML syntax: {described or 'invalid YAML'}")
