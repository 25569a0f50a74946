//! Instance secrets and staff key pairs.

use crate::seal::{open_with, seal_with};
use crate::{CryptoError, DataKey, KdfParams, random_bytes};
use hkdf::Hkdf;
use hmac::{KeyInit, Mac};
use sha2::Sha256;
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::{Zeroize, ZeroizeOnDrop};

type HmacSha256 = hmac::Hmac<Sha256>;

/// Keys derived from the instance's master secret, which lives in the data
/// directory and never in the database: a copy of the database alone can
/// neither look up receipts nor test guesses against keyed hashes.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct InstanceKeys {
    receipt_lookup: [u8; 32],
    check: [u8; 32],
    /// Seed of the Ed25519 key that signs ledger checkpoints.
    checkpoint_seed: [u8; 32],
    /// Keys the hashes of people's directory ids kept beside cases.
    person: [u8; 32],
    /// Keys the hashes of directory-sync (SCIM) bearer tokens.
    api_token: [u8; 32],
    /// Keys the hashes of used report-form tokens.
    form_token: [u8; 32],
    /// Keys the actor commitments of ledger leaves.
    actor: ActorKey,
    /// Keys the one-time links that let staff choose a password.
    ticket: [u8; 32],
    /// Keys the hashes of recovery codes, and seals a second factor being
    /// set up between the page that shows it and the code that confirms it.
    second_factor: [u8; 32],
    /// Seals the address a reporter left for check-in reminders, so that
    /// the job loop can mail her and the database alone says nothing.
    reminder: [u8; 32],
    /// Keys the hashes of staff session tokens, and seals the hourly keys
    /// of reporters' sessions for the database.
    session: [u8; 32],
}

impl InstanceKeys {
    pub fn generate_master() -> Result<[u8; 32], CryptoError> {
        random_bytes()
    }

    pub fn from_master(master: &[u8; 32]) -> Result<Self, CryptoError> {
        let hk = Hkdf::<Sha256>::new(Some(b"ombud/v1/instance"), master);
        let mut receipt_lookup = [0u8; 32];
        let mut check = [0u8; 32];
        hk.expand(b"receipt-lookup", &mut receipt_lookup).map_err(|_| CryptoError::Malformed)?;
        hk.expand(b"instance-check", &mut check).map_err(|_| CryptoError::Malformed)?;
        let mut checkpoint_seed = [0u8; 32];
        hk.expand(b"checkpoint-signing", &mut checkpoint_seed).map_err(|_| CryptoError::Malformed)?;
        let mut person = [0u8; 32];
        hk.expand(b"person-hash", &mut person).map_err(|_| CryptoError::Malformed)?;
        let mut api_token = [0u8; 32];
        hk.expand(b"api-token", &mut api_token).map_err(|_| CryptoError::Malformed)?;
        let mut form_token = [0u8; 32];
        hk.expand(b"form-token", &mut form_token).map_err(|_| CryptoError::Malformed)?;
        let mut actor = ActorKey([0u8; 64]);
        hk.expand(b"ledger-actor", &mut actor.0).map_err(|_| CryptoError::Malformed)?;
        let mut ticket = [0u8; 32];
        hk.expand(b"staff-ticket", &mut ticket).map_err(|_| CryptoError::Malformed)?;
        let mut second_factor = [0u8; 32];
        hk.expand(b"second-factor", &mut second_factor).map_err(|_| CryptoError::Malformed)?;
        let mut reminder = [0u8; 32];
        hk.expand(b"reminder-address", &mut reminder).map_err(|_| CryptoError::Malformed)?;
        let mut session = [0u8; 32];
        hk.expand(b"sessions", &mut session).map_err(|_| CryptoError::Malformed)?;
        Ok(Self {
            receipt_lookup,
            check,
            checkpoint_seed,
            person,
            api_token,
            form_token,
            actor,
            ticket,
            second_factor,
            reminder,
            session,
        })
    }

