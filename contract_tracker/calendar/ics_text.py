"""TEXT values (RFC 5545 3.3.11) as calendars are written here: the one escaping function.

RFC 5545 escapes four things in TEXT: backslash, semicolon, comma and the line break (written
`\\n`). Read back by any parser that follows the RFC, the escaped text is exactly the text given.

icalendar's own TEXT escaping first turns a backslash followed by `N` into a line break (it takes
user text for already half-escaped), so `Highways\\North lot` would come back as two lines; its
escaping is also private API. Every TEXT value in our calendars (the streaming writer's and the
icalendar model's, which the tests hold equal) is escaped by `escape_text` instead, and
`tests/test_ics_text.py` holds it equal to icalendar's public `vText` on every other text, and
read back unchanged by icalendar, vobject and an ical.js-style parser.

Callers pass text already through `calendar.clean_text` (no control characters, no U+FEFF);
a carriage return that got past it still becomes an escaped line break, never a raw one.
"""

from __future__ import annotations

# In this order: the backslash first, so that the escapes added after it are not escaped again;
# CR LF before a lone CR or LF, so that it is one line break, not two.
_ESCAPES = (("\\", "\\\\"), (";", "\\;"), (",", "\\,"), ("\r\n", "\\n"), ("\n", "\\n"), ("\r", "\\n"))


def escape_text(text: str) -> str:
    """`text` as an RFC 5545 TEXT value: backslash, semicolon, comma and line break escaped."""
    for special, escaped in _ESCAPES:
        if special in text:  # most texts have none of them: no copy
            text = text.replace(special, escaped)
    return text
