//! The domain core of relais: types, rules and checks, with no I/O.
//!
//! Nothing here touches a database, the network, files or the clock: time and data
//! come in as arguments, so every function is deterministic and cheap to test. The
//! layering check (`scripts/check-layering.sh`) keeps sqlx, tokio, axum and reqwest
//! out of this crate's dependency tree.

pub mod audit;
pub mod charter;
pub mod checks;
pub mod entry;
pub mod ids;
pub mod locale;
pub mod model;
pub mod network;
pub mod policy;
pub mod publish;
pub mod role;
pub mod throttle;
pub mod validate;
pub mod veille;

pub use ids::{
    AccountId, AlertId, ApiTokenId, AuditId, CharterVersionId, CommentId, DigestId, EntryId,
    InvitationId, ItemId, MediaId, NotificationId, ObservanceId, SessionId, SourceId, TopicId,
    UserId, WorkspaceId,
};
pub use locale::Locale;
pub use network::Network;
pub use policy::{Access, Action};
pub use role::Role;
