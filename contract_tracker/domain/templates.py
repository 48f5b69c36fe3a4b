"""Procurement schedule templates: TOML files in `schedules/` (installed as contract_tracker.schedules).

The format is documented in docs/schedules.md. Loading checks every field, so a mistake in a
template is reported with its file and step, never as a traceback.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from enum import Enum
from importlib import resources
from typing import Any, TypeVar

from ..enums import MilestoneKind, Procedure, Regime
from ..errors import InvalidInput, NotFound
from .periods import Gap, parse_gap

_E = TypeVar("_E", bound=Enum)

PACKAGE = "contract_tracker.schedules"


@dataclass(frozen=True)
class Step:
    key: str
    kind: MilestoneKind
    name: str
    after: str | None  # the earlier step this one is measured from; None for the first step
    period: Gap | None  # the default gap from `after`
    minimum: Gap | None = None  # the shortest lawful (or policy) gap from `after`
    maximum: Gap | None = None  # the longest, for notices due within a period
    citation: str = ""
    owner: str = ""
    span: bool = False  # the milestone covers the days from `after` to its own date
    note: str = ""


@dataclass(frozen=True)
class Template:
    key: str
    name: str
    regime: Regime
    procedure: Procedure
    light_touch: bool
    description: str
    steps: tuple[Step, ...]

    def step(self, key: str) -> Step:
        for step in self.steps:
            if step.key == key:
                return step
        raise NotFound(f"template {self.key} has no step {key!r} (steps: {', '.join(s.key for s in self.steps)})")

    def step_of_kind(self, kind: MilestoneKind) -> Step | None:
        return next((step for step in self.steps if step.kind == kind), None)

    def milestone_key(self, step: Step) -> str:
        """What `schedule apply` stores in Milestone.template_key."""
        return f"{self.key}:{step.key}"


_STEP_FIELDS = {"key", "kind", "name", "after", "period", "minimum", "maximum", "citation", "owner",
                "span", "inclusive", "roll", "note"}
_TOP_FIELDS = {"name", "regime", "procedure", "light_touch", "description", "steps"}


def _enum(cls: type[_E], value: object, where: str) -> _E:
    try:
        return cls(str(value))
    except ValueError:
        allowed = ", ".join(member.value for member in cls)
        raise InvalidInput(f"{where}: {value!r} is not one of: {allowed}") from None


def _step(raw: dict[str, Any], index: int, previous: str | None, seen: set[str], source: str) -> Step:
    where = f"{source}, step {index}"
    if not isinstance(raw, dict):
        raise InvalidInput(f"{where}: a step must be a table")
    unknown = set(raw) - _STEP_FIELDS
    if unknown:
        raise InvalidInput(f"{where}: unknown field(s): {', '.join(sorted(unknown))}")
    for required in ("key", "kind", "name"):
        if not str(raw.get(required, "")).strip():
            raise InvalidInput(f"{where}: {required} is required")
    key = str(raw["key"]).strip()
    where = f"{source}, step {key!r}"
    if key in seen:
        raise InvalidInput(f"{where}: the key is used twice")
    after = raw.get("after", previous)
    if after is not None and after not in seen:
        raise InvalidInput(f"{where}: after = {after!r} must name an earlier step")
    flags = dict(inclusive=bool(raw.get("inclusive", False)), roll=bool(raw.get("roll", False)))

    def gap(name: str) -> Gap | None:
        if name not in raw:
            return None
        try:
            return parse_gap(raw[name], **flags)
        except InvalidInput as error:
            raise InvalidInput(f"{where}: {name}: {error}") from None

    period = gap("period")
    if after is not None and period is None:
        raise InvalidInput(f"{where}: a step after another needs a period")
    if after is None and (period or "minimum" in raw or "maximum" in raw):
        raise InvalidInput(f"{where}: the first step has no earlier step to measure a period from")
    minimum, maximum = gap("minimum"), gap("maximum")
    if (minimum or maximum) and not str(raw.get("citation", "")).strip():
        raise InvalidInput(f"{where}: a minimum or maximum needs a citation")
    return Step(
        key=key, kind=_enum(MilestoneKind, raw["kind"], f"{where}: kind"), name=str(raw["name"]).strip(),
        after=after, period=period, minimum=minimum, maximum=maximum,
        citation=str(raw.get("citation", "")).strip(), owner=str(raw.get("owner", "")).strip(),
        span=bool(raw.get("span", False)), note=str(raw.get("note", "")).strip(),
    )


def parse_template(key: str, text: str, *, source: str | None = None) -> Template:
    """Read one template from TOML text; `key` is its file name without `.toml`."""
    source = source or f"{key}.toml"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidInput(f"{source}: not valid TOML ({error})") from None
    unknown = set(data) - _TOP_FIELDS
    if unknown:
        raise InvalidInput(f"{source}: unknown field(s): {', '.join(sorted(unknown))}")
    if not str(data.get("name", "")).strip():
        raise InvalidInput(f"{source}: name is required")
    raw_steps = data.get("steps") or []
    if not raw_steps:
        raise InvalidInput(f"{source}: a template needs at least one [[steps]] entry")
    steps: list[Step] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_steps, start=1):
        step = _step(raw, index, steps[-1].key if steps else None, seen, source)
        seen.add(step.key)
        steps.append(step)
    if sum(1 for step in steps if step.after is None) != 1:
        raise InvalidInput(f"{source}: only the first step may have no earlier step")
    return Template(
        key=key, name=str(data["name"]).strip(),
        regime=_enum(Regime, data.get("regime", Regime.PA2023.value), f"{source}: regime"),
        procedure=_enum(Procedure, data.get("procedure", Procedure.OPEN.value), f"{source}: procedure"),
        light_touch=bool(data.get("light_touch", False)),
        description=str(data.get("description", "")).strip(),
        steps=tuple(steps),
    )


def load_templates() -> dict[str, Template]:
    """Every template shipped in contract_tracker.schedules, by key (the file name)."""
    out: dict[str, Template] = {}
    for entry in sorted(resources.files(PACKAGE).iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            key = entry.name.removesuffix(".toml")
            out[key] = parse_template(key, entry.read_text(encoding="utf-8"), source=entry.name)
    return out


def get_template(key: str) -> Template:
    templates = load_templates()
    wanted = key.strip().lower().removesuffix(".toml")
    if wanted not in templates:
        raise NotFound(f"no schedule template {key!r} (templates: {', '.join(templates)})")
    return templates[wanted]


def template_for(regime: str, procedure: str, light_touch: bool) -> Template | None:
    """The shipped template that best fits a contract: same regime and light-touch, then procedure."""
    candidates = [t for t in load_templates().values() if t.regime.value == regime]
    if procedure == Procedure.CALL_OFF.value:
        exact = [t for t in candidates if t.procedure == Procedure.CALL_OFF]
    elif light_touch:
        exact = [t for t in candidates if t.light_touch]
    else:
        exact = [t for t in candidates if not t.light_touch and t.procedure.value == procedure]
        exact = exact or [t for t in candidates if not t.light_touch and t.procedure == Procedure.OPEN]
    return exact[0] if exact else None
