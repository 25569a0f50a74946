//! Sessions any instance can open, and none keeps open at rest (DESIGN.md,
//! "Sessions across restarts and instances"; DECISIONS #21).
//!
//! - **Staff**: the browser holds a random token. The database keeps a
//!   keyed hash of it and her private key sealed under a key derived from
//!   the token itself, so the database alone opens no session, and any
//!   instance that sees the token does.
//! - **Reporters and supporters**: the token *is* the session: the case (or
//!   statement) id, its data key and an exact expiry, sealed under a random
//!   key of the hour. The hour's keys are kept in the database sealed under
//!   an instance key, and deleted when the hour's sessions have all expired;
//!   nothing records that she came.

use crate::keys::StaffSecret;
use crate::seal::{open_with, seal_with};
use crate::{CryptoError, DataKey, random_bytes};
use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// A random key that seals the reporter sessions begun in one hour.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SessionKey([u8; 32]);

impl std::fmt::Debug for SessionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionKey(..)")
    }
}

impl SessionKey {
    pub fn generate() -> Result<Self, CryptoError> {
        Ok(Self(random_bytes()?))
    }

    pub(crate) fn from_slice(bytes: &[u8]) -> Result<Self, CryptoError> {
        Ok(Self(bytes.try_into().map_err(|_| CryptoError::Malformed)?))
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

/// What a sealed reporter-side session is for: one kind never opens as another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseSessionPurpose {
    /// Her session on her case (the cookie, or the API's bearer token).
    Reporter,
    /// "Check on my report" right after submitting: ten minutes.
    Continue,
    /// A supporter's session on her statement.
    Supporter,
}

impl CaseSessionPurpose {
    fn label(self) -> &'static [u8] {
        match self {
            CaseSessionPurpose::Reporter => b"reporter",
            CaseSessionPurpose::Continue => b"continue",
            CaseSessionPurpose::Supporter => b"supporter",
        }
    }
}

/// An opened reporter-side session: whose case, its key, until when.
pub struct CaseSession {
    pub id: [u8; 16],
    pub key: DataKey,
    /// Milliseconds since the Unix epoch.
    pub expires_ms: i64,
}

fn case_session_aad(purpose: CaseSessionPurpose, hour: i64) -> Vec<u8> {
    [b"ombud/v1/case-session\0".as_slice(), purpose.label(), &hour.to_be_bytes()].concat()
}

/// Seals a session under the key of `hour`: id ‖ key ‖ expiry.
pub fn seal_case_session(
    key: &SessionKey,
    hour: i64,
    purpose: CaseSessionPurpose,
    session: &CaseSession,
) -> Result<Vec<u8>, CryptoError> {
    let mut plain = Zeroizing::new(Vec::with_capacity(56));
    plain.extend_from_slice(&session.id);
    session.key.with_bytes(|k| plain.extend_from_slice(k));
    plain.extend_from_slice(&session.expires_ms.to_be_bytes());
    seal_with(key.bytes(), &case_session_aad(purpose, hour), &plain)
}

/// Opens a session sealed by `seal_case_session` (its expiry is the caller's to check).
pub fn open_case_session(
    key: &SessionKey,
    hour: i64,
    purpose: CaseSessionPurpose,
    sealed: &[u8],
) -> Result<CaseSession, CryptoError> {
    let plain = Zeroizing::new(open_with(key.bytes(), &case_session_aad(purpose, hour), sealed)?);
    if plain.len() != 16 + 32 + 8 {
        return Err(CryptoError::Malformed);
    }
    let id: [u8; 16] = plain[..16].try_into().map_err(|_| CryptoError::Malformed)?;
    let key: [u8; 32] = plain[16..48].try_into().map_err(|_| CryptoError::Malformed)?;
    let expires_ms = i64::from_be_bytes(plain[48..].try_into().map_err(|_| CryptoError::Malformed)?);
    Ok(CaseSession { id, key: DataKey::from_bytes(key), expires_ms })
}

/// The key that seals a staff session's private key: derived from the
/// token only the browser holds.
fn staff_session_key(token: &str, staff_id: &[u8; 16]) -> Result<Zeroizing<[u8; 32]>, CryptoError> {
    let hk = Hkdf::<Sha256>::new(Some(b"ombud/v1/staff-session"), token.as_bytes());
    let mut key = Zeroizing::new([0u8; 32]);
    hk.expand(staff_id, key.as_mut()).map_err(|_| CryptoError::Malformed)?;
    Ok(key)
}

