//! Calendar entries: the composer (001 C2.1, C2.3–C2.5; 003 C4), its checklist,
//! the move form, the team's status steps and the comment thread.
//!
//! Saving names the version the form was opened on; a save that lost the race is
//! refused with "changed since you opened it" and the typed text is drawn again,
//! never overwritten. The live counter (`static/composer.js`) asks
//! [`count`] for lengths, computed by `relais-compose` like everywhere else.

use super::checklist::{self, Group};
use super::fields::Fields;
use super::publication::{self, Publication};
use super::{render, Base};
use crate::ctx::{Ctx, WsCtx};
use crate::error::{AppError, AppResult};
use crate::forms::PageForm;
use crate::tr::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use chrono::{NaiveDate, NaiveTime};
use chrono_tz::Tz;
use relais_core::entry::{
    completeness, Account, Comment, Decider, Entry, EntryContent, Format, LegalFlags, MediaItem,
    PublishOptions, Status, Ugc, Variant,
};
use relais_core::model::{Actor, Member, Workspace};
use relais_core::policy::role_allows;
use relais_core::publish::{resolve_wall_time, WallTime};
use relais_core::{AccountId, Action, EntryId, MediaId, Network, UserId};
use relais_store::StoreError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An attached media file as the form carries it.
#[derive(Debug, Clone, Default)]
pub struct MediaDraft {
    pub id: String,
    pub alt: String,
    pub captions: bool,
    pub remove: bool,
    /// Shown next to the fields (not posted back).
    pub label: String,
    pub is_video: bool,
}

/// The composer form as typed.
#[derive(Debug, Clone, Default)]
pub struct EntryDraft {
    pub version: String,
    pub status: String,
    pub title: String,
    pub axis: String,
    pub accounts: Vec<String>,
    pub date: String,
    pub time: String,
    pub timezone: String,
    pub format: String,
    pub content_type: String,
    pub body: String,
    pub variants: BTreeMap<Network, String>,
    pub keywords: String,
    pub hashtags: String,
    pub campaign: String,
    pub first_comment: String,
    pub visibility: String,
    pub content_warning: String,
    pub language: String,
    pub link_card_url: String,
    pub link_card_title: String,
    pub link_card_description: String,
    pub client_notes: String,
    pub assignee: String,
    pub sponsored: bool,
    pub collaboration: bool,
    pub retouched: bool,
    pub ai_generated: bool,
    pub ugc: bool,
    pub ugc_author: String,
    pub ugc_url: String,
    pub ugc_requested: String,
    pub ugc_granted: String,
    pub ugc_channel: String,
    pub ugc_credit: String,
    pub media: Vec<MediaDraft>,
    pub attach: String,
    pub utm: bool,
}

fn tz_or_paris(name: &str) -> Tz {
    name.parse::<Tz>().unwrap_or(chrono_tz::Europe::Paris)
}

