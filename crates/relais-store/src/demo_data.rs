//! What the demo workspaces hold: network accounts, an editorial charter and a
//! month of calendar entries around today, in French.

use chrono::{DateTime, Duration, NaiveTime, Utc, Weekday};
use relais_core::charter::{
    Axis, Charter, NetworkPlan, Objective, Paid, PostingWindow, Procedures,
};
use relais_core::entry::{EntryContent, Format, Status};
use relais_core::{AccountId, Network, UserId};

/// One demo brand's editorial material.
pub(crate) struct Brand {
    pub slug: &'static str,
    pub accounts: &'static [(Network, &'static str, &'static str)],
    /// (label, target)
    pub objectives: &'static [(&'static str, &'static str)],
    /// (name, theme, objective, rationale)
    pub axes: &'static [(&'static str, &'static str, &'static str, &'static str)],
    pub plans: &'static [Plan],
    pub procedures: (&'static str, &'static str, &'static str),
    /// Dated posts, used in turn.
    pub posts: &'static [Post],
    /// Ideas without a date yet: (axis, title)
    pub ideas: &'static [(&'static str, &'static str)],
}

/// A posting window: (days, start hour, start minute, end hour, end minute, reason).
pub(crate) type Window = (&'static [Weekday], u32, u32, u32, u32, &'static str);

pub(crate) struct Plan {
    pub network: Network,
    pub content_types: &'static [&'static str],
    pub tone: &'static str,
    pub min: u32,
    pub max: u32,
    pub windows: &'static [Window],
    pub brand_hashtags: &'static [&'static str],
    pub campaign_hashtags: &'static [&'static str],
    pub paid: Paid,
}

pub(crate) struct Post {
    pub axis: &'static str,
    pub title: &'static str,
    pub body: &'static str,
    pub hashtags: &'static [&'static str],
    pub format: Format,
    pub content_type: &'static str,
}

const WEEKDAYS: &[Weekday] = &[
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
];
const EVERY_DAY: &[Weekday] = &[];

