//! Test support: loopback servers and helpers for the connectors' tests (feature `testing`).

pub mod jetstream;
pub mod mastodon;
pub mod pds;
