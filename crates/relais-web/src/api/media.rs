//! Media through the API (H6): list a workspace's files, upload one (the raw
//! bytes as the body, or a multipart form with a `file` part). The type is read
//! from the content, never from `Content-Type` or the name.

use crate::ctx::{Ctx, WsCtx};
use crate::error::{AppError, AppResult};
use crate::pages::media::{store_upload, UploadError};
use crate::render::{problem, Problem};
use crate::tr::Tr;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::{DateTime, Utc};
use relais_core::entry::{MediaKind, MediaRecord};
use relais_core::model::Actor;
use relais_core::validate::FieldError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A stored media file.
#[derive(Debug, Serialize, ToSchema)]
pub struct MediaOut {
    pub id: i64,
    /// `image` or `video`.
    pub kind: String,
    /// Read from the content: `image/jpeg`, `image/png`, `image/webp`,
    /// `image/gif`, `video/mp4`, `video/quicktime` or `video/webm`.
    pub mime: String,
    /// Displayed size in pixels (0 when a video's size is unknown).
    pub width: u32,
    pub height: u32,
    /// Size of the stored file (metadata removed), in bytes.
    pub bytes: u64,
    /// Hex SHA-256 of the stored file.
    pub sha256: String,
    pub original_name: String,
    pub created_at: DateTime<Utc>,
}

impl From<MediaRecord> for MediaOut {
    fn from(m: MediaRecord) -> Self {
        MediaOut {
            id: m.id.0,
            kind: match m.kind {
                MediaKind::Image => "image",
                MediaKind::Video => "video",
            }
            .to_string(),
            mime: m.mime,
            width: m.width,
            height: m.height,
            bytes: m.bytes,
            sha256: m.sha256,
            original_name: m.original_name,
            created_at: m.created_at,
        }
    }
}

/// `GET /api/v1/workspaces/{slug}/media`
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/media", tag = "media", params(("slug" = String, Path)), responses((status = 200, body = [MediaOut]), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Extension(ws): Extension<WsCtx>,
) -> AppResult<Json<Vec<MediaOut>>> {
    let list = state.store.list_media(ws.workspace.id).await?;
    Ok(Json(list.into_iter().map(MediaOut::from).collect()))
}

/// The name to record with a raw upload.
#[derive(Debug, Deserialize, IntoParams)]
pub struct UploadParams {
    /// The file's name, for display only (the type is never taken from it).
    pub name: Option<String>,
}

/// `POST /api/v1/workspaces/{slug}/media`
#[utoipa::path(post, path = "/api/v1/workspaces/{slug}/media", tag = "media", params(("slug" = String, Path), UploadParams), request_body(content = Vec<u8>, description = "The file's bytes (any Content-Type), or multipart/form-data with a `file` part", content_type = "application/octet-stream"), responses((status = 201, body = MediaOut), (status = 413, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn upload(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(ws): Extension<WsCtx>,
    Query(p): Query<UploadParams>,
    req: Request,
) -> AppResult<Response> {
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let too_large = |status: StatusCode, text: String| {
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge
        } else {
            AppError::BadRequest(text)
        }
    };
    let (name, bytes) = if is_multipart {
        let mut form = Multipart::from_request(req, &state)
            .await
            .map_err(|e| too_large(e.status(), e.body_text()))?;
        let mut found = None;
        loop {
            let field = match form.next_field().await {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) => return Err(too_large(e.status(), e.body_text())),
            };
            if field.name() == Some("file") {
                let name = field.file_name().unwrap_or_default().to_string();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| too_large(e.status(), e.body_text()))?;
                found = Some((name, bytes.to_vec()));
                break;
            }
        }
        match found {
            Some(f) => f,
            None => return Err(AppError::field("file", "media-missing")),
        }
    } else {
        let bytes = Bytes::from_request(req, &state)
            .await
            .map_err(|e| too_large(e.status(), e.body_text()))?;
        (p.name.clone().unwrap_or_default(), bytes.to_vec())
    };
    let actor = Actor::user(ctx.user()?);
    match store_upload(&state, &actor, &ws.workspace, bytes, &name).await {
        Ok(m) => Ok((StatusCode::CREATED, Json(MediaOut::from(m))).into_response()),
        Err(UploadError::App(e)) => Err(e),
        Err(e) => {
            let tr = Tr::new(&state, ctx.locale);
            let status = match e {
                UploadError::Media(relais_media::MediaError::TooLarge { .. }) => {
                    StatusCode::PAYLOAD_TOO_LARGE
                }
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let title = tr.t(&format!("error-title-{}", status.as_u16()));
            let detail = e.message(&state, ctx.locale);
            Ok(problem(
                &tr,
                status,
                title,
                detail,
                &[FieldError::new("file", e.code())],
            ))
        }
    }
}
