//! Receipts: what an anonymous reporter keeps instead of an account.
//!
//! 27 random decimal digits (89.7 bits) and one Damm check digit, shown in
//! seven groups of four. Digits read aloud the same way in any language and
//! type on a phone's number pad; the check digit catches every single wrong
//! digit and every swap of neighbours before the server is even asked.

use crate::seal::{open_with, seal_with};
use crate::{CryptoError, DataKey, KdfParams, random_below, random_bytes};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

const RANDOM_DIGITS: usize = 27;
pub const RECEIPT_DIGITS: usize = RANDOM_DIGITS + 1;
const SALT_LEN: usize = 16;

/// Damm's totally anti-symmetric quasigroup of order 10.
const DAMM: [[u8; 10]; 10] = [
    [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
    [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
    [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
    [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
    [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
    [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
    [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
    [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
    [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
    [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

fn damm(digits: &[u8]) -> u8 {
    digits.iter().fold(0u8, |interim, &d| DAMM[usize::from(interim)][usize::from(d)])
}

/// A receipt's digits, zeroed when dropped.
#[derive(Clone, Zeroize, ZeroizeOnDrop, PartialEq, Eq)]
pub struct Receipt(String);

impl std::fmt::Debug for Receipt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Receipt(..)")
    }
}

impl Receipt {
    pub fn generate() -> Result<Self, CryptoError> {
        let mut digits: Vec<u8> = Vec::with_capacity(RECEIPT_DIGITS);
        for _ in 0..RANDOM_DIGITS / 9 {
            let chunk = random_below(1_000_000_000)?;
            digits.extend(format!("{chunk:09}").bytes().map(|b| b - b'0'));
        }
        digits.push(damm(&digits));
        Ok(Self(digits.iter().map(|d| char::from(b'0' + d)).collect()))
    }

    /// Accepts what a person types: spaces, dashes, full-width digits (as a
    /// Chinese input method produces them). Refuses anything that is not 28
    /// digits with a correct check digit.
    pub fn parse(input: &str) -> Result<Self, CryptoError> {
        let mut digits = Zeroizing::new(String::with_capacity(RECEIPT_DIGITS));
        for c in input.chars() {
            match c {
                '0'..='9' => digits.push(c),
                '０'..='９' => digits.push(char::from(b'0' + (u32::from(c) - u32::from('０')) as u8)),
                ' ' | '-' | '\u{3000}' | '\t' | '\n' | '\r' | '－' => {}
                _ => return Err(CryptoError::NotAReceipt),
            }
        }
        let values: Zeroizing<Vec<u8>> = Zeroizing::new(digits.bytes().map(|b| b - b'0').collect());
        if values.len() != RECEIPT_DIGITS || damm(&values) != 0 {
            return Err(CryptoError::NotAReceipt);
        }
        Ok(Self(digits.to_string()))
    }

    pub fn digits(&self) -> &str {
        &self.0
    }

    /// Seven groups of four, for reading aloud.
    pub fn grouped(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
    }

    /// A new key for a new case: returns the key and the salt-and-parameters
    /// blob to store beside the receipt's lookup index.
    pub fn new_key(&self, params: KdfParams) -> Result<(ReceiptKey, Vec<u8>), CryptoError> {
        let salt: [u8; SALT_LEN] = random_bytes()?;
        let key = ReceiptKey(*params.derive(self.0.as_bytes(), &salt)?);
        let mut blob = params.encode().to_vec();
        blob.extend_from_slice(&salt);
        Ok((key, blob))
    }

    /// Re-derives the key of an existing case from its stored blob.
    pub fn key_from(&self, blob: &[u8]) -> Result<ReceiptKey, CryptoError> {
        if blob.len() != KdfParams::ENCODED_LEN + SALT_LEN {
            return Err(CryptoError::Malformed);
        }
        let (params, salt) = blob.split_at(KdfParams::ENCODED_LEN);
        Ok(ReceiptKey(*KdfParams::decode(params)?.derive(self.0.as_bytes(), salt)?))
    }
}

/// The key a receipt derives; it wraps the case data key for the reporter.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct ReceiptKey([u8; 32]);

impl ReceiptKey {
    pub fn wrap(&self, key: &DataKey, aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
        key.with_bytes(|bytes| seal_with(&self.0, aad, bytes))
    }

    pub fn unwrap(&self, wrapped: &[u8], aad: &[u8]) -> Result<DataKey, CryptoError> {
        let mut bytes = open_with(&self.0, aad, wrapped).map_err(|e| match e {
            CryptoError::Open => CryptoError::WrongSecret,
            other => other,
        })?;
        let key: [u8; 32] = bytes.as_slice().try_into().map_err(|_| CryptoError::Malformed)?;
        bytes.zeroize();
        Ok(DataKey::from_bytes(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_receipts_parse_and_group() {
        let r = Receipt::generate().expect("receipt");
        assert_eq!(r.digits().len(), RECEIPT_DIGITS);
        let grouped = r.grouped();
        assert_eq!(grouped.split(' ').count(), 7);
        assert_eq!(Receipt::parse(&grouped), Ok(r.clone()));
        assert_eq!(Receipt::parse(&grouped.replace(' ', "-")), Ok(r.clone()));
        let fullwidth: String = r
            .digits()
            .chars()
            .map(|c| char::from_u32(u32::from(c) - u32::from('0') + u32::from('０')).expect("digit"))
            .collect();
        assert_eq!(Receipt::parse(&fullwidth), Ok(r));
    }

    #[test]
    fn every_single_digit_error_and_neighbour_swap_is_caught() {
        let r = Receipt::generate().expect("receipt");
        let d: Vec<u8> = r.digits().bytes().collect();
        for i in 0..d.len() {
            for wrong in b'0'..=b'9' {
                if wrong == d[i] {
                    continue;
                }
                let mut m = d.clone();
                m[i] = wrong;
                assert!(Receipt::parse(std::str::from_utf8(&m).expect("ascii")).is_err());
            }
            if i + 1 < d.len() && d[i] != d[i + 1] {
                let mut m = d.clone();
                m.swap(i, i + 1);
                assert!(Receipt::parse(std::str::from_utf8(&m).expect("ascii")).is_err());
            }
        }
        assert!(Receipt::parse("hello").is_err());
        assert!(Receipt::parse("").is_err());
    }

    #[test]
    fn receipt_key_wraps_and_only_the_same_receipt_unwraps() {
        let params = KdfParams { m_kib: 1024, t: 1, p: 1 };
        let r = Receipt::generate().expect("receipt");
        let (key, blob) = r.new_key(params).expect("key");
        let data = DataKey::generate().expect("data key");
        let wrapped = key.wrap(&data, b"case").expect("wrap");
        assert_eq!(r.key_from(&blob).expect("again").unwrap(&wrapped, b"case").expect("unwrap"), data);
        let other = Receipt::generate().expect("receipt");
        assert!(matches!(other.key_from(&blob).expect("key").unwrap(&wrapped, b"case"), Err(CryptoError::WrongSecret)));
    }
}
