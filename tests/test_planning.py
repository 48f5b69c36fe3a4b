"""Templates and planning: every shipped template loads, and plans meet every minimum."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contract_tracker.domain.periods import Gap, parse_gap
from contract_tracker.domain.planning import parse_overrides, plan
from contract_tracker.domain.statutory import pa_standstill_end, pcr_standstill_end
from contract_tracker.domain.templates import get_template, load_templates, parse_template, template_for
from contract_tracker.domain.workdays import WorkingDays, parse_closures, statutory_calendar
from contract_tracker.errors import InvalidInput, NotFound

UK = statutory_calendar()
SHIPPED = ["pa2023-open", "pa2023-competitive-flexible", "pa2023-light-touch", "pcr2015-open",
           "pcr2015-light-touch", "pa2023-call-off"]


def test_the_six_templates_ship_and_load():
    templates = load_templates()
    assert sorted(templates) == sorted(SHIPPED)
    for template in templates.values():
        assert template.steps[0].after is None
        kinds = {step.kind.value for step in template.steps}
        assert {"itt publication", "tender deadline", "signature", "service start"} <= kinds, template.key
        for step in template.steps:
            if step.minimum or step.maximum:
                assert step.citation, (template.key, step.key)


def test_template_choice_for_a_contract():
    assert template_for("PA2023", "open", light_touch=False).key == "pa2023-open"
    assert template_for("PA2023", "competitive flexible", light_touch=False).key == "pa2023-competitive-flexible"
    assert template_for("PA2023", "open", light_touch=True).key == "pa2023-light-touch"
    assert template_for("PA2023", "call-off", light_touch=False).key == "pa2023-call-off"
    assert template_for("PCR2015", "restricted", light_touch=False).key == "pcr2015-open"
    assert template_for("other", "open", light_touch=False) is None
    with pytest.raises(NotFound, match="pa2023-open"):
        get_template("pa2023-closed")


@pytest.mark.parametrize("text, problem", [
    ('name = "x"\n[[steps]]\nkey = "a"\nkind = "approval"\nname = "A"\ncolour = "red"\n', "unknown field"),
    ('name = "x"\n[[steps]]\nkey = "a"\nkind = "approval"\nname = "A"\nafter = "b"\nperiod = "1d"\n', "earlier step"),
    ('name = "x"\n[[steps]]\nkey = "a"\nkind = "approval"\nname = "A"\n'
     '[[steps]]\nkey = "b"\nkind = "tender deadline"\nname = "B"\nperiod = "1d"\nminimum = "1d"\n', "citation"),
    ('name = "x"\n[[steps]]\nkey = "a"\nkind = "approvals"\nname = "A"\n', "not one of"),
    ('name = "x"\n[[steps]]\nkey = "a"\nkind = "approval"\nname = "A"\n'
     '[[steps]]\nkey = "b"\nkind = "other"\nname = "B"\nperiod = "3 fortnights"\n', "not a period"),
    ('name = "x"\n[[steps]]\nkey = "a"\nkind = "approval"\nname = "A"\n'
     '[[steps]]\nkey = "b"\nkind = "other"\nname = "B"\n',
     "needs a period"),
    ('name = "x"\nsteps = [\n', "not valid TOML"),
    ('name = "x"\n', "at least one"),
])
def test_a_broken_template_is_reported_with_its_file_and_step(text, problem):
    with pytest.raises(InvalidInput, match=problem) as error:
        parse_template("broken", text)
    assert "broken.toml" in str(error.value)


def test_gaps_count_like_the_law():
    assert parse_gap("25d").end(date(2025, 4, 1), UK) == date(2025, 4, 26)
    assert parse_gap("8wd", inclusive=True).end(date(2025, 12, 22), UK) == date(2026, 1, 6)
    assert parse_gap("10d", roll=True).end(date(2025, 12, 16), UK) == date(2025, 12, 29)
    assert parse_gap("2m").end(date(2025, 12, 31), UK) == date(2026, 2, 28)
    assert parse_gap("8 working days") == Gap(8, "working days")
    assert parse_gap("25d").measure(date(2025, 4, 1), date(2025, 5, 12), UK) == 41
    with pytest.raises(InvalidInput):
        parse_gap("soon")


GAPS = st.builds(
    Gap, st.integers(min_value=0, max_value=60), st.sampled_from(["days", "working days", "weeks", "months"]),
    st.booleans(), st.booleans(),
).filter(lambda g: not (g.unit == "working days" and g.inclusive and g.amount == 0))


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)), GAPS)
def test_latest_start_is_the_latest_day_that_still_fits(end, gap):
    start = gap.latest_start(end, UK)
    assert gap.end(start, UK) <= end
    assert gap.end(start + timedelta(days=1), UK) > end


def test_backwards_from_1_september_2025_every_period_meets_its_minimum():
    result = plan(get_template("pa2023-open"), "service start", date(2025, 9, 1), UK)
    assert result.ok
    assert result.date_of("service-start") == date(2025, 9, 1)
    with_minimum = [p for p in result.steps if p.step.minimum]
    assert {p.step.key for p in with_minimum} >= {"tender-deadline", "standstill-end", "signature"}
    assert all(p.meets_minimum for p in with_minimum)
    assert (result.date_of("tender-deadline") - result.date_of("itt")).days >= 25
    assert result.date_of("standstill-end") == pa_standstill_end(result.date_of("award-notice"))
    assert result.date_of("signature") > result.date_of("standstill-end")
    assert result.date_of("contract-details-notice") <= result.date_of("signature") + timedelta(days=29)
    mobilisation = next(p for p in result.steps if p.step.key == "mobilisation")
    assert ((mobilisation.start, mobilisation.due)
            == (result.date_of("signature") + timedelta(days=1), date(2025, 8, 31)))
    for planned in result.steps:
        if not planned.step.span and planned.step.key != "service-start":
            assert UK.is_working_day(planned.due), planned.step.key


def test_forwards_from_the_itt():
    result = plan(get_template("pa2023-open"), "itt", date(2025, 4, 1), UK)
    assert result.ok
    assert result.date_of("itt") == date(2025, 4, 1)
    assert result.date_of("tender-deadline") == date(2025, 5, 6)  # 35 days, a Tuesday
    assert result.date_of("approval") < result.date_of("engagement-notice") < result.date_of("itt")


def test_pcr_plan_uses_the_regulation_87_standstill():
    result = plan(get_template("pcr2015-open"), "itt", date(2025, 4, 1), UK)
    assert result.date_of("standstill-end") == pcr_standstill_end(result.date_of("award-notice"))


@pytest.mark.parametrize("key", SHIPPED)
@pytest.mark.parametrize("anchor, day", [("service start", date(2025, 9, 1)), ("itt publication", date(2025, 4, 1)),
                                         ("service start", date(2026, 1, 4))])
def test_every_template_plans_within_its_rules(key, anchor, day):
    result = plan(get_template(key), anchor, day, UK)
    assert result.ok, [(p.step.key, p.length) for p in result.steps if not p.ok]
    by_key = {p.step.key: p for p in result.steps}
    for planned in result.steps:
        if planned.step.after:
            assert planned.due >= by_key[planned.step.after].due, planned.step.key


def test_a_shorter_period_is_planned_and_flagged():
    template = get_template("pa2023-open")
    result = plan(template, "itt", date(2025, 3, 3), UK, parse_overrides(template, ["tender-deadline=20d"]))
    assert not result.ok
    assert result.date_of("tender-deadline") == date(2025, 3, 24)
    with pytest.raises(InvalidInput, match="STEP=LENGTH"):
        parse_overrides(template, ["tender-deadline"])
    with pytest.raises(InvalidInput, match="first step"):
        parse_overrides(template, ["approval=3d"])
    with pytest.raises(InvalidInput, match="no step"):
        plan(template, "contract end", date(2025, 3, 3), UK)


def test_closure_days_move_planned_dates():
    template = get_template("pa2023-open")
    plain = plan(template, "itt", date(2025, 4, 1), UK)
    closed = WorkingDays(closures=parse_closures(["2025-05-06"]))
    shut = plan(template, "itt", date(2025, 4, 1), closed)
    assert plain.date_of("tender-deadline") == date(2025, 5, 6)
    assert shut.date_of("tender-deadline") == date(2025, 5, 7)


def test_statutory_steps_count_uk_wide_even_when_planning_for_one_nation():
    england = WorkingDays(nations=("ENG",))
    template = get_template("pa2023-open")
    result = plan(template, "award-notice", date(2025, 12, 22), england)
    assert result.date_of("standstill-end") == date(2026, 1, 6)  # Scotland's 2 January still counts
    assert result.date_of("signature") == date(2026, 1, 7)
