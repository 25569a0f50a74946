//! What each sealed item is bound to: the associated data for every kind of
//! item lives here, so writer and reader can never disagree.

use ombud_crypto::{DataKey, item_aad};
use ombud_domain::{AttachmentId, CaseId, MessageId, StaffId};
use serde::{Deserialize, Serialize};

pub(crate) fn report_aad(case: CaseId) -> Vec<u8> {
    item_aad(case.as_bytes(), case.as_bytes(), "report")
}

pub(crate) fn message_aad(case: CaseId, message: MessageId) -> Vec<u8> {
    item_aad(case.as_bytes(), message.as_bytes(), "message")
}

pub(crate) fn attachment_meta_aad(case: CaseId, id: AttachmentId) -> Vec<u8> {
    item_aad(case.as_bytes(), id.as_bytes(), "attachment-meta")
}

pub(crate) fn attachment_body_aad(case: CaseId, id: AttachmentId) -> Vec<u8> {
    item_aad(case.as_bytes(), id.as_bytes(), "attachment-body")
}

pub(crate) fn staff_wrap_aad(case: CaseId, staff: StaffId) -> Vec<u8> {
    item_aad(case.as_bytes(), staff.as_bytes(), "staff-wrap")
}

pub(crate) fn receipt_wrap_aad(case: CaseId) -> Vec<u8> {
    item_aad(case.as_bytes(), case.as_bytes(), "receipt-wrap")
}

/// A file as it arrives from a form or the API.
#[derive(Clone, Debug)]
pub struct Upload {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// The sealed part of an attachment's metadata.
#[derive(Serialize, Deserialize)]
pub(crate) struct AttachmentMetaContent {
    pub name: String,
    pub content_type: String,
}

pub(crate) fn seal_json<T: Serialize>(key: &DataKey, aad: &[u8], value: &T) -> crate::Result<Vec<u8>> {
    let json =
        zeroize::Zeroizing::new(serde_json::to_vec(value).map_err(|e| crate::ServiceError::Config(e.to_string()))?);
    Ok(key.seal(aad, &json)?)
}

pub(crate) fn open_json<T: for<'de> Deserialize<'de>>(key: &DataKey, aad: &[u8], sealed: &[u8]) -> crate::Result<T> {
    let json = zeroize::Zeroizing::new(key.open(aad, sealed)?);
    serde_json::from_slice(&json).map_err(|_| crate::ServiceError::Crypto(ombud_crypto::CryptoError::Malformed))
}

pub(crate) fn parties_aad(case: CaseId) -> Vec<u8> {
    item_aad(case.as_bytes(), case.as_bytes(), "party-matches")
}
