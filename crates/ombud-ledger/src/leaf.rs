//! The canonical encoding of a case event as a leaf: kind, case reference,
//! time and a hash of the sealed payload. Never plaintext, never a name.

use crate::Hash;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventLeaf {
    pub kind: String,
    pub case_ref: String,
    /// Milliseconds since the Unix epoch.
    pub at_ms: i64,
    /// SHA-256 of the sealed payload the event wrote (zeros when it wrote none).
    pub payload_hash: Hash,
}

const HEADER: &str = "ombud-event/v1";

impl EventLeaf {
    /// One line per field, fixed order, lowercase hex: the same bytes on every
    /// machine, readable by a person checking her record by hand.
    pub fn encode(&self) -> String {
        let hex: String = self.payload_hash.iter().map(|b| format!("{b:02x}")).collect();
        format!("{HEADER}\nkind {}\ncase {}\ntime {}\npayload {hex}\n", self.kind, self.case_ref, self.at_ms)
    }

    pub fn decode(text: &str) -> Option<Self> {
        let mut lines = text.strip_suffix('\n')?.split('\n');
        if lines.next()? != HEADER {
            return None;
        }
        let kind = lines.next()?.strip_prefix("kind ")?.to_owned();
        let case_ref = lines.next()?.strip_prefix("case ")?.to_owned();
        let at_ms = lines.next()?.strip_prefix("time ")?.parse().ok()?;
        let hex = lines.next()?.strip_prefix("payload ")?;
        if lines.next().is_some() || hex.len() != 64 {
            return None;
        }
        let mut payload_hash = [0u8; 32];
        for (i, b) in payload_hash.iter_mut().enumerate() {
            *b = u8::from_str_radix(hex.get(i * 2..i * 2 + 2)?, 16).ok()?;
        }
        let token = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_graphic());
        if !token(&kind) || !token(&case_ref) {
            return None;
        }
        let leaf = Self { kind, case_ref, at_ms, payload_hash };
        // Canonical only: re-encoding must give back the same bytes.
        (leaf.encode() == text).then_some(leaf)
    }

    pub fn hash(&self) -> Hash {
        crate::leaf_hash(self.encode().as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaves_round_trip_and_only_canonical_text_decodes() {
        let leaf = EventLeaf {
            kind: "submitted".into(),
            case_ref: "OMB-AAAA-BBBB".into(),
            at_ms: 1_780_000_000_123,
            payload_hash: [0xab; 32],
        };
        let text = leaf.encode();
        assert_eq!(EventLeaf::decode(&text), Some(leaf.clone()));
        assert!(EventLeaf::decode(&text.replace("kind ", "kind  ")).is_none());
        assert!(EventLeaf::decode(&text.to_uppercase()).is_none());
        assert!(EventLeaf::decode(&format!("{text}extra\n")).is_none());
        assert_ne!(leaf.hash(), EventLeaf { at_ms: leaf.at_ms + 1, ..leaf.clone() }.hash());
    }
}
