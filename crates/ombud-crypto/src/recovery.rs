//! The organisation recovery key (DECISIONS #2): an X25519 key pair whose
//! private half is a scalar modulo the prime order ℓ of Curve25519's group,
//! split m-of-n with Shamir's scheme over that prime field (vsss-rs) so that
//! no one holds it. Every case key is also
//! wrapped to its public half; each share is sealed to one oversight
//! member's public key. The private half is rebuilt in memory only, for one
//! operation, and dropped (zeroed) after it.

use crate::{CryptoError, DataKey, StaffSecret, random_bytes};
use curve25519_dalek::scalar::Scalar;
use rand::SeedableRng;
use vsss_rs::{DefaultShare, IdentifierPrimeField, ReadableShareSet};
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::{Zeroize, Zeroizing};

type Share = DefaultShare<IdentifierPrimeField<Scalar>, IdentifierPrimeField<Scalar>>;

/// The most holders one key is split among.
pub const MAX_HOLDERS: usize = 64;
const SHARE_LEN: usize = 64;

/// The recovery key's private half, in memory only.
pub struct RecoverySecret(Scalar);

impl Drop for RecoverySecret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl std::fmt::Debug for RecoverySecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoverySecret(..)")
    }
}

/// One holder's share: its identifier and value, 64 bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryShare(Zeroizing<[u8; SHARE_LEN]>);

impl std::fmt::Debug for RecoveryShare {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryShare(..)")
    }
}

fn share_aad(key_id: &[u8; 16], holder: &[u8; 16]) -> Vec<u8> {
    [b"ombud/v1/recovery-share\0".as_slice(), key_id, holder].concat()
}

impl RecoverySecret {
    pub fn generate() -> Result<Self, CryptoError> {
        let wide = Zeroizing::new(random_bytes::<64>()?);
        Ok(Self(Scalar::from_bytes_mod_order_wide(&wide)))
    }

    fn static_secret(&self) -> StaticSecret {
        StaticSecret::from(self.0.to_bytes())
    }

    /// A key from its 32 bytes, if they are a reduced scalar: how a test
    /// looking for a leaked key recognises one.
    pub fn from_bytes(bytes: &[u8; 32]) -> Option<Self> {
        Option::from(Scalar::from_canonical_bytes(*bytes)).map(Self)
    }

    /// The public half every case key is wrapped to.
    pub fn public_key(&self) -> [u8; 32] {
        PublicKey::from(&self.static_secret()).to_bytes()
    }

    /// Splits it among `holders`, any `threshold` of whom rebuild it.
    pub fn split(&self, threshold: usize, holders: usize) -> Result<Vec<RecoveryShare>, CryptoError> {
        if threshold < 2 || holders < threshold || holders > MAX_HOLDERS {
            return Err(CryptoError::Malformed);
        }
        let rng = rand::rngs::StdRng::from_seed(random_bytes::<32>()?);
        let shares = vsss_rs::shamir::split_secret::<Share>(threshold, holders, &IdentifierPrimeField(self.0), rng)
            .map_err(|_| CryptoError::Malformed)?;
        Ok(shares
            .iter()
            .map(|s| {
                let mut bytes = Zeroizing::new([0u8; SHARE_LEN]);
                bytes[..32].copy_from_slice(&s.identifier.0.to_bytes());
                bytes[32..].copy_from_slice(&s.value.0.to_bytes());
                RecoveryShare(bytes)
            })
            .collect())
    }

    /// Rebuilds the key from shares of one split, checked against its
    /// public half: fewer shares than the threshold, or shares of different
    /// splits, combine to another scalar without complaint, so a key that is
    /// not the one `expected` is refused here, never handed on.
    pub fn combine(shares: &[RecoveryShare], expected: &[u8; 32]) -> Result<Self, CryptoError> {
        let parsed = shares.iter().map(RecoveryShare::parse).collect::<Result<Vec<Share>, _>>()?;
        let secret = Self(parsed.combine().map_err(|_| CryptoError::Malformed)?.0);
        if !crate::constant_time_eq(&secret.public_key(), expected) {
            return Err(CryptoError::Open);
        }
        Ok(secret)
    }