impl EntryDraft {
    pub fn from_entry(e: &Entry) -> EntryDraft {
        let c = &e.content;
        let tz = tz_or_paris(&c.timezone);
        let local = c.starts_at.map(|t| t.with_timezone(&tz));
        let ugc = c.ugc.clone().unwrap_or_default();
        EntryDraft {
            version: e.version.to_string(),
            status: e.status.as_str().to_string(),
            title: c.title.clone(),
            axis: c.axis.clone().unwrap_or_default(),
            accounts: c.accounts.iter().map(|a| a.0.to_string()).collect(),
            date: local
                .map(|l| l.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            time: local
                .map(|l| l.format("%H:%M").to_string())
                .unwrap_or_default(),
            timezone: c.timezone.clone(),
            format: c.format.as_str().to_string(),
            content_type: c.content_type.clone(),
            body: c.body.clone(),
            variants: c
                .variants
                .iter()
                .map(|v| (v.network, v.text.clone()))
                .collect(),
            keywords: c.keywords.join(", "),
            hashtags: c
                .hashtags
                .iter()
                .map(|h| format!("#{h}"))
                .collect::<Vec<_>>()
                .join(" "),
            campaign: c.campaign.clone(),
            first_comment: c.first_comment.clone(),
            visibility: c.publish.visibility.clone(),
            content_warning: c.publish.content_warning.clone(),
            language: c.publish.language.clone(),
            link_card_url: c.publish.link_card_url.clone(),
            link_card_title: c.publish.link_card_title.clone(),
            link_card_description: c.publish.link_card_description.clone(),
            client_notes: c.client_notes.clone(),
            assignee: c.assignee.map(|u| u.0.to_string()).unwrap_or_default(),
            sponsored: c.legal.sponsored,
            collaboration: c.legal.collaboration,
            retouched: c.legal.retouched,
            ai_generated: c.legal.ai_generated,
            ugc: c.ugc.is_some(),
            ugc_author: ugc.original_author,
            ugc_url: ugc.source_url,
            ugc_requested: ugc
                .permission_requested_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
            ugc_granted: ugc
                .permission_granted_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
            ugc_channel: ugc.permission_channel,
            ugc_credit: ugc.credit,
            media: c.media.iter().map(media_draft).collect(),
            attach: String::new(),
            utm: false,
        }
    }

    pub fn from_pairs(pairs: &[(String, String)]) -> EntryDraft {
        let mut d = EntryDraft::default();
        let mut media: BTreeMap<usize, MediaDraft> = BTreeMap::new();
        for (k, v) in pairs {
            let v = v.clone();
            match k.as_str() {
                "version" => d.version = v,
                "status" => d.status = v,
                "title" => d.title = v,
                "axis" => d.axis = v,
                "accounts" => d.accounts.push(v),
                "date" => d.date = v,
                "time" => d.time = v,
                "timezone" => d.timezone = v,
                "format" => d.format = v,
                "content_type" => d.content_type = v,
                "body" => d.body = v,
                "keywords" => d.keywords = v,
                "hashtags" => d.hashtags = v,
                "campaign" => d.campaign = v,
                "first_comment" => d.first_comment = v,
                "visibility" => d.visibility = v,
                "content_warning" => d.content_warning = v,
                "language" => d.language = v,
                "link_card_url" => d.link_card_url = v,
                "link_card_title" => d.link_card_title = v,
                "link_card_description" => d.link_card_description = v,
                "client_notes" => d.client_notes = v,
                "assignee" => d.assignee = v,
                "legal" => match v.as_str() {
                    "sponsored" => d.sponsored = true,
                    "collaboration" => d.collaboration = true,
                    "retouched" => d.retouched = true,
                    "ai_generated" => d.ai_generated = true,
                    _ => {}
                },
                "ugc" => d.ugc = !v.is_empty(),
                "ugc_author" => d.ugc_author = v,
                "ugc_url" => d.ugc_url = v,
                "ugc_requested" => d.ugc_requested = v,
                "ugc_granted" => d.ugc_granted = v,
                "ugc_channel" => d.ugc_channel = v,
                "ugc_credit" => d.ugc_credit = v,
                "attach" => d.attach = v,
                "utm" => d.utm = !v.is_empty(),
                other => {
                    if let Some(n) = other.strip_prefix("variant.").and_then(Network::parse) {
                        d.variants.insert(n, v);
                    } else if let Some(rest) = other.strip_prefix("media.") {
                        if let Some((i, field)) = rest.split_once('.') {
                            if let Some(i) = i.parse::<usize>().ok().filter(|i| *i < 20) {
                                let m = media.entry(i).or_default();
                                match field {
                                    "id" => m.id = v,
                                    "alt" => m.alt = v,
                                    "captions" => m.captions = true,
                                    "remove" => m.remove = true,
                                    _ => {}
                                }
                            }
                        }
                    }
                }
            }
        }
        d.media = media.into_values().collect();
        d
    }

    /// The typed date and time resolved by the daylight-saving policy, when
    /// both the date and the zone are valid.
    pub fn wall_time(&self) -> Option<WallTime> {
        let tz = self.timezone.trim().parse::<Tz>().ok()?;
        let date = NaiveDate::parse_from_str(self.date.trim(), "%Y-%m-%d").ok()?;
        let time = match self.time.trim() {
            "" => NaiveTime::default(),
            t => NaiveTime::parse_from_str(t, "%H:%M").ok()?,
        };
        Some(resolve_wall_time(tz, date.and_time(time)))
    }

    pub fn has_account(&self, id: &AccountId) -> bool {
        self.accounts.iter().any(|a| *a == id.0.to_string())
    }

    /// The networks of the chosen accounts, in network order.
    pub fn networks(&self, accounts: &[Account]) -> Vec<Network> {
        let mut out: Vec<Network> = accounts
            .iter()
            .filter(|a| self.has_account(&a.id))
            .map(|a| a.network)
            .collect();
        out.sort();
        out.dedup();
        out
    }

    pub fn variant(&self, n: &Network) -> &str {
        self.variants.get(n).map_or("", String::as_str)
    }

    /// The content the form describes (media are resolved by the caller), or the
    /// errors at their fields.
    pub fn to_content(
        &self,
        accounts: &[Account],
        members: &[Member],
        media: Vec<MediaItem>,
    ) -> Result<EntryContent, Vec<(String, &'static str)>> {
        let mut errors: Vec<(String, &'static str)> = Vec::new();
        let title = self.title.trim().to_string();
        if title.is_empty() {
            errors.push(("title".into(), "required"));
        } else if title.chars().count() > 200 {
            errors.push(("title".into(), "entry-too-long"));
        }
        let timezone = self.timezone.trim().to_string();
        let tz = timezone.parse::<Tz>().ok();
        if tz.is_none() {
            errors.push(("timezone".into(), "timezone-invalid"));
        }
        let date = match self.date.trim() {
            "" => None,
            s => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    errors.push(("date".into(), "date-invalid"));
                    None
                }
            },
        };
        let time = match self.time.trim() {
            "" => None,
            s => match NaiveTime::parse_from_str(s, "%H:%M") {
                Ok(t) => Some(t),
                Err(_) => {
                    errors.push(("time".into(), "time-invalid"));
                    None
                }
            },
        };
        if time.is_some() && date.is_none() && self.date.trim().is_empty() {
            errors.push(("date".into(), "date-needed"));
        }
        // The daylight-saving policy decides: a time in the spring-forward gap
        // moves forward by the gap, a repeated autumn time takes the first
        // occurrence; the entry page then says so (`publishing::DstNotice`).
        let starts_at = match (date, tz) {
            (Some(d), Some(tz)) => {
                Some(resolve_wall_time(tz, d.and_time(time.unwrap_or_default())).utc)
            }
            _ => None,
        };
        let format = if self.format.is_empty() {
            Format::Post
        } else {
            Format::parse(&self.format).unwrap_or_else(|| {
                errors.push(("format".into(), "required"));
                Format::Post
            })
        };
        let mut chosen = Vec::new();
        for a in &self.accounts {
            match a.parse::<i64>().ok().map(AccountId) {
                Some(id) if accounts.iter().any(|x| x.id == id) => chosen.push(id),
                _ => errors.push(("accounts".into(), "account-unknown")),
            }
        }
        let assignee = match self.assignee.trim() {
            "" => None,
            s => match s.parse::<i64>().ok().map(UserId) {
                Some(u) if members.iter().any(|m| m.user_id == u) => Some(u),
                _ => {
                    errors.push(("assignee".into(), "assignee-unknown"));
                    None
                }
            },
        };
        let mut ugc = None;
        if self.ugc {
            let day =
                |field: &str, s: &str, errors: &mut Vec<(String, &'static str)>| match s.trim() {
                    "" => None,
                    s => NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().or_else(|| {
                        errors.push((field.to_string(), "date-invalid"));
                        None
                    }),
                };
            if self.ugc_author.trim().is_empty() {
                errors.push(("ugc_author".into(), "required"));
            }
            ugc = Some(Ugc {
                original_author: self.ugc_author.trim().to_string(),
                source_url: self.ugc_url.trim().to_string(),
                permission_requested_on: day("ugc_requested", &self.ugc_requested, &mut errors),
                permission_granted_on: day("ugc_granted", &self.ugc_granted, &mut errors),
                permission_channel: self.ugc_channel.trim().to_string(),
                credit: self.ugc_credit.trim().to_string(),
            });
        }
        if !matches!(
            self.visibility.trim(),
            "" | "public" | "unlisted" | "private" | "direct"
        ) {
            errors.push(("visibility".into(), "required"));
        }
        let card = self.link_card_url.trim();
        if !card.is_empty() {
            if !(card.starts_with("https://") || card.starts_with("http://"))
                || url::Url::parse(card).is_err()
            {
                errors.push(("link_card_url".into(), "link-card-url-invalid"));
            }
            if self.link_card_title.trim().is_empty() {
                errors.push(("link_card_title".into(), "required"));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let networks = self.networks(accounts);
        Ok(EntryContent {
            title,
            axis: Some(self.axis.trim().to_string()).filter(|a| !a.is_empty()),
            accounts: chosen,
            starts_at,
            timezone,
            format,
            content_type: self.content_type.trim().to_string(),
            body: self.body.clone(),
            variants: self
                .variants
                .iter()
                .filter(|(n, t)| !t.trim().is_empty() && networks.contains(n))
                .map(|(n, t)| Variant {
                    network: *n,
                    text: t.clone(),
                })
                .collect(),
            media,
            keywords: self
                .keywords
                .split(',')
                .map(|k| k.trim().to_string())
                .filter(|k| !k.is_empty())
                .collect(),
            hashtags: self
                .hashtags
                .split(|c: char| c == ',' || c.is_whitespace())
                .map(|h| h.trim().trim_start_matches('#').to_string())
                .filter(|h| !h.is_empty())
                .collect(),
            campaign: self.campaign.trim().to_string(),
            first_comment: self.first_comment.trim().to_string(),
            publish: PublishOptions {
                visibility: self.visibility.trim().to_string(),
                content_warning: self.content_warning.trim().to_string(),
                language: self.language.trim().to_string(),
                link_card_url: self.link_card_url.trim().to_string(),
                link_card_title: self.link_card_title.trim().to_string(),
                link_card_description: self.link_card_description.trim().to_string(),
            },
            client_notes: self.client_notes.trim().to_string(),
            assignee,
            legal: LegalFlags {
                sponsored: self.sponsored,
                collaboration: self.collaboration,
                retouched: self.retouched,
                ai_generated: self.ai_generated,
            },
            ugc,
        })
    }
}

fn media_draft(m: &MediaItem) -> MediaDraft {
    MediaDraft {
        id: m.media_id.0.to_string(),
        alt: m.alt.clone(),
        captions: m.has_captions,
        remove: false,
        label: format!("{} {}×{}", m.mime, m.width, m.height),
        is_video: m.kind == relais_core::entry::MediaKind::Video,
    }
}

/// Length of the text published on each network, as that network counts it.
#[derive(Debug, Clone, Serialize)]
pub struct Count {
    pub network: &'static str,
    pub label: &'static str,
    pub length: usize,
    pub limit: usize,
}

pub fn counts(content_for: impl Fn(Network) -> String, networks: &[Network]) -> Vec<Count> {
    networks
        .iter()
        .map(|n| {
            let rules = relais_compose::rules::rules(*n);
            Count {
                network: n.as_str(),
                label: n.label(),
                length: relais_compose::count::length(*n, &content_for(*n)),
                limit: rules.text.value.max,
            }
        })
        .collect()
}

/// The entry's checklist: completeness, then one group per network.
pub fn checks(tr: &Tr, status: Status, c: &EntryContent, networks: &[Network]) -> Vec<Group> {
    let mut groups = vec![Group {
        title: tr.t("entry-checks-entry"),
        findings: checklist::views(tr, &completeness(status, c)),
    }];
    for n in networks {
        groups.push(Group {
            title: n.label().to_string(),
            findings: checklist::views(tr, &network_findings(c, *n, tr.locale)),
        });
    }
    groups
}

/// The Hunspell dictionaries, read once from /usr/share/hunspell on first use.
fn dictionaries() -> &'static relais_compose::Dictionaries {
    static DICTS: std::sync::OnceLock<relais_compose::Dictionaries> = std::sync::OnceLock::new();
    DICTS.get_or_init(relais_compose::Dictionaries::system)
}

/// The composer's checks of the text published on `network` (length, hashtags,
/// links, media, accessibility, legal mentions, UGC, spelling): `relais-compose`.
fn network_findings(
    c: &EntryContent,
    network: Network,
    locale: relais_core::Locale,
) -> Vec<relais_core::checks::Finding> {
    let input = relais_compose::PostInput {
        text: c.text_for(network),
        media: &c.media,
        legal: c.legal,
        ugc: c.ugc.as_ref(),
        // Posts are written in French unless told otherwise (no per-entry language yet).
        lang: relais_core::Locale::Fr,
    };
    let _ = locale;
    let options = relais_compose::CheckOptions {
        dictionaries: Some(dictionaries()),
        ..relais_compose::CheckOptions::default()
    };
    relais_compose::check_post(&input, network, &options).findings
}

#[derive(Template)]
#[template(path = "entry.html")]
pub struct EntryPage {
    pub base: Base,
    pub ws: Workspace,
    pub section: &'static str,
    pub can_audit: bool,
    /// `None` while creating.
    pub entry: Option<Entry>,
    pub d: EntryDraft,
    pub f: Fields,
    /// The person may edit entries (role), and this one is in an editable status.
    pub can_edit: bool,
    pub editable: bool,
    pub can_comment: bool,
    pub accounts: Vec<Account>,
    pub networks: Vec<Network>,
    pub axes: Vec<String>,
    pub members: Vec<Member>,
    pub formats: Vec<(String, String)>,
    pub transitions: Vec<(Status, String)>,
    pub comments: Vec<Comment>,
    pub groups: Vec<Group>,
    pub counts: Vec<Count>,
    pub notice: Option<String>,
    pub alert: Option<String>,
    pub status_label: String,
    /// The daylight-saving policy applied to this entry's time, in words.
    pub dst_notice: Option<String>,
    /// Deliveries and the reschedule form (scheduled, published, failed).
    pub publication: Option<Publication>,
}

impl EntryPage {
    pub fn t(&self, key: &str) -> String {
        self.base.tr.t(key)
    }

