//! The media library of a workspace: the list with thumbnails, the upload form
//! (also reached from the composer, which gets the new file attached with its
//! alternative text), and the files and thumbnails served through the guard.
//!
//! An upload goes `relais_media::ingest` (type sniffed from the content, size and
//! pixel limits, metadata stripped, thumbnail) → [`relais_media::MediaStore::put`]
//! → `Store::create_media`. A refused file is shown on the form with its reason;
//! nothing is stored.

use super::{render, Base};
use crate::ctx::{Ctx, WsCtx};
use crate::error::{AppError, AppResult};
use crate::tr::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use relais_core::entry::{Entry, MediaKind, MediaRecord};
use relais_core::model::{Actor, Workspace};
use relais_core::policy::role_allows;
use relais_core::{Action, EntryId, Locale, MediaId};
use relais_i18n::FluentArgs;
use relais_media::{MediaError, MediaLimits};
use relais_store::StoreError;
use serde::Deserialize;

/// Longest kept file name and alternative text, in characters.
const MAX_NAME: usize = 200;
const MAX_ALT: usize = 1500;

/// Why an upload was refused.
#[derive(Debug)]
pub enum UploadError {
    /// The file itself (too large, unsupported, corrupt, too many pixels).
    Media(MediaError),
    /// No file was sent.
    Missing,
    /// Anything else (storage, database).
    App(AppError),
}

impl From<AppError> for UploadError {
    fn from(e: AppError) -> Self {
        UploadError::App(e)
    }
}

impl UploadError {
    /// The stable code (`media-too-large`, …) used in problems and tests.
    pub fn code(&self) -> &'static str {
        match self {
            UploadError::Media(MediaError::TooLarge { .. }) => "media-too-large",
            UploadError::Media(MediaError::UnsupportedType) => "media-unsupported-type",
            UploadError::Media(MediaError::Corrupt(_)) => "media-corrupt",
            UploadError::Media(MediaError::TooManyPixels { .. }) => "media-too-many-pixels",
            UploadError::Missing | UploadError::App(_) => "media-missing",
        }
    }

    /// The reason, in the reader's language, with the figures.
    pub fn message(&self, state: &AppState, locale: Locale) -> String {
        let mut args = FluentArgs::new();
        let key = match self {
            UploadError::Media(MediaError::TooLarge { max, actual }) => {
                args.set("max", megabytes(*max));
                args.set("actual", megabytes(*actual));
                "media-error-too-large"
            }
            UploadError::Media(MediaError::UnsupportedType) => "media-error-unsupported-type",
            UploadError::Media(MediaError::Corrupt(_)) => "media-error-corrupt",
            UploadError::Media(MediaError::TooManyPixels {
                width,
                height,
                max_width,
                max_height,
                max_pixels,
            }) => {
                args.set("width", *width);
                args.set("height", *height);
                args.set("maxwidth", *max_width);
                args.set("maxheight", *max_height);
                args.set("megapixels", max_pixels / 1_000_000);
                "media-error-too-many-pixels"
            }
            UploadError::Missing | UploadError::App(_) => "media-error-missing",
        };
        state.i18n.format(locale, key, Some(&args))
    }
}

/// A size in megabytes with one decimal, the way people read file sizes.
fn megabytes(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / 1_048_576.0)
}

/// A file name fit to show: no folders, no control characters, not too long.
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME)
        .collect();
    let cleaned = cleaned.trim().to_string();
    if cleaned.is_empty() {
        "upload".to_string()
    } else {
        cleaned
    }
}

/// Checks, cleans, stores and records one upload (pages and API share this).
pub async fn store_upload(
    state: &AppState,
    actor: &Actor,
    ws: &Workspace,
    bytes: Vec<u8>,
    name: &str,
) -> Result<MediaRecord, UploadError> {
    let limits = MediaLimits::with_max_bytes(state.config.media.max_upload_bytes);
    // Decoding is CPU work: keep it off the async workers.
    let ingested = tokio::task::spawn_blocking(move || relais_media::ingest(&bytes, &limits))
        .await
        .map_err(|e| AppError::Internal(format!("media ingest task: {e}")))?
        .map_err(UploadError::Media)?;
    let store = state.media.clone();
    let (ingested, put) = tokio::task::spawn_blocking(move || {
        let r = store.put(&ingested);
        (ingested, r)
    })
    .await
    .map_err(|e| AppError::Internal(format!("media store task: {e}")))?;
    put.map_err(|e| AppError::Internal(format!("media store: {e}")))?;
    let record = state
        .store
        .create_media(
            actor,
            ws.id,
            &ingested.sha256,
            ingested.kind,
            ingested.mime,
            ingested.width,
            ingested.height,
            ingested.bytes.len() as u64,
            &clean_name(name),
        )
        .await
        .map_err(AppError::from)?;
    Ok(record)
}