pub(crate) const BRANDS: [Brand; 3] = [
    Brand {
        slug: "maison-dupain",
        accounts: &[
            (Network::Instagram, "@maisondupain", "Instagram"),
            (Network::Bluesky, "@maisondupain.bsky.social", "Bluesky"),
            (Network::Mastodon, "@maisondupain@piaille.fr", "Mastodon"),
            (Network::FacebookPage, "Maison Dupain", "Facebook"),
        ],
        objectives: &[
            (
                "Faire venir de nouveaux clients en boutique",
                "+15 % de nouveaux clients d'ici l'été (code RESEAUX en caisse)",
            ),
            (
                "Fidéliser la clientèle du quartier",
                "200 abonnés locaux de plus sur Instagram en six mois",
            ),
        ],
        axes: &[
            (
                "Coulisses du fournil",
                "Le travail de nuit, le levain, les gestes des boulangers",
                "Fidéliser la clientèle du quartier",
                "Ce qui se voit le moins est ce qui fait la différence avec la grande distribution.",
            ),
            (
                "Produits de saison",
                "Les nouveautés, les fruits du moment, le pain du mois",
                "Faire venir de nouveaux clients en boutique",
                "Donne une raison concrète de passer cette semaine.",
            ),
            (
                "Recettes et conseils",
                "Conserver son pain, cuisiner le pain rassis, accords",
                "Fidéliser la clientèle du quartier",
                "Contenus utiles que l'on garde et que l'on partage.",
            ),
            (
                "Vie du quartier",
                "Le marché, les voisins commerçants, les dons d'invendus",
                "Faire venir de nouveaux clients en boutique",
                "Ancre la boutique dans le quartier et touche les nouveaux habitants.",
            ),
        ],
        plans: &[
            Plan {
                network: Network::Instagram,
                content_types: &["coulisses", "produit", "recette", "portrait"],
                tone: "Chaleureux et gourmand, vouvoiement, une touche d'humour",
                min: 3,
                max: 5,
                windows: &[
                    (EVERY_DAY, 7, 0, 9, 0, "Au réveil et dans les transports, avant de passer acheter le pain"),
                    (WEEKDAYS, 17, 30, 19, 30, "Sortie du travail : on décide du dîner et du pain du soir"),
                ],
                brand_hashtags: &["MaisonDupain", "BoulangerieArtisanale"],
                campaign_hashtags: &["PainDuMois"],
                paid: Paid::Organic,
            },
            Plan {
                network: Network::Bluesky,
                content_types: &["coulisses", "quartier", "recette"],
                tone: "Direct et complice, phrases courtes",
                min: 2,
                max: 4,
                windows: &[(WEEKDAYS, 12, 0, 13, 30, "Pause déjeuner, lecture du fil")],
                brand_hashtags: &["MaisonDupain"],
                campaign_hashtags: &[],
                paid: Paid::Organic,
            },
            Plan {
                network: Network::Mastodon,
                content_types: &["coulisses", "quartier"],
                tone: "Sobre et informatif, avec description des images",
                min: 1,
                max: 3,
                windows: &[(EVERY_DAY, 8, 0, 10, 0, "Communauté locale active le matin")],
                brand_hashtags: &["MaisonDupain"],
                campaign_hashtags: &[],
                paid: Paid::Organic,
            },
            Plan {
                network: Network::FacebookPage,
                content_types: &["produit", "quartier", "événement"],
                tone: "Convivial, informations pratiques (horaires, adresse)",
                min: 2,
                max: 3,
                windows: &[(EVERY_DAY, 18, 0, 20, 0, "Public local plus âgé, connecté le soir")],
                brand_hashtags: &["MaisonDupain"],
                campaign_hashtags: &["PainDuMois"],
                paid: Paid::Both,
            },
        ],
        procedures: (
            "Camille Dubois (community manager) rédige ; photos faites au fournil le mardi.",
            "Claire Bernard (Maison Dupain) valide chaque semaine le jeudi.",
            "Les promotions doivent être confirmées par la boutique avant publication.",
        ),
        posts: &[
            Post { axis: "Coulisses du fournil", title: "3 h du matin au fournil", body: "Il est 3 h, le four est à 250 °C et les premières baguettes sortent. Bienvenue dans les coulisses de Maison Dupain ! 🥖", hashtags: &["MaisonDupain", "BoulangerieArtisanale"], format: Format::Reel, content_type: "coulisses" },
            Post { axis: "Produits de saison", title: "Le pain du mois : seigle et figues", body: "Ce mois-ci, notre pain du mois marie le seigle et la figue. Parfait avec un fromage de chèvre. Disponible du mardi au samedi.", hashtags: &["PainDuMois", "MaisonDupain"], format: Format::Post, content_type: "produit" },
            Post { axis: "Recettes et conseils", title: "3 idées anti-gaspi pour le pain rassis", body: "Pain perdu, croûtons à l'ail, chapelure maison : trois façons de ne plus jeter le pain d'hier. Laquelle préférez-vous ?", hashtags: &["AntiGaspi", "MaisonDupain"], format: Format::Carousel, content_type: "recette" },
            Post { axis: "Vie du quartier", title: "Samedi au marché de la place Carnot", body: "Retrouvez-nous samedi de 8 h à 13 h au marché de la place Carnot, avec nos fougasses aux olives.", hashtags: &["MaisonDupain"], format: Format::Post, content_type: "quartier" },
            Post { axis: "Coulisses du fournil", title: "Notre levain a douze ans", body: "Il s'appelle Gaston, il a douze ans et on le nourrit deux fois par jour. Sans lui, pas de pain au levain !", hashtags: &["Levain", "MaisonDupain"], format: Format::Post, content_type: "coulisses" },
            Post { axis: "Produits de saison", title: "La tarte aux fraises est de retour", body: "Les premières fraises de Plougastel sont arrivées : la tarte aux fraises revient en vitrine dès vendredi.", hashtags: &["MaisonDupain"], format: Format::Post, content_type: "produit" },
            Post { axis: "Recettes et conseils", title: "Bien conserver sa baguette", body: "Dans un sac en tissu, jamais au réfrigérateur : nos conseils pour garder une baguette croustillante jusqu'au soir.", hashtags: &["AstuceDuBoulanger"], format: Format::Carousel, content_type: "recette" },
            Post { axis: "Vie du quartier", title: "Nos invendus à l'épicerie solidaire", body: "Chaque soir, nos invendus partent à l'épicerie solidaire de la rue Voltaire. Merci aux bénévoles qui viennent les chercher !", hashtags: &["ZeroGaspillage", "MaisonDupain"], format: Format::Post, content_type: "quartier" },
            Post { axis: "Coulisses du fournil", title: "Portrait : Inès, apprentie boulangère", body: "Inès a 17 ans et prépare son CAP chez nous. Son pain préféré ? La tourte de meule. Rencontre.", hashtags: &["Apprentissage", "MaisonDupain"], format: Format::Video, content_type: "portrait" },
        ],
        ideas: &[
            ("Produits de saison", "Galette des rois : teaser de la fève 2027"),
            ("Vie du quartier", "Collaboration avec la fromagerie d'en face"),
            ("Recettes et conseils", "Sondage : baguette bien cuite ou pas trop ?"),
        ],
    },
    Brand {
        slug: "velo-cite",
        accounts: &[
            (Network::Mastodon, "@velocite@framapiaf.org", "Mastodon"),
            (Network::Bluesky, "@velocite.bsky.social", "Bluesky"),
            (Network::Instagram, "@velocite_ateliers", "Instagram"),
            (Network::Linkedin, "Vélo Cité", "LinkedIn"),
        ],
        objectives: &[
            (
                "Faire connaître les ateliers d'autoréparation",
                "+30 % d'adhésions à la rentrée",
            ),
            (
                "Trouver des entreprises partenaires",
                "5 entreprises partenaires (forfait mobilités durables) d'ici décembre",
            ),
        ],
        axes: &[
            ("Tutos réparation", "Réparer soi-même : crevaison, freins, chaîne", "Faire connaître les ateliers d'autoréparation", "Montre ce qu'on apprend à l'atelier."),
            ("Témoignages", "Adhérents et bénévoles racontent leur vélo", "Faire connaître les ateliers d'autoréparation", "La preuve par les pairs."),
            ("Mobilité en ville", "Pistes cyclables, sécurité, actualité locale", "Trouver des entreprises partenaires", "Positionne l'association comme experte."),
            ("Vie de l'association", "Bourses aux vélos, assemblée générale, bénévolat", "Faire connaître les ateliers d'autoréparation", "Donne des rendez-vous concrets."),
        ],
        plans: &[
            Plan { network: Network::Mastodon, content_types: &["tuto", "actualité", "événement"], tone: "Militant mais bienveillant, tutoiement", min: 2, max: 5, windows: &[(EVERY_DAY, 8, 0, 10, 0, "Trajets du matin et lecture du fil")], brand_hashtags: &["VeloCite", "Velotaf"], campaign_hashtags: &[], paid: Paid::Organic },
            Plan { network: Network::Bluesky, content_types: &["tuto", "actualité"], tone: "Informel, tutoiement", min: 1, max: 4, windows: &[(WEEKDAYS, 12, 0, 14, 0, "Pause déjeuner")], brand_hashtags: &["VeloCite"], campaign_hashtags: &[], paid: Paid::Organic },
            Plan { network: Network::Instagram, content_types: &["tuto", "portrait", "événement"], tone: "Visuel et pédagogique", min: 2, max: 3, windows: &[(EVERY_DAY, 18, 0, 21, 0, "Soirée, moment de détente")], brand_hashtags: &["VeloCite", "AutoReparation"], campaign_hashtags: &["BourseAuxVelos"], paid: Paid::Organic },
            Plan { network: Network::Linkedin, content_types: &["partenariat", "chiffres"], tone: "Professionnel, vouvoiement", min: 1, max: 2, windows: &[(&[Weekday::Tue, Weekday::Wed, Weekday::Thu], 8, 0, 10, 0, "Décideurs RH et RSE en début de journée")], brand_hashtags: &["MobiliteDurable"], campaign_hashtags: &[], paid: Paid::Organic },
        ],
        procedures: ("Camille Dubois rédige, un bénévole photographie l'atelier du samedi.", "Le bureau de l'association valide les publications LinkedIn.", "Pas de photo d'adhérent sans accord écrit."),
        posts: &[
            Post { axis: "Tutos réparation", title: "Réparer une crevaison en 10 minutes", body: "Démonte-pneu, rustine, colle : on te montre pas à pas comment réparer une crevaison. Et si tu bloques, l'atelier est ouvert samedi.", hashtags: &["AutoReparation", "VeloCite"], format: Format::Carousel, content_type: "tuto" },
            Post { axis: "Témoignages", title: "Jacques, 72 ans, 10 000 km par an", body: "Jacques vient à l'atelier depuis 2015. Son secret pour rouler 10 000 km par an ? Une chaîne bien graissée et de la bonne humeur.", hashtags: &["VeloCite"], format: Format::Post, content_type: "portrait" },
            Post { axis: "Mobilité en ville", title: "Nouvelle piste rue de la République", body: "La piste cyclable de la rue de la République ouvre lundi. On l'a testée : voici ce qui marche et ce qui reste à améliorer.", hashtags: &["Velotaf", "VeloCite"], format: Format::Thread, content_type: "actualité" },
            Post { axis: "Vie de l'association", title: "Bourse aux vélos samedi", body: "Samedi de 10 h à 17 h, bourse aux vélos dans la cour de l'atelier : dépôt le matin, vente l'après-midi.", hashtags: &["BourseAuxVelos", "VeloCite"], format: Format::Post, content_type: "événement" },
            Post { axis: "Tutos réparation", title: "Régler ses freins en 3 étapes", body: "Tes freins couinent ou freinent mal ? Trois réglages simples à faire toi-même, en vidéo.", hashtags: &["AutoReparation"], format: Format::Reel, content_type: "tuto" },
            Post { axis: "Mobilité en ville", title: "Le forfait mobilités durables pour vos salariés", body: "Jusqu'à 800 € par an et par salarié, sans charges : le forfait mobilités durables finance le vélo du quotidien. Vélo Cité accompagne les entreprises du territoire.", hashtags: &["MobiliteDurable"], format: Format::Article, content_type: "partenariat" },
            Post { axis: "Vie de l'association", title: "Assemblée générale : l'année en chiffres", body: "1 240 réparations, 310 adhérents, 48 vélos remis en circulation : merci à toutes et à tous !", hashtags: &["VeloCite"], format: Format::Carousel, content_type: "chiffres" },
            Post { axis: "Témoignages", title: "Salomé a appris à changer sa chaîne", body: "« Je n'avais jamais touché un outil. » Trois samedis plus tard, Salomé aide les nouveaux venus.", hashtags: &["VeloCite"], format: Format::Post, content_type: "portrait" },
        ],
        ideas: &[
            ("Mobilité en ville", "Carte des stationnements vélo sécurisés"),
            ("Tutos réparation", "Série hiver : éclairage et pneus"),
        ],
    },
    Brand {
        slug: "theatre-lumiere",
        accounts: &[
            (Network::Instagram, "@theatrelumiere", "Instagram"),
            (Network::FacebookPage, "Théâtre Lumière", "Facebook"),
            (Network::Bluesky, "@theatrelumiere.bsky.social", "Bluesky"),
        ],
        objectives: &[
            ("Remplir la salle en semaine", "75 % de remplissage du mardi au jeudi"),
            ("Attirer un public de moins de 30 ans", "+25 % de pass jeunes vendus sur la saison"),
        ],
        axes: &[
            ("Programmation", "Les spectacles à l'affiche et les dates", "Remplir la salle en semaine", "Chaque spectacle a besoin de visibilité avant sa première."),
            ("Coulisses", "Répétitions, décors, costumes, régie", "Attirer un public de moins de 30 ans", "Les coulisses intéressent un public qui ne va pas encore au théâtre."),
            ("Rencontres", "Entretiens avec les artistes et l'équipe", "Attirer un public de moins de 30 ans", "Humanise la création."),
            ("Action culturelle", "Ateliers, scolaires, accessibilité", "Remplir la salle en semaine", "Montre le rôle du théâtre dans la ville."),
        ],
        plans: &[
            Plan { network: Network::Instagram, content_types: &["affiche", "coulisses", "entretien"], tone: "Élégant et sensible", min: 3, max: 6, windows: &[(EVERY_DAY, 12, 0, 14, 0, "Pause déjeuner"), (EVERY_DAY, 19, 0, 22, 0, "Soirée, envie de sortir")], brand_hashtags: &["TheatreLumiere"], campaign_hashtags: &["PassJeunes"], paid: Paid::Both },
            Plan { network: Network::FacebookPage, content_types: &["affiche", "événement"], tone: "Informatif : dates, tarifs, accès", min: 2, max: 4, windows: &[(EVERY_DAY, 17, 0, 20, 0, "Abonnés fidèles, plutôt le soir")], brand_hashtags: &["TheatreLumiere"], campaign_hashtags: &[], paid: Paid::Sponsored },
            Plan { network: Network::Bluesky, content_types: &["affiche", "entretien"], tone: "Curieux et cultivé", min: 1, max: 3, windows: &[(WEEKDAYS, 9, 0, 11, 0, "Milieux culturels et presse")], brand_hashtags: &["TheatreLumiere"], campaign_hashtags: &[], paid: Paid::Organic },
        ],
        procedures: ("Mathieu Lefèvre rédige avec la chargée de communication du théâtre.", "La direction valide les annonces de programmation.", "Les photos de répétition sont validées par les compagnies."),
        posts: &[
            Post { axis: "Programmation", title: "Première de « La Cerisaie » vendredi", body: "Vendredi à 20 h, première de « La Cerisaie » de Tchekhov, mise en scène de Lucie Marchand. Il reste des places !", hashtags: &["TheatreLumiere", "LaCerisaie"], format: Format::Post, content_type: "affiche" },
            Post { axis: "Coulisses", title: "Répétition en costumes", body: "Dernière répétition en costumes avant la première : 14 comédiens, 42 costumes et beaucoup de trac.", hashtags: &["TheatreLumiere"], format: Format::Carousel, content_type: "coulisses" },
            Post { axis: "Rencontres", title: "Entretien avec Lucie Marchand", body: "« Tchekhov parle de nous, de ce qu'on perd sans le voir. » Rencontre avec la metteuse en scène de « La Cerisaie ».", hashtags: &["TheatreLumiere"], format: Format::Video, content_type: "entretien" },
            Post { axis: "Action culturelle", title: "Atelier théâtre pour les lycéens", body: "Cette semaine, 60 lycéens du lycée Jean-Moulin montent sur scène pour un atelier avec la compagnie.", hashtags: &["TheatreLumiere"], format: Format::Post, content_type: "événement" },
            Post { axis: "Programmation", title: "Le pass jeunes à 8 €", body: "Moins de 30 ans ? Toutes les représentations du mardi au jeudi sont à 8 € avec le pass jeunes.", hashtags: &["PassJeunes", "TheatreLumiere"], format: Format::Post, content_type: "affiche" },
            Post { axis: "Coulisses", title: "Visite de la machinerie", body: "Cintres, trappes et contrepoids : visite guidée de la machinerie du théâtre, construite en 1896.", hashtags: &["TheatreLumiere"], format: Format::Reel, content_type: "coulisses" },
            Post { axis: "Action culturelle", title: "Représentation en audiodescription", body: "Jeudi, la représentation est proposée en audiodescription. Réservation conseillée auprès de la billetterie.", hashtags: &["TheatreLumiere", "Accessibilite"], format: Format::Post, content_type: "événement" },
        ],
        ideas: &[
            ("Rencontres", "Bord de scène après la représentation"),
            ("Coulisses", "Une journée avec la régisseuse lumière"),
        ],
    },
];

