//! Prints a sample iCalendar feed (tricky titles, long UTF-8 text, an undated
//! idea) so a third-party parser can check it:
//! `cargo run -q -p relais-calendar --example sample_feed | "$(bash scripts/python-tools.sh)" scripts/validate-ics.py -`

use chrono::{Duration, TimeZone, Utc};
use relais_calendar::ics::export_calendar;
use relais_core::entry::{Account, Entry, EntryContent, Status};
use relais_core::ids::{AccountId, EntryId, WorkspaceId};
use relais_core::Network;

fn main() {
    let t0 = Utc
        .with_ymd_and_hms(2025, 3, 28, 11, 0, 0)
        .single()
        .unwrap_or_default();
    let accounts = vec![Account {
        id: AccountId(1),
        workspace_id: WorkspaceId(1),
        network: Network::Instagram,
        handle: "@maisondupain".into(),
        label: "Instagram".into(),
    }];
    let titles = [
        "Galette ; rois, \"fèves\" \\ et 😀 émojis",
        "Un titre très long qui dépasse largement soixante-quinze octets une fois encodé en UTF-8 : éèêëàâäîïôöùûüç€",
        "Passage à l'heure d'été",
    ];
    let entries: Vec<Entry> = (0..30_i64)
        .map(|i| Entry {
            id: EntryId(i + 1),
            workspace_id: WorkspaceId(1),
            status: Status::ALL[(i % 9) as usize],
            version: i,
            content: EntryContent {
                title: titles[(i % 3) as usize].into(),
                axis: Some("Coulisses, atelier".into()),
                accounts: vec![AccountId(1)],
                starts_at: (i % 7 != 6).then(|| t0 + Duration::hours(i * 13)),
                timezone: "Europe/Paris".into(),
                body: "Ligne 1\r\nLigne 2\n🥐 croissant ; pain, levain".repeat(3),
                ..EntryContent::default()
            },
            created_by: None,
            created_at: t0,
            updated_at: t0,
        })
        .collect();
    print!(
        "{}",
        export_calendar("Maison Dupain, Paris", &entries, &accounts, t0)
    );
}
