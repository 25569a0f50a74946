//! Case data keys: sealing items, and wrapping the key to staff public keys.

use crate::{CryptoError, random_bytes};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use sha2::Sha256;
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// Format byte of every blob this module writes.
const VERSION: u8 = 1;
const NONCE_LEN: usize = 24;

/// A case's 256-bit data key. Never stored in clear; dropped keys are zeroed.
#[derive(Clone, Zeroize, ZeroizeOnDrop, PartialEq, Eq)]
pub struct DataKey([u8; 32]);

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(..)")
    }
}

/// Associated data for an item: binds the ciphertext to its case, its id and
/// what kind of thing it is ("report", "message", "attachment-body"…).
pub fn item_aad(case_id: &[u8; 16], item_id: &[u8; 16], kind: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(48 + kind.len());
    aad.extend_from_slice(b"ombud/v1/item\0");
    aad.extend_from_slice(case_id);
    aad.extend_from_slice(item_id);
    aad.extend_from_slice(kind.as_bytes());
    aad
}

impl DataKey {
    pub fn generate() -> Result<Self, CryptoError> {
        Ok(Self(random_bytes()?))
    }

    pub(crate) fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    pub(crate) fn with_bytes<T>(&self, f: impl FnOnce(&[u8; 32]) -> T) -> T {
        f(&self.0)
    }

    /// version ‖ nonce ‖ ciphertext+tag
    pub fn seal(&self, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        seal_with(&self.0, aad, plaintext)
    }

    pub fn open(&self, aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
        open_with(&self.0, aad, sealed)
    }
}

pub(crate) fn seal_with(key: &[u8; 32], aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let cipher = XChaCha20Poly1305::new(key.into());
    let nonce_bytes: [u8; NONCE_LEN] = random_bytes()?;
    let nonce = XNonce::from(nonce_bytes);
    let ct = cipher.encrypt(&nonce, Payload { msg: plaintext, aad }).map_err(|_| CryptoError::Malformed)?;
    let mut out = Vec::with_capacity(1 + NONCE_LEN + ct.len());
    out.push(VERSION);
    out.extend_from_slice(&nonce_bytes);
    out.extend_from_slice(&ct);
    Ok(out)
}

pub(crate) fn open_with(key: &[u8; 32], aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let (&version, rest) = sealed.split_first().ok_or(CryptoError::Malformed)?;
    if version != VERSION || rest.len() < NONCE_LEN + 16 {
        return Err(CryptoError::Malformed);
    }
    let (nonce, ct) = rest.split_at(NONCE_LEN);
    let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| CryptoError::Malformed)?;
    let cipher = XChaCha20Poly1305::new(key.into());
    cipher.decrypt(&XNonce::from(nonce), Payload { msg: ct, aad }).map_err(|_| CryptoError::Open)
}

/// Derives the key-encryption key of a wrap from an X25519 shared secret.
fn wrap_kek(
    shared: &[u8; 32],
    ephemeral: &[u8; 32],
    recipient: &[u8; 32],
) -> Result<zeroize::Zeroizing<[u8; 32]>, CryptoError> {
    let mut salt = [0u8; 64];
    salt[..32].copy_from_slice(ephemeral);
    salt[32..].copy_from_slice(recipient);
    let mut kek = zeroize::Zeroizing::new([0u8; 32]);
    Hkdf::<Sha256>::new(Some(&salt), shared)
        .expand(b"ombud/v1/wrap", kek.as_mut())
        .map_err(|_| CryptoError::Malformed)?;
    Ok(kek)
}

/// Seals bytes to one recipient's X25519 public key.
/// Output: version ‖ ephemeral public key ‖ sealed bytes.
pub(crate) fn seal_to(recipient: &[u8; 32], plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let ephemeral = StaticSecret::from(random_bytes::<32>()?);
    let ephemeral_public = PublicKey::from(&ephemeral);
    let shared = ephemeral.diffie_hellman(&PublicKey::from(*recipient));
    if !shared.was_contributory() {
        return Err(CryptoError::Malformed);
    }
    let kek = wrap_kek(shared.as_bytes(), ephemeral_public.as_bytes(), recipient)?;
    let mut out = Vec::with_capacity(1 + 32 + 1 + NONCE_LEN + 16 + plaintext.len());
    out.push(VERSION);
    out.extend_from_slice(ephemeral_public.as_bytes());
    out.extend_from_slice(&seal_with(&kek, aad, plaintext)?);
    Ok(out)
}