fn time(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
}

/// The brand's charter.
pub(crate) fn charter(b: &Brand) -> Charter {
    Charter {
        timezone: "Europe/Paris".into(),
        holiday_zone: String::new(),
        objectives: b
            .objectives
            .iter()
            .map(|(label, target)| Objective {
                label: (*label).into(),
                target: (*target).into(),
            })
            .collect(),
        axes: b
            .axes
            .iter()
            .map(|(name, theme, objective, rationale)| Axis {
                name: (*name).into(),
                theme: (*theme).into(),
                objective: (*objective).into(),
                rationale: (*rationale).into(),
            })
            .collect(),
        networks: b
            .plans
            .iter()
            .map(|p| NetworkPlan {
                network: p.network,
                content_types: p.content_types.iter().map(|s| (*s).into()).collect(),
                tone: p.tone.into(),
                min_per_week: p.min,
                max_per_week: p.max,
                windows: p
                    .windows
                    .iter()
                    .map(|(days, sh, sm, eh, em, reason)| PostingWindow {
                        days: days.to_vec(),
                        start: time(*sh, *sm),
                        end: time(*eh, *em),
                        reason: (*reason).into(),
                    })
                    .collect(),
                brand_hashtags: p.brand_hashtags.iter().map(|s| (*s).into()).collect(),
                campaign_hashtags: p.campaign_hashtags.iter().map(|s| (*s).into()).collect(),
                paid: p.paid,
            })
            .collect(),
        procedures: Procedures {
            writers: b.procedures.0.into(),
            validators: b.procedures.1.into(),
            notes: b.procedures.2.into(),
        },
        rules: Default::default(),
    }
}

