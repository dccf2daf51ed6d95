//! Translation helpers for templates: `{{ base.tr.t("login-title") }}`.

use crate::AppState;
use chrono::{DateTime, Utc};
use relais_core::{Locale, Role};

/// The reader's language and the messages, as templates see them.
#[derive(Clone)]
pub struct Tr {
    state: AppState,
    pub locale: Locale,
}

impl Tr {
    pub fn new(state: &AppState, locale: Locale) -> Tr {
        Tr {
            state: state.clone(),
            locale,
        }
    }

    /// The messages, for formatting with several arguments.
    pub fn i18n(&self) -> &relais_i18n::I18n {
        &self.state.i18n
    }

    /// A date and time in `tz` with the zone's name, the way the reader writes dates.
    pub fn datetime_in(&self, at: &DateTime<Utc>, tz: chrono_tz::Tz) -> String {
        crate::publishing::format_local(self.locale, *at, tz)
    }

    /// The `lang` attribute.
    pub fn lang(&self) -> &'static str {
        self.locale.as_str()
    }

    pub fn t(&self, key: &str) -> String {
        self.state.i18n.t(self.locale, key)
    }

    /// A message with one text argument.
    pub fn t1(&self, key: &str, name: &str, value: &str) -> String {
        self.state
            .i18n
            .t1(self.locale, key, name, value.to_string())
    }

    /// A message with a `count` argument (plural rules apply).
    pub fn n(&self, key: &str, count: impl std::borrow::Borrow<usize>) -> String {
        self.state
            .i18n
            .t1(self.locale, key, "count", *count.borrow())
    }

    /// The name of a role.
    pub fn role(&self, role: &Role) -> String {
        self.t(&format!("role-{}", role.as_str()))
    }

    /// A date and time, in UTC, the way the reader writes dates.
    pub fn datetime(&self, at: &DateTime<Utc>) -> String {
        match self.locale {
            Locale::Fr => at.format("%d/%m/%Y %H:%M UTC").to_string(),
            Locale::En => at.format("%Y-%m-%d %H:%M UTC").to_string(),
        }
    }

    /// A date, the way the reader writes dates.
    pub fn date(&self, at: &DateTime<Utc>) -> String {
        match self.locale {
            Locale::Fr => at.format("%d/%m/%Y").to_string(),
            Locale::En => at.format("%Y-%m-%d").to_string(),
        }
    }

    /// The machine-readable form for `<time datetime>`.
    pub fn iso(&self, at: &DateTime<Utc>) -> String {
        at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    }
}
