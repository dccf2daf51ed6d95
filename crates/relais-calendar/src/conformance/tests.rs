use super::*;
use chrono::{NaiveTime, TimeZone, Weekday};
use relais_core::charter::{Axis, NetworkPlan, Objective, Paid, PostingWindow, Procedures};
use relais_core::entry::EntryContent;
use relais_core::ids::WorkspaceId;

const IG: AccountId = AccountId(1);
const LI: AccountId = AccountId(2);
const X: AccountId = AccountId(3);
const IG2: AccountId = AccountId(4);

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn window(days: &[Weekday], start: NaiveTime, end: NaiveTime, reason: &str) -> PostingWindow {
    PostingWindow {
        days: days.to_vec(),
        start,
        end,
        reason: reason.into(),
    }
}

const WEEKDAYS: [Weekday; 5] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
];

/// A complete charter: 3 axes, Instagram 2–3 a week (lunch on weekdays, evening
/// every day), LinkedIn 1–2 a week (Tuesday–Thursday mornings).
fn charter() -> Charter {
    Charter {
        timezone: "Europe/Paris".into(),
        holiday_zone: String::new(),
        objectives: vec![
            Objective {
                label: "Notoriété".into(),
                target: "+20 % d'abonnés".into(),
            },
            Objective {
                label: "Ventes".into(),
                target: "100 commandes/mois".into(),
            },
        ],
        axes: ["Coulisses", "Produits", "Conseils"]
            .iter()
            .map(|n| Axis {
                name: (*n).into(),
                theme: format!("thème {n}"),
                objective: "Notoriété".into(),
                rationale: "parce que".into(),
            })
            .collect(),
        networks: vec![
            NetworkPlan {
                network: Network::Instagram,
                content_types: vec!["coulisses".into(), "tutoriel".into()],
                tone: "chaleureux".into(),
                min_per_week: 2,
                max_per_week: 3,
                windows: vec![
                    window(&WEEKDAYS, t(12, 0), t(14, 0), "pause déjeuner"),
                    window(&[], t(18, 0), t(20, 0), "soirée"),
                ],
                brand_hashtags: vec![],
                campaign_hashtags: vec![],
                paid: Paid::Organic,
            },
            NetworkPlan {
                network: Network::Linkedin,
                content_types: vec![],
                tone: "expert".into(),
                min_per_week: 1,
                max_per_week: 2,
                windows: vec![window(
                    &[Weekday::Tue, Weekday::Wed, Weekday::Thu],
                    t(8, 0),
                    t(10, 0),
                    "trajets",
                )],
                brand_hashtags: vec![],
                campaign_hashtags: vec![],
                paid: Paid::Organic,
            },
        ],
        procedures: Procedures {
            writers: "Camille".into(),
            validators: "Le client".into(),
            notes: String::new(),
        },
        rules: Default::default(),
    }
}

fn accounts() -> Vec<Account> {
    [
        (IG, Network::Instagram, "@dupain"),
        (LI, Network::Linkedin, "maison-dupain"),
        (X, Network::X, "@dupain_x"),
        (IG2, Network::Instagram, "@dupain_pro"),
    ]
    .into_iter()
    .map(|(id, network, handle)| Account {
        id,
        workspace_id: WorkspaceId(1),
        network,
        handle: handle.into(),
        label: handle.into(),
    })
    .collect()
}

/// An entry at a UTC instant (`2025-03-10T11:00`), draft, type "coulisses".
fn entry(id: i64, utc: &str, accounts: &[AccountId], axis: &str) -> Entry {
    let at = chrono::NaiveDateTime::parse_from_str(utc, "%Y-%m-%dT%H:%M").unwrap();
    Entry {
        id: EntryId(id),
        workspace_id: WorkspaceId(1),
        status: Status::Draft,
        version: 1,
        content: EntryContent {
            title: format!("post {id}"),
            axis: (!axis.is_empty()).then(|| axis.to_string()),
            accounts: accounts.to_vec(),
            starts_at: Some(Utc.from_utc_datetime(&at)),
            timezone: "Europe/Paris".into(),
            content_type: "coulisses".into(),
            ..EntryContent::default()
        },
        created_by: None,
        created_at: Utc.timestamp_opt(0, 0).unwrap(),
        updated_at: Utc.timestamp_opt(0, 0).unwrap(),
    }
}

