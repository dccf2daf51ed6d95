//! `relais calendar import|export` on the real binary: the encodings and
//! separators French spreadsheets write, row errors with line and column,
//! all-or-nothing imports, `--valid-only`, and an export that re-imports.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use relais_core::audit::AuditAction;
use relais_core::model::Actor;
use relais_core::Network;
use relais_store::{ConnectOptions, EntryFilter, Store};
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_relais");

struct Sandbox {
    dir: tempfile::TempDir,
    rt: tokio::runtime::Runtime,
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Sandbox {
    /// A migrated database with workspaces `brand-a` and `brand-b`, each with an
    /// Instagram and a Bluesky account.
    fn new() -> Sandbox {
        let sb = Sandbox {
            dir: tempfile::tempdir().unwrap(),
            rt: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap(),
        };
        for slug in ["brand-a", "brand-b"] {
            let out = sb.run(&["workspace", "add", slug]);
            assert_eq!(out.code, 0, "{}", out.stderr);
        }
        sb.with_store(|store| async move {
            for slug in ["brand-a", "brand-b"] {
                let ws = store.workspace_by_slug(slug).await.unwrap().unwrap();
                let sys = Actor::System("test");
                store
                    .create_account(&sys, ws.id, Network::Instagram, "@dupain", "Insta")
                    .await
                    .unwrap();
                store
                    .create_account(
                        &sys,
                        ws.id,
                        Network::Bluesky,
                        "@dupain.bsky.social",
                        "Bluesky",
                    )
                    .await
                    .unwrap();
            }
        });
        sb
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn run(&self, args: &[&str]) -> Out {
        let out = Command::new(BIN)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .current_dir(self.path())
            .arg("--data-dir")
            .arg(self.path().join("data"))
            .args(args)
            .output()
            .unwrap();
        Out {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    fn import(&self, slug: &str, file: &Path, extra: &[&str]) -> Out {
        let mut args = vec![
            "calendar",
            "import",
            "--workspace",
            slug,
            file.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    fn with_store<F, Fut, T>(&self, f: F) -> T
    where
        F: FnOnce(Store) -> Fut,
        Fut: std::future::Future<Output = T>,
    {
        let url = format!(
            "sqlite://{}",
            self.path().join("data/relais.sqlite3").display()
        );
        self.rt.block_on(async {
            let store = Store::connect(&url, &ConnectOptions::default())
                .await
                .unwrap();
            let out = f(store.clone()).await;
            store.close().await;
            out
        })
    }

    /// (title, starts_at as RFC 3339, status) of every entry of `slug`.
    fn entries(&self, slug: &str) -> Vec<(String, String, String)> {
        let slug = slug.to_string();
        self.with_store(|store| async move {
            let ws = store.workspace_by_slug(&slug).await.unwrap().unwrap();
            store
                .list_entries(ws.id, &EntryFilter::default())
                .await
                .unwrap()
                .into_iter()
                .map(|e| {
                    (
                        e.content.title,
                        e.content
                            .starts_at
                            .map(|t| t.to_rfc3339())
                            .unwrap_or_default(),
                        e.status.as_str().to_string(),
                    )
                })
                .collect()
        })
    }

    fn imports_logged(&self, slug: &str) -> usize {
        let slug = slug.to_string();
        self.with_store(|store| async move {
            let ws = store.workspace_by_slug(&slug).await.unwrap().unwrap();
            store
                .audit_for_workspace(ws.id, None, 100)
                .await
                .unwrap()
                .iter()
                .filter(|e| e.action == AuditAction::EntriesImported)
                .count()
        })
    }
}

#[test]
fn utf8_with_bom_and_semicolons_imports_every_row() {
    let sb = Sandbox::new();
    let csv = "\u{feff}titre;date;comptes;statut;texte\r\n\
               Fournée de 3 h;02/03/2026 08:30;@dupain;brouillon;\"Il est 3 h ; le four chauffe.\nDeuxième ligne.\"\r\n\
               Galette des rois;2026-01-06T09:00;@dupain|bluesky:@dupain.bsky.social;idée;Fève 🥐\r\n\
               ;;;;\r\n";
    let file = sb.file("cal.csv", csv.as_bytes());
    let out = sb.import("brand-a", &file, &["--dry-run"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("2 row(s): 2 valid, 0 with errors"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("dry run"));
    assert!(
        sb.entries("brand-a").is_empty(),
        "a dry run imports nothing"
    );

    let out = sb.import("brand-a", &file, &[]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("imported 2 entries into brand-a"),
        "{}",
        out.stdout
    );
    let got = sb.entries("brand-a");
    assert_eq!(
        got,
        vec![
            (
                "Galette des rois".into(),
                "2026-01-06T08:00:00+00:00".into(),
                "idea".into()
            ),
            (
                "Fournée de 3 h".into(),
                "2026-03-02T07:30:00+00:00".into(),
                "draft".into()
            ),
        ],
        "Paris wall-clock times, accents and statuses kept"
    );
    assert!(sb.entries("brand-b").is_empty());
    assert_eq!(sb.imports_logged("brand-a"), 1);
}

#[test]
fn windows_1252_from_french_excel_imports() {
    let sb = Sandbox::new();
    // "Fête du pain;16/05/2026 10:00;@dupain;Spécial été" in Windows-1252.
    let mut bytes = b"Titre;Date;Comptes;Texte\r\nF".to_vec();
    bytes.push(0xEA);
    bytes.extend_from_slice(b"te du pain;16/05/2026 10:00;@dupain;Sp");
    bytes.push(0xE9);
    bytes.extend_from_slice(b"cial ");
    bytes.push(0xE9);
    bytes.extend_from_slice(b"t");
    bytes.push(0xE9);
    bytes.extend_from_slice(b"\r\n");
    let file = sb.file("excel.csv", &bytes);
    let out = sb.import("brand-a", &file, &[]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("windows-1252"), "{}", out.stdout);
    let got = sb.entries("brand-a");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, "Fête du pain");
}

#[test]
fn bad_rows_import_nothing_unless_valid_only() {
    let sb = Sandbox::new();
    let csv = "titre;date;comptes\n\
               Bon;02/03/2026 08:30;@dupain\n\
               Compte inconnu;03/03/2026 08:30;@personne\n\
               Date impossible;31/02/2026 08:30;@dupain\n\
               Aussi bon;04/03/2026 12:00;Bluesky\n";
    let file = sb.file("bad.csv", csv.as_bytes());

    let out = sb.import("brand-a", &file, &["--dry-run"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines[0].starts_with("line 3, column comptes: "),
        "{lines:?}"
    );
    assert!(lines[1].starts_with("line 4, column date: "), "{lines:?}");
    assert!(out.stdout.contains("4 row(s): 2 valid, 2 with errors"));
    assert!(
        out.stderr.starts_with("error: 2 row(s) have errors"),
        "{}",
        out.stderr
    );

    let out = sb.import("brand-a", &file, &[]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("nothing imported"), "{}", out.stderr);
    assert!(out.stderr.contains("--valid-only"), "{}", out.stderr);
    assert!(
        sb.entries("brand-a").is_empty(),
        "the database is unchanged"
    );
    assert_eq!(sb.imports_logged("brand-a"), 0);

    let out = sb.import("brand-a", &file, &["--valid-only"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("imported 2 entries"), "{}", out.stdout);
    let titles: Vec<String> = sb.entries("brand-a").into_iter().map(|e| e.0).collect();
    assert_eq!(titles, ["Bon", "Aussi bon"]);

    // A file that is not CSV at all is one error line.
    let file = sb.file("image.csv", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    let out = sb.import("brand-a", &file, &["--dry-run"]);
    assert_eq!(out.code, 1);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    // An unknown workspace says so.
    let out = sb.import("nope", &file, &[]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("no workspace \"nope\""),
        "{}",
        out.stderr
    );
}

#[test]
fn an_export_imports_back_the_same_calendar() {
    let sb = Sandbox::new();
    let csv = "titre;date;comptes;axe;format;texte;hashtags\n\
               Un;02/03/2026 08:30;@dupain;Coulisses;carrousel;\"Texte ; avec point-virgule\";MaisonDupain\n\
               Deux;05/03/2026 18:00;@dupain|Bluesky;Recettes;post;Deuxième;\n\
               Idée sans date;;;;;;\n";
    let file = sb.file("in.csv", csv.as_bytes());
    assert_eq!(sb.import("brand-a", &file, &[]).code, 0);
    let exported = sb.path().join("out.csv");
    let out = sb.run(&[
        "calendar",
        "export",
        "--workspace",
        "brand-a",
        "--format",
        "csv",
        "--output",
        exported.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let bytes = std::fs::read(&exported).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with BOM");
    let out = sb.import("brand-b", &exported, &[]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(sb.entries("brand-b"), sb.entries("brand-a"));

    // iCalendar to standard output.
    let out = sb.run(&[
        "calendar",
        "export",
        "--workspace",
        "brand-a",
        "--format",
        "ics",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with("BEGIN:VCALENDAR\r\n"),
        "{}",
        out.stdout
    );
    assert_eq!(
        out.stdout.matches("BEGIN:VEVENT").count(),
        2,
        "undated ideas are left out"
    );
    assert!(out.stdout.contains("SUMMARY:Un"));
}