/// The status of a post `offset` days from today: published in the past,
/// scheduled and approved soon, submitted to the client next week, still being
/// written after that.
fn status_for(offset: i64) -> Status {
    match offset {
        -6 => Status::Failed,
        ..=-3 => Status::Published,
        -2..=1 => Status::Scheduled,
        2..=4 => Status::Approved,
        5 => Status::ChangesRequested,
        6..=10 => Status::Submitted,
        11..=12 => Status::InternalReview,
        _ => Status::Draft,
    }
}

/// About a month of entries around `now` (two weeks back, two and a half
/// ahead), four or five a week, plus a few undated ideas. The hours are UTC and
/// fall in the charter's Paris windows.
pub(crate) fn entries(
    b: &Brand,
    accounts: &[AccountId],
    assignee: Option<UserId>,
    now: DateTime<Utc>,
) -> Vec<(Status, EntryContent)> {
    let today = now.date_naive();
    let mut out = Vec::new();
    let mut n = 0usize;
    for offset in -14i64..=17 {
        // Two quiet days a week.
        if offset.rem_euclid(7) == 3 || offset.rem_euclid(7) == 6 {
            continue;
        }
        let post = &b.posts[n % b.posts.len()];
        let hour = [6u32, 11, 16, 17][n % 4];
        let day = today + Duration::days(offset);
        let starts_at = day
            .and_time(time(hour, if n.is_multiple_of(2) { 30 } else { 0 }))
            .and_utc();
        let mut on = vec![accounts[n % accounts.len()]];
        if n.is_multiple_of(3) && accounts.len() > 1 {
            on.push(accounts[(n + 1) % accounts.len()]);
        }
        out.push((
            status_for(offset),
            EntryContent {
                title: post.title.into(),
                axis: Some(post.axis.into()),
                accounts: on,
                starts_at: Some(starts_at),
                timezone: "Europe/Paris".into(),
                format: post.format,
                content_type: post.content_type.into(),
                body: post.body.into(),
                hashtags: post.hashtags.iter().map(|s| (*s).into()).collect(),
                keywords: Vec::new(),
                assignee,
                ..EntryContent::default()
            },
        ));
        n += 1;
    }
    for (axis, title) in b.ideas {
        out.push((
            Status::Idea,
            EntryContent {
                title: (*title).into(),
                axis: Some((*axis).into()),
                timezone: "Europe/Paris".into(),
                ..EntryContent::default()
            },
        ));
    }
    out
}

