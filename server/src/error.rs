//! One error type for the whole server, mapped to an HTTP status (plan D5). Messages are French
//! and meant for the person who sees them; an internal error is logged with its cause and shown
//! only as a generic message, so no detail of the database or of a secret reaches a page.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// What went wrong.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No such election, elector, page…
    #[error("{0}")]
    NotFound(String),
    /// The request is malformed (unreadable JSON, wrong field).
    #[error("{0}")]
    BadRequest(String),
    /// Not logged in, or the login failed (generic message, never says which part was wrong).
    #[error("{0}")]
    Unauthorized(String),
    /// Logged in but not allowed (CSRF token missing, no right in this election…).
    #[error("{0}")]
    Forbidden(String),
    /// Refused by a rule: a ballot that does not verify, a credential that has voted, a vote
    /// outside the window, a step of the set-up out of order. The message says which rule.
    #[error("{0}")]
    Refused(String),
    /// Too many attempts.
    #[error("{0}")]
    TooManyAttempts(String),
    /// A fault of the server (database down…): logged, shown generically.
    #[error("erreur interne : {0}")]
    Internal(String),
}

impl Error {
    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::BadRequest(_) => StatusCode::BAD_REQUEST,
            Error::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Error::Refused(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Error::TooManyAttempts(_) => StatusCode::TOO_MANY_REQUESTS,
            Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// What the client is shown.
    pub fn public_message(&self) -> String {
        match self {
            Error::Internal(_) => {
                "Le service rencontre une difficulté technique. Réessayez dans quelques instants ; \
                 si le problème persiste, contactez l'ordre."
                    .to_owned()
            }
            other => other.to_string(),
        }
    }

    /// A short machine-readable code for the JSON API.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotFound(_) => "introuvable",
            Error::BadRequest(_) => "requete_invalide",
            Error::Unauthorized(_) => "non_authentifie",
            Error::Forbidden(_) => "interdit",
            Error::Refused(_) => "refuse",
            Error::TooManyAttempts(_) => "trop_de_tentatives",
            Error::Internal(_) => "erreur_interne",
        }
    }

    /// An internal error from any displayable cause.
    pub fn internal(e: impl std::fmt::Display) -> Self {
        Error::Internal(e.to_string())
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        Error::Internal(format!("base de données : {e}"))
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        if let Error::Internal(cause) = &self {
            tracing::error!(%cause, "erreur interne");
        }
        let body = serde_json::json!({
            "erreur": self.code(),
            "message": self.public_message(),
        });
        (self.status(), axum::Json(body)).into_response()
    }
}

/// Result with the server's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
