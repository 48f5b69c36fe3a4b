"""Reading extension options from the words registers and notices use.

Councils and publishers rarely write "1y; 1y". They write "Optional Extension Period of 2 x 12
Months", "two further periods of 6 months", "+1+1", "option to extend for a further two years in
annual increments". `read_extension_wording` turns such wording into option lengths ("12m",
"12m"), or says it cannot: wording it cannot read is left for a person, never guessed.

How it reads, in order:

1. The text is normalised: lower case, numbers in words to digits ("twenty four (24)" to "24"),
   units spelt out ("12-month", "1yr", "3y" to "12 month", "1 year", "3 year").
2. Each rule in `RULES` (a table of patterns, the most specific first) finds the phrases it knows
   and takes them out of the text, so that a later, looser rule cannot read the same words again.
   A phrase gives one *claim*: the exact options ("2 x 12 months"), a sum ("1 + 1 years", which may
   or may not begin with the initial term), or only how long the extensions run in all ("up to a
   further 24 months").
3. The claims must agree: the options read are the first reading that every claim allows. "A 3
   year contract with the option to extend for a further 1 year period (3+1)" reads as one option
   of 1 year: the sum 3+1 begins with the initial term. Claims that disagree ("2 years on a 12
   month basis or 1 x 24 month") leave the wording unread.

The phrases the rules were built from are real ones, from UK notices (Public Contracts Scotland,
Sell2Wales, Contracts Finder); the tests hold each of them to what it reads as.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from .durations import Duration
from .limits import MAX_OPTIONS, MAX_PERIOD_YEARS

MAX_TEXT = 2000  # characters read; a longer text is not an extension clause
_UNIT_CODE = {"year": "years", "month": "months", "week": "weeks", "day": "days"}


@dataclass(frozen=True)
class Reading:
    """What a wording says: `options` (lengths as stored, e.g. ("12m", "12m")), or None with the
    `reason` it could not be read. `over_limit`: it reads, but as more options, or longer ones,
    than a contract may have (MAX_OPTIONS, MAX_PERIOD_YEARS)."""

    text: str
    options: tuple[str, ...] | None
    reason: str = ""
    over_limit: bool = False

    @property
    def readable(self) -> bool:
        return self.options is not None


class _OverLimit(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Normalising


_SMALL = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
          "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
_WORDS = {word: n for n, word in enumerate(_SMALL)}
for _ten, _value in _TENS.items():
    _WORDS[_ten] = _value
    for _unit in range(1, 10):
        for _joiner in (" ", "-", ""):
            _WORDS[f"{_ten}{_joiner}{_SMALL[_unit]}"] = _value + _unit
_NUMBER_WORD = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _WORDS), key=len, reverse=True)) + r")\b")
_REPEATED = re.compile(r"(\d+)\s*\(\s*(\d+)\s*\)\s*")  # "two (2)" once it is "2 (2)"
_GLUED = re.compile(r"(?<![\d£$.,])(\d+)\s*-?\s*(?=[a-z])")  # "12-month", "1year", "3y"
_SHORT_UNITS = [
    (re.compile(r"(\d+) (?:y|yr|yrs)\b"), r"\1 years"),
    (re.compile(r"(\d+) (?:m|mo|mos|mth|mths|mnth|mnths)\b"), r"\1 months"),
    (re.compile(r"(\d+) (?:w|wk|wks)\b"), r"\1 weeks"),
    (re.compile(r"(\d+) (?:d)\b"), r"\1 days"),
]
# "a further year" is one year; "a year" too.
_BARE_UNIT = re.compile(r"\b(further|additional|extra|another|an? optional|an?)\s+(year|month)\b")


def normalise(text: str) -> str:
    """The text as the rules read it (see the module's docstring)."""
    # Some published texts lost their backslashes: "12rn month" was "12\r\n month".
    text = re.sub(r"(?<=\d)rn\b", " ", text)
    text = re.sub(r"(?i)\b(years?|months?)rn\b", r"\1 ", text)
    text = text.lower()
    for old, new in (("×", "x"), ("\u2019", "'"), ("–", "-"), ("\u2014", "-"), ("\u00a0", " ")):
        text = text.replace(old, new)
    text = " ".join(text.split())
    text = _NUMBER_WORD.sub(lambda m: str(_WORDS[m.group(1)]), text)
    text = _REPEATED.sub(lambda m: f"{m.group(1)} " if m.group(1) == m.group(2) else m.group(0), text)
    text = _GLUED.sub(r"\1 ", text)
    for pattern, replacement in _SHORT_UNITS:
        text = pattern.sub(replacement, text)
    text = re.sub(r"\b(years?|months?|weeks?|days?)'", r"\1", text)  # "24 months' extension"
    text = _BARE_UNIT.sub(lambda m: f"{m.group(1)} 1 {m.group(2)}", text)
    return " ".join(text.split())


# ---------------------------------------------------------------------------------------------
# Pattern pieces (named groups are made unique per use)


def _len(name: str) -> str:
    """A length: "12 months", "2 further years"."""
    return (rf"(?P<{name}_n>\d+)\s+(?:(?:further|additional|more|extra)\s+)?"
            rf"(?P<{name}_u>year|month|week|day)s?\b")


def _step(name: str) -> str:
    """The length of each step: a length, "annual", "two yearly", "12 monthly"."""
    return (rf"(?:{_len(name)}|(?P<{name}_w>annual|yearly)\b|"
            rf"(?P<{name}_k>\d+)\s+(?P<{name}_ku>year|month)ly\b)")


_ADJ = (r"(?:(?:further|additional|optional|separate|extra|more|possible|potential|consecutive|subsequent|"
        r"successive|individual|renewal|annual|yearly|discretionary|single|separate)\s+)*")
_NOUN = (r"(?:extension\s+(?:periods?|options?)|extensions?|options?(?:\s+periods?)?|periods?|terms?|"
         r"increments?|intervals?|renewals?|blocks?|stages?|tranches?)\b")
_STEP_NOUN = r"(?:increments?|periods?|intervals?|stages?|blocks?|tranches?|extensions?|options?)\b"
_EXTENSION_WORD = re.compile(
    r"\b(?:extend|extended|extending|extension|extensions|renew|renewal|renewals|option|options)\b")


def _duration(match: re.Match, name: str) -> Duration:
    amount = match.group(f"{name}_n")
    unit = match.group(f"{name}_u")
    return _make(amount, unit)


def _make(amount: str | int, unit: str) -> Duration:
    amount = int(amount) if len(str(amount)) <= 6 else 10**7
    duration = Duration(amount, _UNIT_CODE[unit])
    if amount <= 0:
        raise ValueError("a length of nothing")
    if duration.in_months() > MAX_PERIOD_YEARS * 12:
        raise _OverLimit(f"an option of {duration.describe()} is longer than {MAX_PERIOD_YEARS} years")
    return duration


def _step_duration(match: re.Match, name: str) -> Duration:
    if match.group(f"{name}_n"):
        return _duration(match, name)
    if match.group(f"{name}_w"):
        return Duration(1, "years")
    return _make(match.group(f"{name}_k"), match.group(f"{name}_ku"))


def _count(text: str) -> int:
    count = int(text) if len(text) <= 6 else 10**7
    if count <= 0:
        raise ValueError("a count of nothing")
    if count > MAX_OPTIONS:
        raise _OverLimit(f"{count} extension options; a contract has at most {MAX_OPTIONS}")
    return count


def _months(duration: Duration) -> int | None:
    if duration.unit == "years":
        return duration.amount * 12
    if duration.unit == "months":
        return duration.amount
    return None


def _days(duration: Duration) -> int | None:
    return duration.amount * (7 if duration.unit == "weeks" else 1) if duration.unit in ("weeks", "days") else None


def _same(a: Duration, b: Duration) -> bool:
    if _months(a) is not None and _months(b) is not None:
        return _months(a) == _months(b)
    if _days(a) is not None and _days(b) is not None:
        return _days(a) == _days(b)
    return False


def _total(options: tuple[Duration, ...]) -> Duration | None:
    for measure, unit in ((_months, "months"), (_days, "days")):
        amounts = [amount for option in options if (amount := measure(option)) is not None]
        if len(amounts) == len(options):
            return Duration(sum(amounts), unit)
    return None


def _divide(total: Duration, step: Duration) -> int | None:
    """How many steps make the total, when they do exactly."""
    for measure in (_months, _days):
        whole, part = measure(total), measure(step)
        if whole is not None and part is not None and part > 0 and whole % part == 0:
            return whole // part
    return None


# ---------------------------------------------------------------------------------------------
# Claims


@dataclass
class _Claims:
    exact: list[tuple[Duration, ...]] = field(default_factory=list)  # the options, as such
    sums: list[_Sum] = field(default_factory=list)
    totals: list[Duration] = field(default_factory=list)  # how long the extensions run in all
    problems: list[str] = field(default_factory=list)  # phrases that contradict themselves

    def any(self) -> bool:
        return bool(self.exact or self.sums or self.totals or self.problems)


@dataclass
class _Sum:
    parts: list[tuple[int, str | None]]  # (amount, unit or None)
    # Every part is an option: "+1+1", "1+1 year extension", "options to extend by 3 + 3 years".
    all_options: bool
    bracketed: bool  # "(3+1)" after "a 3 year contract": it may restate the whole term
    span: tuple[int, int]


Rule = Callable[[re.Match, _Claims, str], None]


def _exact(claims: _Claims, count: int, length: Duration) -> None:
    claims.exact.append((length,) * count)


def _total_in_steps(match: re.Match, claims: _Claims, _text: str) -> None:
    total, step = _duration(match, "t"), _step_duration(match, "s")
    count = _divide(total, step)
    given = match.groupdict().get("c")
    if count is None or (given and int(given) != count):
        claims.problems.append(f"{match.group(0)!r} does not divide into whole steps")
        return
    _exact(claims, _count(str(count)), step)


def _count_times_length(match: re.Match, claims: _Claims, _text: str) -> None:
    _exact(claims, _count(match.group("c")), _duration(match, "l"))


def _sum(match: re.Match, claims: _Claims, text: str) -> None:
    parts = []
    for part in re.finditer(r"(\d+)(?:\s+(?:further\s+)?(year|month|week|day)s?\b)?", match.group("sum")):
        parts.append((int(part.group(1)) if len(part.group(1)) <= 6 else 10**7, part.group(2)))
    names = re.match(rf"\s*(?:\w+\s+){{0,2}}?{_ADJ}(?:extension|option|renewal)", text[match.end():]) is not None
    before = text[max(0, match.start() - 60):match.start()]
    extending = _EXTENDING_BY.search(before) is not None
    claims.sums.append(_Sum(parts, bool(match.group("lead")) or names or extending,
                            before.rstrip().endswith("("), match.span("sum")))


def _soft(match: re.Match, claims: _Claims, _text: str) -> None:
    claims.totals.append(_duration(match, "t"))


def _soft_in_context(match: re.Match, claims: _Claims, text: str) -> None:
    """"up to 24 months" counts when it is about extending (or is the whole point of the text)."""
    before = text[max(0, match.start() - 60):match.start()]
    if match.start() == 0 or _EXTENSION_WORD.search(before):
        claims.totals.append(_duration(match, "t"))


# Words just before a sum that make every part of it an option: "extend by 3 + 3 years".
_EXTENDING_BY = re.compile(
    r"(?:\bextend(?:ed|ing)?(?:\s+\S+){0,4}?\s+(?:for|by)|\bfurther|\badditional|"
    r"\b(?:extension|option|renewal)s?\s+(?:of|for)|\boptional)\s*(?:up to\s+)?$")
_UP_TO = r"(?:up to\s+)?"
RULES: list[tuple[str, re.Pattern, Rule]] = [
    # "up to 36 months in 12 monthly periods", "a further 2 years in annual increments",
    # "up to 24 months in 2 x 12 month intervals"
    ("total in steps", re.compile(
        rf"{_len('t')}(?:\s+extension)?\s+(?:in|by|through|via|as|using)\s+{_UP_TO}(?:(?P<c>\d+)\s*x\s*)?"
        rf"{_step('s')}\s*(?:{_STEP_NOUN})?"), _total_in_steps),
    # "on an annual basis for up to a further 2 years"
    ("steps for a total", re.compile(
        rf"\bon an?\s+{_step('s')}\s+basis\s+(?:for\s+)?{_UP_TO}(?:an?\s+)?(?:further\s+|additional\s+)?"
        rf"(?:period\s+of\s+)?{_UP_TO}{_len('t')}"), _total_in_steps),
    # "2 years on a 12 month basis"
    ("total on a basis", re.compile(rf"{_len('t')}\s+on an?\s+{_step('s')}\s+basis"), _total_in_steps),
    # "extend annually for up to a further 2 years"
    ("annually for a total", re.compile(
        rf"\b(?P<s_w>annually)\s+(?:for\s+)?{_UP_TO}(?:an?\s+)?(?:further\s+|additional\s+)?{_len('t')}"),
     _total_in_steps),
    # "2 x 12 months", "2 x extensions of up to 12 months each", "3 x 12 month periods"
    ("count x length", re.compile(
        rf"\b(?P<c>\d+)\s*x\s*{_ADJ}(?:{_NOUN}\s*)?(?:of\s+)?{_UP_TO}{_len('l')}(?:\s+each)?"),
     _count_times_length),
    # "two further periods of 6 months", "2 periods, each of 12 months", "one optional extension of 18 months"
    ("count periods of length", re.compile(
        rf"\b(?P<c>\d{{1,3}})\s+{_ADJ}{_NOUN}\s*,?\s*(?:each\s+)?(?:of|for|lasting)\s+{_UP_TO}(?:an?\s+)?"
        rf"{_len('l')}(?:\s+each)?"), _count_times_length),
    # "2 one-year extension options", "two 6 months extensions", "3 12-month periods"
    ("count length periods", re.compile(rf"\b(?P<c>\d{{1,2}})\s+{_ADJ}{_len('l')}\s+{_ADJ}{_NOUN}"),
     _count_times_length),
    # "+1+1", "1 + 1 years", "12 month plus 12 month", "(3+1+1)"
    ("sum", re.compile(
        r"(?P<lead>\+\s*)?(?P<sum>\d+(?:\s+(?:further\s+)?(?:year|month|week|day)s?\b)?"
        r"(?:\s*(?:\+|\bplus\b)\s*\d+(?:\s+(?:further\s+)?(?:year|month|week|day)s?\b)?)+)"), _sum),
    # "a further 12 months", "an additional 2 years", "a further period of one year"
    ("further length", re.compile(
        rf"\b(?:further|additional|extra|another)\s+(?:period\s+of\s+)?{_UP_TO}(?:an?\s+)?{_len('t')}"), _soft),
    # "extend for 12 months", "extend the award period by up to 2 further years"
    ("extend for length", re.compile(
        rf"\bextend(?:ed|ing)?\b[^.;:()]{{0,60}}?\b(?:for|by|up to)\s+(?:up to\s+|an?\s+)*"
        rf"(?:further\s+|additional\s+)?(?:period\s+of\s+)?{_UP_TO}{_len('t')}"), _soft),
    # "an extension of up to 12 months", "option of 12 months"
    ("extension of length", re.compile(
        rf"\b(?:extension|renewal|option)(?:\s+periods?)?\s+(?:of|for)\s+(?:up to\s+|an?\s+)*"
        rf"(?:further\s+|additional\s+)?{_len('t')}"), _soft),
    # "24 month extension option", "12 month option"
    ("length extension", re.compile(rf"{_len('t')}\s+{_ADJ}(?:extension|renewal|option)\b(?!s)"), _soft),
    # "up to 24 months", "not exceeding 24 months" (about extending, or opening the text)
    ("up to length", re.compile(
        rf"\b(?:up to|not exceeding|no more than|not more than)\s+(?:an?\s+)?(?:further\s+|additional\s+)?"
        rf"(?:period\s+of\s+)?{_len('t')}"), _soft_in_context),
]

# The whole text is a length: "24 months", "12 months subject to mutual agreement".
_WHOLE = re.compile(
    rf"^(?:an?\s+)?{_ADJ}(?:period\s+of\s+)?{_UP_TO}{_len('t')}\s*(?:{_ADJ}(?:extension|option|renewal|period)\b)?"
    r"\s*(?:$|[,;(\-.]|\b(?:subject|at|if|with|depending|dependent|based|where|following|upon|on)\b)")
# The whole text a list of lengths: "6 months; 6 months", "1 year, 1 year".
_LIST = re.compile(rf"{_len('a')}(?:\s*(?:[;,/]|\bthen\b)\s*{_len('b')})+\s*\.?")
_INITIAL = [
    re.compile(rf"\binitial(?:ly)?\s+(?:contract\s+|agreement\s+|framework\s+)?(?:term|period|duration|contract)?\s*"
               rf"(?:of|for|is|will be|:)?\s*(?:an?\s+)?{_len('t')}"),
    re.compile(rf"\b{_len('t')}\s+(?:initial|contract|term|agreement|framework|base)\b"),
    re.compile(rf"\b(?:for|of)\s+(?:an?\s+)?(?:period|term|duration)\s+of\s+{_len('t')}"),
    re.compile(rf"\bduration\s*(?:of|:)?\s*{_len('t')}"),
    re.compile(rf"\bterm\s*(?:of|:|is)?\s*{_len('t')}"),
    re.compile(rf"\b{_len('t')}\s+initially\b"),
]
# Several extensions of lengths not given ("optional extensions of a maximum further 5 years"):
# a total alone does not say how many.
_SEVERAL = re.compile(r"\b(?:extensions|extension periods|extension options|renewals)\b")
_STEPS_UNSTATED = re.compile(r"\bincrement(?:s|al|ally)?\b")


@dataclass
class _Initial:
    length: Duration
    span: tuple[int, int]  # of the length in the text


def _initial_term(text: str) -> _Initial | None:
    """The initial term the wording states ("a 3 year contract", "an initial period of 36 months")."""
    for pattern in _INITIAL:
        if match := pattern.search(text):
            try:
                return _Initial(_duration(match, "t"), (match.start("t_n"), match.end("t_u")))
            except (ValueError, _OverLimit):
                return None
    return None


def _sum_readings(found: _Sum, unit: str | None, initial: _Initial | None) -> list[tuple[Duration, ...]]:
    """The options a sum can mean: every part, or every part after the first (an initial term)."""
    parts = []
    for index, (amount, part_unit) in enumerate(found.parts):
        # "1 + 1 years": a bare number takes the unit written after it, else the wording's.
        later = next((u for _, u in found.parts[index:] if u), None)
        chosen = part_unit or later or unit
        if chosen is None:
            return []
        parts.append(_make(amount, chosen))
    whole = tuple(parts)
    if found.all_options:
        return [whole]
    tail = whole[1:]
    if initial is not None and ((initial.span[0] >= found.span[0] and initial.span[1] <= found.span[1])
                                or (found.bracketed and _same(whole[0], initial.length))):
        # "term 3 years plus 1 year", "a 3 year contract ... (3+1)": the first is the initial term
        return [tail]
    return [whole, tail]  # "3+3" after an initial term stated apart: every part, if nothing says otherwise


def _agrees(options: tuple[Duration, ...], claims: _Claims, sums: list[list[tuple[Duration, ...]]]) -> bool:
    def equal(a: tuple[Duration, ...], b: tuple[Duration, ...]) -> bool:
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))

    if not all(equal(options, exact) for exact in claims.exact):
        return False
    if not all(any(equal(options, reading) for reading in readings) for readings in sums):
        return False
    total = _total(options)
    return all(total is not None and _same(total, claimed) for claimed in claims.totals)


