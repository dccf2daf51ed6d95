use super::*;
use chrono::TimeZone;
use relais_core::ids::{EntryId, WorkspaceId};

fn accounts() -> Vec<Account> {
    [
        (1, Network::Instagram, "@dupain", "Instagram boutique"),
        (2, Network::Linkedin, "maison-dupain", "LinkedIn"),
        (3, Network::X, "@Dupain", "X"),
        (4, Network::Bluesky, "dupain.bsky.social", "Bluesky"),
    ]
    .into_iter()
    .map(|(id, network, handle, label)| Account {
        id: AccountId(id),
        workspace_id: WorkspaceId(1),
        network,
        handle: handle.into(),
        label: label.into(),
    })
    .collect()
}

fn axes() -> Vec<Axis> {
    ["Coulisses", "Produits", "Conseils"]
        .iter()
        .map(|n| Axis {
            name: (*n).into(),
            ..Axis::default()
        })
        .collect()
}

fn parse(text: &[u8]) -> Result<ImportPreview, FileError> {
    let accounts = accounts();
    let axes = axes();
    parse_import(
        text,
        &ImportContext {
            accounts: &accounts,
            axes: &axes,
            timezone: "Europe/Paris",
        },
    )
}

fn utc(y: i32, m: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, mi, 0).unwrap()
}

#[test]
fn a_french_excel_file_imports() {
    // Windows-1252: "é" is 0xE9, "œ" 0x9C, "€" 0x80.
    let mut bytes = b"Titre;Date;Comptes;Axe;Format;Type de contenu;Statut;Texte;Mots-cl\xE9s;Hashtags;Campagne;Notes client;Texte_Instagram\r\n".to_vec();
    bytes.extend_from_slice(
        b"Galette des rois;06/01/2026 12:30;instagram:@dupain | LinkedIn;coulisses;Carrousel;tutoriel;brouillon;\"Notre galette, \x9Cuvre de l'\xE9quipe\r\n2 \x80 la part\";galette, boulangerie;#Galette #EpiphanieParis;Epiphanie;Photo valid\xE9e;Version insta\r\n",
    );
    bytes.extend_from_slice(b";;;;;;;;;;;;\r\n");
    bytes.extend_from_slice(b"Second;;;;;;;;;;;;\r\n");
    let p = parse(&bytes).unwrap();
    assert_eq!(p.encoding, "windows-1252");
    assert_eq!(p.separator, ';');
    assert!(p.ignored_columns.is_empty());
    assert_eq!(p.rows.len(), 2, "blank rows are skipped");
    assert_eq!(
        p.rows[1].line, 5,
        "a quoted line break moves the next row down"
    );
    let (status, c) = p.rows[0].result.clone().unwrap();
    assert_eq!(p.rows[0].line, 2);
    assert_eq!(status, Status::Draft);
    assert_eq!(c.title, "Galette des rois");
    assert_eq!(c.starts_at, Some(utc(2026, 1, 6, 11, 30)));
    assert_eq!(c.timezone, "Europe/Paris");
    assert_eq!(c.accounts, [AccountId(1), AccountId(2)]);
    assert_eq!(c.axis.as_deref(), Some("Coulisses"));
    assert_eq!(c.format, Format::Carousel);
    assert_eq!(c.content_type, "tutoriel");
    assert_eq!(c.body, "Notre galette, œuvre de l'équipe\r\n2 € la part");
    assert_eq!(c.keywords, ["galette", "boulangerie"]);
    assert_eq!(c.hashtags, ["Galette", "EpiphanieParis"]);
    assert_eq!(c.campaign, "Epiphanie");
    assert_eq!(c.client_notes, "Photo validée");
    assert_eq!(
        c.variants,
        [Variant {
            network: Network::Instagram,
            text: "Version insta".into()
        }]
    );
}

