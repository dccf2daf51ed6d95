//! CSV import of 10,000 rows (target: well under 2 s).
//!
//! `cargo bench -p relais-calendar --bench csv_import` prints the median and the
//! slowest of 20 parses of a 10,000-row French Excel file (Windows-1252, `;`,
//! `dd/mm/yyyy HH:MM` dates, two accounts, an axis and a per-network text).

use relais_calendar::csv::{parse_import, ImportContext};
use relais_core::charter::Axis;
use relais_core::entry::Account;
use relais_core::ids::{AccountId, WorkspaceId};
use relais_core::Network;
use std::hint::black_box;
use std::time::Instant;

fn main() {
    let accounts: Vec<Account> = [
        (Network::Instagram, "@dupain"),
        (Network::Linkedin, "maison-dupain"),
        (Network::Bluesky, "dupain.bsky.social"),
    ]
    .iter()
    .enumerate()
    .map(|(i, (network, handle))| Account {
        id: AccountId(i as i64 + 1),
        workspace_id: WorkspaceId(1),
        network: *network,
        handle: (*handle).into(),
        label: (*handle).into(),
    })
    .collect();
    let axes: Vec<Axis> = ["Coulisses", "Produits", "Conseils"]
        .iter()
        .map(|n| Axis {
            name: (*n).into(),
            ..Axis::default()
        })
        .collect();
    let mut text = String::from(
        "Titre;Date;Comptes;Axe;Format;Type de contenu;Statut;Texte;Mots-clés;Hashtags;Texte_Bluesky\r\n",
    );
    for i in 0..10_000 {
        let day = i % 28 + 1;
        let month = i / 28 % 12 + 1;
        text.push_str(&format!(
            "Publication n°{i};{day:02}/{month:02}/2026 {:02}:{:02};@dupain | maison-dupain;{};carrousel;tutoriel;brouillon;\"Texte de la publication {i}, avec une virgule ; et un point-virgule.\r\nDeuxième ligne : été, crème, œuvre.\";pain, levain;#Boulangerie #Levain;Version Bluesky {i}\r\n",
            8 + i % 12,
            (i * 7) % 60,
            ["Coulisses", "Produits", "Conseils"][i % 3]
        ));
    }
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
    let bytes = bytes.into_owned();
    let ctx = ImportContext {
        accounts: &accounts,
        axes: &axes,
        timezone: "Europe/Paris",
    };
    let preview = parse_import(&bytes, &ctx);
    let (rows, errors) = match &preview {
        Ok(p) => (p.rows.len(), p.errors().count()),
        Err(e) => {
            println!("csv_import: file error: {e}");
            return;
        }
    };
    let runs = 20;
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        let _ = black_box(parse_import(black_box(&bytes), &ctx));
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "csv_import: {rows} rows ({} KiB, windows-1252), {errors} row errors",
        bytes.len() / 1024
    );
    println!(
        "csv_import: 10,000 rows: median {:.1} ms, max {:.1} ms over {runs} runs (target < 2 s)",
        times[runs / 2].as_secs_f64() * 1e3,
        times[runs - 1].as_secs_f64() * 1e3
    );
}