    /// The index under which a receipt's case is found: HMAC of its digits.
    pub fn receipt_lookup(&self, receipt: &crate::Receipt) -> Result<[u8; 32], CryptoError> {
        hmac(&self.receipt_lookup, receipt.digits().as_bytes())
    }

    /// The token under which a person named in a report is matched: a keyed
    /// hash of her employee id, so the database says who is named to no one
    /// without the instance secret.
    pub fn person_by_employee_id(&self, employee_id: &str) -> Result<[u8; 32], CryptoError> {
        hmac(&self.person, format!("employee-id:{}", employee_id.trim()).as_bytes())
    }

    /// The same for an email address (compared without case).
    pub fn person_by_email(&self, email: &str) -> Result<[u8; 32], CryptoError> {
        hmac(&self.person, format!("email:{}", email.trim().to_lowercase()).as_bytes())
    }

    /// What is stored of a bearer token: its keyed hash, so a copy of the
    /// database cannot be replayed against the directory API.
    pub fn api_token_hash(&self, token: &str) -> Result<[u8; 32], CryptoError> {
        hmac(&self.api_token, token.as_bytes())
    }

    /// What is stored of a report form's one-time token once a report was
    /// filed with it: a keyed hash, which says nothing without the secret.
    pub fn form_token_hash(&self, token: &str) -> Result<[u8; 32], CryptoError> {
        hmac(&self.form_token, token.trim().as_bytes())
    }

    /// The secret half of a one-time link to choose a password: a keyed
    /// hash of the link's id. Nothing of it is stored; the mail that carries
    /// the link recomputes it, and the page that receives it checks it.
    pub fn ticket_secret(&self, ticket_id: &[u8; 16]) -> Result<[u8; 32], CryptoError> {
        hmac(&self.ticket, ticket_id)
    }

    /// The secret of the one-time link that asks a decision-maker to
    /// justify an HR action: the same key as staff links, another domain.
    pub fn justification_secret(&self, action_id: &[u8; 16]) -> Result<[u8; 32], CryptoError> {
        let mut input = b"hr-justification\0".to_vec();
        input.extend_from_slice(action_id);
        hmac(&self.ticket, &input)
    }

    /// The mark a browser keeps once it signed in to an account: a keyed
    /// hash of the account's email and public key, so sign-in from a device she used
    /// before is not held up while someone else guesses at her password.
    pub fn device_mark(&self, email: &str, public_key: &[u8]) -> Result<[u8; 32], CryptoError> {
        let mut input = format!("device:{}:", email.trim().to_lowercase()).into_bytes();
        input.extend_from_slice(public_key);
        hmac(&self.ticket, &input)
    }

    /// What the shared sign-in throttle stores of the email typed: a keyed
    /// hash, the same on every instance, which says nothing without the
    /// secret (someone who typed her password into the email field leaves
    /// no trace of it).
    pub fn sign_in_account(&self, email: &str) -> Result<[u8; 32], CryptoError> {
        hmac(&self.ticket, format!("sign-in-account:{}", email.trim().to_lowercase()).as_bytes())
    }

    /// What is stored of a recovery code: a keyed hash bound to her account.
    pub fn recovery_code_hash(&self, staff_id: &[u8; 16], code: &str) -> Result<[u8; 32], CryptoError> {
        let mut input = b"recovery-code:".to_vec();
        input.extend_from_slice(staff_id);
        input.extend_from_slice(code.as_bytes());
        hmac(&self.second_factor, &input)
    }

    /// A second factor being set up, sealed for the form that confirms it:
    /// the page holds it, never the server, only for her account and her
    /// present key pair, with when it was shown.
    pub fn seal_enrolment(
        &self,
        staff_id: &[u8; 16],
        public_key: &[u8; 32],
        secret: &crate::TotpSecret,
        issued_unix: u64,
    ) -> Result<Vec<u8>, CryptoError> {
        let mut plain = zeroize::Zeroizing::new(issued_unix.to_be_bytes().to_vec());
        plain.extend_from_slice(secret.bytes());
        seal_with(&self.second_factor, &enrolment_aad(staff_id, public_key), &plain)
    }

