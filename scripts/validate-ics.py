#!/usr/bin/env python3
"""Validates an iCalendar (RFC 5545) file with a third-party parser.

    "$(bash scripts/python-tools.sh)" scripts/validate-ics.py FILE   (FILE or - for stdin)

Parses the file with the `icalendar` library (PyPI) and checks what calendar
clients rely on:
  - exactly one VCALENDAR, with VERSION:2.0 and a PRODID;
  - lines end with CRLF and are at most 75 octets long (RFC 5545 3.1);
  - every VEVENT has UID, DTSTAMP and DTSTART; UIDs are unique (except
    recurrence overrides); DTEND is not before DTSTART; not both DTEND and
    DURATION;
  - every TZID used is defined by a VTIMEZONE.
Prints "ok: N events" and exits 0, or prints one line per problem to stderr
and exits 1 (2 for usage errors, 3 when icalendar is not installed).
"""

import sys

try:
    from icalendar import Calendar
except ImportError:
    print(
        "validate-ics: the icalendar library is missing: run this script with the "
        'python that `bash scripts/python-tools.sh` prints',
        file=sys.stderr,
    )
    sys.exit(3)


def raw_line_problems(data):
    problems = []
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for number, line in enumerate(lines, start=1):
        if not line.endswith(b"\r"):
            problems.append(f"line {number}: does not end with CRLF")
            if len(problems) > 5:
                break
            continue
        if len(line) - 1 > 75:
            problems.append(f"line {number}: {len(line) - 1} octets, longer than 75 (fold it)")
    if not data.endswith(b"\r\n"):
        problems.append("the file does not end with CRLF")
    return problems


def tzids_used(component):
    found = set()
    for _name, value in component.property_items(recursive=False):
        params = getattr(value, "params", None)
        if params and "TZID" in params:
            found.add(str(params["TZID"]))
    return found


def check(data):
    problems = raw_line_problems(data)
    try:
        calendars = Calendar.from_ical(data, multiple=True)
    except Exception as err:  # the parser's own error types vary by version
        return problems + [f"not parseable as iCalendar: {err}"], 0
    if len(calendars) != 1:
        return problems + [f"expected one VCALENDAR, found {len(calendars)}"], 0
    cal = calendars[0]
    if cal.name != "VCALENDAR":
        return problems + [f"the top component is {cal.name}, not VCALENDAR"], 0
    if str(cal.get("VERSION", "")) != "2.0":
        problems.append(f"VERSION is {cal.get('VERSION')!r}, expected 2.0")
    if not str(cal.get("PRODID", "")).strip():
        problems.append("PRODID is missing")

    defined_tz = {str(tz.get("TZID")) for tz in cal.walk("VTIMEZONE")}
    used_tz = set()
    seen_uids = {}
    events = cal.walk("VEVENT")
    for index, event in enumerate(events, start=1):
        uid = str(event.get("UID", "")).strip()
        label = f"VEVENT #{index}" + (f" (UID {uid})" if uid else "")
        for prop in ("UID", "DTSTAMP", "DTSTART"):
            if event.get(prop) is None or not str(event.get(prop)).strip():
                problems.append(f"{label}: {prop} is missing")
        if uid and event.get("RECURRENCE-ID") is None:
            if uid in seen_uids:
                problems.append(f"{label}: same UID as VEVENT #{seen_uids[uid]}")
            seen_uids.setdefault(uid, index)
        if event.get("DTEND") is not None and event.get("DURATION") is not None:
            problems.append(f"{label}: has both DTEND and DURATION")
        try:
            start = event.decoded("DTSTART") if event.get("DTSTART") is not None else None
            end = event.decoded("DTEND") if event.get("DTEND") is not None else None
            if start is not None and end is not None and end < start:
                problems.append(f"{label}: DTEND {end} is before DTSTART {start}")
        except TypeError:
            problems.append(f"{label}: DTSTART and DTEND are not of the same type (date vs date-time)")
        except Exception as err:
            problems.append(f"{label}: bad DTSTART/DTEND: {err}")
        used_tz |= tzids_used(event)
    for tzid in sorted(used_tz - defined_tz):
        problems.append(f"TZID {tzid!r} is used but no VTIMEZONE defines it")
    return problems, len(events)


def main(argv):
    if len(argv) != 2:
        print("usage: validate-ics.py FILE|-", file=sys.stderr)
        return 2
    path = argv[1]
    try:
        data = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()
    except OSError as err:
        print(f"validate-ics: cannot read {path}: {err}", file=sys.stderr)
        return 2
    problems, events = check(data)
    if problems:
        for problem in problems:
            print(f"validate-ics: {path}: {problem}", file=sys.stderr)
        return 1
    print(f"ok: {events} events")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