fn with(mut e: Entry, f: impl FnOnce(&mut Entry)) -> Entry {
    f(&mut e);
    e
}

/// A conforming week (Mon 2025-03-10 – Sun 03-16, CET = UTC+1): Instagram twice
/// in its windows, LinkedIn once, three axes used.
fn good_week() -> Vec<Entry> {
    vec![
        entry(1, "2025-03-10T11:30", &[IG], "Coulisses"), // Mon 12:30
        entry(2, "2025-03-12T17:30", &[IG], "Produits"),  // Wed 18:30
        entry(3, "2025-03-11T08:00", &[LI], "Conseils"),  // Tue 09:00
    ]
}

fn subjects(c: &Conformance, check: &str) -> Vec<String> {
    let mut s: Vec<String> = c
        .findings
        .iter()
        .filter(|f| f.check.id == check)
        .map(|f| f.subject.clone().unwrap_or_default())
        .collect();
    s.sort();
    s
}

#[test]
fn a_conforming_week_has_no_finding_and_scores_100() {
    let c = check(
        &charter(),
        &accounts(),
        &good_week(),
        d("2025-03-10"),
        d("2025-03-17"),
        &[],
    );
    assert!(c.findings.is_empty(), "{:#?}", c.findings);
    assert_eq!(c.score, 100);
    assert_eq!(c.counted, 3);
    let ig: Vec<(u32, u32, bool)> = c
        .per_network_week
        .iter()
        .map(|w| (w.week, w.count, w.complete))
        .collect();
    assert_eq!(ig, [(11, 2, true), (11, 1, true)]);
    assert_eq!(c.per_axis[0].count, 1);
    assert_eq!(c.per_axis[0].share_pct, 33);
    let charter_ids: Vec<&str> = charter_checks(&charter(), &accounts()[..2])
        .iter()
        .map(|f| f.check.id)
        .collect();
    assert_eq!(charter_ids, ["charter.network_no_content_types"]);
}

struct Case {
    name: &'static str,
    check: &'static str,
    entries: Vec<Entry>,
    range: (&'static str, &'static str),
    key_dates: Vec<KeyDate>,
    rules: Option<relais_core::charter::ConformanceRules>,
    expect: Vec<&'static str>,
}

fn case(
    name: &'static str,
    check: &'static str,
    entries: Vec<Entry>,
    range: (&'static str, &'static str),
    expect: Vec<&'static str>,
) -> Case {
    Case {
        name,
        check,
        entries,
        range,
        key_dates: vec![],
        rules: None,
        expect,
    }
}

fn key(date: &str, label: &str) -> KeyDate {
    KeyDate {
        date: d(date),
        label: label.into(),
        kind: KeyDateKind::Holiday,
    }
}

