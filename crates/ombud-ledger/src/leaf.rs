//! The canonical encoding of a case event as a leaf: kind, case reference,
//! time, a hash of the sealed payload and, from version 2 on, a commitment to
//! who acted. Never plaintext, never a name.

use crate::Hash;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventLeaf {
    pub kind: String,
    pub case_ref: String,
    /// Milliseconds since the Unix epoch.
    pub at_ms: i64,
    /// SHA-256 of the sealed payload the event wrote (zeros when it wrote none).
    pub payload_hash: Hash,
    /// The actor commitment of a version-2 leaf: a keyed hash (under an
    /// instance key) of who acted, the case and the leaf's index, so that an
    /// edit of who acted no longer verifies while the leaf still names no
    /// one. `None` is a version-1 leaf, as written before version 2; it
    /// stays valid, and commits to nobody.
    pub actor: Option<Hash>,
}

const V1: &str = "ombud-event/v1";
const V2: &str = "ombud-event/v2";

fn hex(bytes: &Hash) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Lowercase hex of exactly 32 bytes; anything else (uppercase included) is
/// refused here or, failing that, by the canonical re-encoding check.
fn unhex(text: &str) -> Option<Hash> {
    if text.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(text.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(out)
}

impl EventLeaf {
    /// 1 or 2: which format this leaf is written in.
    pub fn version(&self) -> u8 {
        if self.actor.is_some() { 2 } else { 1 }
    }

    /// One line per field, fixed order, lowercase hex: the same bytes on every
    /// machine, readable by a person checking her record by hand. Version 2
    /// is version 1 under its own header with one more line, so a reader of
    /// either sees the same fields in the same places.
    pub fn encode(&self) -> String {
        let header = if self.actor.is_some() { V2 } else { V1 };
        let mut text = format!(
            "{header}\nkind {}\ncase {}\ntime {}\npayload {}\n",
            self.kind,
            self.case_ref,
            self.at_ms,
            hex(&self.payload_hash)
        );
        if let Some(actor) = &self.actor {
            text.push_str(&format!("actor {}\n", hex(actor)));
        }
        text
    }

    /// Reads a leaf of either version; only its canonical text decodes.
    pub fn decode(text: &str) -> Option<Self> {
        let mut lines = text.strip_suffix('\n')?.split('\n');
        let v2 = match lines.next()? {
            V1 => false,
            V2 => true,
            _ => return None,
        };
        let kind = lines.next()?.strip_prefix("kind ")?.to_owned();
        let case_ref = lines.next()?.strip_prefix("case ")?.to_owned();
        let at_ms = lines.next()?.strip_prefix("time ")?.parse().ok()?;
        let payload_hash = unhex(lines.next()?.strip_prefix("payload ")?)?;
        let actor = if v2 { Some(unhex(lines.next()?.strip_prefix("actor ")?)?) } else { None };
        if lines.next().is_some() {
            return None;
        }
        let token = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_graphic());
        if !token(&kind) || !token(&case_ref) {
            return None;
        }
        let leaf = Self { kind, case_ref, at_ms, payload_hash, actor };
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
    use proptest::prelude::*;

    fn v1() -> EventLeaf {
        EventLeaf {
            kind: "submitted".into(),
            case_ref: "OMB-AAAA-BBBB".into(),
            at_ms: 1_780_000_000_123,
            payload_hash: [0xab; 32],
            actor: None,
        }
    }

    fn v2() -> EventLeaf {
        EventLeaf { kind: "opened_by_staff".into(), actor: Some([0x5c; 32]), ..v1() }
    }

    #[test]
    fn leaves_round_trip_and_only_canonical_text_decodes() {
        let leaf = v1();
        let text = leaf.encode();
        assert_eq!(EventLeaf::decode(&text), Some(leaf.clone()));
        assert!(EventLeaf::decode(&text.replace("kind ", "kind  ")).is_none());
        assert!(EventLeaf::decode(&text.to_uppercase()).is_none());
        assert!(EventLeaf::decode(&format!("{text}extra\n")).is_none());
        assert_ne!(leaf.hash(), EventLeaf { at_ms: leaf.at_ms + 1, ..leaf.clone() }.hash());
    }

    #[test]
    fn version_1_text_is_unchanged_by_version_2() {
        // A leaf written before version 2 must hash exactly as it did then,
        // or every stored log would stop verifying.
        assert_eq!(v1().version(), 1);
        assert_eq!(
            v1().encode(),
            format!(
                "ombud-event/v1\nkind submitted\ncase OMB-AAAA-BBBB\ntime 1780000000123\npayload {}\n",
                "ab".repeat(32)
            )
        );
    }

    #[test]
    fn version_2_leaves_carry_the_actor_line_and_round_trip() {
        let leaf = v2();
        assert_eq!(leaf.version(), 2);
        let text = leaf.encode();
        assert_eq!(
            text,
            format!(
                "ombud-event/v2\nkind opened_by_staff\ncase OMB-AAAA-BBBB\ntime 1780000000123\npayload {}\nactor {}\n",
                "ab".repeat(32),
                "5c".repeat(32)
            )
        );
        assert_eq!(EventLeaf::decode(&text), Some(leaf.clone()));
        // Another actor, or none, is another leaf.
        assert_ne!(leaf.hash(), EventLeaf { actor: Some([0x5d; 32]), ..leaf.clone() }.hash());
        assert_ne!(leaf.hash(), EventLeaf { actor: None, ..leaf.clone() }.hash());
    }

    #[test]
    fn only_canonical_version_2_text_decodes() {
        let text = v2().encode();
        let actor_line = format!("actor {}\n", "5c".repeat(32));
        let without_actor = text.replace(&actor_line, "");
        let refused = [
            // A v2 header without its actor line, and a v1 header with one.
            without_actor.clone(),
            text.replace("ombud-event/v2", "ombud-event/v1"),
            text.replace("ombud-event/v2", "ombud-event/v3"),
            text.replace("actor ", "actor  "),
            text.replace("actor ", "Actor "),
            text.replace(&"5c".repeat(32), &"5C".repeat(32)),
            text.replace(&"5c".repeat(32), &"5c".repeat(31)),
            text.replace(&"5c".repeat(32), &format!("{}5", "5c".repeat(31))),
            text.replace(&"5c".repeat(32), &"5c".repeat(33)),
            text.replace(&actor_line, &format!("{actor_line}{actor_line}")),
            // The actor line in another place.
            text.replace(&actor_line, "").replace("kind ", &format!("{actor_line}kind ")),
            text.strip_suffix('\n').expect("newline").to_owned(),
            format!("{text}\n"),
            text.replace('\n', "\r\n"),
        ];
        for bad in refused {
            assert_eq!(EventLeaf::decode(&bad), None, "{bad:?}");
        }
        assert_eq!(EventLeaf::decode(&without_actor.replace("ombud-event/v2", "ombud-event/v1")), Some(v1_of_v2()));
    }

    fn v1_of_v2() -> EventLeaf {
        EventLeaf { actor: None, ..v2() }
    }

    proptest! {
        #[test]
        fn any_leaf_round_trips_and_its_text_is_canonical(
            kind in "[a-z_]{1,24}",
            case_ref in "[!-~]{1,20}",
            at_ms in any::<i64>(),
            payload_hash in any::<[u8; 32]>(),
            actor in proptest::option::of(any::<[u8; 32]>()),
        ) {
            let leaf = EventLeaf { kind, case_ref, at_ms, payload_hash, actor };
            let text = leaf.encode();
            prop_assert_eq!(EventLeaf::decode(&text), Some(leaf.clone()));
            prop_assert_eq!(EventLeaf::decode(&text).map(|l| l.encode()), Some(text));
        }

        #[test]
        fn a_changed_byte_decodes_only_as_another_canonical_leaf(
            version_2 in any::<bool>(),
            at in any::<proptest::sample::Index>(),
            byte in "[ -~\n]",
        ) {
            // Text one byte away from a leaf (of either version) is refused
            // unless it is itself a canonical leaf, which then differs.
            let leaf = if version_2 { v2() } else { v1() };
            let mut text = leaf.encode().into_bytes();
            let i = at.index(text.len());
            text[i] = byte.as_bytes()[0];
            let text = String::from_utf8(text).expect("ascii");
            if let Some(other) = EventLeaf::decode(&text) {
                prop_assert_eq!(other.encode(), text.clone());
                prop_assert_eq!(other == leaf, text == leaf.encode());
            }
        }
    }
}
