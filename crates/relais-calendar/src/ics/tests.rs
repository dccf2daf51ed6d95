use super::*;
use chrono::TimeZone;
use relais_core::entry::EntryContent;
use relais_core::ids::{AccountId, EntryId, WorkspaceId};
use relais_core::Network;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn entry(id: i64, title: &str, start: Option<DateTime<Utc>>) -> Entry {
    Entry {
        id: EntryId(id),
        workspace_id: WorkspaceId(1),
        status: Status::Approved,
        version: 3,
        content: EntryContent {
            title: title.into(),
            axis: Some("Coulisses, atelier".into()),
            accounts: vec![AccountId(1)],
            starts_at: start,
            timezone: "Europe/Paris".into(),
            body: "Ligne 1\r\nLigne 2 ; virgule, antislash \\".into(),
            ..EntryContent::default()
        },
        created_by: None,
        created_at: Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap(),
        updated_at: Utc.with_ymd_and_hms(2025, 4, 2, 9, 0, 0).unwrap(),
    }
}

fn accounts() -> Vec<Account> {
    vec![Account {
        id: AccountId(1),
        workspace_id: WorkspaceId(1),
        network: Network::Instagram,
        handle: "@dupain".into(),
        label: "Instagram".into(),
    }]
}

fn unfold(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for l in text.split("\r\n") {
        match l.strip_prefix(' ') {
            Some(rest) => lines.last_mut().unwrap().push_str(rest),
            None => lines.push(l.to_string()),
        }
    }
    lines
}

#[test]
fn escaping_covers_each_special_character() {
    let table = [
        ("a,b", "a\\,b"),
        ("a;b", "a\\;b"),
        ("a\\b", "a\\\\b"),
        ("a\nb", "a\\nb"),
        ("a\r\nb", "a\\nb"),
        ("«été»: ok", "«été»: ok"),
    ];
    for (raw, escaped) in table {
        assert_eq!(escape_text(raw), escaped);
        assert_eq!(unescape_text(escaped), raw.replace('\r', ""));
    }
}

#[test]
fn folding_keeps_lines_within_75_octets_and_characters_whole() {
    for text in [
        "a".repeat(200),
        "é".repeat(100),
        "😀".repeat(50),
        format!("x{}", "€".repeat(60)),
        "a".repeat(75),
        "a".repeat(76),
    ] {
        let mut out = String::new();
        push_folded(&mut out, &text);
        assert!(out.ends_with("\r\n"));
        for physical in out.trim_end_matches("\r\n").split("\r\n") {
            assert!(
                physical.len() <= 75,
                "{} octets: {physical:?}",
                physical.len()
            );
        }
        assert_eq!(unfold(out.trim_end_matches("\r\n")), vec![text]);
    }
    let mut exact = String::new();
    push_folded(&mut exact, &"a".repeat(75));
    assert!(!exact.trim_end_matches("\r\n").contains("\r\n"));
}

