//! Argon2id parameters, stored beside every salt so they can be raised later
//! without locking anyone out.

use crate::CryptoError;
use zeroize::Zeroizing;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Iterations.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl Default for KdfParams {
    /// The OWASP minimum for Argon2id: 19 MiB, 2 iterations, 1 lane.
    fn default() -> Self {
        Self { m_kib: 19 * 1024, t: 2, p: 1 }
    }
}

impl KdfParams {
    pub const ENCODED_LEN: usize = 12;

    pub fn encode(&self) -> [u8; Self::ENCODED_LEN] {
        let mut out = [0u8; Self::ENCODED_LEN];
        out[0..4].copy_from_slice(&self.m_kib.to_le_bytes());
        out[4..8].copy_from_slice(&self.t.to_le_bytes());
        out[8..12].copy_from_slice(&self.p.to_le_bytes());
        out
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, CryptoError> {
        let word = |i: usize| -> Result<u32, CryptoError> {
            let b: [u8; 4] = bytes.get(i..i + 4).and_then(|s| s.try_into().ok()).ok_or(CryptoError::Malformed)?;
            Ok(u32::from_le_bytes(b))
        };
        Ok(Self { m_kib: word(0)?, t: word(4)?, p: word(8)? })
    }

    /// Checks the parameters are acceptable to Argon2 before anyone relies on them.
    pub fn validate(&self) -> Result<(), CryptoError> {
        argon2::Params::new(self.m_kib, self.t, self.p, Some(32))
            .map(|_| ())
            .map_err(|e| CryptoError::Kdf(e.to_string()))
    }

    /// Argon2id(secret, salt) → 32 bytes. Slow on purpose; call it off the async runtime.
    pub fn derive(&self, secret: &[u8], salt: &[u8]) -> Result<Zeroizing<[u8; 32]>, CryptoError> {
        let params =
            argon2::Params::new(self.m_kib, self.t, self.p, Some(32)).map_err(|e| CryptoError::Kdf(e.to_string()))?;
        let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        let mut out = Zeroizing::new([0u8; 32]);
        argon.hash_password_into(secret, salt, out.as_mut()).map_err(|e| CryptoError::Kdf(e.to_string()))?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_round_trip_and_derivation_is_deterministic() {
        let p = KdfParams { m_kib: 1024, t: 1, p: 1 };
        assert_eq!(KdfParams::decode(&p.encode()), Ok(p));
        assert!(KdfParams::decode(&[1, 2]).is_err());
        let a = p.derive(b"pw", b"saltsaltsaltsalt").expect("derive");
        let b = p.derive(b"pw", b"saltsaltsaltsalt").expect("derive");
        let c = p.derive(b"pX", b"saltsaltsaltsalt").expect("derive");
        assert_eq!(*a, *b);
        assert_ne!(*a, *c);
        assert!(KdfParams { m_kib: 1, t: 0, p: 0 }.validate().is_err());
    }
}
