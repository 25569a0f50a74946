//! A staff member's second factor: a TOTP secret (RFC 6238: HMAC-SHA1,
//! six digits, 30-second steps, one step of drift either way) and her
//! single-use recovery codes.
//!
//! At rest the TOTP secret is sealed to her own public key, so it opens only
//! in a session her password unlocked: a copy of the database, even with the
//! instance secret, yields no code. Recovery codes are kept as keyed hashes.

use crate::{CryptoError, StaffSecret, random_below, random_bytes};
use totp_rs::{Algorithm, Builder, Totp};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// 160 bits, as RFC 4226 recommends.
const SECRET_LEN: usize = 20;
const DIGITS: usize = 6;
const STEP_SECONDS: u64 = 30;
/// Recovery codes: ten characters each, from an alphabet without look-alikes
/// (no 0/o, 1/l/i), about 49 bits.
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
const RECOVERY_LEN: usize = 10;
pub const RECOVERY_CODES: usize = 10;

/// A TOTP secret in memory only; dropped secrets are zeroed.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct TotpSecret([u8; SECRET_LEN]);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(..)")
    }
}

fn second_factor_aad(staff_id: &[u8; 16]) -> Vec<u8> {
    [b"ombud/v1/second-factor\0".as_slice(), staff_id].concat()
}

impl TotpSecret {
    pub fn generate() -> Result<Self, CryptoError> {
        Ok(Self(random_bytes()?))
    }

    /// A secret as an authenticator app shows it (base32; spaces and case
    /// ignored).
    pub fn from_base32(text: &str) -> Result<Self, CryptoError> {
        let text: String = text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
        let secret = totp_rs::Secret::try_from_base32(text).map_err(|_| CryptoError::Malformed)?;
        Self::from_slice(secret.as_bytes())
    }

    pub(crate) fn from_slice(bytes: &[u8]) -> Result<Self, CryptoError> {
        Ok(Self(bytes.try_into().map_err(|_| CryptoError::Malformed)?))
    }

    pub(crate) fn bytes(&self) -> &[u8; SECRET_LEN] {
        &self.0
    }

    fn totp(&self, account: &str) -> Result<Totp, CryptoError> {
        // The label may not hold a colon (it separates issuer and account).
        Builder::new()
            .with_algorithm(Algorithm::SHA1)
            .with_digits(DIGITS as u8)
            .with_skew(1)
            .with_step_duration(STEP_SECONDS)
            .with_secret(self.0.to_vec())
            .with_issuer(Some("Ombud"))
            .with_account_name(account.replace(':', "_"))
            .build()
            .map_err(|_| CryptoError::Malformed)
    }

    /// The secret as an authenticator app takes it typed in: base32, in
    /// groups of four.
    pub fn base32(&self) -> Result<String, CryptoError> {
        let text = self.totp("staff")?.secret().to_base32();
        Ok(text.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" "))
    }

    /// The `otpauth://` address a QR code carries.
    pub fn otpauth_url(&self, account: &str) -> Result<Zeroizing<String>, CryptoError> {
        Ok(Zeroizing::new(self.totp(account)?.to_url().map_err(|_| CryptoError::Malformed)?))
    }

    /// The time step a code belongs to, if it is right at `unix_seconds`
    /// (one step either way). Spaces are ignored.
    pub fn check(&self, code: &str, unix_seconds: u64) -> Option<u64> {
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        self.totp("staff").ok()?.check(&code, unix_seconds)
    }

    /// The code for a time (for tests and the command line's own checks).
    pub fn code_at(&self, unix_seconds: u64) -> Result<String, CryptoError> {
        Ok(self.totp("staff")?.generate(unix_seconds).to_string())
    }

    /// Sealed to her public key, bound to her account.
    pub fn seal_to(&self, public_key: &[u8; 32], staff_id: &[u8; 16]) -> Result<Vec<u8>, CryptoError> {
        crate::seal::seal_to(public_key, &self.0, &second_factor_aad(staff_id))
    }

    /// Opens her sealed secret with her unlocked key.
    pub fn open(secret: &StaffSecret, sealed: &[u8], staff_id: &[u8; 16]) -> Result<Self, CryptoError> {
        let bytes = secret.open_sealed(sealed, &second_factor_aad(staff_id))?;
        Self::from_slice(&bytes)
    }
}