    pub fn m(&self, i: impl std::fmt::Display, field: &str) -> String {
        format!("media.{i}.{field}")
    }

    pub fn action(&self) -> String {
        match &self.entry {
            Some(e) => format!("/w/{}/entries/{}", self.ws.slug, e.id),
            None => format!("/w/{}/entries", self.ws.slug),
        }
    }

    /// "Bluesky : 12 / 300", with "over the limit" in words when it is.
    pub fn count_text(&self, c: &Count) -> String {
        let sep = match self.base.tr.locale {
            relais_core::Locale::Fr => " : ",
            relais_core::Locale::En => ": ",
        };
        let mut s = format!("{}{sep}{} / {}", c.label, c.length, c.limit);
        if c.length > c.limit {
            s.push_str(&format!(" — {}", self.t("entry-count-over")));
        }
        s
    }

    pub fn variant_path(&self, n: &Network) -> String {
        format!("variant.{}", n.as_str())
    }

    pub fn account_label(&self, a: &Account) -> String {
        format!("{} — {} ({})", a.network.label(), a.label, a.handle)
    }

    pub fn axis_options(&self) -> Vec<(String, String)> {
        let mut out = vec![(String::new(), self.t("entry-no-axis"))];
        out.extend(self.axes.iter().map(|a| (a.clone(), a.clone())));
        out
    }