/// One file as the library shows it.
pub struct MediaRow {
    pub id: i64,
    pub name: String,
    pub is_image: bool,
    pub kind: String,
    pub mime: String,
    pub dimensions: String,
    pub size: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Template)]
#[template(path = "media.html")]
pub struct MediaPage {
    pub base: Base,
    pub ws: Workspace,
    pub section: &'static str,
    pub can_audit: bool,
    pub can_upload: bool,
    pub items: Vec<MediaRow>,
    /// The entry the upload is for (id, title), when coming from the composer.
    pub entry: Option<(i64, String)>,
    pub alt: String,
    pub error: Option<String>,
    pub notice: Option<String>,
    pub max_size: String,
}

impl MediaPage {
    pub fn t(&self, key: &str) -> String {
        self.base.tr.t(key)
    }
}

fn row(tr: &Tr, m: &MediaRecord) -> MediaRow {
    let is_image = m.kind == MediaKind::Image;
    MediaRow {
        id: m.id.0,
        name: m.original_name.clone(),
        is_image,
        kind: tr.t(if is_image {
            "media-kind-image"
        } else {
            "media-kind-video"
        }),
        mime: m.mime.clone(),
        dimensions: if m.width > 0 && m.height > 0 {
            format!("{} × {} px", m.width, m.height)
        } else {
            tr.t("media-dimensions-unknown")
        },
        size: match tr.locale {
            Locale::Fr => format!("{} Mo", megabytes(m.bytes).replace('.', ",")),
            Locale::En => format!("{} MB", megabytes(m.bytes)),
        },
        created_at: m.created_at,
    }
}

struct Draw {
    status: StatusCode,
    entry: Option<Entry>,
    alt: String,
    error: Option<String>,
    notice: Option<String>,
}

async fn draw(state: &AppState, ctx: &Ctx, ws: &WsCtx, x: Draw) -> AppResult<Response> {
    let base = Base::page(state, ctx, "media-title", "workspaces");
    let list = state.store.list_media(ws.workspace.id).await?;
    let items = list.iter().map(|m| row(&base.tr, m)).collect();
    let max = state.config.media.max_upload_bytes;
    let max_size = match base.tr.locale {
        Locale::Fr => format!("{} Mo", megabytes(max).replace('.', ",")),
        Locale::En => format!("{} MB", megabytes(max)),
    };
    render(
        x.status,
        &MediaPage {
            ws: ws.workspace.clone(),
            section: "media",
            can_audit: role_allows(ws.role, Action::ViewAudit),
            can_upload: role_allows(ws.role, Action::EditCalendar),
            items,
            entry: x.entry.map(|e| (e.id.0, e.content.title)),
            alt: x.alt,
            error: x.error,
            notice: x.notice,
            max_size,
            base,
        },
    )
}

/// The entry named by `?entry=` or the form, if the asker may attach to it.
async fn entry_for(state: &AppState, ws: &WsCtx, id: &str) -> AppResult<Option<Entry>> {
    let Ok(id) = id.trim().parse::<i64>() else {
        return Ok(None);
    };
    if !role_allows(ws.role, Action::EditCalendar) {
        return Ok(None);
    }
    Ok(state.store.get_entry(ws.workspace.id, EntryId(id)).await?)
}

#[derive(Debug, Deserialize, Default)]
pub struct PageQuery {
    #[serde(default)]
    entry: String,
    #[serde(default)]
    done: String,
}

/// `GET /w/{slug}/media[?entry=ID]`.
pub async fn page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    let entry = entry_for(&state, &ws, &q.entry).await?;
    let notice = (q.done == "uploaded").then(|| state.i18n.t(ctx.locale, "media-uploaded"));
    draw(
        &state,
        &ctx,
        &ws,
        Draw {
            status: StatusCode::OK,
            entry,
            alt: String::new(),
            error: None,
            notice,
        },
    )
    .await
}

/// What the upload form sent.
#[derive(Default)]
struct UploadForm {
    file: Option<(String, Vec<u8>)>,
    alt: String,
    entry: String,
}

