//! Why an upload step was refused, as the upload domain sees it; the API maps each kind to its
//! HTTP answer (`From<UploadError> for ApiError`), the peer side to its refusal.
use crate::problem::ApiError;
use sharestat_store::StoreError;

/// A refused or failed upload step.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UploadError {
    /// The caller may not do this with this site, upload or dataset (403).
    #[error("{0}")]
    Forbidden(String),
    /// The request contradicts the study, its policy or the upload (400).
    #[error("{0}")]
    Invalid(String),
    /// The study or the data already stored do not allow it (409).
    #[error("{0}")]
    Conflict(String),
    /// No such study or upload (404).
    #[error("{0}")]
    NotFound(String),
    /// Storage refused or failed (answered as every storage error is).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Refused by another part of the node (authentication, the study's rules) or by a peer,
    /// already as an API error.
    #[error("{}", .0.detail)]
    Api(ApiError),
    /// The task storing a chunk did not finish (500).
    #[error("chunk task failed")]
    Task,
}

impl From<ApiError> for UploadError {
    fn from(e: ApiError) -> Self {
        UploadError::Api(e)
    }
}

impl From<UploadError> for ApiError {
    fn from(e: UploadError) -> Self {
        match e {
            UploadError::Forbidden(d) => ApiError::forbidden(d),
            UploadError::Invalid(d) => ApiError::bad_request(d),
            UploadError::Conflict(d) => ApiError::conflict(d),
            UploadError::NotFound(d) => ApiError::not_found(d),
            UploadError::Store(e) => e.into(),
            UploadError::Api(e) => e,
            UploadError::Task => ApiError::internal("chunk task failed"),
        }
    }
}