    pub fn member_options(&self) -> Vec<(String, String)> {
        let mut out = vec![(String::new(), self.t("entry-nobody"))];
        out.extend(
            self.members
                .iter()
                .map(|m| (m.user_id.0.to_string(), m.display_name.clone())),
        );
        out
    }

    pub fn new_statuses(&self) -> Vec<(String, String)> {
        [Status::Draft, Status::Idea]
            .iter()
            .map(|s| {
                (
                    s.as_str().to_string(),
                    super::calendar::status_label(&self.base.tr, *s),
                )
            })
            .collect()
    }

    pub fn visibilities(&self) -> Vec<(String, String)> {
        ["public", "unlisted", "private", "direct"]
            .iter()
            .map(|v| (v.to_string(), self.base.tr.t(&format!("visibility-{v}"))))
            .collect()
    }

    pub fn format_key(&self) -> String {
        format!("format-{}", self.d.format)
    }

    pub fn networks_csv(&self) -> String {
        self.networks
            .iter()
            .map(|n| n.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
}

struct Draw {
    status: StatusCode,
    entry: Option<Entry>,
    d: EntryDraft,
    f: Fields,
    notice: Option<String>,
    alert: Option<String>,
    /// The wall time typed before a save that the policy moved (`?wall=`).
    wall: String,
}

async fn draw(state: &AppState, ctx: &Ctx, ws: &WsCtx, x: Draw) -> AppResult<Response> {
    let wid = ws.workspace.id;
    let base = Base::page(
        state,
        ctx,
        if x.entry.is_some() {
            "entry-title"
        } else {
            "entry-new-title"
        },
        "workspaces",
    );
    let tr = base.tr.clone();
    let accounts = state.store.list_accounts(wid).await?;
    let members = state.store.members(wid).await?;
    let charter = state.store.current_charter(wid).await?.map(|v| v.charter);
    let mut axes: Vec<String> = charter
        .as_ref()
        .map(|c| c.axes.iter().map(|a| a.name.clone()).collect())
        .unwrap_or_default();
    if !x.d.axis.is_empty() && !axes.contains(&x.d.axis) {
        axes.push(x.d.axis.clone());
    }
    let networks = x.d.networks(&accounts);
    let role_edit = role_allows(ws.role, Action::EditCalendar);
    let (editable, transitions, comments, status) = match &x.entry {
        Some(e) => (
            e.status.is_editable(),
            if role_edit {
                e.status
                    .next()
                    .into_iter()
                    .filter(|(_, d)| *d == Decider::Team)
                    .map(|(s, _)| (s, super::calendar::status_label(&tr, s)))
                    .collect()
            } else {
                Vec::new()
            },
            state.store.list_comments(wid, e.id).await?,
            e.status,
        ),
        None => (true, Vec::new(), Vec::new(), Status::Draft),
    };
    // The checklist and counts of what is shown: the saved entry, or the draft.
    let (groups, counts) = match (&x.entry, x.d.to_content(&accounts, &members, Vec::new())) {
        (Some(e), _) if !x.f.has_errors() => {
            let nets = networks_of(&e.content, &accounts);
            (
                checks(&tr, e.status, &e.content, &nets),
                counts(|n| e.content.text_for(n).to_string(), &nets),
            )
        }
        (_, Ok(c)) => (
            checks(&tr, status, &c, &networks),
            counts(|n| c.text_for(n).to_string(), &networks),
        ),
        _ => (Vec::new(), Vec::new()),
    };
    let (dst_notice, publication) = match &x.entry {
        Some(e) => {
            let notice = publication::starts_at(e).and_then(|(at, tz)| {
                crate::publishing::shifted_notice(&x.wall, at, tz)
                    .or_else(|| crate::publishing::stored_notice(at, tz))
            });
            (
                notice.map(|n| crate::publishing::notice_text(tr.i18n(), tr.locale, &n)),
                publication::publication(state, &tr, ws, e, &accounts).await?,
            )
        }
        None => (None, None),
    };
    let formats = Format::ALL
        .iter()
        .map(|f| {
            (
                f.as_str().to_string(),
                tr.t(&format!("format-{}", f.as_str())),
            )
        })
        .collect();
    render(
        x.status,
        &EntryPage {
            ws: ws.workspace.clone(),
            section: "calendar",
            can_audit: role_allows(ws.role, Action::ViewAudit),
            can_edit: role_edit,
            editable,
            can_comment: role_allows(ws.role, Action::CommentEntries) && x.entry.is_some(),
            status_label: super::calendar::status_label(&tr, status),
            entry: x.entry,
            d: x.d,
            f: x.f,
            accounts,
            networks,
            axes,
            members,
            formats,
            transitions,
            comments,
            groups,
            counts,
            notice: x.notice,
            alert: x.alert,
            dst_notice,
            publication,
            base,
        },
    )
}

fn networks_of(c: &EntryContent, accounts: &[Account]) -> Vec<Network> {
    let mut out: Vec<Network> = accounts
        .iter()
        .filter(|a| c.accounts.contains(&a.id))
        .map(|a| a.network)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The entry, if the asker may see it: clients only see what was submitted to them.
pub(crate) async fn visible_entry(state: &AppState, ws: &WsCtx, id: i64) -> AppResult<Entry> {
    let e = state
        .store
        .get_entry(ws.workspace.id, EntryId(id))
        .await?
        .ok_or(AppError::NotFound)?;
    if !role_allows(ws.role, Action::ViewDrafts) && !e.status.client_visible() {
        return Err(AppError::NotFound);
    }
    Ok(e)
}

#[derive(Debug, Deserialize, Default)]
pub struct NewQuery {
    #[serde(default)]
    date: String,
    #[serde(default)]
    done: String,
    /// The wall time typed before a save the daylight-saving policy moved.
    #[serde(default)]
    wall: String,
}

/// `GET /w/{slug}/entries/new?date=YYYY-MM-DD`.
pub async fn new(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Query(q): Query<NewQuery>,
) -> AppResult<Response> {
    let charter = state.store.current_charter(ws.workspace.id).await?;
    let d = EntryDraft {
        status: Status::Draft.as_str().to_string(),
        timezone: charter
            .map(|c| c.charter.timezone)
            .unwrap_or_else(|| "Europe/Paris".to_string()),
        date: NaiveDate::parse_from_str(q.date.trim(), "%Y-%m-%d")
            .map(|d| d.to_string())
            .unwrap_or_default(),
        format: Format::Post.as_str().to_string(),
        ..EntryDraft::default()
    };
    draw(
        &state,
        &ctx,
        &ws,
        Draw {
            status: StatusCode::OK,
            entry: None,
            d,
            f: Fields::new("entry-"),
            notice: None,
            alert: None,
            wall: String::new(),
        },
    )
    .await
}

/// `GET /w/{slug}/entries/{entry_id}`.
pub async fn show(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
    Query(q): Query<NewQuery>,
) -> AppResult<Response> {
    let e = visible_entry(&state, &ws, id).await?;
    let key = match q.done.as_str() {
        "created" => Some("entry-created"),
        "saved" => Some("entry-saved"),
        "moved" => Some("entry-moved"),
        "status" => Some("entry-status-changed"),
        "commented" => Some("entry-commented"),
        "uploaded" => Some("entry-uploaded"),
        "rescheduled" => Some("publish-rescheduled"),
        _ => None,
    };
    draw(
        &state,
        &ctx,
        &ws,
        Draw {
            status: StatusCode::OK,
            d: EntryDraft::from_entry(&e),
            entry: Some(e),
            f: Fields::new("entry-"),
            notice: key.map(|k| state.i18n.t(ctx.locale, k)),
            alert: None,
            wall: q.wall,
        },
    )
    .await
}

fn field_message(tr: &Tr, code: &str) -> String {
    match code {
        "required" => tr.t("error-required"),
        "time-invalid" | "timezone-invalid" => tr.t(&format!("charter-error-{code}")),
        other => tr.t(&format!("entry-error-{other}")),
    }
}

/// The media of a draft: the kept ones (alt text and captions from the form) and
/// the one to attach from the workspace's library.
async fn resolve_media(
    state: &AppState,
    ws: &WsCtx,
    d: &EntryDraft,
    existing: &[MediaItem],
) -> AppResult<Vec<MediaItem>> {
    let mut out = Vec::new();
    for m in &d.media {
        if m.remove {
            continue;
        }
        let Ok(id) = m.id.parse::<i64>() else {
            continue;
        };
        let found = match existing.iter().find(|x| x.media_id.0 == id) {
            Some(x) => Some(x.clone()),
            None => state
                .store
                .get_media(ws.workspace.id, MediaId(id))
                .await?
                .map(|r| item_of(&r)),
        };
        if let Some(mut item) = found {
            item.alt = m.alt.trim().to_string();
            item.has_captions = m.captions;
            out.push(item);
        }
    }
    Ok(out)
}

pub fn item_of(r: &relais_core::entry::MediaRecord) -> MediaItem {
    MediaItem {
        media_id: r.id,
        kind: r.kind,
        mime: r.mime.clone(),
        width: r.width,
        height: r.height,
        bytes: r.bytes,
        alt: String::new(),
        has_captions: false,
    }
}

fn utm_tag(text: &str, network: Network, campaign: &str) -> String {
    relais_compose::utm::tag_links(text, network, campaign)
}

/// Tags the links of the text of each network with UTM parameters.
fn tag_links(c: &mut EntryContent, networks: &[Network]) {
    let campaign = if c.campaign.is_empty() {
        c.axis.clone().unwrap_or_default()
    } else {
        c.campaign.clone()
    };
    for n in networks {
        let tagged = utm_tag(c.text_for(*n), *n, &campaign);
        match c.variants.iter_mut().find(|v| v.network == *n) {
            Some(v) => v.text = tagged,
            None if tagged != c.body => c.variants.push(Variant {
                network: *n,
                text: tagged,
            }),
            None => {}
        }
    }
}

/// `POST /w/{slug}/entries` (create) and `POST /w/{slug}/entries/{entry_id}`
/// (save) share this: refresh, validate, then write.
async fn submit(
    state: &AppState,
    ctx: &Ctx,
    ws: &WsCtx,
    entry: Option<Entry>,
    pairs: &[(String, String)],
) -> AppResult<Response> {
    let tr = Tr::new(state, ctx.locale);
    let d = EntryDraft::from_pairs(pairs);
    let wid = ws.workspace.id;
    let refresh = pairs.iter().any(|(k, _)| k == "refresh");
    let redraw = |status, d, f, alert| Draw {
        status,
        entry: entry.clone(),
        d,
        f,
        notice: None,
        alert,
        wall: String::new(),
    };
    if let Some(e) = &entry {
        if !e.status.is_editable() {
            let alert = Some(tr.t("entry-not-editable"));
            return draw(
                state,
                ctx,
                ws,
                redraw(StatusCode::CONFLICT, d, Fields::new("entry-"), alert),
            )
            .await;
        }
    }
    let accounts = state.store.list_accounts(wid).await?;
    let members = state.store.members(wid).await?;
    let existing = entry
        .as_ref()
        .map(|e| e.content.media.clone())
        .unwrap_or_default();
    let mut media = resolve_media(state, ws, &d, &existing).await?;
    if let Ok(id) = d.attach.parse::<i64>() {
        if !media.iter().any(|m| m.media_id.0 == id) {
            if let Some(r) = state.store.get_media(wid, MediaId(id)).await? {
                media.push(item_of(&r));
            }
        }
    }
    if refresh {
        return draw(
            state,
            ctx,
            ws,
            redraw(StatusCode::OK, d, Fields::new("entry-"), None),
        )
        .await;
    }
    let mut content = match d.to_content(&accounts, &members, media) {
        Ok(c) => c,
        Err(errors) => {
            let mut f = Fields::new("entry-");
            for (field, code) in errors {
                f.push(field, field_message(&tr, code));
            }
            return draw(
                state,
                ctx,
                ws,
                redraw(StatusCode::UNPROCESSABLE_ENTITY, d, f, None),
            )
            .await;
        }
    };
    if d.utm {
        let networks = networks_of(&content, &accounts);
        tag_links(&mut content, &networks);
    }
    let actor = Actor::user(ctx.user()?);
    let slug = &ws.workspace.slug;
    let wall = d
        .wall_time()
        .map(|w| publication::wall_param(&w))
        .unwrap_or_default();
    let result = match &entry {
        None => {
            let status = match d.status.as_str() {
                "idea" => Status::Idea,
                _ => Status::Draft,
            };
            state
                .store
                .create_entry(&actor, wid, status, &content)
                .await
                .map(|e| format!("/w/{slug}/entries/{}?done=created{wall}", e.id))
        }
        Some(e) => {
            let version = d.version.trim().parse::<i64>().unwrap_or(-1);
            state
                .store
                .update_entry(&actor, wid, e.id, version, &content)
                .await
                .map(|e| format!("/w/{slug}/entries/{}?done=saved{wall}", e.id))
        }
    };
    match result {
        Ok(to) => Ok(Redirect::to(&to).into_response()),
        Err(StoreError::Stale) => {
            let alert = Some(tr.t("entry-stale"));
            draw(
                state,
                ctx,
                ws,
                redraw(StatusCode::CONFLICT, d, Fields::new("entry-"), alert),
            )
            .await
        }
        Err(StoreError::NotEditable) => {
            let alert = Some(tr.t("entry-not-editable"));
            draw(
                state,
                ctx,
                ws,
                redraw(StatusCode::CONFLICT, d, Fields::new("entry-"), alert),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /w/{slug}/entries`.
pub async fn create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    submit(&state, &ctx, &ws, None, &pairs).await
}

/// `POST /w/{slug}/entries/{entry_id}`.
pub async fn save(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let e = visible_entry(&state, &ws, id).await?;
    submit(&state, &ctx, &ws, Some(e), &pairs).await
}

#[derive(Debug, Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    time: String,
}

/// Draws the entry page with an alert (a refused action), keeping the entry as saved.
pub(crate) async fn refuse(
    state: &AppState,
    ctx: &Ctx,
    ws: &WsCtx,
    e: Entry,
    status: StatusCode,
    key: &str,
) -> AppResult<Response> {
    let alert = Some(state.i18n.t(ctx.locale, key));
    draw(
        state,
        ctx,
        ws,
        Draw {
            status,
            d: EntryDraft::from_entry(&e),
            entry: Some(e),
            f: Fields::new("entry-"),
            notice: None,
            alert,
            wall: String::new(),
        },
    )
    .await
}

/// `POST /w/{slug}/entries/{entry_id}/move`: a new date and time, nothing else.
pub async fn move_entry(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
    PageForm(form): PageForm<MoveForm>,
) -> AppResult<Response> {
    let e = visible_entry(&state, &ws, id).await?;
    let tz = tz_or_paris(&e.content.timezone);
    let date = NaiveDate::parse_from_str(form.date.trim(), "%Y-%m-%d").ok();
    let time = match form.time.trim() {
        "" => Some(NaiveTime::default()),
        t => NaiveTime::parse_from_str(t, "%H:%M").ok(),
    };
    let wall = date
        .zip(time)
        .map(|(d, t)| resolve_wall_time(tz, d.and_time(t)));
    let Some(wall) = wall else {
        return refuse(
            &state,
            &ctx,
            &ws,
            e,
            StatusCode::UNPROCESSABLE_ENTITY,
            "entry-move-invalid",
        )
        .await;
    };
    let version = form.version.trim().parse::<i64>().unwrap_or(-1);
    let tzname = e.content.timezone.clone();
    match state
        .store
        .move_entry(
            &Actor::user(ctx.user()?),
            ws.workspace.id,
            e.id,
            version,
            wall.utc,
            &tzname,
        )
        .await
    {
        Ok(m) => Ok(Redirect::to(&format!(
            "/w/{}/entries/{}?done=moved{}",
            ws.workspace.slug,
            m.id,
            publication::wall_param(&wall)
        ))
        .into_response()),
        Err(StoreError::Stale) => {
            refuse(&state, &ctx, &ws, e, StatusCode::CONFLICT, "entry-stale").await
        }
        Err(StoreError::NotEditable) => {
            refuse(
                &state,
                &ctx,
                &ws,
                e,
                StatusCode::CONFLICT,
                "entry-not-editable",
            )
            .await
        }
        Err(err) => Err(err.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    comment: String,
}

/// `POST /w/{slug}/entries/{entry_id}/status`: one of the team's workflow steps.
/// The client's decisions go through the approval pages.
pub async fn set_status(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
    PageForm(form): PageForm<StatusForm>,
) -> AppResult<Response> {
    let e = visible_entry(&state, &ws, id).await?;
    let to = Status::parse(&form.to);
    let allowed = to.is_some_and(|to| e.status.transition(to) == Some(Decider::Team));
    let Some(to) = to.filter(|_| allowed) else {
        return refuse(
            &state,
            &ctx,
            &ws,
            e,
            StatusCode::UNPROCESSABLE_ENTITY,
            "entry-transition-refused",
        )
        .await;
    };
    let version = form.version.trim().parse::<i64>().ok();
    match state
        .store
        .set_entry_status(
            &Actor::user(ctx.user()?),
            ws.workspace.id,
            e.id,
            version,
            to,
            form.comment.trim(),
        )
        .await
    {
        Ok(m) => {
            // Submitting to the client notifies the client approvers (in the app
            // and by e-mail), as the approval page's bulk submission does.
            crate::api::editorial::notify_status(
                &state,
                &ctx,
                &ws,
                ctx.user()?,
                to,
                std::slice::from_ref(&m),
                form.comment.trim(),
            )
            .await?;
            Ok(Redirect::to(&format!(
                "/w/{}/entries/{}?done=status",
                ws.workspace.slug, m.id
            ))
            .into_response())
        }
        Err(err) => match publication::refusal(&err) {
            // Scheduling without a date, an account or anything to publish,
            // or leaving "scheduled" while a delivery is being sent.
            Some((status, key)) => refuse(&state, &ctx, &ws, e, status, &key).await,
            None => Err(err.into()),
        },
    }
}

#[derive(Debug, Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    body: String,
}

/// `POST /w/{slug}/entries/{entry_id}/comments`.
pub async fn comment(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
    PageForm(form): PageForm<CommentForm>,
) -> AppResult<Response> {
    let e = visible_entry(&state, &ws, id).await?;
    let body = form.body.trim();
    if body.is_empty() || body.chars().count() > 5000 {
        let key = if body.is_empty() {
            "entry-comment-empty"
        } else {
            "entry-comment-too-long"
        };
        return refuse(&state, &ctx, &ws, e, StatusCode::UNPROCESSABLE_ENTITY, key).await;
    }
    state
        .store
        .add_comment(&Actor::user(ctx.user()?), ws.workspace.id, e.id, body)
        .await?;
    Ok(Redirect::to(&format!(
        "/w/{}/entries/{}?done=commented#comments",
        ws.workspace.slug, e.id
    ))
    .into_response())
}

/// `POST /w/{slug}/entries/count`: the live counter's lengths, as JSON. Takes
/// `text` (the main text), `networks` (comma-separated slugs) and `variant.<slug>`.
pub async fn count(PageForm(pairs): PageForm<Vec<(String, String)>>) -> Response {
    let d = EntryDraft::from_pairs(&pairs);
    let mut networks: Vec<Network> = pairs
        .iter()
        .filter(|(k, _)| k == "networks")
        .flat_map(|(_, v)| v.split(',').filter_map(Network::parse).collect::<Vec<_>>())
        .collect();
    networks.sort();
    networks.dedup();
    let body = pairs
        .iter()
        .find(|(k, _)| k == "text")
        .map_or("", |(_, v)| v.as_str());
    let list = counts(
        |n| match d.variants.get(&n).filter(|t| !t.trim().is_empty()) {
            Some(t) => t.clone(),
            None => body.to_string(),
        },
        &networks,
    );
    (
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(serde_json::json!({ "networks": list })),
    )
        .into_response()
}

/// `GET /static/composer.js`.
pub async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/composer.js"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    #[test]
    fn a_posted_composer_form_becomes_content() {
        let pairs: Vec<(String, String)> = [
            ("title", "Galette"),
            ("accounts", "1"),
            ("date", "2025-01-06"),
            ("time", "18:30"),
            ("timezone", "Europe/Paris"),
            ("body", "Texte"),
            ("variant.bluesky", "Court"),
            ("variant.x", "Ignored: no X account"),
            ("hashtags", "#Galette, Epiphanie"),
            ("legal", "sponsored"),
            ("ugc", "1"),
            ("ugc_author", "@anne"),
            ("ugc_granted", "2025-01-02"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let d = EntryDraft::from_pairs(&pairs);
        let accounts = vec![Account {
            id: AccountId(1),
            workspace_id: relais_core::WorkspaceId(1),
            network: Network::Bluesky,
            handle: "@md".into(),
            label: "MD".into(),
        }];
        let c = d.to_content(&accounts, &[], Vec::new()).unwrap();
        assert_eq!(
            c.starts_at.unwrap().to_rfc3339(),
            "2025-01-06T17:30:00+00:00"
        );
        assert_eq!(c.variants.len(), 1);
        assert_eq!(c.text_for(Network::Bluesky), "Court");
        assert_eq!(c.hashtags, ["Galette", "Epiphanie"]);
        assert!(c.legal.sponsored);
        assert_eq!(
            c.ugc.unwrap().permission_granted_on.unwrap().to_string(),
            "2025-01-02"
        );
        let back = EntryDraft::from_entry(&Entry {
            id: EntryId(1),
            workspace_id: relais_core::WorkspaceId(1),
            status: Status::Draft,
            version: 4,
            content: d.to_content(&accounts, &[], Vec::new()).unwrap(),
            created_by: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        });
        assert_eq!(back.time, "18:30");
        assert_eq!(back.version, "4");

        let mut bad = d.clone();
        bad.title = " ".into();
        bad.date = "06/01/2025".into();
        bad.accounts.push("99".into());
        let errors = bad.to_content(&accounts, &[], Vec::new()).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["title", "date", "accounts"]);
    }
}
