"""The calendar defects subscribers met, each as the user meets it: through the command line, the
files it writes and the feed server. Every test here failed before its fix."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import httpx
import icalendar
import pytest
from typer.testing import CliRunner

from contract_tracker.cli import app

runner = CliRunner()
COUNCIL_NAME = "Children's services, SEND; transport \\ ops"


def _run(db: str, *args: str) -> bytes:
    result = runner.invoke(app, ["--db", db, "--today", "2026-11-22", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def _demo(tmp_path, name: str) -> str:
    db = f"sqlite:///{tmp_path / name}"
    _run(db, "demo")
    return db


def _export(db: str, *args: str) -> bytes:
    return _run(db, "ics", "export", *args)


def _uids(body: bytes) -> set[str]:
    return {str(event["UID"]) for event in icalendar.Calendar.from_ical(body).walk("VEVENT")}


def test_defect_1_a_calendar_name_with_comma_semicolon_and_backslash_is_escaped(tmp_path):
    body = _export(_demo(tmp_path, "a.sqlite"), "--name", COUNCIL_NAME)
    escaped = "Children's services\\, SEND\\; transport \\\\ ops"
    for name in ("NAME", "X-WR-CALNAME"):
        line = next(line for line in body.decode().split("\r\n") if re.match(f"{name}[;:]", line))
        assert line.split(":", 1)[1] == escaped  # RFC 5545 3.3.11
    import vobject

    calendar = vobject.readOne(body.decode())
    assert calendar.contents["x-wr-calname"][0].value == COUNCIL_NAME
    assert calendar.contents["name"][0].value == COUNCIL_NAME


def test_defect_2_a_typed_backslash_n_reads_back_as_typed(tmp_path):
    db = _demo(tmp_path, "a.sqlite")
    _run(db, "contract", "add", "--ref", "HW-1", "--title", "Highways\\North lot", "--start", "2026-01-01",
         "--term", "2y")
    body = _export(db, "--contract", "HW-1")
    summaries = {str(event["SUMMARY"]) for event in icalendar.Calendar.from_ical(body).walk("VEVENT")}
    assert "Contract ends, Highways\\North lot" in summaries
    assert b"Highways\\\\North lot" in body


def test_defect_3_two_demo_registers_share_no_uid_and_a_restored_register_keeps_its_own(tmp_path):
    first, second = _demo(tmp_path, "first.sqlite"), _demo(tmp_path, "second.sqlite")
    uids = _uids(_export(first))
    assert len(uids) > 30
    assert not uids & _uids(_export(second))
    for backup in ("copy.sqlite", "copy.json"):  # each format, restored "on another machine"
        _run(first, "db", "backup", str(tmp_path / backup))
        elsewhere = f"sqlite:///{tmp_path / ('restored-' + backup + '.sqlite')}"
        _run(elsewhere, "db", "restore", "--yes", str(tmp_path / backup))
        assert _uids(_export(elsewhere)) == uids


def _break_notice(db: str):
    events = icalendar.Calendar.from_ical(_export(db, "--contract", "DEMO-SL-2026", "--kind", "break notice")).walk(
        "VEVENT")
    return events[0] if events else None


def test_defect_4_sequence_never_goes_down_when_a_deadline_disappears_and_comes_back(tmp_path):
    db = _demo(tmp_path, "a.sqlite")
    _run(db, "contract", "edit", "DEMO-SL-2026", "--title", "Supported living (young adults)")
    before = _break_notice(db)
    assert int(before["SEQUENCE"]) == 2  # twice the row's sequence (stream.calendar_sequence_sql)
    _run(db, "contract", "edit", "DEMO-SL-2026", "--term", "1y")  # the break (30 Sep 2027) is after the end now
    gone = _break_notice(db)  # kept, and sent cancelled so that calendars holding it update
    assert str(gone["STATUS"]) == "CANCELLED" and int(gone["SEQUENCE"]) > int(before["SEQUENCE"])
    _run(db, "contract", "edit", "DEMO-SL-2026", "--term", "2y")
    after = _break_notice(db)
    assert str(after["UID"]) == str(before["UID"]) and str(after["STATUS"]) == "CONFIRMED"
    assert int(after["SEQUENCE"]) > int(gone["SEQUENCE"])


def _fires_at(event, alarm) -> datetime:
    trigger = alarm["TRIGGER"]
    related = trigger.params.get("RELATED", "START")
    anchor = event["DTEND"].dt if related == "END" else event["DTSTART"].dt
    return datetime.combine(anchor, datetime.min.time()) + trigger.dt


def _days_before(text: str) -> int:
    when = re.search(r": (today|tomorrow|in (\d+) days) \(", text)
    return {"today": 0, "tomorrow": 1}.get(when.group(1)) if not when.group(2) else int(when.group(2))


def test_defect_5_reminders_on_a_span_fire_before_its_due_day_not_its_first(tmp_path):
    db = _demo(tmp_path, "a.sqlite")
    _run(db, "milestone", "add", "WCC-SEND-MED-2025", "--kind", "mobilisation", "--name", "Mobilise the new service",
         "--due", "July/August 2027")
    body = _export(db, "--alarms", "30d,7d,1d,0d")
    spans = [event for event in icalendar.Calendar.from_ical(body).walk("VEVENT")
             if event["DTEND"].dt - event["DTSTART"].dt > timedelta(days=1) and event.walk("VALARM")]
    assert spans
    for event in spans:
        due = event["DTEND"].dt - timedelta(days=1)
        for alarm in event.walk("VALARM"):
            days = _days_before(str(alarm["DESCRIPTION"]))
            assert _fires_at(event, alarm) == datetime.combine(due - timedelta(days=days), datetime.min.time()) + \
                timedelta(hours=9), str(event["SUMMARY"])


def test_defect_6_text_starting_with_a_byte_order_mark_is_written_as_icalendar_writes_it(tmp_path):
    db = _demo(tmp_path, "a.sqlite")
    _run(db, "milestone", "add", "WCC-SEND-MED-2025", "--kind", "other", "--name", "\ufeffContract review",
         "--due", "2027-03-01")
    body = _export(db, "--contract", "WCC-SEND-MED-2025", "--kind", "milestone")
    written = next(line for line in body.split(b"\r\n") if line.startswith(b"SUMMARY:Contract review"))
    library = icalendar.Event()
    library.add("SUMMARY", "\ufeffContract review, SEND Mediation Services")
    assert library.to_ical().split(b"\r\n")[1] == written == b"SUMMARY:Contract review\\, SEND Mediation Services"
    assert b"\xef\xbb\xbf" not in body  # and no byte order mark anywhere in the file


def test_defect_7_a_trailing_slash_on_a_feed_url_is_a_bare_404_not_a_redirect(demo_store):
    from contract_tracker.calendar.feed_server import start_in_thread
    from contract_tracker.calendar.feeds import DeadlineFilter
    from contract_tracker.services.feeds import create_feed

    with demo_store.session() as session:
        token = create_feed(session, name="SEND", filters=DeadlineFilter(), alarms=None, actor="test officer").token
    running = start_in_thread(demo_store, host="127.0.0.1", port=0)
    try:
        url = f"{running.url}/feeds/{token}.ics"
        assert httpx.get(url).status_code == 200
        for path in (url + "/", url + "//", f"{running.url}/feeds/{token}.ics/x"):
            answer = httpx.get(path, headers={"Host": "evil.example"}, follow_redirects=False)
            assert answer.status_code == 404 and answer.text == "Not Found", path
            assert "location" not in answer.headers
    finally:
        running.stop()


@pytest.mark.parametrize("title", ["\ufeff", "\ufeff\ufeffx"])
def test_a_title_of_byte_order_marks_still_gives_a_readable_event(tmp_path, title):
    db = _demo(tmp_path, "a.sqlite")
    _run(db, "contract", "add", "--ref", "BOM-2", "--title", title, "--start", "2026-01-01", "--term", "2y")
    events = icalendar.Calendar.from_ical(_export(db, "--contract", "BOM-2")).walk("VEVENT")
    assert events and all("\ufeff" not in str(event["SUMMARY"]) for event in events)
    assert date(2027, 12, 31) in {event["DTSTART"].dt for event in events}