    /// The secret and when it was shown.
    pub fn open_enrolment(
        &self,
        staff_id: &[u8; 16],
        public_key: &[u8; 32],
        sealed: &[u8],
    ) -> Result<(crate::TotpSecret, u64), CryptoError> {
        let bytes =
            zeroize::Zeroizing::new(open_with(&self.second_factor, &enrolment_aad(staff_id, public_key), sealed)?);
        if bytes.len() < 8 {
            return Err(CryptoError::Malformed);
        }
        let issued = u64::from_be_bytes(bytes[..8].try_into().map_err(|_| CryptoError::Malformed)?);
        Ok((crate::TotpSecret::from_slice(&bytes[8..])?, issued))
    }

    /// The address a reporter asked check-in reminders at, sealed to her
    /// case (`case` is its id's bytes): only this instance opens it, and
    /// only as the address of that case.
    pub fn seal_reminder_email(&self, case: &[u8], email: &str) -> Result<Vec<u8>, CryptoError> {
        seal_with(&self.reminder, &reminder_aad(case), email.as_bytes())
    }

    pub fn open_reminder_email(&self, case: &[u8], sealed: &[u8]) -> Result<String, CryptoError> {
        let bytes = open_with(&self.reminder, &reminder_aad(case), sealed)?;
        String::from_utf8(bytes).map_err(|_| CryptoError::Malformed)
    }

    pub(crate) fn session_hmac(&self, input: &[u8]) -> Result<[u8; 32], CryptoError> {
        hmac(&self.session, input)
    }

    pub(crate) fn session_seal(&self, aad: &[u8], plain: &[u8]) -> Result<Vec<u8>, CryptoError> {
        seal_with(&self.session, aad, plain)
    }

    pub(crate) fn session_open(&self, aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
        open_with(&self.session, aad, sealed)
    }

    /// A value stored in the database at initialisation, so that starting
    /// against a database with the wrong data directory fails loudly instead
    /// of answering "unknown receipt" to everyone.
    pub fn check_value(&self) -> Result<[u8; 32], CryptoError> {
        hmac(&self.check, b"ombud instance check")
    }

    /// The key of ledger leaves' actor commitments, alone: what writes a
    /// leaf needs this one derived key, never the master secret or the others.
    pub fn actor_key(&self) -> &ActorKey {
        &self.actor
    }
}

/// Who acted, as an actor commitment covers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeafActor<'a> {
    /// A staff member, by her 16-byte id.
    Staff(&'a [u8; 16]),
    Reporter,
    System,
}

/// The key behind the actor line of a version-2 ledger leaf. Purpose-separated
/// from the other instance keys (its own HKDF label), so holding it lets one
/// write and check leaves and nothing else.
///
/// 64 bytes, HMAC-SHA256's block size: HMAC takes such a key as it is, so
/// keying cannot fail and a commitment is a plain value.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct ActorKey([u8; 64]);

impl std::fmt::Debug for ActorKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ActorKey(..)")
    }
}

impl ActorKey {
    /// HMAC-SHA256 of the case id, the leaf's index and who acted, in fixed
    /// widths (16 bytes, 8 bytes big-endian, then a tag byte and for staff
    /// her 16-byte id), so no two inputs share an encoding.
    ///
    /// The case and the index make every commitment unique to its leaf: a
    /// reporter reading her record cannot tell whether two steps were taken
    /// by the same person, and a commitment copied from another leaf does not
    /// fit. Without a staff member (the reporter, the system) the actor part
    /// is a fixed tag for each, not a missing value: the commitment is still
    /// keyed and unique, so it reveals nothing, and it still covers the kind
    /// of actor, so turning a reporter's step into the system's (or either
    /// into a staff member's) fails verification too. Events that belong to
    /// no case give the reserved case id their reference stands for.
    pub fn commit(&self, case_id: &[u8; 16], leaf_index: u64, actor: LeafActor<'_>) -> [u8; 32] {
        let mut mac = <HmacSha256 as KeyInit>::new(&self.0.into());
        mac.update(case_id);
        mac.update(&leaf_index.to_be_bytes());
        match actor {
            LeafActor::Staff(id) => {
                mac.update(&[1]);
                mac.update(id);
            }
            LeafActor::Reporter => mac.update(&[2]),
            LeafActor::System => mac.update(&[3]),
        }
        mac.finalize().into_bytes().into()
    }
}

