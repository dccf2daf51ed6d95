//! People: accounts, sessions, failed logins and API tokens.

use crate::audit::{write_audit, AuditRecord};
use crate::rows::{prefixed, ApiTokenRow, UserRow, USER_COLUMNS};
use crate::time::{now, DbTime};
use crate::{conflict_on, on_pool, Result, Store, StoreError};
use chrono::{DateTime, Duration, Utc};
use relais_core::audit::AuditAction;
use relais_core::model::{Actor, ApiToken, User};
use relais_core::{ApiTokenId, Locale, Role, SessionId, UserId, WorkspaceId};
use serde_json::json;

/// A user to create. The password is already hashed.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub is_admin: bool,
    pub is_demo: bool,
}

/// A live session with its owner.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub id: SessionId,
    pub csrf_token: String,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub user: User,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    session_id: i64,
    csrf_token: String,
    last_seen_at: DbTime,
    expires_at: DbTime,
    #[sqlx(flatten)]
    user: UserRow,
}

impl Store {
    /// Creates a user; the audit entry is instance-level.
    pub async fn create_user(&self, actor: &Actor, new: NewUser) -> Result<User> {
        self.create_user_in(actor, new, None).await
    }

    /// Creates a user and, if given, their membership of a workspace, in one
    /// transaction: either both exist afterwards or neither does.
    pub async fn create_user_in(
        &self,
        actor: &Actor,
        new: NewUser,
        membership: Option<(WorkspaceId, Role)>,
    ) -> Result<User> {
        let at = now();
        let sql = format!(
            "INSERT INTO users (email, display_name, password_hash, is_admin, is_demo, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING {USER_COLUMNS}"
        );
        let user: User = on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let row: UserRow = sqlx::query_as(&sql)
                .bind(&new.email)
                .bind(&new.display_name)
                .bind(&new.password_hash)
                .bind(new.is_admin)
                .bind(new.is_demo)
                .bind(DbTime::from(at))
                .fetch_one(&mut *tx)
                .await
                .map_err(conflict_on("email"))?;
            let user = User::from(row);
            write_audit!(
                tx,
                AuditRecord {
                    workspace_id: None,
                    actor: actor.clone(),
                    action: AuditAction::UserCreated,
                    target: user.email.clone(),
                    before: None,
                    after: Some(
                        json!({"email": user.email, "display_name": user.display_name, "is_admin": user.is_admin})
                    ),
                    at,
                }
            );
            if let Some((workspace, role)) = membership {
                sqlx::query(
                    "INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)",
                )
                .bind(workspace.0)
                .bind(user.id.0)
                .bind(role.as_str())
                .bind(DbTime::from(at))
                .execute(&mut *tx)
                .await
                .map_err(|e| match &e {
                    sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
                    _ => StoreError::Db(e),
                })?;
                write_audit!(
                    tx,
                    AuditRecord {
                        workspace_id: Some(workspace),
                        actor: actor.clone(),
                        action: AuditAction::MemberAdded,
                        target: user.email.clone(),
                        before: None,
                        after: Some(json!({"role": role})),
                        at,
                    }
                );
            }
            tx.commit().await?;
            user
        });
        Ok(user)
    }

    pub async fn user_by_id(&self, id: UserId) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        let row: Option<UserRow> = on_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(id.0)
            .fetch_optional(pool)
            .await?);
        Ok(row.map(User::from))
    }

    /// A user and their password hash, by (normalised) e-mail address.
    pub async fn user_with_password(&self, email: &str) -> Result<Option<(User, String)>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            user: UserRow,
            password_hash: String,
        }
        let sql = format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = $1");
        let row: Option<Row> = on_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(email)
            .fetch_optional(pool)
            .await?);
        Ok(row.map(|r| (User::from(r.user), r.password_hash)))
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>> {
        Ok(self.user_with_password(email).await?.map(|(u, _)| u))
    }

    /// Every user, by e-mail (for instance administrators).
    pub async fn list_users(&self) -> Result<Vec<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY email");
        let rows: Vec<UserRow> =
            on_pool!(self, |pool| sqlx::query_as(&sql).fetch_all(pool).await?);
        Ok(rows.into_iter().map(User::from).collect())
    }

    /// Sets a new password hash and ends every other session of the user.
    pub async fn set_password(
        &self,
        actor: &Actor,
        user: UserId,
        password_hash: &str,
        keep_session: Option<SessionId>,
    ) -> Result<()> {
        let at = now();
        on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let email: Option<(String,)> =
                sqlx::query_as("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3 RETURNING email")
                    .bind(password_hash)
                    .bind(DbTime::from(at))
                    .bind(user.0)
                    .fetch_optional(&mut *tx)
                    .await?;
            let (email,) = email.ok_or(StoreError::NotFound)?;
            sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
                .bind(user.0)
                .bind(keep_session.map_or(0, |s| s.0))
                .execute(&mut *tx)
                .await?;
            write_audit!(
                tx,
                AuditRecord {
                    workspace_id: None,
                    actor: actor.clone(),
                    action: AuditAction::PasswordChanged,
                    target: email,
                    before: None,
                    after: None,
                    at,
                }
            );
            tx.commit().await?;
        });
        Ok(())
    }

    /// Sets (or clears) the user's UI language.
    pub async fn set_locale(
        &self,
        actor: &Actor,
        user: UserId,
        locale: Option<Locale>,
    ) -> Result<()> {
        let at = now();
        on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let before: Option<(String, Option<String>)> =
                sqlx::query_as("SELECT email, locale FROM users WHERE id = $1")
                    .bind(user.0)
                    .fetch_optional(&mut *tx)
                    .await?;
            let (email, old) = before.ok_or(StoreError::NotFound)?;
            sqlx::query("UPDATE users SET locale = $1, updated_at = $2 WHERE id = $3")
                .bind(locale.map(Locale::as_str))
                .bind(DbTime::from(at))
                .bind(user.0)
                .execute(&mut *tx)
                .await?;
            write_audit!(
                tx,
                AuditRecord {
                    workspace_id: None,
                    actor: actor.clone(),
                    action: AuditAction::LocaleChanged,
                    target: email,
                    before: Some(json!({"locale": old})),
                    after: Some(json!({"locale": locale.map(Locale::as_str)})),
                    at,
                }
            );
            tx.commit().await?;
        });
        Ok(())
    }

    // ---- sessions ----

    /// Stores a new session under the digest of its cookie token.
    pub async fn create_session(
        &self,
        user: UserId,
        token_hash: &str,
        csrf_token: &str,
        user_agent: &str,
        ttl: Duration,
    ) -> Result<SessionId> {
        let at = now();
        let ua: String = user_agent.chars().take(200).collect();
        let (id,): (i64,) = on_pool!(self, |pool| {
            sqlx::query_as(
                "INSERT INTO sessions (user_id, token_hash, csrf_token, user_agent, created_at, last_seen_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $5, $6) RETURNING id",
            )
            .bind(user.0)
            .bind(token_hash)
            .bind(csrf_token)
            .bind(ua)
            .bind(DbTime::from(at))
            .bind(DbTime::from(at + ttl))
            .fetch_one(pool)
            .await?
        });
        Ok(SessionId(id))
    }

    /// The live (unexpired) session with this token digest, and its user.
    pub async fn session_by_token(
        &self,
        token_hash: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<SessionRecord>> {
        let sql = format!(
            "SELECT s.id AS session_id, s.csrf_token, s.last_seen_at, s.expires_at, {} \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2",
            prefixed(USER_COLUMNS, "u")
        );
        let row: Option<SessionRow> = on_pool!(self, |pool| {
            sqlx::query_as(&sql)
                .bind(token_hash)
                .bind(DbTime::from(at))
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(|r| SessionRecord {
            id: SessionId(r.session_id),
            csrf_token: r.csrf_token,
            last_seen_at: r.last_seen_at.0,
            expires_at: r.expires_at.0,
            user: User::from(r.user),
        }))
    }

    /// Slides a session's expiry forward (called at most once a minute per session).
    pub async fn touch_session(
        &self,
        id: SessionId,
        at: DateTime<Utc>,
        ttl: Duration,
    ) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id = $3")
                .bind(DbTime::from(at))
                .bind(DbTime::from(at + ttl))
                .bind(id.0)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    pub async fn delete_session(&self, id: SessionId) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query("DELETE FROM sessions WHERE id = $1")
                .bind(id.0)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Removes expired sessions and failed logins older than `keep_failures`.
    pub async fn purge_expired(&self, at: DateTime<Utc>, keep_failures: Duration) -> Result<u64> {
        let n = on_pool!(self, |pool| {
            let a = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
                .bind(DbTime::from(at))
                .execute(pool)
                .await?
                .rows_affected();
            let b = sqlx::query("DELETE FROM login_failures WHERE at <= $1")
                .bind(DbTime::from(at - keep_failures))
                .execute(pool)
                .await?
                .rows_affected();
            a + b
        });
        Ok(n)
    }

    // ---- failed logins ----

    pub async fn record_login_failure(
        &self,
        email: &str,
        ip: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query("INSERT INTO login_failures (email, ip, at) VALUES ($1, $2, $3)")
                .bind(email)
                .bind(ip)
                .bind(DbTime::from(at))
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Times of failed logins since `since`: for this address, and from this IP.
    pub async fn recent_login_failures(
        &self,
        email: &str,
        ip: &str,
        since: DateTime<Utc>,
    ) -> Result<(Vec<DateTime<Utc>>, Vec<DateTime<Utc>>)> {
        let (by_email, by_ip): (Vec<(DbTime,)>, Vec<(DbTime,)>) = on_pool!(self, |pool| {
            let a = sqlx::query_as("SELECT at FROM login_failures WHERE email = $1 AND at > $2")
                .bind(email)
                .bind(DbTime::from(since))
                .fetch_all(pool)
                .await?;
            let b = sqlx::query_as("SELECT at FROM login_failures WHERE ip = $1 AND at > $2")
                .bind(ip)
                .bind(DbTime::from(since))
                .fetch_all(pool)
                .await?;
            (a, b)
        });
        Ok((
            by_email.into_iter().map(|t| t.0 .0).collect(),
            by_ip.into_iter().map(|t| t.0 .0).collect(),
        ))
    }

    /// After a successful login, the address's failures no longer count.
    pub async fn clear_login_failures(&self, email: &str) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query("DELETE FROM login_failures WHERE email = $1")
                .bind(email)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    // ---- API tokens ----

    /// Stores a new API token (its digest only).
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        user: &User,
        name: &str,
        prefix: &str,
        token_hash: &str,
    ) -> Result<ApiToken> {
        let at = now();
        let token: ApiToken = on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let row: ApiTokenRow = sqlx::query_as(
                "INSERT INTO api_tokens (user_id, name, prefix, token_hash, created_at) VALUES ($1, $2, $3, $4, $5) \
                 RETURNING id, name, prefix, created_at, last_used_at",
            )
            .bind(user.id.0)
            .bind(name)
            .bind(prefix)
            .bind(token_hash)
            .bind(DbTime::from(at))
            .fetch_one(&mut *tx)
            .await?;
            let token = ApiToken::from(row);
            write_audit!(
                tx,
                AuditRecord {
                    workspace_id: None,
                    actor: actor.clone(),
                    action: AuditAction::ApiTokenCreated,
                    target: user.email.clone(),
                    before: None,
                    after: Some(
                        json!({"token_id": token.id, "name": token.name, "prefix": token.prefix})
                    ),
                    at,
                }
            );
            tx.commit().await?;
            token
        });
        Ok(token)
    }

    /// The user's tokens that are not revoked, newest first.
    pub async fn list_api_tokens(&self, user: UserId) -> Result<Vec<ApiToken>> {
        let rows: Vec<ApiTokenRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT id, name, prefix, created_at, last_used_at FROM api_tokens \
                 WHERE user_id = $1 AND revoked_at IS NULL ORDER BY id DESC",
            )
            .bind(user.0)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(ApiToken::from).collect())
    }

    /// Revokes one of the user's own tokens. Someone else's token is "not found".
    pub async fn revoke_api_token(
        &self,
        actor: &Actor,
        user: &User,
        token: ApiTokenId,
    ) -> Result<()> {
        let at = now();
        on_pool!(self, |pool| {
            let mut tx = self.begin_write(pool).await?;
            let row: Option<(String, String)> = sqlx::query_as(
                "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL \
                 RETURNING name, prefix",
            )
            .bind(DbTime::from(at))
            .bind(token.0)
            .bind(user.id.0)
            .fetch_optional(&mut *tx)
            .await?;
            let (name, prefix) = row.ok_or(StoreError::NotFound)?;
            write_audit!(
                tx,
                AuditRecord {
                    workspace_id: None,
                    actor: actor.clone(),
                    action: AuditAction::ApiTokenRevoked,
                    target: user.email.clone(),
                    before: Some(json!({"token_id": token, "name": name, "prefix": prefix})),
                    after: None,
                    at,
                }
            );
            tx.commit().await?;
        });
        Ok(())
    }

    /// The owner of a live API token, by digest. Records the use at most once a
    /// minute, so that a busy script does not turn every read into a write.
    pub async fn user_by_api_token(
        &self,
        token_hash: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<User>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            token_id: i64,
            last_used_at: Option<DbTime>,
            #[sqlx(flatten)]
            user: UserRow,
        }
        let sql = format!(
            "SELECT t.id AS token_id, t.last_used_at, {} FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
            prefixed(USER_COLUMNS, "u")
        );
        let row: Option<Row> = on_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(token_hash)
            .fetch_optional(pool)
            .await?);
        let Some(row) = row else { return Ok(None) };
        if row
            .last_used_at
            .is_none_or(|t| at - t.0 > Duration::minutes(1))
        {
            on_pool!(self, |pool| {
                sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                    .bind(DbTime::from(at))
                    .bind(row.token_id)
                    .execute(pool)
                    .await?;
            });
        }
        Ok(Some(User::from(row.user)))
    }
}
