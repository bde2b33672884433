//! What can go wrong with the register, worded for the client that asked, with
//! the HTTP status each case maps to.

/// Why a register operation did not happen. Nothing is changed when one of
/// these is returned: every operation is a single transaction.
#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    /// A field of the request is wrong; the client can fix it.
    #[error("{field}: {message}")]
    Invalid {
        /// The field, named as in the request (`letters[0].subject`, `reason`).
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// The number, key or request does not exist.
    #[error("{0} not found")]
    NotFound(String),
    /// The request contradicts what the register already holds: a number
    /// cancelled twice, an idempotency key reused with another body.
    #[error("{message}")]
    Conflict {
        /// What it contradicts.
        message: String,
    },
    /// No API key, or one that is unknown or revoked.
    #[error("{0}")]
    Unauthorized(String),
    /// The API key belongs to another agency.
    #[error("{0}")]
    Forbidden(String),
    /// The database stayed locked by other writers past the busy timeout;
    /// retrying later is safe.
    #[error("the register is busy; retry shortly")]
    Busy,
    /// Not the client's fault: the database holds something this code cannot
    /// have written, its schema is newer than this program, or the operating
    /// system gave no randomness for a key.
    #[error("register: {0}")]
    Internal(String),
    /// Any other database failure.
    #[error("register database: {0}")]
    Db(rusqlite::Error),
    /// Any other PostgreSQL failure.
    #[error("register database: {0}")]
    Postgres(postgres::Error),
}

impl RegisterError {
    /// An `Invalid` error for `field`.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        RegisterError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    /// A `Conflict` error.
    pub fn conflict(message: impl Into<String>) -> Self {
        RegisterError::Conflict {
            message: message.into(),
        }
    }

    /// The HTTP status a handler should answer with, so every handler maps
    /// the same case the same way.
    pub fn http_status(&self) -> u16 {
        match self {
            RegisterError::Invalid { .. } => 422,
            RegisterError::NotFound(_) => 404,
            RegisterError::Conflict { .. } => 409,
            RegisterError::Unauthorized(_) => 401,
            RegisterError::Forbidden(_) => 403,
            RegisterError::Busy => 503,
            RegisterError::Internal(_) | RegisterError::Db(_) | RegisterError::Postgres(_) => 500,
        }
    }
}

impl From<rusqlite::Error> for RegisterError {
    /// Lock timeouts become `Busy` (a retryable 503), not an opaque 500.
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode::{DatabaseBusy, DatabaseLocked};
        match &e {
            rusqlite::Error::SqliteFailure(f, _)
                if matches!(f.code, DatabaseBusy | DatabaseLocked) =>
            {
                RegisterError::Busy
            }
            _ => RegisterError::Db(e),
        }
    }
}

impl From<postgres::Error> for RegisterError {
    /// A lock or statement timeout, a serialisation failure or a server
    /// shutting down becomes `Busy` (a retryable 503), as SQLite's locks do.
    fn from(e: postgres::Error) -> Self {
        use postgres::error::SqlState;
        let retryable = [
            SqlState::T_R_SERIALIZATION_FAILURE,
            SqlState::T_R_DEADLOCK_DETECTED,
            SqlState::LOCK_NOT_AVAILABLE,
            SqlState::QUERY_CANCELED,
            SqlState::ADMIN_SHUTDOWN,
            SqlState::CANNOT_CONNECT_NOW,
        ];
        match e.code() {
            Some(code) if retryable.contains(code) => RegisterError::Busy,
            _ if e.is_closed() => RegisterError::Busy,
            _ => RegisterError::Postgres(e),
        }
    }
}
