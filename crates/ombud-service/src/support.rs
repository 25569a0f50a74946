//! Supporters can speak safely (issue 17 #4, DECISIONS #19). A colleague who
//! knows a case's reference adds a confidential statement at `/support`: it
//! gets its own item key, the conflict rules run again on her (her manager
//! may be handling the case), and the key is wrapped at once to the case's
//! readers who remain and to the recovery key, with no reader signed in.
//! Those the rules kept out see no trace of it, now or after a later grant
//! or recovery. Her receipt opens her statement and her thread, never the
//! case; she is protected from retaliation from that day.

use crate::error::invalid;
use crate::sealing::{open_json, seal_json};
use crate::workflow::{optional, required};
use crate::{Ombud, Result, ServiceError, StaffDesk};
use jiff::Timestamp;
use ombud_crypto::{DataKey, KdfParams, Receipt, item_aad};
use ombud_domain::{
    CaseId, EventKind, MAX_DESCRIPTION_CHARS, MAX_MESSAGE_CHARS, MAX_SHORT_CHARS, PersonRole, ProtectionBasis, StaffId,
    exclusion,
};
use ombud_store::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// What a supporter writes at `/support`.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct SupportInput {
    /// The case's reference, as the reporter shared it ("OMB-7K3Q-9F2D").
    #[schema(max_length = 500)]
    pub reference: String,
    /// What she saw or knows.
    #[schema(max_length = 50000)]
    pub statement: String,
    /// Her name, sealed for the case's readers.
    #[schema(max_length = 500)]
    pub name: String,
    #[schema(max_length = 500)]
    pub email: Option<String>,
    #[schema(max_length = 500)]
    pub phone: Option<String>,
}

/// The statement as sealed under its item key.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Statement {
    statement: String,
    name: String,
    email: Option<String>,
    phone: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct ThreadMessage {
    body: String,
}

/// A supporter signed in with her receipt: her statement only.
#[derive(Clone)]
pub struct SupporterSession {
    pub item_id: uuid::Uuid,
    pub(crate) key: DataKey,
}

/// What she gets once: her receipt, and the reference she wrote to.
pub struct SupportAdded {
    pub reference: String,
    pub receipt: Receipt,
    pub session: SupporterSession,
}

/// One message of a supporter's thread.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SupportMessageView {
    pub at: Timestamp,
    /// A handler's name, or none when she wrote it.
    pub from_staff: Option<String>,
    pub body: String,
}

/// A statement as its reader (or its supporter) sees it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SupportView {
    pub id: uuid::Uuid,
    pub case_ref: String,
    pub at: Timestamp,
    pub statement: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub messages: Vec<SupportMessageView>,
}

fn statement_aad(item: uuid::Uuid) -> Vec<u8> {
    item_aad(item.as_bytes(), item.as_bytes(), "support-statement")
}

fn message_aad(item: uuid::Uuid, message: uuid::Uuid) -> Vec<u8> {
    item_aad(item.as_bytes(), message.as_bytes(), "support-message")
}

fn receipt_aad(item: uuid::Uuid) -> Vec<u8> {
    item_aad(item.as_bytes(), item.as_bytes(), "support-receipt-wrap")
}

pub(crate) fn recovery_aad(item: uuid::Uuid, key: uuid::Uuid) -> Vec<u8> {
    item_aad(item.as_bytes(), key.as_bytes(), "support-recovery-wrap")
}

/// Every problem with a statement at once.
fn check_support(input: &SupportInput) -> std::result::Result<Statement, Vec<ombud_domain::FieldError>> {
    let mut errors = Vec::new();
    let mut take =
        |r: std::result::Result<String, ombud_domain::FieldError>| r.map_err(|e| errors.push(e)).unwrap_or_default();
    let statement = take(required("statement", &input.statement, MAX_DESCRIPTION_CHARS));
    let name = take(required("name", &input.name, MAX_SHORT_CHARS));
    let mut errors_after = Vec::new();
    let email = optional("email", input.email.as_deref().unwrap_or_default(), MAX_SHORT_CHARS)
        .map_err(|e| errors_after.push(e))
        .ok()
        .flatten();
    if email.as_deref().is_some_and(|e| !ombud_domain::valid_email(e)) {
        errors_after.push(ombud_domain::FieldError::new("email", "invalid-email"));
    }
    let phone = optional("phone", input.phone.as_deref().unwrap_or_default(), MAX_SHORT_CHARS)
        .map_err(|e| errors_after.push(e))
        .ok()
        .flatten();
    errors.extend(errors_after);
    if errors.is_empty() { Ok(Statement { statement, name, email, phone }) } else { Err(errors) }
}