#[test]
fn the_feed_has_one_event_per_dated_entry() {
    let start = Utc.with_ymd_and_hms(2025, 5, 1, 16, 30, 0).unwrap();
    let long_title = format!("Fête du travail : {}", "brioche ".repeat(12));
    let entries = vec![
        entry(42, &long_title, Some(start)),
        entry(43, "Idée sans date", None),
    ];
    let now = Utc.with_ymd_and_hms(2025, 4, 30, 8, 0, 0).unwrap();
    let ics = export_calendar("Maison Dupain, Paris", &entries, &accounts(), now);
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    assert!(!ics.replace("\r\n", "").contains('\n'), "bare LF");
    assert!(!ics.replace("\r\n", "").contains('\r'), "bare CR");
    for physical in ics.split("\r\n") {
        assert!(physical.len() <= 75, "{physical:?}");
    }
    let lines = unfold(&ics);
    for expected in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//relais//calendrier editorial//FR",
        "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:Maison Dupain\\, Paris",
        "UID:entry-42@relais",
        "DTSTAMP:20250430T080000Z",
        "DTSTART:20250501T163000Z",
        "DURATION:PT30M",
        "SEQUENCE:3",
        "LAST-MODIFIED:20250402T090000Z",
        "CATEGORIES:Coulisses\\, atelier",
        "STATUS:CONFIRMED",
        "DESCRIPTION:Statut : approved\\nComptes : @dupain\\nAxe : Coulisses\\, atelier\\nFormat : post\\n\\nLigne 1\\nLigne 2 \\; virgule\\, antislash \\\\",
    ] {
        assert!(lines.iter().any(|l| l == expected), "missing {expected}\n{ics}");
    }
    assert!(lines.contains(&format!("SUMMARY:{long_title}")));
    assert_eq!(lines.iter().filter(|l| *l == "BEGIN:VEVENT").count(), 1);
    assert!(!ics.contains("entry-43"));
    // Stable: the same data gives the same document.
    assert_eq!(
        ics,
        export_calendar("Maison Dupain, Paris", &entries, &accounts(), now)
    );
    // Our own feed reads back as observances.
    assert_eq!(
        parse_observances(&ics).unwrap(),
        [(d(2025, 5, 1), long_title.trim().to_string())]
    );
    let en = export_calendar_with(
        &IcsOptions {
            name: "x",
            host: "relais.example.org",
            locale: Locale::En,
        },
        &entries,
        &accounts(),
        now,
    );
    assert!(unfold(&en)
        .iter()
        .any(|l| l == "UID:entry-42@relais.example.org"));
    assert!(unfold(&en)
        .iter()
        .any(|l| l.starts_with("DESCRIPTION:Status: approved\\nAccounts: @dupain")));
}

#[test]
fn observances_are_read_from_a_calendar_file() {
    let file = "\u{feff}BEGIN:VCALENDAR\r\n\
VERSION:2.0\r\n\
PRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n\
BEGIN:VTIMEZONE\r\n\
TZID:Europe/Paris\r\n\
BEGIN:STANDARD\r\n\
DTSTART:19701025T030000\r\n\
END:STANDARD\r\n\
END:VTIMEZONE\r\n\
BEGIN:VEVENT\r\n\
DTSTART;VALUE=DATE:20250321\r\n\
SUMMARY:Journée internationale des forêts\r\n\
END:VEVENT\r\n\
BEGIN:VEVENT\r\n\
DTSTART;TZID=\"Europe/Paris\":20250622T090000\r\n\
SUMMARY:Fête de la musique\\, \r\n Paris\r\n\
BEGIN:VALARM\r\n\
DTSTART:20990101T000000Z\r\n\
SUMMARY:alarm\r\n\
END:VALARM\r\n\
END:VEVENT\r\n\
BEGIN:VEVENT\n\
DTSTART:20251016T120000Z\n\
summary:Journée mondiale de l'alimentation\n\
END:VEVENT\n\
BEGIN:VEVENT\r\n\
DTSTART;VALUE=DATE:20251201\r\n\
END:VEVENT\r\n\
END:VCALENDAR\r\n";
    assert_eq!(
        parse_observances(file).unwrap(),
        [
            (
                d(2025, 3, 21),
                "Journée internationale des forêts".to_string()
            ),
            (d(2025, 6, 22), "Fête de la musique, Paris".to_string()),
            (
                d(2025, 10, 16),
                "Journée mondiale de l'alimentation".to_string()
            ),
        ]
    );
}

#[test]
fn bad_files_are_refused_with_a_reason() {
    let table = [
        ("", "not-icalendar"),
        ("title;date\nA;2025-01-01\n", "not-icalendar"),
        ("<html><body>BEGIN:VCALENDAR</body></html>", "not-icalendar"),
        (
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "event-without-date",
        ),
        (
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20251332\r\nSUMMARY:x\r\nEND:VEVENT\r\n",
            "bad-date",
        ),
        (
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:demain\r\nSUMMARY:x\r\nEND:VEVENT\r\n",
            "bad-date",
        ),
    ];
    for (text, code) in table {
        let err = parse_observances(text).unwrap_err();
        assert_eq!(err.code(), code, "{text:?}");
        assert!(!err.message_fr().is_empty() && err.message_fr() != err.message_en());
    }
    assert_eq!(
        parse_observances("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n").unwrap(),
        vec![]
    );
    let err =
        parse_observances("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20251332\r\nEND:VEVENT\r\n")
            .unwrap_err();
    assert_eq!(
        err,
        IcsError::BadDate {
            line: 3,
            value: "20251332".into()
        }
    );
}