    /// Opens a case key wrapped to the recovery key.
    pub fn unwrap_case_key(&self, wrapped: &[u8], aad: &[u8]) -> Result<DataKey, CryptoError> {
        crate::unwrap_key(&self.static_secret(), wrapped, aad)
    }
}

impl RecoveryShare {
    fn parse(&self) -> Result<Share, CryptoError> {
        let scalar = |bytes: &[u8]| -> Result<Scalar, CryptoError> {
            let bytes: [u8; 32] = bytes.try_into().map_err(|_| CryptoError::Malformed)?;
            Option::from(Scalar::from_canonical_bytes(bytes)).ok_or(CryptoError::Malformed)
        };
        Ok(Share {
            identifier: IdentifierPrimeField(scalar(&self.0[..32])?),
            value: IdentifierPrimeField(scalar(&self.0[32..])?),
        })
    }

    /// Sealed to one holder's public key, bound to the split and to her.
    pub fn seal_to(
        &self,
        holder_public: &[u8; 32],
        key_id: &[u8; 16],
        holder: &[u8; 16],
    ) -> Result<Vec<u8>, CryptoError> {
        crate::seal::seal_to(holder_public, self.0.as_slice(), &share_aad(key_id, holder))
    }

    /// Her share, opened with her unlocked key.
    pub fn open(
        secret: &StaffSecret,
        sealed: &[u8],
        key_id: &[u8; 16],
        holder: &[u8; 16],
    ) -> Result<Self, CryptoError> {
        let bytes = secret.open_sealed(sealed, &share_aad(key_id, holder))?;
        Self::from_slice(&bytes)
    }

    /// Sealed again to an operation's ephemeral key (an approval).
    pub fn seal_to_operation(&self, operation_public: &[u8; 32], operation: &[u8; 16]) -> Result<Vec<u8>, CryptoError> {
        crate::seal::seal_to(
            operation_public,
            self.0.as_slice(),
            &[b"ombud/v1/recovery-approval\0".as_slice(), operation].concat(),
        )
    }

    /// An approval's share, opened with the operation's ephemeral key.
    pub fn open_for_operation(
        operation_secret: &OperationSecret,
        sealed: &[u8],
        operation: &[u8; 16],
    ) -> Result<Self, CryptoError> {
        let aad = [b"ombud/v1/recovery-approval\0".as_slice(), operation].concat();
        let bytes = crate::seal::open_sealed(&operation_secret.0, sealed, &aad)?;
        Self::from_slice(&bytes)
    }

    fn from_slice(bytes: &[u8]) -> Result<Self, CryptoError> {
        let mut out = Zeroizing::new([0u8; SHARE_LEN]);
        if bytes.len() != SHARE_LEN {
            return Err(CryptoError::Malformed);
        }
        out.copy_from_slice(bytes);
        Ok(Self(out))
    }
}

/// An operation's ephemeral key (recover a case, re-split, rotate): holders
/// seal their shares to its public half; its private half is sealed to the
/// member who started it, and nothing is ever stored unlocked.
pub struct OperationSecret(StaticSecret);

impl OperationSecret {
    pub fn generate() -> Result<Self, CryptoError> {
        Ok(Self(StaticSecret::from(random_bytes::<32>()?)))
    }

    pub fn public_key(&self) -> [u8; 32] {
        PublicKey::from(&self.0).to_bytes()
    }

    fn aad(operation: &[u8; 16]) -> Vec<u8> {
        [b"ombud/v1/recovery-operation\0".as_slice(), operation].concat()
    }