/// The time step a Unix time falls in.
pub fn totp_step(unix_seconds: u64) -> u64 {
    unix_seconds / STEP_SECONDS
}

/// A fresh set of recovery codes, shown once, as `abcde-fghjk`.
pub fn new_recovery_codes() -> Result<Vec<String>, CryptoError> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let chars = (0..RECOVERY_LEN)
                .map(|_| random_below(RECOVERY_ALPHABET.len() as u64).map(|i| RECOVERY_ALPHABET[i as usize] as char))
                .collect::<Result<String, _>>()?;
            Ok(format!("{}-{}", &chars[..RECOVERY_LEN / 2], &chars[RECOVERY_LEN / 2..]))
        })
        .collect()
}

/// A recovery code as typed (any case, spaces or dashes), in the form it is
/// hashed in; None when it cannot be one.
pub fn normalize_recovery_code(typed: &str) -> Option<String> {
    let code: String = typed.chars().filter(|c| !c.is_whitespace() && *c != '-').flat_map(char::to_lowercase).collect();
    (code.len() == RECOVERY_LEN && code.bytes().all(|b| RECOVERY_ALPHABET.contains(&b))).then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B's SHA-1 vectors (its 20-byte ASCII secret), six digits.
    #[test]
    fn codes_match_the_rfc_vectors() {
        let secret = TotpSecret::from_slice(b"12345678901234567890").expect("secret");
        for (time, code) in
            [(59, "287082"), (1_111_111_109, "081804"), (1_234_567_890, "005924"), (2_000_000_000, "279037")]
        {
            assert_eq!(secret.code_at(time).expect("code"), code);
            assert_eq!(secret.check(code, time), Some(totp_step(time)));
        }
    }

    #[test]
    fn a_code_holds_one_step_either_way_and_no_further() {
        let secret = TotpSecret::generate().expect("secret");
        let now = 1_800_000_000;
        let code = secret.code_at(now).expect("code");
        assert!(secret.check(&code, now + 30).is_some(), "a slow phone");
        assert!(secret.check(&code, now - 30).is_some(), "a fast phone");
        assert!(secret.check(&code, now + 90).is_none(), "not minutes later");
        assert!(secret.check(&format!("{} {}", &code[..3], &code[3..]), now).is_some(), "typed with a space");
        assert!(secret.check("12345", now).is_none() && secret.check("abcdef", now).is_none());
    }

    #[test]
    fn the_sealed_secret_opens_only_with_her_key_and_account() {
        let keys = crate::StaffKeys::generate().expect("keys");
        let other = crate::StaffKeys::generate().expect("keys");
        let secret = TotpSecret::generate().expect("secret");
        let sealed = secret.seal_to(&keys.public, &[7; 16]).expect("seal");
        assert_eq!(TotpSecret::open(&keys.secret, &sealed, &[7; 16]).expect("open").bytes(), secret.bytes());
        assert!(TotpSecret::open(&other.secret, &sealed, &[7; 16]).is_err());
        assert!(TotpSecret::open(&keys.secret, &sealed, &[8; 16]).is_err(), "moved to another account");
    }

    #[test]
    fn recovery_codes_are_distinct_and_read_back_however_typed() {
        let codes = new_recovery_codes().expect("codes");
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert_eq!(codes.iter().collect::<std::collections::HashSet<_>>().len(), RECOVERY_CODES);
        let typed = format!(" {} ", codes[0].to_uppercase().replace('-', " "));
        assert_eq!(normalize_recovery_code(&typed), Some(codes[0].replace('-', "")));
        assert_eq!(normalize_recovery_code("123456"), None, "a TOTP code is not a recovery code");
    }

    #[test]
    fn the_address_names_the_issuer_and_account() {
        let secret = TotpSecret::generate().expect("secret");
        let url = secret.otpauth_url("li.na@example.cn").expect("url");
        assert!(url.starts_with("otpauth://totp/Ombud:li.na%40example.cn?secret="), "{}", *url);
        assert!(url.contains("issuer=Ombud"));
        assert_eq!(secret.base32().expect("base32").replace(' ', "").len(), 32);
        let back = TotpSecret::from_base32(&secret.base32().expect("base32").to_lowercase()).expect("read back");
        assert_eq!(back.bytes(), secret.bytes());
    }
}
