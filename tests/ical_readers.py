"""Three more ways of reading a calendar back, and a strict RFC 5545 check.

- `read_icaljs`: the parsing rules of ical.js (the library Thunderbird and many web calendars use),
  carried over line for line from its `parse.js` and `design.js`: lines unfolded, the name and
  parameters split off, the value read by the property's type in ical.js's design: TEXT unescaped by
  one regular expression (\\\\ \\; \\, \\n \\N), CATEGORIES split at every comma not preceded by a
  backslash, a property the design does not know (NAME, X-WR-CALNAME) kept verbatim unless a VALUE
  parameter names its type.
- `read_vobject`: vobject, which clients built on Python (and many converters) use.
- `rfc5545_problems`: the grammar of RFC 5545 (content lines, parameters, TEXT with only its five
  escapes and no bare comma or semicolon, DATE, DATE-TIME, DURATION, INTEGER) and its structure
  (components balanced, required properties present once) checked line by line; the empty list
  when the calendar passes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# ical.js -------------------------------------------------------------------------------------------

_FROM_ICAL_NEWLINE = re.compile(r"\\\\|\\;|\\,|\\[Nn]")
_REPLACE = {"\\\\": "\\", "\\;": ";", "\\,": ",", "\\n": "\n", "\\N": "\n"}
# design.js: the iCalendar properties whose default type is TEXT, and CATEGORIES (TEXT, several
# values separated by commas); any other property not listed is of type "unknown"
_ICALJS_TEXT = {"action", "calscale", "class", "comment", "contact", "description", "location", "method",
                "prodid", "related-to", "status", "summary", "transp", "tzid", "tzname", "version", "uid"}
_ICALJS_MULTI_TEXT = {"categories"}


def _icaljs_text(value: str) -> str:
    if "\\" not in value:
        return value
    return _FROM_ICAL_NEWLINE.sub(lambda match: _REPLACE[match.group(0)], value)


def _unescaped_index(buffer: str, search: str, pos: int) -> int:
    """helpers.unescapedIndexOf: the next `search` not just after a backslash."""
    while (pos := buffer.find(search, pos)) != -1:
        if pos > 0 and buffer[pos - 1] == "\\":
            pos += 1
        else:
            return pos
    return -1


def _icaljs_lines(text: str) -> list[str]:
    """parse._eachLine: a line starting with a space or a tab continues the one before."""
    lines: list[str] = []
    for raw in re.split(r"\r?\n", text):
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] += raw[1:]
        elif raw:
            lines.append(raw)
    return lines


def _icaljs_params(text: str) -> tuple[dict[str, str], str]:
    """parse._parseParameters, for what our calendars use: `;NAME=value` or `;NAME="value"`,
    then the value after the first colon outside quotes."""
    params: dict[str, str] = {}
    pos = 0
    while text[pos] == ";":
        equals = text.index("=", pos)
        name = text[pos + 1:equals].lower()
        if text[equals + 1] == '"':
            close = text.index('"', equals + 2)
            params[name] = text[equals + 2:close]
            pos = close + 1
        else:
            end = min(i for i in (text.find(";", equals), text.find(":", equals)) if i != -1)
            params[name] = text[equals + 1:end]
            pos = end
    assert text[pos] == ":", text
    return params, text[pos + 1:]


@dataclass
class Component:
    name: str
    properties: list[tuple[str, dict[str, str], object]] = field(default_factory=list)
    components: list[Component] = field(default_factory=list)

    def first(self, name: str):
        return next(value for key, _params, value in self.properties if key == name.lower())

    def all(self, name: str) -> list:
        return [value for key, _params, value in self.properties if key == name.lower()]

    def walk(self, name: str) -> list[Component]:
        found = [self] if self.name == name.lower() else []
        for child in self.components:
            found += child.walk(name)
        return found


def read_icaljs(body: bytes) -> Component:
    """The VCALENDAR as ical.js reads it (values as its jCal holds them: TEXT unescaped)."""
    root = Component("root")
    stack = [root]
    for line in _icaljs_lines(body.decode("utf-8")):
        colon, semicolon = line.find(":"), line.find(";")
        if semicolon != -1 and (colon == -1 or semicolon < colon):
            name, (params, value) = line[:semicolon].lower(), _icaljs_params(line[semicolon:])
        else:
            name, params, value = line[:colon].lower(), {}, line[colon + 1:]
        if name == "begin":
            child = Component(value.lower())
            stack[-1].components.append(child)
            stack.append(child)
            continue
        if name == "end":
            stack.pop()
            continue
        kind = params.pop("value", "").lower() or (
            "text" if name in _ICALJS_TEXT | _ICALJS_MULTI_TEXT else "unknown")
        read = _icaljs_text if kind == "text" else (lambda raw: raw)
        if name in _ICALJS_MULTI_TEXT:
            parts, last = [], 0
            while (pos := _unescaped_index(value, ",", last)) != -1:
                parts.append(read(value[last:pos]))
                last = pos + 1
            parts.append(read(value[last:]))
            stack[-1].properties.append((name, params, parts))
        else:
            stack[-1].properties.append((name, params, read(value)))
    (calendar,) = root.components
    return calendar


# vobject -------------------------------------------------------------------------------------------

def read_vobject(body: bytes):
    import vobject

    return vobject.readOne(body.decode("utf-8"))


def vobject_text(component, name: str) -> str:
    """A TEXT property's value as vobject gives it (it unescapes the properties it knows as
    TEXT when it parses; the rest on `transformToNative`)."""
    line = component.contents[name.lower()][0]
    return line.value


# RFC 5545 ------------------------------------------------------------------------------------------

_NAME = re.compile(r"^(?:[A-Za-z0-9-]+)$")
_SAFE_PARAM = re.compile(r'^[^";:,\x00-\x08\x0a-\x1f\x7f]*$')
_QUOTED_PARAM = re.compile(r'^"[^"\x00-\x08\x0a-\x1f\x7f]*"$')
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
# TEXT (3.3.11): TSAFE-CHAR, ":", DQUOTE and the five escapes; no bare backslash, comma or semicolon
_TEXT = re.compile(r'^(?:[^\\;,\x00-\x08\x0a-\x1f\x7f]|\\[\\;,nN])*$')
_TEXT_ITEM = r'(?:[^\\;,\x00-\x08\x0a-\x1f\x7f]|\\[\\;,nN])*'
_TEXT_LIST = re.compile(rf'^{_TEXT_ITEM}(?:,{_TEXT_ITEM})*$')
_DATE = re.compile(r"^\d{8}$")
_UTC_DATE_TIME = re.compile(r"^\d{8}T\d{6}Z$")
_DURATION = re.compile(r"^[+-]?P(?:\d+W|(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+S)?)?)$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s\"<>\\^`{|}]+$")

_TEXT_PROPERTIES = {"SUMMARY", "DESCRIPTION", "UID", "PRODID", "VERSION", "CALSCALE", "NAME", "X-WR-CALNAME",
                    "X-WR-CALDESC", "STATUS", "TRANSP", "ACTION"}
_REQUIRED_ONCE = {
    "VCALENDAR": {"VERSION", "PRODID"},
    "VEVENT": {"UID", "DTSTAMP", "DTSTART"},
    "VALARM": {"ACTION", "TRIGGER"},
}
_AT_MOST_ONCE = {
    "VCALENDAR": {"VERSION", "PRODID", "CALSCALE", "METHOD", "NAME", "UID", "REFRESH-INTERVAL", "X-WR-CALNAME",
                  "X-WR-CALDESC", "X-PUBLISHED-TTL"},
    "VEVENT": {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "SEQUENCE", "STATUS", "TRANSP",
               "LAST-MODIFIED", "URL"},
    "VALARM": {"ACTION", "TRIGGER", "DESCRIPTION"},
}
_ALLOWED_VALUES = {
    ("VEVENT", "STATUS"): {"TENTATIVE", "CONFIRMED", "CANCELLED"},
    ("VEVENT", "TRANSP"): {"OPAQUE", "TRANSPARENT"},
    ("VALARM", "ACTION"): {"AUDIO", "DISPLAY", "EMAIL"},
    ("VCALENDAR", "VERSION"): {"2.0"},
    ("VCALENDAR", "CALSCALE"): {"GREGORIAN"},
}


def _split_line(line: str) -> tuple[str, list[tuple[str, str]], str]:
    """Name, parameters and value of a content line (3.1), or ValueError."""
    match = re.match(r"^([A-Za-z0-9-]+)", line)
    if not match:
        raise ValueError("no property name")
    name, pos, params = match.group(1), match.end(), []
    while pos < len(line) and line[pos] == ";":
        equals = line.index("=", pos)
        param_name = line[pos + 1:equals]
        if line[equals + 1:equals + 2] == '"':
            close = line.index('"', equals + 2)
            value, pos = line[equals + 1:close + 1], close + 1
        else:
            end = min(i for i in (line.find(";", equals), line.find(":", equals), len(line)) if i != -1)
            value, pos = line[equals + 1:end], end
        params.append((param_name, value))
    if pos >= len(line) or line[pos] != ":":
        raise ValueError("no colon before the value")
    return name.upper(), params, line[pos + 1:]


def rfc5545_problems(body: bytes) -> list[str]:
    """Every way `body` departs from RFC 5545 (and RFC 7986 for NAME and REFRESH-INTERVAL)."""
    problems: list[str] = []
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        return [f"not UTF-8: {error}"]
    if not text.endswith("\r\n"):
        problems.append("the last line does not end with CRLF")
    physical = text.split("\r\n")[:-1]
    for number, line in enumerate(physical, 1):
        if "\r" in line or "\n" in line:
            problems.append(f"line {number}: a bare CR or LF")
        if len(line.encode()) > 75:
            problems.append(f"line {number}: {len(line.encode())} octets (75 at most)")
    logical: list[str] = []
    for line in physical:
        if line[:1] in (" ", "\t"):
            if not logical:
                problems.append("a continuation line comes first")
                continue
            logical[-1] += line[1:]
        else:
            logical.append(line)
    stack: list[tuple[str, dict[str, int]]] = []
    components = 0
    for line in logical:
        try:
            name, params, value = _split_line(line)
        except ValueError as error:
            problems.append(f"{line[:40]!r}: {error}")
            continue
        where = stack[-1][0] if stack else ""
        for param_name, param_value in params:
            if not _NAME.match(param_name):
                problems.append(f"{name}: bad parameter name {param_name!r}")
            if not (_SAFE_PARAM.match(param_value) or _QUOTED_PARAM.match(param_value)):
                problems.append(f"{name}: bad parameter value {param_value!r}")
        if _CONTROL.search(value):
            problems.append(f"{name}: a control character in the value")
        if name == "BEGIN":
            stack.append((value.upper(), {}))
            components += 1
            continue
        if name == "END":
            if not stack or stack[-1][0] != value.upper():
                problems.append(f"END:{value} does not close {stack[-1][0] if stack else 'anything'}")
                continue
            component, counts = stack.pop()
            for required in _REQUIRED_ONCE.get(component, ()):
                if counts.get(required) != 1:
                    problems.append(f"{component}: {required} {counts.get(required, 0)} times (once required)")
            for once in _AT_MOST_ONCE.get(component, ()):
                if counts.get(once, 0) > 1:
                    problems.append(f"{component}: {once} {counts[once]} times (at most once)")
            if component == "VALARM" and counts.get("ACTION") and counts.get("DESCRIPTION") != 1:
                problems.append("VALARM: a DISPLAY alarm needs one DESCRIPTION")
            continue
        if not stack:
            problems.append(f"{name} outside any component")
            continue
        stack[-1][1][name] = stack[-1][1].get(name, 0) + 1
        parameters = {key.upper(): val for key, val in params}
        allowed = _ALLOWED_VALUES.get((where, name))
        if allowed is not None and value not in allowed:
            problems.append(f"{where} {name}: {value!r} is not one of {sorted(allowed)}")
        if name in _TEXT_PROPERTIES or name.startswith("X-WR-"):
            if parameters.get("VALUE", "TEXT") != "TEXT" or not _TEXT.match(value):
                problems.append(f"{name}: not a TEXT value: {value[:60]!r}")
        elif name == "CATEGORIES":
            if not _TEXT_LIST.match(value):
                problems.append(f"CATEGORIES: not a list of TEXT values: {value[:60]!r}")
        elif name in {"DTSTART", "DTEND"}:
            if parameters.get("VALUE") == "DATE":
                if not _DATE.match(value):
                    problems.append(f"{name}: not a DATE: {value!r}")
            elif not _UTC_DATE_TIME.match(value):
                problems.append(f"{name}: not a DATE-TIME: {value!r}")
        elif name in {"DTSTAMP", "LAST-MODIFIED"}:
            if not _UTC_DATE_TIME.match(value):
                problems.append(f"{name}: not a UTC DATE-TIME: {value!r}")
        elif name == "SEQUENCE":
            if not _INTEGER.match(value) or int(value) < 0:
                problems.append(f"SEQUENCE: not a non-negative INTEGER: {value!r}")
        elif name in {"TRIGGER", "X-PUBLISHED-TTL"}:
            if not _DURATION.match(value) or parameters.get("RELATED", "START") not in {"START", "END"}:
                problems.append(f"{name}: not a DURATION: {value!r} {parameters}")
        elif name == "REFRESH-INTERVAL":
            if parameters.get("VALUE") != "DURATION" or not _DURATION.match(value):
                problems.append(f"REFRESH-INTERVAL: needs VALUE=DURATION and a DURATION: {value!r}")
        elif name == "URL":
            if not _URI.match(value):
                problems.append(f"URL: not a URI: {value!r}")
        elif not name.startswith("X-"):
            problems.append(f"{name}: a property this check does not know")
    if stack:
        problems.append(f"{stack[-1][0]} is never closed")
    if not logical or logical[0] != "BEGIN:VCALENDAR" or logical[-1] != "END:VCALENDAR":
        problems.append("not one VCALENDAR from the first line to the last")
    return problems