    /// Sealed to the initiator's public key.
    pub fn seal_to(&self, initiator_public: &[u8; 32], operation: &[u8; 16]) -> Result<Vec<u8>, CryptoError> {
        crate::seal::seal_to(initiator_public, self.0.as_bytes(), &Self::aad(operation))
    }

    /// Opened by the initiator's unlocked key.
    pub fn open(initiator: &StaffSecret, sealed: &[u8], operation: &[u8; 16]) -> Result<Self, CryptoError> {
        let bytes = initiator.open_sealed(sealed, &Self::aad(operation))?;
        let bytes: [u8; 32] = bytes.as_slice().try_into().map_err(|_| CryptoError::Malformed)?;
        Ok(Self(StaticSecret::from(bytes)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{StaffKeys, wrap_key};

    #[test]
    fn any_two_of_three_rebuild_the_key_and_one_does_not() {
        let secret = RecoverySecret::generate().expect("key");
        let public = secret.public_key();
        let case_key = DataKey::generate().expect("case key");
        let wrapped = wrap_key(&public, &case_key, b"case 1").expect("wrap");
        let shares = secret.split(2, 3).expect("split");
        assert_eq!(shares.len(), 3);
        for pair in [[0, 1], [0, 2], [1, 2]] {
            let chosen = [shares[pair[0]].clone(), shares[pair[1]].clone()];
            let rebuilt = RecoverySecret::combine(&chosen, &public).expect("combine");
            assert!(rebuilt.unwrap_case_key(&wrapped, b"case 1").expect("open") == case_key, "{pair:?}");
        }
        assert!(RecoverySecret::combine(&shares[..1], &public).is_err(), "one share is not the key");
        let three = secret.split(3, 3).expect("split");
        assert_eq!(RecoverySecret::combine(&three[..2], &public).err(), Some(CryptoError::Open), "two of a 3-of-3");
        let other = RecoverySecret::generate().expect("key").split(2, 3).expect("split");
        let mixed = RecoverySecret::combine(&[shares[0].clone(), other[1].clone()], &public);
        assert_eq!(mixed.err(), Some(CryptoError::Open), "shares of different splits do not combine");
        let twice = RecoverySecret::combine(&[shares[0].clone(), shares[0].clone()], &public);
        assert!(twice.is_err(), "one holder's share twice is one share");
        assert!(secret.split(1, 3).is_err() && secret.split(3, 2).is_err(), "a threshold of at least two, at most n");
    }

    #[test]
    fn a_share_opens_only_for_its_holder_and_an_approval_only_for_its_operation() {
        let holder = StaffKeys::generate().expect("keys");
        let initiator = StaffKeys::generate().expect("keys");
        let share = RecoverySecret::generate().expect("key").split(2, 2).expect("split").remove(0);
        let sealed = share.seal_to(&holder.public, &[1; 16], &[2; 16]).expect("seal");
        assert!(RecoveryShare::open(&holder.secret, &sealed, &[1; 16], &[2; 16]).expect("open") == share);
        assert!(RecoveryShare::open(&initiator.secret, &sealed, &[1; 16], &[2; 16]).is_err());
        assert!(RecoveryShare::open(&holder.secret, &sealed, &[1; 16], &[3; 16]).is_err(), "bound to her");

        let operation = OperationSecret::generate().expect("op");
        let sealed_op = operation.seal_to(&initiator.public, &[9; 16]).expect("seal");
        let opened = OperationSecret::open(&initiator.secret, &sealed_op, &[9; 16]).expect("open");
        assert!(OperationSecret::open(&holder.secret, &sealed_op, &[9; 16]).is_err(), "only the initiator");
        let approval = share.seal_to_operation(&operation.public_key(), &[9; 16]).expect("approve");
        assert!(RecoveryShare::open_for_operation(&opened, &approval, &[9; 16]).expect("open") == share);
        assert!(RecoveryShare::open_for_operation(&opened, &approval, &[8; 16]).is_err(), "bound to the operation");
    }
}