impl Ombud {
    /// The case a supporter's reference names, or a field error beside it.
    pub async fn support_case(&self, reference: &str) -> Result<(CaseId, String)> {
        let Some(whole) = crate::inbox::typed_reference(reference) else {
            return Err(invalid(
                "reference",
                if reference.trim().is_empty() { "required" } else { "support-case-unknown" },
            ));
        };
        let case =
            self.store.case_by_reference(&whole).await?.ok_or_else(|| invalid("reference", "support-case-unknown"))?;
        Ok((case, whole))
    }

    /// The identity tokens of a supporter: her email's, and the directory
    /// person's it (or a name only one person has) leads to.
    async fn supporter_tokens(&self, statement: &Statement) -> Result<BTreeSet<Vec<u8>>> {
        let index = self.directory_index().await?;
        let mut tokens = BTreeSet::new();
        if let Some(email) = statement.email.as_deref() {
            tokens.insert(self.keys.person_by_email(email)?.to_vec());
        }
        let by_email = statement.email.as_deref().and_then(|e| index.linked(e));
        let person = by_email.or_else(|| index.names.confident(&statement.name));
        if let Some(person) = person.and_then(|id| index.people.get(id)) {
            tokens.extend(self.person_tokens(person)?);
        }
        Ok(tokens)
    }