// ---- Veille ----

/// The demo topics of Théâtre Lumière, one per kind of veille (001 C1.1):
/// (name, kind, query).
pub(crate) const VEILLE_TOPICS: &[(&str, relais_core::veille::VeilleKind, &str)] = &[
    (
        "Billetterie et public",
        relais_core::veille::VeilleKind::Trade,
        "billet* OR billetterie OR spectateur*",
    ),
    (
        "Scène numérique",
        relais_core::veille::VeilleKind::Technology,
        "(scène OR spectacle* OR théâtre*) AND (numérique* OR immersi* OR captation*)",
    ),
    (
        "Théâtre du Parc",
        relais_core::veille::VeilleKind::Competition,
        "\"Théâtre du Parc\"",
    ),
    (
        "Droit du spectacle",
        relais_core::veille::VeilleKind::Regulation,
        "(loi OR décret OR arrêté) AND (spectacle* OR théâtre* OR intermittent*)",
    ),
];

/// A demo veille story: the topics it matches (indexes in
/// [`VEILLE_TOPICS`]), a site, a title, a text and its tone (-1, 0, 1).
pub(crate) struct Story {
    pub topics: &'static [usize],
    pub site: &'static str,
    pub title: &'static str,
    pub text: &'static str,
    pub tone: i8,
}

