use ombud_crypto::CryptoError;
use ombud_domain::{DomainError, FieldError};
use ombud_store::StoreError;

/// Everything a use case can answer besides success. The web layer maps each
/// variant once, to a status code and a message in the person's language.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Input a person can fix; one entry per field.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// The case does not exist, or this person may not see it: the same answer.
    #[error("not found")]
    NotFound,
    /// The receipt matches no case, or does not open it: the same answer.
    #[error("receipt not recognised")]
    BadReceipt,
    /// Not shaped like a receipt (wrong length or check digit): a typo.
    #[error("not a receipt")]
    MalformedReceipt,
    #[error("wrong email or password")]
    BadCredentials,
    /// Her password was right; her second factor's code is needed too.
    #[error("the code from your authenticator app is needed")]
    SecondFactorRequired,
    /// The code is wrong, or was used already.
    #[error("the code is wrong or was used already")]
    SecondFactorWrong,
    /// Her role needs a second factor she has not set up yet (in the browser).
    #[error("a second factor must be set up first")]
    SecondFactorNotSetUp,
    /// She may read the case, but no reader has granted her the key yet.
    #[error("access pending")]
    AccessPending,
    /// Her role does not allow this action on a case she can see.
    #[error("not allowed for this role")]
    Forbidden,
    /// The workflow refuses this step now.
    #[error(transparent)]
    Rule(#[from] DomainError),
    /// The case is restricted: no step until oversight has settled who the
    /// accused is.
    #[error("the case waits for oversight to identify the person accused")]
    RoutingPending,
    /// She may raise her case herself only once a deadline was missed.
    #[error("no deadline of this case has passed yet")]
    EscalationNotYet,
    /// A directory file with problems; nothing of it was imported.
    #[error("the directory file has {} problem(s)", .0.len())]
    BadImport(Vec<crate::ImportProblem>),
    /// A directory-sync bearer token that is unknown or revoked.
    #[error("unknown or revoked token")]
    BadToken,
    #[error("an account with this email already exists")]
    DuplicateAccount,
    /// A one-time link that is unknown, forged, used or expired: the same answer.
    #[error("this link is not valid (used, expired or mistyped)")]
    BadTicket,
    /// The report form was sent again (a reload, a double click): its report
    /// was filed the first time, and no second case is made.
    #[error("this report was already received")]
    AlreadyReceived,
    /// The data directory's secrets do not belong to this database.
    #[error("the data directory's instance secret does not match this database")]
    InstanceMismatch,
    #[error("server configuration: {0}")]
    Config(String),
    #[error(transparent)]
    Store(StoreError),
    #[error("key handling failed: {0}")]
    Crypto(#[from] CryptoError),
}

/// One problem with one field, as the error a person sees beside it.
pub(crate) fn invalid(field: &str, code: &'static str) -> ServiceError {
    ServiceError::invalid_field(field, code)
}

impl ServiceError {
    /// One field's problem, for a caller that found it before the service (a
    /// form's date, an unknown choice).
    pub fn invalid_field(field: &str, code: &'static str) -> Self {
        ServiceError::Invalid(vec![FieldError { field: field.to_owned(), code }])
    }
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(ombud_store::Unique::FormToken, _) => ServiceError::AlreadyReceived,
            // An email, a SCIM id or a group id already taken: the caller sent it.
            StoreError::Conflict(..) => ServiceError::DuplicateAccount,
            other => ServiceError::Store(other),
        }
    }
}

impl ServiceError {
    /// True for failures that are the server's fault (a 5xx), which the web
    /// layer logs; everything else is an answer to the caller.
    pub fn is_internal(&self) -> bool {
        matches!(
            self,
            ServiceError::Store(_) | ServiceError::Crypto(_) | ServiceError::Config(_) | ServiceError::InstanceMismatch
        )
    }
}
