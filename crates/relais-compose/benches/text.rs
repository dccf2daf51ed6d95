//! Text checks throughput: counting + network limits + accessibility + legal
//! checks (not spelling) for all ten networks, on one core, over a varied corpus
//! of French and English posts.
//!
//! Run: `cargo bench -p relais-compose` (prints posts/s). Target: ≥100,000
//! posts/s per core.

use relais_compose::{check_networks, CheckOptions, PostInput};
use relais_core::entry::{LegalFlags, MediaItem, MediaKind, Ugc};
use relais_core::{Locale, MediaId, Network};
use std::hint::black_box;
use std::time::{Duration, Instant};

const TEXTS: &[&str] = &[
    "🥖 Nouvelle fournée ! Notre baguette tradition sort du four à 7 h tous les matins. Venez la goûter rue des Lilas. #Boulangerie #FaitMaison",
    "Fête de la musique ce samedi 🎶 : concert gratuit devant la boutique de 18 h à 22 h, avec @trio_jazz@mastodon.social. Programme : https://exemple.fr/fete-musique?src=news #fete_de_la_musique",
    "Publicité — En partenariat avec @marque, découvrez notre nouvelle gamme de confitures bio. Code PROMO10 valable jusqu'au 30/06. https://marque.example/promo",
    "We're hiring! Join our team as a community manager in Lyon. Full-time, hybrid, great coffee ☕. Apply before July 15: https://jobs.example.com/cm-lyon #Hiring #CommunityManagement",
    "Menu de la semaine :\n✅ Lundi : quiche lorraine\n✅ Mardi : soupe au pistou\n✅ Mercredi : tarte tatin\nRéservez au 01 23 45 67 89 🙏",
    "Merci à @lea.bsky.social pour cette superbe photo de notre vitrine ! 📷 @lea.bsky.social #ugc #merci #vitrine #boulangerie #paris à bientôt",
    "Thread 🧵 1/5 — Comment nous avons réduit nos déchets de 40 % en un an : tri, compost, vrac, et beaucoup de pédagogie auprès de l'équipe.",
    "日本からのお客様、ようこそ！ Welcome to our Tokyo friends 🇯🇵🇫🇷 — open every day 8am–8pm.",
    "𝐒𝐎𝐋𝐃𝐄𝐒 -50 % sur toute la collection été ! Images retouchées. 👗👠👜🕶️💄🎀 #Soldes #Mode",
    "Our founder's story 👩‍🍳: from a small kitchen in Marseille to 12 shops across France. Read the full interview on the blog https://blog.example.org/2026/06/founder-story?utm_source=newsletter",
];

fn corpus() -> Vec<String> {
    // Longer posts too: the same texts doubled and tripled (LinkedIn, Facebook).
    let mut out: Vec<String> = TEXTS.iter().map(|t| t.to_string()).collect();
    for t in TEXTS {
        out.push(format!("{t}\n\n{t}"));
    }
    for t in TEXTS.iter().take(4) {
        out.push(format!("{t}\n{t}\n{t}"));
    }
    out
}

fn main() {
    let texts = corpus();
    let media = [
        MediaItem {
            media_id: MediaId(1),
            kind: MediaKind::Image,
            mime: "image/jpeg".into(),
            width: 1080,
            height: 1350,
            bytes: 480_000,
            alt: "Une baguette dorée sur une planche".into(),
            has_captions: false,
        },
        MediaItem {
            media_id: MediaId(2),
            kind: MediaKind::Video,
            mime: "video/mp4".into(),
            width: 1080,
            height: 1920,
            bytes: 12_000_000,
            alt: String::new(),
            has_captions: false,
        },
    ];
    let ugc = Ugc {
        original_author: "@lea.bsky.social".into(),
        credit: "📷 @lea.bsky.social".into(),
        ..Ugc::default()
    };
    let posts: Vec<PostInput> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| PostInput {
            text: t,
            media: &media[..i % 3],
            legal: LegalFlags {
                sponsored: i % 4 == 2,
                retouched: i % 7 == 0,
                ..LegalFlags::default()
            },
            ugc: (i % 5 == 0).then_some(&ugc),
            lang: if i % 3 == 0 { Locale::En } else { Locale::Fr },
        })
        .collect();
    let options = CheckOptions::default();
    let networks = Network::ALL;

    // Warm up, then run for about two seconds.
    let mut findings = 0usize;
    for p in &posts {
        findings += check_networks(p, &networks, &options).len();
    }
    let start = Instant::now();
    let cpu_start = thread_cpu_seconds();
    let mut checked = 0usize;
    while start.elapsed() < Duration::from_secs(2) {
        for p in &posts {
            let reports = check_networks(black_box(p), &networks, &options);
            findings += reports.iter().map(|r| r.findings.len()).sum::<usize>();
            checked += 1;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let cpu = match (cpu_start, thread_cpu_seconds()) {
        (Some(a), Some(b)) if b > a => b - a,
        _ => secs,
    };
    // Per core = per second of this thread's CPU time, so that other work on a
    // busy machine does not lower the figure (wall-clock rate printed too).
    let per_sec = checked as f64 / cpu;
    println!(
        "text checks: {checked} posts × {} networks in {cpu:.2} s of CPU ({secs:.2} s wall) = {per_sec:.0} posts/s on one core ({:.2} µs/post; wall-clock {:.0} posts/s; {} findings)",
        networks.len(),
        1e6 / per_sec,
        checked as f64 / secs,
        black_box(findings)
    );
}

/// This thread's user + system CPU time, from /proc (Linux); `None` elsewhere.
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the command name (which may hold spaces) in parentheses.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 here.
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0) // USER_HZ is 100 on Linux
}
