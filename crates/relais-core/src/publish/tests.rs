use super::*;
use crate::entry::{MediaKind, Variant};
use crate::MediaId;
use chrono::NaiveDate;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn local(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

#[test]
fn tids_are_13_sortable_characters_that_encode_time_and_clock() {
    // atproto.com/specs/tid: "3jzfcijpj2z2a" is a valid example.
    assert!(is_tid("3jzfcijpj2z2a"));
    for bad in [
        "",
        "3jzfcijpj2z2",
        "3jzfcijpj2z2aa",
        "3jzfcijpj2z2A",
        "zzzzzzzzzzzzz",
        "1111111111111",
    ] {
        assert!(!is_tid(bad), "{bad:?}");
    }
    let a = tid(1_700_000_000_000_000, 0);
    let b = tid(1_700_000_000_000_001, 0);
    let c = tid(1_700_000_000_000_001, 7);
    assert!(is_tid(&a) && is_tid(&b) && is_tid(&c), "{a} {b} {c}");
    assert!(a < b && b < c, "text order is time order: {a} {b} {c}");
    assert_eq!(tid(0, 0), "2222222222222");
    // The clock id only uses its 10 bits.
    assert_eq!(tid(5, 1024), tid(5, 0));
}

#[test]
fn parts_of_posts_threads_and_first_comments() {
    let media = MediaItem {
        media_id: MediaId(1),
        kind: MediaKind::Image,
        mime: "image/png".into(),
        width: 10,
        height: 10,
        bytes: 100,
        alt: "Un pain".into(),
        has_captions: false,
    };
    let mut c = EntryContent {
        body: "Un\n---\nDeux\n\n---\n  \n---\nTrois".into(),
        ..Default::default()
    };
    // Not a thread: the text is published whole, separators included.
    let p = plan_parts(&c, Network::Bluesky);
    assert_eq!(p.len(), 1);
    assert!(p[0].text.contains("---"));

    c.format = Format::Thread;
    c.media = vec![media.clone()];
    c.first_comment = "  Lien en commentaire  ".into();
    let p = plan_parts(&c, Network::Bluesky);
    let kinds: Vec<_> = p
        .iter()
        .map(|x| (x.kind, x.text.as_str(), x.media.len()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (PartKind::Post, "Un", 1),
            (PartKind::ThreadPart, "Deux", 0),
            (PartKind::ThreadPart, "Trois", 0),
            (PartKind::FirstComment, "Lien en commentaire", 0),
        ]
    );

    // The network's variant replaces the body.
    c.variants = vec![Variant {
        network: Network::Mastodon,
        text: "Seul".into(),
    }];
    let p = plan_parts(&c, Network::Mastodon);
    assert_eq!(p.len(), 2);
    assert_eq!(p[0].text, "Seul");

    // Nothing to say and nothing to show: nothing to publish, not even a comment.
    let empty = EntryContent {
        first_comment: "x".into(),
        ..Default::default()
    };
    assert!(plan_parts(&empty, Network::Bluesky).is_empty());
    // An image alone is a post.
    let image_only = EntryContent {
        media: vec![media],
        ..Default::default()
    };
    let p = plan_parts(&image_only, Network::Bluesky);
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].media.len(), 1);
}

#[test]
fn retries_back_off_with_jitter_honour_retry_after_and_stop_at_the_deadline() {
    let policy = RetryPolicy {
        base_secs: 5,
        max_delay_secs: 60,
        deadline_secs: 3600,
    };
    let due = at("2026-03-01T10:00:00Z");
    let now = due;
    let delay = |attempts: u32, jitter: f64, ra: Option<u64>| match policy.next(
        now,
        due,
        attempts,
        jitter,
        ra.map(std::time::Duration::from_secs),
    ) {
        Retry::At(t) => (t - now).num_milliseconds(),
        Retry::GiveUp => -1,
    };
    // (attempts, jitter, retry-after) -> delay in ms
    let cases = [
        (1, 0.0, None, 2_500),
        (1, 1.0, None, 5_000),
        (2, 0.0, None, 5_000),
        (3, 0.5, None, 15_000),
        (5, 1.0, None, 60_000),  // capped
        (30, 1.0, None, 60_000), // no overflow
        (99, 1.0, None, 60_000),
        (1, 0.0, Some(120), 120_000), // the server's wait wins
        (5, 1.0, Some(10), 60_000),   // ours is longer
    ];
    for (attempts, jitter, ra, want) in cases {
        assert_eq!(
            delay(attempts, jitter, ra),
            want,
            "{attempts} {jitter} {ra:?}"
        );
    }
    // Past the deadline: give up.
    let late = due + Duration::seconds(3598);
    assert_eq!(policy.next(late, due, 1, 1.0, None), Retry::GiveUp);
    assert_eq!(
        policy.next(now, due, 1, 0.0, Some(std::time::Duration::from_secs(7200))),
        Retry::GiveUp
    );
}