def _stored(options: tuple[Duration, ...]) -> tuple[str, ...]:
    if len(options) > MAX_OPTIONS:
        raise _OverLimit(f"{len(options)} extension options; a contract has at most {MAX_OPTIONS}")
    return tuple(str(option) for option in options)


@lru_cache(maxsize=4096)  # a register repeats the same few wordings thousands of times
def read_extension_wording(text: str, *, bare_unit: str | None = None) -> Reading:
    """The options `text` gives, or why it gives none (see the module's docstring).

    `bare_unit` ("year" or "month") is the unit of a number written alone ("2", "1+1"), as a
    register's column may say ("Extension Period Months"); without it such a number is not read.
    """
    if len(text) > MAX_TEXT:
        return Reading(text, None, f"longer than {MAX_TEXT} characters")
    try:
        return _read(text, bare_unit)
    except _OverLimit as error:
        return Reading(text, None, str(error), over_limit=True)
    except ValueError as error:
        return Reading(text, None, str(error))


def _read(text: str, bare_unit: str | None) -> Reading:
    normal = normalise(text)
    if not normal:
        return Reading(text, None, "no wording")
    if bare_unit and (alone := re.fullmatch(r"\+?\s*(\d+)", normal)):
        return Reading(text, _stored((_make(alone.group(1), bare_unit),)))
    if bare_unit and (times := re.fullmatch(r"(\d+)\s*x\s*(\d+)", normal)):
        return Reading(text, _stored((_make(times.group(2), bare_unit),) * _count(times.group(1))))
    if listed := _LIST.fullmatch(normal):
        lengths = [_make(m.group("l_n"), m.group("l_u")) for m in re.finditer(_len("l"), listed.group(0))]
        return Reading(text, _stored(tuple(lengths)))
    claims = _Claims()
    rest = normal
    for _name, pattern, rule in RULES:
        taken = []
        for match in pattern.finditer(rest):
            rule(match, claims, rest)
            taken.append(match.span())
        for start, end in taken:  # out of the text, keeping every position where it was
            rest = rest[:start] + "\x00" * (end - start) + rest[end:]
    if not claims.any() and (whole := _WHOLE.match(normal)):
        claims.totals.append(_duration(whole, "t"))
    if claims.problems:
        return Reading(text, None, claims.problems[0])
    if not (claims.exact or claims.sums):
        if not claims.totals:
            return Reading(text, None, "no length of extension found")
        if _STEPS_UNSTATED.search(rest):
            return Reading(text, None, "extensions in steps whose length is not given")
        if _SEVERAL.search(rest):
            return Reading(text, None, "several extensions whose lengths are not given")
    units = {d.unit for claim in claims.exact for d in claim} | {d.unit for d in claims.totals}
    initial = _initial_term(normal)
    unit = bare_unit if bare_unit else None
    if unit is None and len(units) == 1:
        unit = next(iter(units))[:-1]
    if unit is None and initial is not None:
        unit = initial.length.unit[:-1]
    sums = [_sum_readings(found, unit, initial) for found in claims.sums]
    if any(not readings for readings in sums):
        return Reading(text, None, "a sum of periods with no unit")
    candidates = list(claims.exact) + [reading for readings in sums for reading in readings]
    if not candidates:
        candidates = [(claims.totals[0],)]
    for options in candidates:
        if options and _agrees(options, claims, sums):
            return Reading(text, _stored(options))
    return Reading(text, None, "the wording gives different extensions")