#[test]
fn encodings_and_separators_are_detected() {
    let table: [(&[u8], &str, char); 5] = [
        (b"title,date\nA,2025-05-01T10:00Z\n", "UTF-8", ','),
        (
            b"\xEF\xBB\xBFtitle;date\nA;2025-05-01T10:00Z\n",
            "UTF-8",
            ';',
        ),
        (b"title\tdate\nA\t2025-05-01T10:00Z\n", "UTF-8", '\t'),
        (
            b"titre;\"date, heure\"\nA;2025-05-01T10:00Z\n",
            "UTF-8",
            ';',
        ),
        (
            b"titre;date\n\xC9t\xE9;2025-05-01T10:00Z\n",
            "windows-1252",
            ';',
        ),
    ];
    for (bytes, encoding, sep) in table {
        let p = parse(bytes).unwrap();
        assert_eq!((p.encoding, p.separator), (encoding, sep), "{bytes:?}");
        assert_eq!(p.rows.len(), 1);
    }
    let p = parse(b"title\nA\n").unwrap();
    assert_eq!(p.separator, ',');
    let p = parse(b"titre;date\n\xC9t\xE9;2025-05-01T10:00Z\n").unwrap();
    assert_eq!(p.rows[0].result.as_ref().unwrap().1.title, "Été");
}

#[test]
fn file_errors_are_reported_in_both_languages() {
    let table: [(&[u8], &str); 7] = [
        (b"", "empty-file"),
        (b"\xEF\xBB\xBF \r\n", "empty-file"),
        (b"PK\x03\x04binary", "not-text"),
        (b"\xFF\xFEt\0i\0t\0l\0e\0", "not-text"),
        (
            b"date;comptes\n2025-05-01T10:00Z;dupain\n",
            "no-title-column",
        ),
        (b"title;titre\nA;B\n", "duplicate-column"),
        (b"title;date\n\"A;2025\n", "malformed-csv"),
    ];
    for (bytes, code) in table {
        match parse(bytes) {
            Err(e) => {
                assert_eq!(e.code(), code, "{bytes:?}");
                assert!(!e.message_fr().is_empty() && !e.message_en().is_empty());
                assert_ne!(e.message_fr(), e.message_en());
            }
            Ok(p) if code == "malformed-csv" => {
                // The csv reader accepts an unclosed quote up to the end of the
                // file: the row is then one field short.
                assert_eq!(p.rows[0].result.as_ref().unwrap_err()[0].code, "ragged-row");
            }
            Ok(p) => panic!("{bytes:?}: expected {code}, got {p:?}"),
        }
    }
    let accounts = accounts();
    let bad_tz = parse_import(
        b"title\nA\n",
        &ImportContext {
            accounts: &accounts,
            axes: &[],
            timezone: "Nowhere/Land",
        },
    );
    assert_eq!(bad_tz.unwrap_err().code(), "bad-workspace-timezone");
}