fn staff_session_aad(staff_id: &[u8; 16]) -> Vec<u8> {
    [b"ombud/v1/staff-session\0".as_slice(), staff_id].concat()
}

impl StaffSecret {
    /// Her unlocked key, sealed under her session token for the database.
    pub fn seal_for_session(&self, token: &str, staff_id: &[u8; 16]) -> Result<Vec<u8>, CryptoError> {
        let key = staff_session_key(token, staff_id)?;
        self.with_bytes(|secret| seal_with(&key, &staff_session_aad(staff_id), secret))
    }

    /// Her key again, from the sealed blob and the token her browser sent.
    pub fn open_for_session(sealed: &[u8], token: &str, staff_id: &[u8; 16]) -> Result<Self, CryptoError> {
        let key = staff_session_key(token, staff_id)?;
        let bytes = Zeroizing::new(open_with(&key, &staff_session_aad(staff_id), sealed)?);
        let secret: [u8; 32] = bytes.as_slice().try_into().map_err(|_| CryptoError::Malformed)?;
        Ok(Self::from_bytes(secret))
    }
}

impl crate::InstanceKeys {
    /// What the database keeps of a staff session token: a keyed hash.
    pub fn session_token_hash(&self, token: &str) -> Result<[u8; 32], CryptoError> {
        self.session_hmac(&[b"staff-session:".as_slice(), token.as_bytes()].concat())
    }

    /// An hour's session key, sealed for the database under an instance key.
    pub fn seal_session_key(&self, hour: i64, key: &SessionKey) -> Result<Vec<u8>, CryptoError> {
        self.session_seal(&hour_aad(hour), key.bytes())
    }

    pub fn open_session_key(&self, hour: i64, sealed: &[u8]) -> Result<SessionKey, CryptoError> {
        let bytes = Zeroizing::new(self.session_open(&hour_aad(hour), sealed)?);
        SessionKey::from_slice(&bytes)
    }
}

fn hour_aad(hour: i64) -> Vec<u8> {
    [b"ombud/v1/session-key\0".as_slice(), &hour.to_be_bytes()].concat()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{InstanceKeys, StaffKeys};

    #[test]
    fn a_staff_session_opens_only_with_its_token_and_account() {
        let keys = StaffKeys::generate().expect("keys");
        let (me, other) = ([1u8; 16], [2u8; 16]);
        let sealed = keys.secret.seal_for_session("token-a", &me).expect("seal");
        let opened = StaffSecret::open_for_session(&sealed, "token-a", &me).expect("open");
        assert_eq!(opened.public_key(), keys.public);
        assert!(StaffSecret::open_for_session(&sealed, "token-b", &me).is_err());
        assert!(StaffSecret::open_for_session(&sealed, "token-a", &other).is_err());
    }

    #[test]
    fn a_case_session_opens_under_its_hour_and_purpose_only() {
        let key = SessionKey::generate().expect("key");
        let data = DataKey::generate().expect("data key");
        let session = CaseSession { id: [7u8; 16], key: data.clone(), expires_ms: 1_234 };
        let sealed = seal_case_session(&key, 10, CaseSessionPurpose::Reporter, &session).expect("seal");
        let opened = open_case_session(&key, 10, CaseSessionPurpose::Reporter, &sealed).expect("open");
        assert_eq!((opened.id, opened.expires_ms), ([7u8; 16], 1_234));
        assert!(opened.key == data);
        assert!(open_case_session(&key, 11, CaseSessionPurpose::Reporter, &sealed).is_err());
        assert!(open_case_session(&key, 10, CaseSessionPurpose::Supporter, &sealed).is_err());
        let other = SessionKey::generate().expect("key");
        assert!(open_case_session(&other, 10, CaseSessionPurpose::Reporter, &sealed).is_err());
    }

    #[test]
    fn an_hours_key_opens_only_for_its_hour_and_instance() {
        let instance = InstanceKeys::from_master(&[3u8; 32]).expect("instance");
        let key = SessionKey::generate().expect("key");
        let sealed = instance.seal_session_key(5, &key).expect("seal");
        assert_eq!(instance.open_session_key(5, &sealed).expect("open").bytes(), key.bytes());
        assert!(instance.open_session_key(6, &sealed).is_err());
        let elsewhere = InstanceKeys::from_master(&[4u8; 32]).expect("instance");
        assert!(elsewhere.open_session_key(5, &sealed).is_err());
        assert_ne!(instance.session_token_hash("t").expect("hash"), elsewhere.session_token_hash("t").expect("hash"));
    }
}
