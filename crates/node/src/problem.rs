//! API errors as RFC 9457 `application/problem+json` documents with a stable `type`.
//!
//! `type` is `urn:sharestat:problem:<slug>`; clients switch on it, humans read `title` and
//! `detail`. Details name the offending field, row, route or node but never a private value or
//! a token.
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The problem document, shared with the client (re-exported here for the routes' OpenAPI
/// annotations).
pub use sharestat_wire::Problem;

/// An error returned by a route handler.
#[derive(Clone, Debug)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable slug (the end of `type`).
    pub slug: &'static str,
    /// Human title.
    pub title: &'static str,
    /// Instance detail.
    pub detail: String,
}

macro_rules! ctor {
    ($name:ident, $status:ident, $slug:literal, $title:literal) => {
        #[doc = concat!("`", $slug, "`: ", $title, ".")]
        pub fn $name(detail: impl Into<String>) -> ApiError {
            ApiError {
                status: StatusCode::$status,
                slug: $slug,
                title: $title,
                detail: detail.into(),
            }
        }
    };
}

impl ApiError {
    ctor!(
        unauthorized,
        UNAUTHORIZED,
        "unauthorized",
        "Authentication required"
    );
    ctor!(
        forbidden,
        FORBIDDEN,
        "forbidden",
        "Not allowed for this role or study"
    );
    ctor!(not_found, NOT_FOUND, "not-found", "No such resource");
    ctor!(
        bad_request,
        BAD_REQUEST,
        "bad-request",
        "The request is invalid"
    );
    ctor!(
        conflict,
        CONFLICT,
        "conflict",
        "The resource already exists or is in use"
    );
    ctor!(
        query,
        UNPROCESSABLE_ENTITY,
        "query-error",
        "The query does not parse or would show private data"
    );
    ctor!(
        too_many_requests,
        TOO_MANY_REQUESTS,
        "too-many-queries",
        "Too many queries of this user at once"
    );
    ctor!(
        refused_by_peer,
        FORBIDDEN,
        "refused-by-peer",
        "Another node refused the job"
    );
    ctor!(
        peer_unavailable,
        BAD_GATEWAY,
        "peer-unavailable",
        "Another node is unreachable"
    );
    ctor!(
        job_failed,
        INTERNAL_SERVER_ERROR,
        "job-failed",
        "The job failed"
    );
    ctor!(
        internal,
        INTERNAL_SERVER_ERROR,
        "internal",
        "Internal error"
    );

    /// The problem document.
    pub fn problem(&self) -> Problem {
        Problem {
            kind: format!("urn:sharestat:problem:{}", self.slug),
            title: self.title.into(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.problem()).expect("problem serialises");
        (
            self.status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response()
    }
}

impl From<sharestat_store::StoreError> for ApiError {
    fn from(e: sharestat_store::StoreError) -> Self {
        use sharestat_store::StoreError as E;
        match e {
            E::Exists { .. } => ApiError::conflict(e.to_string()),
            E::Invalid { .. } => ApiError::bad_request(e.to_string()),
            E::NotFound { .. } => ApiError::not_found(e.to_string()),
            other => {
                tracing::error!(error = %other, "storage error");
                ApiError::internal("storage error; see the node's log")
            }
        }
    }
}

/// JSON body extractor whose rejections are problem documents naming the field and position.
pub struct Body<T>(pub T);

impl<S, T> axum::extract::FromRequest<S> for Body<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Body(v)),
            Err(e) => Err(ApiError::bad_request(e.body_text())),
        }
    }
}
