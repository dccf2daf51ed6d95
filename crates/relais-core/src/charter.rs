//! The editorial charter of a workspace (001 C1.9, 003 C3): objectives, content
//! axes, per-network rules, production procedures, and the tolerances the calendar
//! conformance uses. Stored as a JSON document per version; every save makes a new
//! version and the history is kept.

use crate::network::Network;
use chrono::{NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

/// A publication objective with its measurable target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Objective {
    /// What the brand wants ("Faire connaître la boutique en ligne").
    pub label: String,
    /// How success is measured ("+20 % de visites depuis les réseaux d'ici juin").
    #[serde(default)]
    pub target: String,
}

/// A content axis (ligne éditoriale): a theme serving one objective.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Axis {
    /// Short name used on calendar entries ("Coulisses").
    pub name: String,
    /// What the axis talks about.
    #[serde(default)]
    pub theme: String,
    /// The label of the objective it serves (one of `Charter::objectives`).
    #[serde(default)]
    pub objective: String,
    /// Why this axis (003 Cr3.1 "justified").
    #[serde(default)]
    pub rationale: String,
}

/// Whether posts on a network are organic or sponsored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Paid {
    #[default]
    Organic,
    Sponsored,
    Both,
}

/// A posting-hour window, in the charter's time zone (003 Cr3.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostingWindow {
    /// The days it applies to; empty means every day.
    #[serde(default)]
    pub days: Vec<Weekday>,
    pub start: NaiveTime,
    pub end: NaiveTime,
    /// Why these hours (the audience's connection habits).
    #[serde(default)]
    pub reason: String,
}

/// The charter's rules for one network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkPlan {
    pub network: Network,
    /// Allowed content types ("tutoriel", "coulisses", "témoignage"…).
    #[serde(default)]
    pub content_types: Vec<String>,
    #[serde(default)]
    pub tone: String,
    /// Posts per week: at least / at most.
    pub min_per_week: u32,
    pub max_per_week: u32,
    #[serde(default)]
    pub windows: Vec<PostingWindow>,
    /// Hashtags without `#`.
    #[serde(default)]
    pub brand_hashtags: Vec<String>,
    #[serde(default)]
    pub campaign_hashtags: Vec<String>,
    #[serde(default)]
    pub paid: Paid,
}

/// Who writes and who validates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Procedures {
    #[serde(default)]
    pub writers: String,
    #[serde(default)]
    pub validators: String,
    #[serde(default)]
    pub notes: String,
}

/// Tolerances of the calendar conformance check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConformanceRules {
    /// No axis may take more than this share of the entries, in percent.
    pub max_axis_share_pct: u8,
    /// A gap of more than this many days without a post is a finding.
    pub gap_days: u32,
    /// Two posts on one account closer than this are a collision.
    pub collision_minutes: u32,
}

impl Default for ConformanceRules {
    fn default() -> Self {
        ConformanceRules {
            max_axis_share_pct: 50,
            gap_days: 7,
            collision_minutes: 60,
        }
    }
}

/// A validation error at a path inside a document (`axes.2.name`). The message
/// key is `error-<code>`, as for [`crate::validate::FieldError`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathError {
    pub field: String,
    pub code: &'static str,
}

/// The editorial charter of a workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charter {
    /// IANA time zone of the posting windows and the calendar ("Europe/Paris").
    pub timezone: String,
    /// Which French public holidays the calendar shows: a zone slug of
    /// `relais_calendar::holidays::Zone` (`metropole`, `alsace_moselle`,
    /// `reunion`…). Empty: the overseas department of `timezone`, else
    /// metropolitan France.
    #[serde(default)]
    pub holiday_zone: String,
    #[serde(default)]
    pub objectives: Vec<Objective>,
    #[serde(default)]
    pub axes: Vec<Axis>,
    #[serde(default)]
    pub networks: Vec<NetworkPlan>,
    #[serde(default)]
    pub procedures: Procedures,
    #[serde(default)]
    pub rules: ConformanceRules,
}

impl Default for Charter {
    fn default() -> Self {
        Charter {
            timezone: "Europe/Paris".to_string(),
            holiday_zone: String::new(),
            objectives: Vec::new(),
            axes: Vec::new(),
            networks: Vec::new(),
            procedures: Procedures::default(),
            rules: ConformanceRules::default(),
        }
    }
}

impl Charter {
    /// The plan for `network`, if the charter has one.
    pub fn plan(&self, network: Network) -> Option<&NetworkPlan> {
        self.networks.iter().find(|p| p.network == network)
    }