#[test]
fn each_calendar_check_on_its_table() {
    let week = ("2025-03-10", "2025-03-17");
    let mut more = good_week();
    more.extend([
        entry(4, "2025-03-13T11:00", &[IG], "Coulisses"),
        entry(5, "2025-03-14T11:00", &[IG], "Produits"),
    ]);
    let cases = vec![
        // --- frequency (001 C2.1 CE.2; 003 Cr3.3) ---
        case(
            "four Instagram posts in a week of at most 3",
            "calendar.too_many_per_week",
            more.clone(),
            week,
            vec!["week:instagram:2025-W11"],
        ),
        case(
            "one Instagram post in a complete week of at least 2",
            "calendar.too_few_per_week",
            good_week()
                .into_iter()
                .filter(|e| e.id != EntryId(2))
                .collect(),
            week,
            vec!["week:instagram:2025-W11"],
        ),
        case(
            "no post at all: both networks short",
            "calendar.too_few_per_week",
            vec![],
            week,
            vec!["week:instagram:2025-W11", "week:linkedin:2025-W11"],
        ),
        case(
            "a partial week is not held to the minimum",
            "calendar.too_few_per_week",
            vec![entry(1, "2025-03-12T11:30", &[IG], "Coulisses")],
            ("2025-03-12", "2025-03-24"),
            vec!["week:instagram:2025-W12", "week:linkedin:2025-W12"],
        ),
        case(
            "a partial week is still held to the maximum",
            "calendar.too_many_per_week",
            vec![
                entry(1, "2025-03-12T11:30", &[IG], "Coulisses"),
                entry(2, "2025-03-12T17:30", &[IG], "Produits"),
                entry(3, "2025-03-13T11:30", &[IG], "Conseils"),
                entry(4, "2025-03-14T11:30", &[IG], "Coulisses"),
            ],
            ("2025-03-12", "2025-03-15"),
            vec!["week:instagram:2025-W11"],
        ),
        case(
            "two accounts of one network count once for it",
            "calendar.too_many_per_week",
            vec![
                entry(1, "2025-03-10T11:30", &[IG, IG2], "Coulisses"),
                entry(2, "2025-03-11T11:30", &[IG, IG2], "Produits"),
                entry(3, "2025-03-12T11:30", &[IG, IG2], "Conseils"),
            ],
            week,
            vec![],
        ),
        case(
            // Sunday 30 March 22:30 UTC is Monday 31 March 00:30 in Paris (CEST):
            // it belongs to week 14, not 13.
            "DST week: an entry late on Sunday UTC counts in the next Paris week",
            "calendar.too_many_per_week",
            vec![
                entry(1, "2025-03-31T10:30", &[IG], "Coulisses"),
                entry(2, "2025-04-01T10:30", &[IG], "Produits"),
                entry(3, "2025-04-02T10:30", &[IG], "Conseils"),
                entry(4, "2025-03-30T22:30", &[IG], "Coulisses"),
            ],
            ("2025-03-24", "2025-04-07"),
            vec!["week:instagram:2025-W14"],
        ),
        // --- posting windows (001 C2.1 CE.2) ---
        case(
            "a Monday post at 10:00 Paris is outside every window",
            "calendar.outside_window",
            vec![entry(1, "2025-03-10T09:00", &[IG], "Coulisses")],
            week,
            vec!["entry:1"],
        ),
        case(
            "the lunch window is weekdays only; the evening one every day",
            "calendar.outside_window",
            vec![
                entry(1, "2025-03-15T11:30", &[IG], "Coulisses"), // Sat 12:30: out
                entry(2, "2025-03-15T18:30", &[IG], "Coulisses"), // Sat 19:30: in
                entry(3, "2025-03-10T11:00", &[IG], "Coulisses"), // Mon 12:00: start, in
                entry(4, "2025-03-10T19:00", &[IG], "Coulisses"), // Mon 20:00: end, in
                entry(5, "2025-03-10T19:01", &[IG], "Coulisses"), // Mon 20:01: out
            ],
            week,
            vec!["entry:1", "entry:5"],
        ),
        case(
            // Before the change Paris is UTC+1, after it UTC+2: 10:30 UTC is 11:30
            // on Friday 28 March (outside) and 12:30 on Monday 31 March (inside).
            "DST spring forward: the same UTC time falls outside, then inside",
            "calendar.outside_window",
            vec![
                entry(1, "2025-03-28T10:30", &[IG], "Coulisses"),
                entry(2, "2025-03-31T10:30", &[IG], "Coulisses"),
            ],
            ("2025-03-24", "2025-04-07"),
            vec!["entry:1"],
        ),
        case(
            // 26 Oct 2025 03:00 CEST → 02:00 CET. 18:30 UTC is 20:30 on Saturday
            // (outside) and 19:30 on Sunday (inside).
            "DST fall back: the same UTC time falls outside, then inside",
            "calendar.outside_window",
            vec![
                entry(1, "2025-10-25T18:30", &[IG], "Coulisses"),
                entry(2, "2025-10-26T18:30", &[IG], "Coulisses"),
            ],
            ("2025-10-20", "2025-11-03"),
            vec!["entry:1"],
        ),
        case(
            "LinkedIn has its own windows",
            "calendar.outside_window",
            vec![
                entry(1, "2025-03-11T08:00", &[LI, IG], "Coulisses"), // Tue 09:00
            ],
            week,
            vec!["entry:1"],
        ),
        // --- networks and content types (001 C2.2 CE.1) ---
        case(
            "an entry on X, which the charter does not plan",
            "calendar.network_not_in_charter",
            vec![entry(1, "2025-03-10T11:30", &[X, IG], "Coulisses")],
            week,
            vec!["entry:1"],
        ),
        case(
            "an unknown account is ignored, not a network",
            "calendar.network_not_in_charter",
            vec![entry(1, "2025-03-10T11:30", &[AccountId(99)], "Coulisses")],
            week,
            vec![],
        ),
        case(
            "content types are matched without case; empty and unrestricted pass",
            "calendar.content_type_not_allowed",
            vec![
                with(entry(1, "2025-03-10T11:30", &[IG], "Coulisses"), |e| {
                    e.content.content_type = "promo".into()
                }),
                with(entry(2, "2025-03-10T17:30", &[IG], "Coulisses"), |e| {
                    e.content.content_type = " Tutoriel ".into()
                }),
                with(entry(3, "2025-03-10T17:40", &[IG], "Coulisses"), |e| {
                    e.content.content_type = String::new()
                }),
                with(entry(4, "2025-03-11T08:00", &[LI], "Coulisses"), |e| {
                    e.content.content_type = "promo".into()
                }),
            ],
            week,
            vec!["entry:1"],
        ),
        // --- axes (003 Cr3.3) ---
        case(
            "an entry without axis",
            "calendar.entry_no_axis",
            vec![
                entry(1, "2025-03-10T11:30", &[IG], ""),
                entry(2, "2025-03-10T17:30", &[IG], "  "),
            ],
            week,
            vec!["entry:1", "entry:2"],
        ),
        case(
            "an axis not in the charter; case and spaces do not matter",
            "calendar.unknown_axis",
            vec![
                entry(1, "2025-03-10T11:30", &[IG], "Recettes"),
                entry(2, "2025-03-10T17:30", &[IG], " coulisses "),
            ],
            week,
            vec!["entry:1"],
        ),
        case(
            "an axis no entry uses",
            "calendar.axis_unused",
            vec![
                entry(1, "2025-03-10T11:30", &[IG], "Coulisses"),
                entry(2, "2025-03-10T17:30", &[IG], "Produits"),
            ],
            week,
            vec!["axis:Conseils"],
        ),
        case(
            "3 of 4 posts on one axis is over 50 %",
            "calendar.axis_dominant",
            vec![
                entry(1, "2025-03-10T11:30", &[IG], "Coulisses"),
                entry(2, "2025-03-11T11:30", &[IG], "Coulisses"),
                entry(3, "2025-03-12T11:30", &[IG], "Coulisses"),
                entry(4, "2025-03-13T11:30", &[IG], "Produits"),
            ],
            week,
            vec!["axis:Coulisses"],
        ),
        case(
            "exactly 50 % is allowed",
            "calendar.axis_dominant",
            vec![
                entry(1, "2025-03-10T11:30", &[IG], "Coulisses"),
                entry(2, "2025-03-11T11:30", &[IG], "Coulisses"),
                entry(3, "2025-03-12T11:30", &[IG], "Produits"),
                entry(4, "2025-03-13T11:30", &[IG], "Conseils"),
            ],
            week,
            vec![],
        ),
        // --- gaps (001 C2.1 CE.2) ---
        case(
            "8 and 19 empty days are gaps; 2 are not",
            "calendar.gap",
            vec![
                entry(1, "2025-03-03T11:30", &[IG], "Coulisses"),
                entry(2, "2025-03-12T11:30", &[IG], "Produits"),
            ],
            ("2025-03-01", "2025-04-01"),
            vec!["date:2025-03-04", "date:2025-03-13"],
        ),
        case(
            "exactly 7 empty days are allowed",
            "calendar.gap",
            vec![
                entry(1, "2025-03-03T11:30", &[IG], "Coulisses"),
                entry(2, "2025-03-11T11:30", &[IG], "Produits"),
            ],
            ("2025-03-03", "2025-03-12"),
            vec![],
        ),
        case(
            "an empty range longer than the tolerance is one gap",
            "calendar.gap",
            vec![],
            ("2025-03-01", "2025-03-15"),
            vec!["date:2025-03-01"],
        ),
        case(
            "gaps are counted on Paris dates (23:30 UTC is the next day)",
            "calendar.gap",
            vec![
                entry(1, "2025-03-02T23:30", &[IG], "Coulisses"), // Mon 3 Mar 00:30
                entry(2, "2025-03-11T11:30", &[IG], "Produits"),
            ],
            ("2025-03-03", "2025-03-12"),
            vec![],
        ),
        // --- collisions (001 C2.1 CE.2) ---
        case(
            "45 minutes apart on one account collide; 60 do not; other accounts do not",
            "calendar.collision",
            vec![
                entry(1, "2025-03-10T11:00", &[IG], "Coulisses"),
                entry(2, "2025-03-10T11:45", &[IG, LI], "Coulisses"),
                entry(3, "2025-03-10T12:45", &[IG], "Coulisses"),
                entry(4, "2025-03-10T11:45", &[IG2], "Coulisses"),
            ],
            week,
            vec!["entry:2"],
        ),
        case(
            "one entry listing an account twice does not collide with itself",
            "calendar.collision",
            vec![entry(1, "2025-03-10T11:00", &[IG, IG], "Coulisses")],
            week,
            vec![],
        ),
        // --- key dates (001 C2.2 CE.2) ---
        Case {
            key_dates: vec![
                key("2025-05-01", "Fête du Travail"),
                key("2025-05-08", "Victoire 1945"),
                key("2025-05-29", "Ascension"),
                key("2025-06-09", "Lundi de Pentecôte"),
            ],
            ..case(
                "a post that day or the day before covers a key date",
                "calendar.key_date_uncovered",
                vec![
                    entry(1, "2025-04-30T16:30", &[IG], "Coulisses"), // eve of 1 May
                    entry(2, "2025-05-10T16:30", &[IG], "Coulisses"), // 2 days after 8 May
                    entry(3, "2025-05-29T16:30", &[IG], "Coulisses"), // on the day
                    with(entry(4, "2025-05-07T16:30", &[IG], "Coulisses"), |e| {
                        e.status = Status::Idea
                    }),
                ],
                ("2025-04-01", "2025-06-01"),
                vec!["date:2025-05-08"],
            )
        },
    ];
    let mut failures = Vec::new();
    for c in cases {
        let mut ch = charter();
        if let Some(rules) = c.rules {
            ch.rules = rules;
        }
        let result = check(
            &ch,
            &accounts(),
            &c.entries,
            d(c.range.0),
            d(c.range.1),
            &c.key_dates,
        );
        let got = subjects(&result, c.check);
        if got != c.expect {
            failures.push(format!(
                "{}: {} got {got:?}, want {:?}",
                c.name, c.check, c.expect
            ));
        }
        // Every finding names what it is about and fills its template.
        for f in &result.findings {
            assert!(
                f.subject.as_deref().and_then(Subject::parse).is_some(),
                "{f:?}"
            );
            for locale in relais_core::Locale::ALL {
                assert!(!f.message(locale).contains('{'), "{}", f.message(locale));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn ideas_undated_and_out_of_range_entries_do_not_count() {
    let entries = vec![
        with(entry(1, "2025-03-10T11:30", &[IG], "Coulisses"), |e| {
            e.status = Status::Idea
        }),
        with(entry(2, "2025-03-10T11:30", &[IG], "Coulisses"), |e| {
            e.content.starts_at = None
        }),
        entry(3, "2025-03-17T11:30", &[IG], "Coulisses"),
        entry(4, "2025-03-09T11:30", &[IG], "Coulisses"),
        with(entry(5, "2025-03-10T12:30", &[IG], "Coulisses"), |e| {
            e.status = Status::Published
        }),
    ];
    let c = check(
        &charter(),
        &accounts(),
        &entries,
        d("2025-03-10"),
        d("2025-03-17"),
        &[],
    );
    assert_eq!(c.counted, 1);
}

#[test]
fn collisions_and_gaps_follow_the_charter_tolerances() {
    let mut ch = charter();
    ch.rules.collision_minutes = 0;
    ch.rules.gap_days = 1;
    let entries = vec![
        entry(1, "2025-03-10T11:30", &[IG], "Coulisses"),
        entry(2, "2025-03-10T11:30", &[IG], "Produits"),
        entry(3, "2025-03-13T11:30", &[IG], "Conseils"),
    ];
    let c = check(
        &ch,
        &accounts(),
        &entries,
        d("2025-03-10"),
        d("2025-03-14"),
        &[],
    );
    assert_eq!(subjects(&c, "calendar.collision"), Vec::<String>::new());
    assert_eq!(subjects(&c, "calendar.gap"), ["date:2025-03-11"]);
    let gap = c
        .findings
        .iter()
        .find(|f| f.check.id == "calendar.gap")
        .unwrap();
    assert_eq!(
        gap.message(relais_core::Locale::En),
        "No post from 2025-03-11 to 2025-03-12 (2 days, the charter allows 1)."
    );
}

#[test]
fn an_unknown_time_zone_is_reported_and_read_as_utc() {
    let mut ch = charter();
    ch.timezone = "Mars/Olympus".into();
    // 12:30 UTC on Monday is inside the lunch window when read as UTC.
    let entries = vec![entry(1, "2025-03-10T12:30", &[IG], "Coulisses")];
    let c = check(
        &ch,
        &accounts(),
        &entries,
        d("2025-03-10"),
        d("2025-03-17"),
        &[],
    );
    assert_eq!(subjects(&c, "charter.timezone_unknown"), ["charter"]);
    assert_eq!(
        subjects(&c, "calendar.outside_window"),
        Vec::<String>::new()
    );
    assert_eq!(c.findings[0].check.id, "charter.timezone_unknown");
}

#[test]
fn the_score_weighs_findings_and_stays_in_bounds() {
    let f = |def: &'static CheckDef| Finding::new(def);
    assert_eq!(score(&[]), 100);
    assert_eq!(score(&[f(&NETWORK_NOT_IN_CHARTER)]), 90);
    assert_eq!(score(&[f(&GAP), f(&GAP)]), 94);
    assert_eq!(score(&[f(&KEY_DATE_UNCOVERED)]), 99);
    assert_eq!(score(&vec![f(&NETWORK_NOT_IN_CHARTER); 11]), 0);
    // Fixing one finding raises the score: the e2e scenario relies on it.
    let mut entries = good_week();
    entries[0].content.starts_at = Some(Utc.with_ymd_and_hms(2025, 3, 10, 6, 0, 0).unwrap());
    let before = check(
        &charter(),
        &accounts(),
        &entries,
        d("2025-03-10"),
        d("2025-03-17"),
        &[],
    );
    assert_eq!(before.score, 97);
    let after = check(
        &charter(),
        &accounts(),
        &good_week(),
        d("2025-03-10"),
        d("2025-03-17"),
        &[],
    );
    assert_eq!(after.score, 100);
}

#[test]
fn findings_are_sorted_worst_first() {
    let entries = vec![entry(1, "2025-03-10T06:00", &[X, IG], "")];
    let c = check(
        &charter(),
        &accounts(),
        &entries,
        d("2025-03-10"),
        d("2025-03-17"),
        &[key("2025-03-12", "Journée")],
    );
    let severities: Vec<Severity> = c.findings.iter().map(|f| f.severity()).collect();
    let mut sorted = severities.clone();
    sorted.sort();
    assert_eq!(severities, sorted);
    assert_eq!(severities.first(), Some(&Severity::Error));
    assert_eq!(severities.last(), Some(&Severity::Info));
}

#[test]
fn subjects_round_trip() {
    let all = [
        Subject::Entry(EntryId(42)),
        Subject::Account(AccountId(3)),
        Subject::Network(Network::FacebookPage),
        Subject::Week {
            network: Network::X,
            year: 2025,
            week: 1,
        },
        Subject::Axis("Coulisses: l'atelier".into()),
        Subject::Objective(2),
        Subject::Date(d("2025-05-01")),
        Subject::Charter,
    ];
    for s in all {
        assert_eq!(Subject::parse(&s.to_string()), Some(s.clone()), "{s}");
    }
    assert_eq!(
        Subject::Week {
            network: Network::X,
            year: 2025,
            week: 1
        }
        .to_string(),
        "week:x:2025-W01"
    );
    for bad in [
        "",
        "entry:",
        "entry:x",
        "week:x:2025",
        "network:myspace",
        "foo:1",
    ] {
        assert_eq!(Subject::parse(bad), None, "{bad}");
    }
}

#[test]
fn each_charter_check_on_its_table() {
    type Edit = fn(&mut Charter);
    type Row = (&'static str, Edit, Vec<(&'static str, &'static str)>);
    let table: Vec<Row> = vec![
        ("complete charter", |_| {}, vec![]),
        (
            "two axes",
            |c| {
                c.axes.truncate(2);
            },
            vec![("charter.too_few_axes", "charter")],
        ),
        (
            "six axes",
            |c| {
                for i in 0..3 {
                    let mut a = c.axes[0].clone();
                    a.name = format!("Axe {i}");
                    c.axes.push(a);
                }
            },
            vec![("charter.too_many_axes", "charter")],
        ),
        (
            "five axes are fine",
            |c| {
                for i in 0..2 {
                    let mut a = c.axes[0].clone();
                    a.name = format!("Axe {i}");
                    c.axes.push(a);
                }
            },
            vec![],
        ),
        (
            "axis without theme, objective or rationale",
            |c| {
                c.axes[0].theme = " ".into();
                c.axes[0].objective = String::new();
                c.axes[1].objective = "Recrutement".into();
                c.axes[2].rationale = String::new();
            },
            vec![
                ("charter.axis_no_theme", "axis:Coulisses"),
                ("charter.axis_no_objective", "axis:Coulisses"),
                ("charter.axis_unknown_objective", "axis:Produits"),
                ("charter.axis_no_rationale", "axis:Conseils"),
            ],
        ),
        (
            "objective matched without case",
            |c| {
                c.axes[1].objective = "ventes".into();
            },
            vec![],
        ),
        (
            "no objectives",
            |c| {
                c.objectives.clear();
            },
            vec![
                ("charter.no_objectives", "charter"),
                ("charter.axis_unknown_objective", "axis:Coulisses"),
                ("charter.axis_unknown_objective", "axis:Produits"),
                ("charter.axis_unknown_objective", "axis:Conseils"),
            ],
        ),
        (
            "objective without target",
            |c| {
                c.objectives[1].target = String::new();
            },
            vec![("charter.objective_no_target", "objective:1")],
        ),
        (
            "no networks: the accounts are not covered",
            |c| {
                c.networks.clear();
            },
            vec![
                ("charter.no_networks", "charter"),
                ("charter.account_not_covered", "account:1"),
                ("charter.account_not_covered", "account:2"),
            ],
        ),
        (
            "network without frequency, windows or content types",
            |c| {
                c.networks[1].max_per_week = 0;
                c.networks[1].min_per_week = 0;
                c.networks[1].windows.clear();
            },
            vec![
                ("charter.network_no_frequency", "network:linkedin"),
                ("charter.network_no_window", "network:linkedin"),
                ("charter.network_no_content_types", "network:linkedin"),
            ],
        ),
        (
            "window without reason",
            |c| {
                c.networks[0].windows[1].reason = String::new();
            },
            vec![("charter.window_no_reason", "network:instagram")],
        ),
        (
            "no procedures",
            |c| {
                c.procedures.validators = String::new();
            },
            vec![("charter.no_procedures", "charter")],
        ),
        (
            "unknown time zone",
            |c| {
                c.timezone = "Europe/Pariss".into();
            },
            vec![("charter.timezone_unknown", "charter")],
        ),
    ];
    let mut failures = Vec::new();
    for (name, edit, expect) in table {
        let mut ch = charter();
        edit(&mut ch);
        // Content types: LinkedIn has none in the base charter; give it some so
        // only the edits show.
        if ch.networks.len() > 1 && name != "network without frequency, windows or content types" {
            ch.networks[1].content_types = vec!["expertise".into()];
        }
        let mut got: Vec<(&str, String)> = charter_checks(&ch, &accounts()[..2])
            .iter()
            .map(|f| (f.check.id, f.subject.clone().unwrap_or_default()))
            .collect();
        got.sort();
        let mut want: Vec<(&str, String)> =
            expect.iter().map(|(c, s)| (*c, s.to_string())).collect();
        want.sort();
        if got != want {
            failures.push(format!("{name}: got {got:?}, want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The X account of the workspace is not covered by the base charter.
    let all = charter_checks(&charter(), &accounts());
    assert!(all
        .iter()
        .any(|f| f.check.id == "charter.account_not_covered"
            && f.subject.as_deref() == Some("account:3")));
}

#[test]
fn the_catalog_is_valid_and_every_check_is_in_it() {
    let defs = catalog();
    assert_eq!(
        relais_core::checks::validate_catalog(&defs),
        Vec::<String>::new()
    );
    assert!(defs
        .iter()
        .all(|d| d.id.starts_with("calendar.") || d.id.starts_with("charter.")));
    // The crate catalog is this module's (CSV and iCalendar report errors, not findings).
    assert_eq!(crate::catalog().len(), defs.len());
}