    /// Files a statement: checked, sealed, wrapped to the readers the rules
    /// still allow and to the recovery key, with her receipt; all at once.
    pub async fn add_support(&self, input: &SupportInput, kdf: KdfParams) -> Result<SupportAdded> {
        let statement = check_support(input);
        let case = self.support_case(&input.reference).await;
        let (statement, (case_id, reference)) = match (statement, case) {
            (Ok(s), Ok(c)) => (s, c),
            (Err(mut errors), Err(ServiceError::Invalid(more))) => {
                errors.extend(more);
                return Err(ServiceError::Invalid(errors));
            }
            (Err(errors), _) => return Err(ServiceError::Invalid(errors)),
            (_, Err(e)) => return Err(e),
        };
        let now = self.clock.now();
        let item_id = uuid::Uuid::now_v7();
        let key = DataKey::generate()?;
        let tokens = self.supporter_tokens(&statement).await?;
        let (readers, kept_out) = self.support_readers(case_id, &tokens).await?;
        let wraps = readers
            .iter()
            .filter_map(|r| <[u8; 32]>::try_from(r.public_key.as_slice()).ok().map(|p| (r.id, p)))
            .map(|(staff_id, public)| {
                Ok(ItemWrap {
                    item_id: item_id.to_string(),
                    staff_id,
                    public_key: public.to_vec(),
                    wrapped_key: ombud_crypto::wrap_key(
                        &public,
                        &key,
                        &crate::retaliation::item_wrap_aad(&item_id.to_string(), staff_id),
                    )?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let recovery = match self.current_recovery_key().await? {
            Some(current) => {
                let public = <[u8; 32]>::try_from(current.public_key.as_slice())
                    .map_err(|_| ServiceError::Config("recovery public key".into()))?;
                Some((current.id, ombud_crypto::wrap_key(&public, &key, &recovery_aad(item_id, current.id))?))
            }
            None => None,
        };
        let receipt = Receipt::generate()?;
        let for_derivation = receipt.clone();
        let (receipt_key, kdf) = self.derive(move || for_derivation.new_key(kdf)).await??;
        let receipt_row = SupportReceiptRow {
            lookup: self.keys.receipt_lookup(&receipt)?.to_vec(),
            item_id,
            kdf,
            wrapped_key: receipt_key.wrap(&key, &receipt_aad(item_id))?,
        };
        // The accused of the case cannot make himself protected by writing in support of it.
        let accused: BTreeSet<Vec<u8>> = self.store.accused_tokens(case_id).await?.into_iter().collect();
        let protected = tokens
            .iter()
            .filter(|t| !accused.contains(*t))
            .cloned()
            .map(|token| ProtectedRow {
                id: uuid::Uuid::now_v7(),
                token,
                case_id: Some(case_id),
                basis: ProtectionBasis::Supporter,
                since: now,
                until: None,
                added_by: None,
                sealed_note: None,
            })
            .collect();
        let item = CaseItemRow {
            id: item_id,
            case_id,
            kind: "support".into(),
            sealed: seal_json(&key, &statement_aad(item_id), &statement)?,
            created_at: now,
        };
        // A leaf without the case: an excluded reader finds no trace in the case's history.
        let event =
            StaffEventRecord::new(EventKind::SupportAdded, now, Actor::Reporter, None).with_detail(item_id.to_string());
        let notices =
            wraps.iter().map(|w| StaffNotice { staff: w.staff_id, kind: "attention", ticket: None, at: now }).collect();
        let new = NewSupport {
            item,
            wraps,
            exclusions: kept_out,
            recovery,
            receipt: receipt_row,
            protected,
            tokens: tokens.into_iter().collect(),
            notices,
            event,
        };
        self.store.create_support(&new).await?;
        // Her statement is in: a failure to narrow reviews is logged, not hers to see.
        if let Err(e) = self.recheck_reviewers(case_id).await {
            tracing::error!(error = %e, "the reviewers of open HR actions could not be decided again");
        }
        Ok(SupportAdded { reference, receipt, session: SupporterSession { item_id, key } })
    }

    /// The case's readers who may read her statement, and those the rules
    /// keep out of it: the case's exclusions stand, and the rules run again
    /// with her as a person named (her chain is kept out too).
    async fn support_readers(
        &self,
        case_id: CaseId,
        supporter: &BTreeSet<Vec<u8>>,
    ) -> Result<(Vec<StaffRecord>, Vec<StaffId>)> {
        let readers: BTreeSet<StaffId> = self.store.readers(case_id).await?.into_iter().collect();
        let candidates: Vec<StaffRecord> =
            self.store.list_staff().await?.into_iter().filter(|s| readers.contains(&s.id)).collect();
        let kept = self.kept_out_of_support(case_id, supporter, &candidates).await?;
        let (out, allowed): (Vec<StaffRecord>, Vec<StaffRecord>) =
            candidates.into_iter().partition(|s| kept.contains(&s.id));
        Ok((allowed.into_iter().filter(StaffRecord::active).collect(), out.into_iter().map(|s| s.id).collect()))
    }

    /// Which of these readers the rules keep out of a statement: the case's
    /// parties and the supporter herself, as a person named.
    pub(crate) async fn kept_out_of_support(
        &self,
        case_id: CaseId,
        supporter: &BTreeSet<Vec<u8>>,
        candidates: &[StaffRecord],
    ) -> Result<BTreeSet<StaffId>> {
        let index = self.directory_index().await?;
        let mut parties = Self::named_parties(&index, &self.store.case_parties(case_id).await?);
        parties.extend(Self::parties_named(&index, supporter, PersonRole::Other));
        let mut kept = BTreeSet::new();
        for s in candidates {
            let reader = self.reader(&index, s, false)?;
            if exclusion(&self.config.conflict, &index.chart, &parties, &reader).is_some() {
                kept.insert(s.id);
            }
        }
        Ok(kept)
    }

    /// Opens her statement with her receipt; a case's receipt opens nothing here.
    pub async fn open_support(&self, receipt: &str) -> Result<SupporterSession> {
        let receipt = Receipt::parse(receipt).map_err(|_| ServiceError::MalformedReceipt)?;
        let lookup = self.keys.receipt_lookup(&receipt)?;
        let record = self.store.support_receipt(&lookup).await?.ok_or(ServiceError::BadReceipt)?;
        let kdf = record.kdf.clone();
        let receipt_key = self.derive(move || receipt.key_from(&kdf)).await?.map_err(|_| ServiceError::BadReceipt)?;
        let key = receipt_key
            .unwrap(&record.wrapped_key, &receipt_aad(record.item_id))
            .map_err(|_| ServiceError::BadReceipt)?;
        Ok(SupporterSession { item_id: record.item_id, key })
    }

    async fn support_view(&self, item: &CaseItemRow, key: &DataKey) -> Result<SupportView> {
        let s: Statement = open_json(key, &statement_aad(item.id), &item.sealed)?;
        let names = self.staff_names().await?;
        let mut messages = Vec::new();
        for m in self.store.item_messages(item.id).await? {
            let body: ThreadMessage = open_json(key, &message_aad(item.id, m.id), &m.sealed)?;
            messages.push(SupportMessageView {
                at: m.at,
                from_staff: m.staff_id.map(|s| names.get(&s).cloned().unwrap_or_default()),
                body: body.body,
            });
        }
        let case_ref = self.store.case(item.case_id).await?.map(|c| c.reference).unwrap_or_default();
        Ok(SupportView {
            id: item.id,
            case_ref,
            at: item.created_at,
            statement: s.statement,
            name: s.name,
            email: s.email,
            phone: s.phone,
            messages,
        })
    }

    /// Her statement and her thread.
    /// Her statement and her thread, without the handlers' names: anyone
    /// who knows a reference could otherwise learn who handles the case.
    pub async fn supporter_view(&self, session: &SupporterSession) -> Result<SupportView> {
        let item = self.store.case_item(session.item_id).await?.ok_or(ServiceError::NotFound)?;
        let mut view = self.support_view(&item, &session.key).await?;
        for m in &mut view.messages {
            m.from_staff = m.from_staff.as_ref().map(|_| String::new());
        }
        Ok(view)
    }

    async fn add_support_message(
        &self,
        item: uuid::Uuid,
        key: &DataKey,
        from: Option<StaffId>,
        body: &str,
    ) -> Result<()> {
        let body = required("body", body, MAX_MESSAGE_CHARS).map_err(|e| ServiceError::Invalid(vec![e]))?;
        let id = uuid::Uuid::now_v7();
        let now = self.clock.now();
        let row = ItemMessageRow {
            id,
            item_id: item,
            at: now,
            staff_id: from,
            sealed: seal_json(key, &message_aad(item, id), &ThreadMessage { body })?,
        };
        let actor = from.map_or(Actor::Reporter, Actor::Staff);
        let event = StaffEventRecord::new(EventKind::SupportMessage, now, actor, None).with_detail(item.to_string());
        // Her message is news to the statement's readers; a handler's is not.
        let notices: Vec<StaffNotice> = match from {
            Some(_) => Vec::new(),
            None => self
                .store
                .item_readers(&item.to_string())
                .await?
                .into_iter()
                .map(|staff| StaffNotice { staff, kind: "attention", ticket: None, at: now })
                .collect(),
        };
        Ok(self.store.add_item_message(&row, &event, &notices).await?)
    }

    /// She writes to the handlers in her own thread.
    pub async fn supporter_reply(&self, session: &SupporterSession, body: &str) -> Result<()> {
        self.add_support_message(session.item_id, &session.key, None, body).await
    }
}

impl StaffDesk<'_> {
    /// The statements of a case she may read. Reading them completes the
    /// wraps of the case's other readers who lack one (a grant since) and
    /// the recovery wrap, never for anyone kept out of the statement.
    pub async fn support_statements(&self, case_id: CaseId) -> Result<Vec<SupportView>> {
        self.case_access(case_id).await?;
        let mut out = Vec::new();
        for (item, wrap) in self.store.case_items_for(case_id, self.session.id).await? {
            let key = self.open_support_key(&item, &wrap)?;
            self.complete_support_wraps(&item, &key).await?;
            out.push(self.support_view(&item, &key).await?);
        }
        Ok(out)
    }

    fn open_support_key(&self, item: &CaseItemRow, wrap: &[u8]) -> Result<DataKey> {
        let aad = crate::retaliation::item_wrap_aad(&item.id.to_string(), self.session.id);
        Ok(self.session.secret.unwrap_case_key(wrap, &aad)?)
    }

    pub(crate) async fn complete_support_wraps(&self, item: &CaseItemRow, key: &DataKey) -> Result<()> {
        let kept_out: BTreeSet<StaffId> = self.store.item_excluded(item.id).await?.into_iter().collect();
        let have: BTreeSet<StaffId> = self.store.item_readers(&item.id.to_string()).await?.into_iter().collect();
        let readers: BTreeSet<StaffId> = self.store.readers(item.case_id).await?.into_iter().collect();
        let candidates: Vec<StaffRecord> = self
            .store
            .list_staff()
            .await?
            .into_iter()
            .filter(|s| readers.contains(&s.id) && !have.contains(&s.id) && !kept_out.contains(&s.id) && s.active())
            .collect();
        // The rules run again on her for every new reader: a manager of hers
        // who reads the case only now is kept out of her statement for good.
        let supporter: BTreeSet<Vec<u8>> = self.store.item_tokens(item.id).await?.into_iter().collect();
        let newly_kept = self.kept_out_of_support(item.case_id, &supporter, &candidates).await?;
        for staff in &newly_kept {
            self.store.exclude_from_item(item.id, *staff).await?;
        }
        let mut wraps = Vec::new();
        for s in candidates.iter().filter(|s| !newly_kept.contains(&s.id)) {
            let Ok(public) = <[u8; 32]>::try_from(s.public_key.as_slice()) else { continue };
            let item_key = item.id.to_string();
            wraps.push(ItemWrap {
                public_key: public.to_vec(),
                wrapped_key: ombud_crypto::wrap_key(&public, key, &crate::retaliation::item_wrap_aad(&item_key, s.id))?,
                item_id: item_key,
                staff_id: s.id,
            });
        }
        if !wraps.is_empty() {
            self.store.grant_item(&wraps).await?;
        }
        if let Some(current) = self.current_recovery_key().await?
            && self.store.item_recovery_wrap(item.id, current.id).await?.is_none()
            && let Ok(public) = <[u8; 32]>::try_from(current.public_key.as_slice())
        {
            let wrapped = ombud_crypto::wrap_key(&public, key, &recovery_aad(item.id, current.id))?;
            self.store.put_item_recovery_wrap(item.id, current.id, &wrapped).await?;
        }
        Ok(())
    }

    /// A handler writes to a supporter in her thread.
    pub async fn reply_to_supporter(&self, case_id: CaseId, item: uuid::Uuid, body: &str) -> Result<()> {
        self.case_access(case_id).await?;
        let items = self.store.case_items_for(case_id, self.session.id).await?;
        let (row, wrap) = items.iter().find(|(i, _)| i.id == item).ok_or(ServiceError::NotFound)?;
        let key = self.open_support_key(row, wrap)?;
        self.add_support_message(item, &key, Some(self.session.id), body).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_read_as_people_type_them() {
        assert_eq!(crate::inbox::typed_reference("omb 7k3q 9f2d").as_deref(), Some("OMB-7K3Q-9F2D"));
        assert_eq!(crate::inbox::typed_reference("ＯＭＢ－７Ｋ３Ｑ－９Ｆ２Ｄ").as_deref(), Some("OMB-7K3Q-9F2D"));
        assert_eq!(crate::inbox::typed_reference("7K3Q9F2D").as_deref(), Some("OMB-7K3Q-9F2D"));
        assert_eq!(crate::inbox::typed_reference("Sun Hao"), None);
    }

    #[test]
    fn every_problem_with_a_statement_is_named() {
        let errors = check_support(&SupportInput { email: Some("not an address".into()), ..SupportInput::default() })
            .err()
            .map(|e| e.into_iter().map(|e| (e.field, e.code)).collect::<Vec<_>>());
        assert_eq!(
            errors,
            Some(vec![
                ("statement".to_owned(), "required"),
                ("name".to_owned(), "required"),
                ("email".to_owned(), "invalid-email")
            ])
        );
    }
}
