//! Checkpoints in the C2SP tlog-checkpoint format, as C2SP signed notes
//! with an Ed25519 signature (signature type 0x01).
//!
//! ```text
//! <origin>
//! <tree size>
//! <base64 root hash>
//!
//! — <key name> <base64(key hash ‖ signature)>
//! ```

use crate::{Hash, LedgerError, Result, b64, unb64_hash};
use base64::Engine;
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
}

impl Checkpoint {
    /// The signed text: three lines, each ending in a newline.
    pub fn body(&self) -> String {
        format!("{}\n{}\n{}\n", self.origin, self.size, b64(&self.root))
    }

    fn parse_body(body: &str) -> Result<Self> {
        let bad = |why: &str| LedgerError::MalformedCheckpoint(why.to_owned());
        let mut lines = body.strip_suffix('\n').ok_or_else(|| bad("no final newline"))?.split('\n');
        let origin = lines.next().filter(|o| !o.is_empty()).ok_or_else(|| bad("no origin"))?.to_owned();
        let size = lines.next().and_then(|s| s.parse().ok()).ok_or_else(|| bad("no tree size"))?;
        let root = lines.next().and_then(unb64_hash).ok_or_else(|| bad("no root hash"))?;
        // Extension lines may follow; Ombud writes none and reads none.
        Ok(Self { origin, size, root })
    }
}

/// The public half of the instance's signing key, in the signed-note
/// verifier-key form `<name>+<hex key hash>+<base64(0x01 ‖ public key)>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifierKey {
    pub name: String,
    pub public: [u8; 32],
}

const ED25519: u8 = 0x01;

impl VerifierKey {
    pub fn new(name: &str, public: [u8; 32]) -> Self {
        Self { name: name.to_owned(), public }
    }

    /// The first four bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key).
    pub fn key_hash(&self) -> [u8; 4] {
        let mut h = Sha256::new();
        h.update(self.name.as_bytes());
        h.update(b"\n");
        h.update([ED25519]);
        h.update(self.public);
        let d = h.finalize();
        [d[0], d[1], d[2], d[3]]
    }

    pub fn encode(&self) -> String {
        let hash: String = self.key_hash().iter().map(|b| format!("{b:02x}")).collect();
        let mut key = vec![ED25519];
        key.extend_from_slice(&self.public);
        format!("{}+{hash}+{}", self.name, b64(&key))
    }

    pub fn parse(s: &str) -> Result<Self> {
        let bad = |why: &str| LedgerError::MalformedKey(why.to_owned());
        // The name may not contain '+'; the base64 key may, so split from the left.
        let mut parts = s.trim().splitn(3, '+');
        let name = parts.next().filter(|n| !n.is_empty()).ok_or_else(|| bad("no name"))?;
        let hash = parts.next().ok_or_else(|| bad("no key hash"))?;
        let key = parts.next().ok_or_else(|| bad("no key"))?;
        let key = base64::engine::general_purpose::STANDARD.decode(key).map_err(|_| bad("key is not base64"))?;
        let (&alg, public) = key.split_first().ok_or_else(|| bad("empty key"))?;
        if alg != ED25519 {
            return Err(bad("not an Ed25519 key"));
        }
        let public: [u8; 32] = public.try_into().map_err(|_| bad("wrong key length"))?;
        let vk = Self::new(name, public);
        let expected: String = vk.key_hash().iter().map(|b| format!("{b:02x}")).collect();
        if expected != hash {
            return Err(bad("key hash does not match"));
        }
        Ok(vk)
    }
}

/// Formats a signed note from a checkpoint and a signature over its body.
pub fn signed_note(checkpoint: &Checkpoint, key: &VerifierKey, signature: &[u8; 64]) -> String {
    let mut sig = key.key_hash().to_vec();
    sig.extend_from_slice(signature);
    format!("{}\n\u{2014} {} {}\n", checkpoint.body(), key.name, b64(&sig))
}

/// Checks a note's signature by `key` and returns its checkpoint.
pub fn verify_note(note: &str, key: &VerifierKey) -> Result<Checkpoint> {
    let bad = |why: &str| LedgerError::MalformedCheckpoint(why.to_owned());
    let (body, signatures) = note.split_once("\n\n").ok_or_else(|| bad("no signature block"))?;
    let body = format!("{body}\n");
    let verifying =
        VerifyingKey::from_bytes(&key.public).map_err(|_| LedgerError::MalformedKey("not a curve point".into()))?;
    let prefix = format!("\u{2014} {} ", key.name);
    for line in signatures.lines() {
        let Some(sig) = line.strip_prefix(&prefix) else {
            continue;
        };
        let sig = base64::engine::general_purpose::STANDARD.decode(sig).map_err(|_| bad("signature is not base64"))?;
        if sig.len() != 68 || sig[..4] != key.key_hash() {
            continue;
        }
        let signature = Signature::from_slice(&sig[4..]).map_err(|_| LedgerError::BadSignature)?;
        verifying.verify(body.as_bytes(), &signature).map_err(|_| LedgerError::BadSignature)?;
        return Checkpoint::parse_body(&body);
    }
    Err(LedgerError::BadSignature)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};

    #[test]
    fn notes_sign_verify_and_refuse_tampering() {
        let signing = SigningKey::from_bytes(&[9u8; 32]);
        let key = VerifierKey::new("ombud.example/log", signing.verifying_key().to_bytes());
        assert_eq!(VerifierKey::parse(&key.encode()), Ok(key.clone()));
        // Keys whose base64 holds '+' or '/' parse too.
        for seed in 0u8..40 {
            let k = VerifierKey::new("n", SigningKey::from_bytes(&[seed; 32]).verifying_key().to_bytes());
            assert_eq!(VerifierKey::parse(&k.encode()), Ok(k));
        }
        let cp = Checkpoint { origin: "ombud.example/log".into(), size: 42, root: [7u8; 32] };
        let note = signed_note(&cp, &key, &signing.sign(cp.body().as_bytes()).to_bytes());
        assert!(note.starts_with("ombud.example/log\n42\n"));
        assert_eq!(verify_note(&note, &key), Ok(cp));
        assert_eq!(verify_note(&note.replace("\n42\n", "\n43\n"), &key), Err(LedgerError::BadSignature));
        let other =
            VerifierKey::new("ombud.example/log", SigningKey::from_bytes(&[8u8; 32]).verifying_key().to_bytes());
        assert!(verify_note(&note, &other).is_err());
        assert!(VerifierKey::parse("nonsense").is_err());
    }
}