/// Stories told over the past fortnight, in turn (each one matches its
/// topics' queries as written above, and no other).
pub(crate) const STORIES: &[Story] = &[
    Story { topics: &[0], site: "scenes-actu.example", title: "Le prix des billets inquiète les spectateurs", text: "Une enquête montre que les spectateurs renoncent à sortir : le billet moyen a pris 9 % en un an.", tone: -1 },
    Story { topics: &[0], site: "culture-ville.example", title: "Une billetterie solidaire qui fait salle comble", text: "La billetterie solidaire ouvre les salles à de nouveaux publics, avec de très bons retours.", tone: 1 },
    Story { topics: &[1], site: "innovation-culture.example", title: "La captation en direct arrive dans les petites salles", text: "Des compagnies testent la captation en direct de leur spectacle, une excellente façon de toucher un public éloigné.", tone: 1 },
    Story { topics: &[1], site: "scenes-actu.example", title: "Le théâtre immersif coûte cher", text: "Monter un théâtre immersif demande un budget important, mais attire un public plus jeune.", tone: 0 },
    Story { topics: &[2], site: "quartier-nord.example", title: "Le Théâtre du Parc annonce sa saison", text: "Le Théâtre du Parc dévoile une saison de vingt pièces, dont six créations.", tone: 0 },
    Story { topics: &[2], site: "avis-sorties.example", title: "Avis : soirée ratée au Théâtre du Parc", text: "Des habitués du Théâtre du Parc se plaignent d'un son médiocre et d'une attente interminable.", tone: -1 },
    Story { topics: &[3], site: "droit-culture.example", title: "Un décret sur la sécurité des lieux de spectacle", text: "Un décret précise les règles d'évacuation pour les lieux de spectacle de moins de 300 places.", tone: 0 },
    Story { topics: &[3], site: "droit-culture.example", title: "Intermittents : la loi bientôt révisée", text: "La loi sur l'assurance chômage des intermittents pourrait évoluer ; la profession est partagée.", tone: 0 },
    Story { topics: &[0], site: "culture-ville.example", title: "Billetterie en ligne : les frais font débat", text: "Les frais de service de la billetterie en ligne agacent les spectateurs, qui dénoncent des abus.", tone: -1 },
    Story { topics: &[], site: "culture-ville.example", title: "Fête de la musique : le programme", text: "Concerts, bals et chorales dans toute la ville le 21 juin.", tone: 1 },
];

/// The spike alert of the burst: (baseline mean, threshold), what
/// `relais_veille::detect_spike` with the default `[veille]` settings gives
/// for an empty baseline (checked by `relais/tests/demo_veille.rs`).
pub(crate) const BURST_ALERT: (f64, f64) = (0.0, 3.0);

/// The burst of this hour: a ticketing story told by many sites.
pub(crate) const BURST: Story = Story {
    topics: &[0],
    site: "reseau-culture.example",
    title: "Panne géante de billetterie : des spectateurs furieux",
    text: "La billetterie en ligne est en panne depuis ce matin : des spectateurs furieux dénoncent des billets perdus et un service injoignable.",
    tone: -1,
};