impl InstanceKeys {
    /// The public key that verifies this instance's checkpoints.
    pub fn checkpoint_public_key(&self) -> [u8; 32] {
        ed25519_dalek::SigningKey::from_bytes(&self.checkpoint_seed).verifying_key().to_bytes()
    }

    /// Signs a checkpoint body. Derived from the master secret, the key is
    /// backed up with it and identical on every instance sharing it.
    pub fn sign_checkpoint(&self, body: &[u8]) -> [u8; 64] {
        use ed25519_dalek::Signer;
        ed25519_dalek::SigningKey::from_bytes(&self.checkpoint_seed).sign(body).to_bytes()
    }
}

fn reminder_aad(case: &[u8]) -> Vec<u8> {
    let mut aad = b"ombud/v1/reminder-email\0".to_vec();
    aad.extend_from_slice(case);
    aad
}

fn enrolment_aad(staff_id: &[u8; 16], public_key: &[u8; 32]) -> Vec<u8> {
    [b"ombud/v1/second-factor-enrolment\0".as_slice(), staff_id, public_key].concat()
}

fn hmac(key: &[u8; 32], data: &[u8]) -> Result<[u8; 32], CryptoError> {
    let mut mac = <HmacSha256 as KeyInit>::new_from_slice(key).map_err(|_| CryptoError::Malformed)?;
    mac.update(data);
    Ok(mac.finalize().into_bytes().into())
}

/// A staff member's unlocked private key, held only in session memory.
#[derive(Clone)]
pub struct StaffSecret(StaticSecret);

impl std::fmt::Debug for StaffSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StaffSecret(..)")
    }
}

impl StaffSecret {
    pub fn unwrap_case_key(&self, wrapped: &[u8], aad: &[u8]) -> Result<DataKey, CryptoError> {
        crate::unwrap_key(&self.0, wrapped, aad)
    }

    pub fn public_key(&self) -> [u8; 32] {
        PublicKey::from(&self.0).to_bytes()
    }

    pub(crate) fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(StaticSecret::from(bytes))
    }

    pub(crate) fn with_bytes<T>(&self, f: impl FnOnce(&[u8; 32]) -> T) -> T {
        f(self.0.as_bytes())
    }

    /// Opens something sealed to her public key (her second factor).
    pub(crate) fn open_sealed(&self, sealed: &[u8], aad: &[u8]) -> Result<zeroize::Zeroizing<Vec<u8>>, CryptoError> {
        crate::seal::open_sealed(&self.0, sealed, aad)
    }
}

/// A fresh key pair for a new staff member.
pub struct StaffKeys {
    pub public: [u8; 32],
    pub secret: StaffSecret,
}

impl StaffKeys {
    pub fn generate() -> Result<Self, CryptoError> {
        let secret = StaticSecret::from(random_bytes::<32>()?);
        Ok(Self { public: PublicKey::from(&secret).to_bytes(), secret: StaffSecret(secret) })
    }
}

const STAFF_BLOB_VERSION: u8 = 1;
const SALT_LEN: usize = 16;

fn staff_aad(staff_id: &[u8; 16]) -> Vec<u8> {
    [b"ombud/v1/staff-key\0".as_slice(), staff_id].concat()
}