/// Opens what `seal_to` sealed, with the recipient's secret key.
pub(crate) fn open_sealed(secret: &StaticSecret, sealed: &[u8], aad: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let (&version, rest) = sealed.split_first().ok_or(CryptoError::Malformed)?;
    if version != VERSION || rest.len() < 32 {
        return Err(CryptoError::Malformed);
    }
    let (ephemeral, body) = rest.split_at(32);
    let ephemeral: [u8; 32] = ephemeral.try_into().map_err(|_| CryptoError::Malformed)?;
    let recipient = PublicKey::from(secret);
    let shared = secret.diffie_hellman(&PublicKey::from(ephemeral));
    let kek = wrap_kek(shared.as_bytes(), &ephemeral, recipient.as_bytes())?;
    Ok(Zeroizing::new(open_with(&kek, aad, body)?))
}

/// Wraps a data key to one recipient's X25519 public key.
pub fn wrap_key(recipient: &[u8; 32], key: &DataKey, aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
    seal_to(recipient, &key.0, aad)
}

/// Opens a wrap with the recipient's secret key.
pub fn unwrap_key(secret: &StaticSecret, wrapped: &[u8], aad: &[u8]) -> Result<DataKey, CryptoError> {
    let bytes = open_sealed(secret, wrapped, aad)?;
    let key: [u8; 32] = bytes.as_slice().try_into().map_err(|_| CryptoError::Malformed)?;
    Ok(DataKey(key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sealed_items_are_bound_to_their_context() {
        let key = DataKey::generate().expect("key");
        let aad = item_aad(&[1; 16], &[2; 16], "report");
        let sealed = key.seal(&aad, "性骚扰 sentinel".as_bytes()).expect("seal");
        assert_eq!(key.open(&aad, &sealed).expect("open"), "性骚扰 sentinel".as_bytes());
        assert_eq!(key.open(&item_aad(&[9; 16], &[2; 16], "report"), &sealed), Err(CryptoError::Open));
        assert_eq!(key.open(&item_aad(&[1; 16], &[2; 16], "message"), &sealed), Err(CryptoError::Open));
        let other = DataKey::generate().expect("key");
        assert_eq!(other.open(&aad, &sealed), Err(CryptoError::Open));
        let mut tampered = sealed.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert_eq!(key.open(&aad, &tampered), Err(CryptoError::Open));
        assert_eq!(key.open(&aad, &sealed[..10]), Err(CryptoError::Malformed));
    }

    #[test]
    fn wraps_open_only_for_their_recipient() {
        let alice = StaticSecret::from([7u8; 32]);
        let bob = StaticSecret::from([8u8; 32]);
        let key = DataKey::generate().expect("key");
        let wrapped = wrap_key(PublicKey::from(&alice).as_bytes(), &key, b"case-1").expect("wrap");
        assert_eq!(unwrap_key(&alice, &wrapped, b"case-1").expect("unwrap"), key);
        assert!(unwrap_key(&bob, &wrapped, b"case-1").is_err());
        assert!(unwrap_key(&alice, &wrapped, b"case-2").is_err());
    }

    proptest! {
        #[test]
        fn seal_open_round_trip(data in proptest::collection::vec(any::<u8>(), 0..2048), kind in "[a-z-]{1,20}") {
            let key = DataKey::generate().expect("key");
            let aad = item_aad(&[3; 16], &[4; 16], &kind);
            let sealed = key.seal(&aad, &data).expect("seal");
            prop_assert_eq!(key.open(&aad, &sealed).expect("open"), data);
        }
    }
}