async fn read_form(mut form: Multipart) -> Result<UploadForm, AppError> {
    let mut out = UploadForm::default();
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(AppError::TooLarge)
            }
            Err(e) => return Err(AppError::BadRequest(e.body_text())),
        };
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "file" => {
                let file_name = field.file_name().unwrap_or_default().to_string();
                let bytes = field.bytes().await.map_err(|e| {
                    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                        AppError::TooLarge
                    } else {
                        AppError::BadRequest(e.body_text())
                    }
                })?;
                // A file input left empty sends a part with no name and no bytes.
                if !bytes.is_empty() || !file_name.is_empty() {
                    out.file = Some((file_name, bytes.to_vec()));
                }
            }
            "alt" | "entry" => {
                let text = field
                    .text()
                    .await
                    .map_err(|e| AppError::BadRequest(e.body_text()))?;
                if name == "alt" {
                    out.alt = text.trim().chars().take(MAX_ALT).collect();
                } else {
                    out.entry = text;
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// `POST /w/{slug}/media` (multipart: `file`, optional `alt` and `entry`).
pub async fn upload(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    form: Result<Multipart, MultipartRejection>,
) -> AppResult<Response> {
    let form = match form {
        Ok(f) => read_form(f).await?,
        // Not a multipart body (a form without `enctype`): no file.
        Err(_) => UploadForm::default(),
    };
    let entry = entry_for(&state, &ws, &form.entry).await?;
    let refuse = |status: StatusCode, e: UploadError, entry: Option<Entry>, alt: String| {
        let message = e.message(&state, ctx.locale);
        Draw {
            status,
            entry,
            alt,
            error: Some(message),
            notice: None,
        }
    };
    let Some((name, bytes)) = form.file else {
        let x = refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            UploadError::Missing,
            entry,
            form.alt,
        );
        return draw(&state, &ctx, &ws, x).await;
    };
    let actor = Actor::user(ctx.user()?);
    let record = match store_upload(&state, &actor, &ws.workspace, bytes, &name).await {
        Ok(r) => r,
        Err(UploadError::App(e)) => return Err(e),
        Err(e) => {
            let status = match e {
                UploadError::Media(MediaError::TooLarge { .. }) => StatusCode::PAYLOAD_TOO_LARGE,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let x = refuse(status, e, entry, form.alt);
            return draw(&state, &ctx, &ws, x).await;
        }
    };
    let slug = &ws.workspace.slug;
    let Some(e) = entry else {
        return Ok(Redirect::to(&format!("/w/{slug}/media?done=uploaded")).into_response());
    };
    // From the composer: attach the new file to the entry, with its alt text.
    let mut content = e.content.clone();
    if !content.media.iter().any(|m| m.media_id == record.id) {
        let mut item = super::entries::item_of(&record);
        item.alt = form.alt.clone();
        content.media.push(item);
    }
    match state
        .store
        .update_entry(&actor, ws.workspace.id, e.id, e.version, &content)
        .await
    {
        Ok(_) => {
            Ok(Redirect::to(&format!("/w/{slug}/entries/{}?done=uploaded", e.id)).into_response())
        }
        Err(StoreError::Stale | StoreError::NotEditable) => {
            // The file is in the library; the entry could not take it now.
            let message = state.i18n.t(ctx.locale, "media-attach-refused");
            let x = Draw {
                status: StatusCode::CONFLICT,
                entry: Some(e),
                alt: form.alt,
                error: Some(message),
                notice: None,
            };
            draw(&state, &ctx, &ws, x).await
        }
        Err(other) => Err(other.into()),
    }
}

/// Reads a stored file off the async workers.
async fn read(path: std::path::PathBuf) -> AppResult<Vec<u8>> {
    tokio::task::spawn_blocking(move || std::fs::read(path))
        .await
        .map_err(|e| AppError::Internal(format!("media read task: {e}")))?
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => AppError::NotFound,
            _ => AppError::Internal(format!("media read: {e}")),
        })
}

/// A stored file as a response: the recorded type, never sniffed by the browser,
/// cached privately (the bytes of an address never change).
fn serve(bytes: Vec<u8>, mime: &str, sha256: &str) -> Response {
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(mime)
            .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream")),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=31536000, immutable"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("\"{sha256}\"")) {
        h.insert(header::ETAG, v);
    }
    r
}

async fn record(state: &AppState, ws: &WsCtx, id: i64) -> AppResult<MediaRecord> {
    state
        .store
        .get_media(ws.workspace.id, MediaId(id))
        .await?
        .ok_or(AppError::NotFound)
}

/// `GET /w/{slug}/media/{media_id}/thumbnail` (a JPEG; images only).
pub async fn thumbnail(
    State(state): State<AppState>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
) -> AppResult<Response> {
    let m = record(&state, &ws, id).await?;
    let path = state
        .media
        .thumbnail_path(&m.sha256)
        .ok_or(AppError::NotFound)?;
    let bytes = read(path).await?;
    Ok(serve(bytes, "image/jpeg", &m.sha256))
}

/// `GET /w/{slug}/media/{media_id}/file`.
pub async fn file(
    State(state): State<AppState>,
    Extension(ws): Extension<WsCtx>,
    Path((_, id)): Path<(String, i64)>,
) -> AppResult<Response> {
    let m = record(&state, &ws, id).await?;
    let path = state.media.path(&m.sha256).ok_or(AppError::NotFound)?;
    let bytes = read(path).await?;
    Ok(serve(bytes, &m.mime, &m.sha256))
}

#[cfg(test)]
mod tests {
    use super::clean_name;

    #[test]
    fn file_names_lose_folders_and_control_characters() {
        assert_eq!(clean_name("C:\\Users\\a\\photo.jpg"), "photo.jpg");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\u{0}b\nc.png"), "abc.png");
        assert_eq!(clean_name("  "), "upload");
        assert_eq!(clean_name(&"x".repeat(500)).chars().count(), 200);
    }
}