/// Seals a private key under Argon2id(password). Output:
/// version ‖ params ‖ salt ‖ sealed key.
pub fn seal_staff_secret(
    secret: &StaffSecret,
    password: &str,
    params: KdfParams,
    staff_id: &[u8; 16],
) -> Result<Vec<u8>, CryptoError> {
    let salt: [u8; SALT_LEN] = random_bytes()?;
    let kek = params.derive(password.as_bytes(), &salt)?;
    let mut out = vec![STAFF_BLOB_VERSION];
    out.extend_from_slice(&params.encode());
    out.extend_from_slice(&salt);
    out.extend_from_slice(&seal_with(&kek, &staff_aad(staff_id), secret.0.as_bytes())?);
    Ok(out)
}

/// Opens a sealed private key; a wrong password is `WrongSecret`.
pub fn unseal_staff_secret(blob: &[u8], password: &str, staff_id: &[u8; 16]) -> Result<StaffSecret, CryptoError> {
    let (&version, rest) = blob.split_first().ok_or(CryptoError::Malformed)?;
    if version != STAFF_BLOB_VERSION || rest.len() < KdfParams::ENCODED_LEN + SALT_LEN {
        return Err(CryptoError::Malformed);
    }
    let (params, rest) = rest.split_at(KdfParams::ENCODED_LEN);
    let (salt, sealed) = rest.split_at(SALT_LEN);
    let kek = KdfParams::decode(params)?.derive(password.as_bytes(), salt)?;
    let mut bytes = open_with(&kek, &staff_aad(staff_id), sealed).map_err(|e| match e {
        CryptoError::Open => CryptoError::WrongSecret,
        other => other,
    })?;
    let key: [u8; 32] = bytes.as_slice().try_into().map_err(|_| CryptoError::Malformed)?;
    bytes.zeroize();
    Ok(StaffSecret(StaticSecret::from(key)))
}