#[test]
fn each_row_error_on_its_table() {
    // (row after the header "title;date;timezone;accounts;axis;format;status",
    //  expected (column, code) pairs; empty = the row imports)
    let table: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("A;01/05/2025 18:30;;dupain.bsky.social;;;", vec![]),
        (";01/05/2025 18:30;;;;;", vec![("title", "title-required")]),
        ("A;31/02/2025 18:30;;;;;", vec![("date", "impossible-date")]),
        ("A;2025-02-30T10:00;;;;;", vec![("date", "impossible-date")]),
        ("A;01/05/2025 25:00;;;;;", vec![("date", "impossible-date")]),
        ("A;01/05/2025;;;;;", vec![("date", "date-without-time")]),
        ("A;demain;;;;;", vec![("date", "bad-date")]),
        ("A;1/5/25 18:30;;;;;", vec![("date", "bad-date")]),
        ("A;2025-05-01T18:30+2;;;;;", vec![("date", "bad-date")]),
        // Spring forward in Paris: 02:00–02:59 on 30 March 2025 does not exist.
        (
            "A;30/03/2025 02:30;;;;;",
            vec![("date", "nonexistent-local-time")],
        ),
        // …but it exists in New York, whose change is on another day.
        ("A;30/03/2025 02:30;America/New_York;;;;", vec![]),
        (
            "A;01/05/2025 18:30;Europe/Pariss;;;;",
            vec![("timezone", "unknown-timezone")],
        ),
        (
            "A;;;myspace_account;;;",
            vec![("accounts", "unknown-account")],
        ),
        ("A;;;dupain;;;", vec![("accounts", "ambiguous-account")]),
        ("A;;;instagram:dupain | x:@dupain;;;", vec![]),
        ("A;;;Instagram boutique|linkedin;;;", vec![]),
        ("A;;;;Recettes;;", vec![("axis", "unknown-axis")]),
        ("A;;;;;gif;", vec![("format", "unknown-format")]),
        ("A;;;;;;approved", vec![("status", "status-not-importable")]),
        ("A;;;;;;soumis", vec![("status", "status-not-importable")]),
        ("A;;;;;;maybe", vec![("status", "unknown-status")]),
        ("A;;;;;;idée", vec![]),
        ("A;;;;;;Internal_Review", vec![]),
        ("A;extra;;;;;;;", vec![("", "ragged-row")]),
        (
            ";31/02/2025 18:30;;nobody;Recettes;;published",
            vec![
                ("title", "title-required"),
                ("accounts", "unknown-account"),
                ("axis", "unknown-axis"),
                ("status", "status-not-importable"),
                ("date", "impossible-date"),
            ],
        ),
    ];
    let mut failures = Vec::new();
    for (row, expect) in &table {
        let text = format!("title;date;timezone;accounts;axis;format;status\r\n{row}\r\n");
        let p = parse(text.as_bytes()).unwrap();
        let got: Vec<(String, &str)> = match &p.rows[0].result {
            Ok(_) => vec![],
            Err(errors) => errors.iter().map(|e| (e.column.clone(), e.code)).collect(),
        };
        let want: Vec<(String, &str)> = expect.iter().map(|(c, k)| (c.to_string(), *k)).collect();
        if got != want {
            failures.push(format!("{row}: got {got:?}, want {want:?}"));
        }
        for e in p.errors() {
            assert_eq!(e.line, 2);
            assert!(!e.message_fr.is_empty() && !e.message_en.is_empty());
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn dates_in_each_accepted_form() {
    let paris = chrono_tz::Europe::Paris;
    let table = [
        ("01/05/2025 18:30", Some(utc(2025, 5, 1, 16, 30))),
        ("1/5/2025 8:05", Some(utc(2025, 5, 1, 6, 5))),
        ("01/05/2025 18h30", Some(utc(2025, 5, 1, 16, 30))),
        (
            "01/05/2025 18:30:15",
            Some(Utc.with_ymd_and_hms(2025, 5, 1, 16, 30, 15).unwrap()),
        ),
        ("15/01/2025 18:30", Some(utc(2025, 1, 15, 17, 30))),
        ("2025-05-01T18:30", Some(utc(2025, 5, 1, 16, 30))),
        ("2025-05-01 18:30:00", Some(utc(2025, 5, 1, 16, 30))),
        ("2025-05-01T18:30:00Z", Some(utc(2025, 5, 1, 18, 30))),
        (
            "2025-05-01T18:30:00.250+02:00",
            Some(utc(2025, 5, 1, 16, 30)),
        ),
        ("2025-05-01T18:30-0300", Some(utc(2025, 5, 1, 21, 30))),
        // Autumn overlap: 02:30 on 26 Oct 2025 happens twice; the first (CEST).
        ("26/10/2025 02:30", Some(utc(2025, 10, 26, 0, 30))),
        // Just after the spring gap.
        ("30/03/2025 03:00", Some(utc(2025, 3, 30, 1, 0))),
        ("29/02/2024 12:00", Some(utc(2024, 2, 29, 11, 0))),
        ("  ", None),
    ];
    for (text, want) in table {
        assert_eq!(parse_datetime(text, paris), Ok(want), "{text}");
    }
    assert_eq!(
        parse_datetime("29/02/2025 12:00", paris).unwrap_err().code,
        "impossible-date"
    );
    let gap = parse_datetime("30/03/2025 02:30", paris).unwrap_err();
    assert!(gap.fr.contains("n'existe pas à Europe/Paris"), "{}", gap.fr);
    assert!(
        gap.en.contains("does not exist in Europe/Paris"),
        "{}",
        gap.en
    );
}

#[test]
fn unknown_columns_are_listed_and_headers_are_forgiving() {
    let p = parse(b"  TITRE ;Remarques;Mots cl\xC3\xA9s;texte_twitter;Text_Facebook_Page\nA;x;pain;pour X;pour FB\n").unwrap();
    assert_eq!(p.ignored_columns, ["Remarques"]);
    let (_, c) = p.rows[0].result.clone().unwrap();
    assert_eq!(c.keywords, ["pain"]);
    let nets: Vec<Network> = c.variants.iter().map(|v| v.network).collect();
    assert_eq!(nets, [Network::X, Network::FacebookPage]);
}

#[test]
fn formulas_are_neutralised_on_export_and_restored_on_import() {
    assert_eq!(guard("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
    assert_eq!(guard("- point"), "'- point");
    assert_eq!(guard("ok"), "ok");
    assert_eq!(cell("'=1+1"), "=1+1");
    assert_eq!(cell("'quoted"), "'quoted");
}

fn entry(id: i64, content: EntryContent, status: Status) -> Entry {
    Entry {
        id: EntryId(id),
        workspace_id: WorkspaceId(1),
        status,
        version: 1,
        content,
        created_by: None,
        created_at: utc(2025, 1, 1, 0, 0),
        updated_at: utc(2025, 1, 1, 0, 0),
    }
}

#[test]
fn an_export_re_imports_to_the_same_entries() {
    let full = EntryContent {
        title: "=SOMME(A1) ; \"guillemets\"".into(),
        axis: Some("Produits".into()),
        accounts: vec![AccountId(1), AccountId(3), AccountId(4)],
        starts_at: Some(utc(2025, 10, 26, 0, 30)), // first 02:30 of the overlap
        timezone: "Europe/Paris".into(),
        format: Format::Reel,
        content_type: "tutoriel".into(),
        body: "Ligne 1\nLigne 2 ; avec « guillemets » et \"doubles\"\n- puce".into(),
        variants: vec![
            Variant {
                network: Network::Bluesky,
                text: "court".into(),
            },
            Variant {
                network: Network::X,
                text: "@mention d'abord".into(),
            },
        ],
        keywords: vec!["pain".into(), "levain".into()],
        hashtags: vec!["Boulangerie".into(), "PainAuLevain".into()],
        campaign: "Automne".into(),
        client_notes: "À valider".into(),
        ..EntryContent::default()
    };
    let undated = EntryContent {
        title: "Idée".into(),
        timezone: "America/Martinique".into(),
        ..EntryContent::default()
    };
    let entries = vec![
        entry(1, full.clone(), Status::InternalReview),
        entry(2, undated.clone(), Status::Idea),
    ];
    let bytes = export(&entries, &accounts());
    assert!(bytes.starts_with(b"\xEF\xBB\xBFtitle;date;timezone;accounts;"));
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.contains("\r\n"));
    assert!(text.contains("2025-10-26T02:30:00+02:00"), "{text}");
    assert!(
        text.contains("instagram:dupain | x:Dupain | dupain.bsky.social"),
        "{text}"
    );
    assert!(text
        .lines()
        .next()
        .unwrap()
        .ends_with(";text_bluesky;text_x"));
    let p = parse(&bytes).unwrap();
    assert!(p.is_clean(), "{:#?}", p.errors().collect::<Vec<_>>());
    assert_eq!(
        p.valid_rows(),
        [(Status::InternalReview, full), (Status::Idea, undated)]
    );
    // Statuses past the team's review export as they are, and say why they do
    // not re-import.
    let approved = export(
        &[entry(
            3,
            EntryContent {
                title: "A".into(),
                timezone: "Europe/Paris".into(),
                ..EntryContent::default()
            },
            Status::Approved,
        )],
        &accounts(),
    );
    let p = parse(&approved).unwrap();
    assert_eq!(p.errors().next().unwrap().code, "status-not-importable");
}

#[test]
fn an_empty_export_has_just_the_header() {
    let bytes = export(&[], &[]);
    assert_eq!(
        bytes,
        b"\xEF\xBB\xBFtitle;date;timezone;accounts;axis;format;content_type;status;text;keywords;hashtags;campaign;client_notes\r\n"
    );
    assert_eq!(parse(&bytes).unwrap().rows, vec![]);
}