    /// Hard errors that make a charter unusable (it is refused, not saved):
    /// empty names, min > max, windows that end before they start, a network
    /// listed twice, impossible tolerances. Quality findings (3–5 axes…) are
    /// checks, not errors: a draft charter may be saved incomplete.
    /// Field names are paths like `axes.2.name` or `networks.0.windows.1.end`.
    /// The time zone is checked by the caller that knows the tz database.
    pub fn validate(&self) -> Vec<PathError> {
        let mut errors = Vec::new();
        let mut push = |field: String, code: &'static str| errors.push(PathError { field, code });
        for (i, o) in self.objectives.iter().enumerate() {
            if o.label.trim().is_empty() {
                push(format!("objectives.{i}.label"), "required");
            }
        }
        let mut axis_names = Vec::new();
        for (i, a) in self.axes.iter().enumerate() {
            let name = a.name.trim().to_lowercase();
            if name.is_empty() {
                push(format!("axes.{i}.name"), "required");
            } else if axis_names.contains(&name) {
                push(format!("axes.{i}.name"), "duplicate");
            }
            axis_names.push(name);
        }
        let mut seen = Vec::new();
        for (i, p) in self.networks.iter().enumerate() {
            if seen.contains(&p.network) {
                push(format!("networks.{i}.network"), "duplicate");
            }
            seen.push(p.network);
            if p.min_per_week > p.max_per_week {
                push(format!("networks.{i}.max_per_week"), "below-min");
            }
            if p.max_per_week > 1000 {
                push(format!("networks.{i}.max_per_week"), "too-large");
            }
            for (j, w) in p.windows.iter().enumerate() {
                if w.end <= w.start {
                    push(format!("networks.{i}.windows.{j}.end"), "before-start");
                }
            }
            for (j, tag) in p
                .brand_hashtags
                .iter()
                .chain(&p.campaign_hashtags)
                .enumerate()
            {
                if tag.is_empty() || tag.chars().any(|c| c.is_whitespace() || c == '#') {
                    push(format!("networks.{i}.hashtags.{j}"), "invalid-hashtag");
                }
            }
        }
        if self.rules.max_axis_share_pct == 0 || self.rules.max_axis_share_pct > 100 {
            push("rules.max_axis_share_pct".into(), "out-of-range");
        }
        if self.rules.gap_days == 0 {
            push("rules.gap_days".into(), "out-of-range");
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(min: u32, max: u32) -> NetworkPlan {
        NetworkPlan {
            network: Network::Instagram,
            content_types: vec!["coulisses".into()],
            tone: "chaleureux".into(),
            min_per_week: min,
            max_per_week: max,
            windows: vec![PostingWindow {
                days: vec![],
                start: NaiveTime::from_hms_opt(18, 0, 0).unwrap(),
                end: NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
                reason: String::new(),
            }],
            brand_hashtags: vec!["Maison Dupain".into()],
            campaign_hashtags: vec![],
            paid: Paid::Organic,
        }
    }

    #[test]
    fn validation_names_each_broken_field() {
        let charter = Charter {
            axes: vec![
                Axis {
                    name: "Coulisses".into(),
                    ..Axis::default()
                },
                Axis {
                    name: " coulisses ".into(),
                    ..Axis::default()
                },
            ],
            networks: vec![plan(5, 3), plan(1, 2)],
            ..Charter::default()
        };
        let fields: Vec<(String, &str)> = charter
            .validate()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect();
        assert!(
            fields.contains(&("axes.1.name".into(), "duplicate")),
            "{fields:?}"
        );
        assert!(fields.contains(&("networks.0.max_per_week".into(), "below-min")));
        assert!(fields.contains(&("networks.0.windows.0.end".into(), "before-start")));
        assert!(fields.contains(&("networks.1.network".into(), "duplicate")));
        assert!(fields.contains(&("networks.0.hashtags.0".into(), "invalid-hashtag")));
        assert!(Charter::default().validate().is_empty());
    }

    #[test]
    fn a_charter_round_trips_through_json() {
        let charter = Charter {
            networks: vec![plan(1, 3)],
            ..Charter::default()
        };
        let json = serde_json::to_string(&charter).unwrap();
        assert_eq!(serde_json::from_str::<Charter>(&json).unwrap(), charter);
        // Older documents without the newer fields still load.
        let old: Charter = serde_json::from_str(r#"{"timezone":"Europe/Paris"}"#).unwrap();
        assert_eq!(old.rules, ConformanceRules::default());
    }
}

/// One saved version of a workspace's charter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CharterVersion {
    pub id: crate::ids::CharterVersionId,
    pub workspace_id: crate::ids::WorkspaceId,
    /// 1 for the first save, then +1 per save.
    pub version: i64,
    pub charter: Charter,
    /// What changed, in the author's words (may be empty).
    pub note: String,
    pub author_id: Option<crate::ids::UserId>,
    pub author_name: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}