/// Spends the same time as a real sign-in, for unknown accounts, so the
/// response time does not tell whether an email address has an account.
pub fn burn_derivation(params: KdfParams) -> Result<(), CryptoError> {
    params.derive(b"ombud-dummy-password", &[0u8; SALT_LEN]).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAST: KdfParams = KdfParams { m_kib: 1024, t: 1, p: 1 };

    #[test]
    fn staff_secret_opens_with_the_right_password_only() {
        let keys = StaffKeys::generate().expect("keys");
        let id = [5u8; 16];
        let blob = seal_staff_secret(&keys.secret, "correct horse", FAST, &id).expect("seal");
        let opened = unseal_staff_secret(&blob, "correct horse", &id).expect("open");
        assert_eq!(opened.public_key(), keys.public);
        assert_eq!(unseal_staff_secret(&blob, "wrong", &id).map(|_| ()), Err(CryptoError::WrongSecret));
        assert!(unseal_staff_secret(&blob, "correct horse", &[6u8; 16]).is_err());
        assert!(unseal_staff_secret(&blob[..5], "correct horse", &id).is_err());
    }

    #[test]
    fn instance_keys_are_stable_and_distinct_per_master() {
        let a = InstanceKeys::from_master(&[1; 32]).expect("keys");
        let b = InstanceKeys::from_master(&[2; 32]).expect("keys");
        assert_eq!(a.check_value(), InstanceKeys::from_master(&[1; 32]).expect("keys").check_value());
        assert_ne!(a.check_value(), b.check_value());
        assert_ne!(a.checkpoint_public_key(), b.checkpoint_public_key());
        let signature = ed25519_dalek::Signature::from_bytes(&a.sign_checkpoint(b"body"));
        let key = ed25519_dalek::VerifyingKey::from_bytes(&a.checkpoint_public_key()).expect("key");
        assert!(ed25519_dalek::Verifier::verify(&key, b"body", &signature).is_ok());
    }

    #[test]
    fn a_reminder_address_opens_only_for_its_case_and_instance() {
        let keys = InstanceKeys::from_master(&[3; 32]).expect("keys");
        let sealed = keys.seal_reminder_email(b"case-a", "li.na@example.org").expect("seal");
        assert!(!sealed.windows(5).any(|w| w == b"li.na"), "the address is not in clear");
        assert_eq!(keys.open_reminder_email(b"case-a", &sealed).expect("open"), "li.na@example.org");
        assert!(keys.open_reminder_email(b"case-b", &sealed).is_err(), "not as another case's address");
        let other = InstanceKeys::from_master(&[4; 32]).expect("keys");
        assert!(other.open_reminder_email(b"case-a", &sealed).is_err(), "not by another instance");
    }

    #[test]
    fn actor_commitments_are_keyed_and_unique_to_their_leaf() {
        let a = InstanceKeys::from_master(&[1; 32]).expect("keys");
        let b = InstanceKeys::from_master(&[2; 32]).expect("keys");
        let (case, other_case) = ([7u8; 16], [8u8; 16]);
        let (staff, colleague) = ([5u8; 16], [6u8; 16]);
        let commit = |k: &InstanceKeys, case: &[u8; 16], index: u64, actor| k.actor_key().commit(case, index, actor);
        let first = commit(&a, &case, 3, LeafActor::Staff(&staff));
        assert_eq!(
            first,
            commit(&InstanceKeys::from_master(&[1; 32]).expect("keys"), &case, 3, LeafActor::Staff(&staff))
        );
        // The same person at another place, in another case or under another
        // instance's key gives an unrelated value: nothing links her steps.
        for other in [
            commit(&a, &case, 4, LeafActor::Staff(&staff)),
            commit(&a, &other_case, 3, LeafActor::Staff(&staff)),
            commit(&b, &case, 3, LeafActor::Staff(&staff)),
            commit(&a, &case, 3, LeafActor::Staff(&colleague)),
            commit(&a, &case, 3, LeafActor::Reporter),
            commit(&a, &case, 3, LeafActor::System),
        ] {
            assert_ne!(first, other);
        }
        assert_ne!(commit(&a, &case, 3, LeafActor::Reporter), commit(&a, &case, 3, LeafActor::System));
        assert_ne!(commit(&a, &case, 3, LeafActor::System), commit(&a, &case, 4, LeafActor::System));
        // Pinned: every stored version-2 leaf depends on these exact bytes
        // (HKDF "ledger-actor", then HMAC-SHA256; computed independently).
        let hex = |h: [u8; 32]| h.iter().map(|b| format!("{b:02x}")).collect::<String>();
        assert_eq!(hex(first), "82b0061bd716b626a73867d7efc2c238f2006fc300cbe1cfe0008cda9ab84d5c");
        assert_eq!(
            hex(commit(&a, &case, 3, LeafActor::Reporter)),
            "d4db80be4cb9c1bd3b67b53c8e0bd975b9d8c1704a006da3e4faa7a2a697e6bc"
        );
        // Not the key of any other keyed hash: purpose-separated.
        assert_ne!(a.actor_key().0[..32], a.person[..]);
        assert_eq!(format!("{:?}", a.actor_key()), "ActorKey(..)");
    }

    #[test]
    fn person_tokens_ignore_case_and_spacing_and_differ_by_kind_and_master() {
        let a = InstanceKeys::from_master(&[1; 32]).expect("keys");
        let b = InstanceKeys::from_master(&[2; 32]).expect("keys");
        assert_eq!(a.person_by_email(" Wang.Wei@Example.com").ok(), a.person_by_email("wang.wei@example.com").ok());
        assert_ne!(a.person_by_email("e1").ok(), a.person_by_employee_id("e1").ok());
        assert_ne!(a.person_by_employee_id("E1").ok(), b.person_by_employee_id("E1").ok());
        assert_ne!(a.api_token_hash("t").ok(), b.api_token_hash("t").ok());
    }
}
