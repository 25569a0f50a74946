//! The only crate that touches key material.
//!
//! Construction (versioned by a leading byte on every blob):
//! - **Items** are sealed with XChaCha20-Poly1305 under a random 256-bit case
//!   data key; the associated data binds the case id, the item id and the kind
//!   of item, so a ciphertext cannot be moved to another case or slot.
//! - **Wraps to staff**: ephemeral-static X25519, HKDF-SHA256 over the shared
//!   secret and both public keys, then XChaCha20-Poly1305 over the data key
//!   (the shape of an age X25519 stanza or HPKE base mode, without their
//!   dependency weight).
//! - **Staff private keys** are sealed under a key derived from the password by
//!   Argon2id; opening the seal is also the password check, so a sign-in costs
//!   one derivation, not two.
//! - **Receipts** are 27 random decimal digits plus one Damm check digit. The
//!   server finds a case by an HMAC of the receipt under an instance key (O(1),
//!   no scan) and opens it with a key derived from the receipt by Argon2id.
//! - **Second factor**: a TOTP secret (RFC 6238) sealed to her own public key,
//!   so only a session her password unlocked can check a code; recovery
//!   codes as keyed hashes.
//! - **Recovery key** (DECISIONS #2): an X25519 pair whose private scalar is
//!   split m-of-n with Shamir's scheme over Curve25519's prime field; each
//!   share sealed to a holder, each approval to an operation's ephemeral key.
#![forbid(unsafe_code)]

mod kdf;
mod keys;
mod receipt;
mod recovery;
mod seal;
mod second_factor;
mod sessions;

pub use kdf::KdfParams;
pub use keys::{
    ActorKey, InstanceKeys, LeafActor, StaffKeys, StaffSecret, burn_derivation, seal_staff_secret, unseal_staff_secret,
};
pub use receipt::{Receipt, ReceiptKey};
pub use recovery::{MAX_HOLDERS, OperationSecret, RecoverySecret, RecoveryShare};
pub use seal::{DataKey, item_aad, unwrap_key, wrap_key};
pub use second_factor::{RECOVERY_CODES, TotpSecret, new_recovery_codes, normalize_recovery_code, totp_step};
pub use sessions::{CaseSession, CaseSessionPurpose, SessionKey, open_case_session, seal_case_session};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    /// A seal did not open: wrong key, wrong context, or tampered bytes.
    #[error("sealed data could not be opened")]
    Open,
    #[error("sealed data is malformed")]
    Malformed,
    #[error("the password or receipt is wrong")]
    WrongSecret,
    #[error("invalid key derivation parameters: {0}")]
    Kdf(String),
    #[error("the operating system's random number generator failed")]
    Random,
    #[error("not a receipt")]
    NotAReceipt,
}

/// Fills `N` bytes from the operating system's generator.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).map_err(|_| CryptoError::Random)?;
    Ok(out)
}

/// An unguessable token for sessions and CSRF, URL-safe.
pub fn random_token() -> Result<String, CryptoError> {
    use base64::Engine;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<32>()?))
}

/// Compares two secrets without leaking where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// A uniformly random integer below `bound` (rejection sampling, no modulo bias).
pub fn random_below(bound: u64) -> Result<u64, CryptoError> {
    let zone = u64::MAX - (u64::MAX % bound);
    loop {
        let v = u64::from_le_bytes(random_bytes::<8>()?);
        if v < zone {
            return Ok(v % bound);
        }
    }
}