#[test]
fn downtime_sends_within_grace_and_marks_older_posts_missed() {
    let due = at("2026-03-01T10:00:00Z");
    let grace = Duration::minutes(15);
    let cases = [
        ("2026-03-01T09:59:00Z", Lateness::Send),
        ("2026-03-01T10:00:00Z", Lateness::Send),
        ("2026-03-01T10:15:00Z", Lateness::Send),
        ("2026-03-01T10:15:01Z", Lateness::Missed),
        ("2026-03-02T10:00:00Z", Lateness::Missed),
    ];
    for (now, want) in cases {
        assert_eq!(lateness(at(now), due, grace), want, "{now}");
    }
}

#[test]
fn paris_wall_times_across_daylight_saving_changes() {
    let paris = chrono_tz::Europe::Paris;
    // (local time, UTC instant, kind)
    let w = resolve_wall_time(paris, local("2026-03-28 02:30"));
    assert_eq!(
        (w.utc, w.kind),
        (at("2026-03-28T01:30:00Z"), WallTimeKind::Exact)
    );
    // Spring forward, 29 March 2026: 02:00–02:59 does not exist; 02:30 is
    // moved to 03:30 summer time.
    let w = resolve_wall_time(paris, local("2026-03-29 02:30"));
    assert_eq!(w.utc, at("2026-03-29T01:30:00Z"));
    assert_eq!(
        w.kind,
        WallTimeKind::Shifted {
            to_local: local("2026-03-29 03:30")
        }
    );
    assert_eq!(
        w.utc.with_timezone(&paris).naive_local(),
        local("2026-03-29 03:30")
    );
    let w = resolve_wall_time(paris, local("2026-03-29 02:00"));
    assert_eq!(w.utc, at("2026-03-29T01:00:00Z"));
    let w = resolve_wall_time(paris, local("2026-03-29 03:00"));
    assert_eq!(
        (w.utc, w.kind),
        (at("2026-03-29T01:00:00Z"), WallTimeKind::Exact)
    );
    // Fall back, 25 October 2026: 02:00–02:59 happens twice; the first
    // (summer time, UTC+2) is taken and the second is reported.
    let w = resolve_wall_time(paris, local("2026-10-25 02:30"));
    assert_eq!(w.utc, at("2026-10-25T00:30:00Z"));
    assert_eq!(
        w.kind,
        WallTimeKind::Ambiguous {
            other: at("2026-10-25T01:30:00Z")
        }
    );
    let w = resolve_wall_time(paris, local("2026-10-25 03:00"));
    assert_eq!(
        (w.utc, w.kind),
        (at("2026-10-25T02:00:00Z"), WallTimeKind::Exact)
    );
    // A zone without DST never shifts.
    let w = resolve_wall_time(chrono_tz::America::Cayenne, local("2026-03-29 02:30"));
    assert_eq!(w.kind, WallTimeKind::Exact);
    let _ = NaiveDate::from_ymd_opt(2026, 1, 1);
}

#[test]
fn states_round_trip_and_only_pending_is_cancellable() {
    for s in DeliveryState::ALL {
        assert_eq!(DeliveryState::parse(s.as_str()), Some(s));
        assert_eq!(s.is_cancellable(), s == DeliveryState::Pending, "{s:?}");
    }
    assert_eq!(DeliveryState::parse("done"), None);
    for k in [PartKind::Post, PartKind::ThreadPart, PartKind::FirstComment] {
        assert_eq!(PartKind::parse(k.as_str()), Some(k));
    }
}
