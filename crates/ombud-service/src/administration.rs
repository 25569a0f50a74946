//! Administration: staff accounts, by an administrator or the operator.

use crate::views::StaffView;
use crate::{AdminDesk, Result, ServiceError};
use ombud_crypto::StaffKeys;
use ombud_domain::{FieldError, Role, StaffId, valid_email};
use ombud_store::*;

impl AdminDesk<'_> {
    pub async fn add_staff(&self, email: &str, name: &str, role: Role, password: &str) -> Result<StaffView> {
        let mut errors = Vec::new();
        let email = email.trim();
        if !valid_email(email) {
            errors.push(FieldError { field: "email".into(), code: "invalid-email" });
        }
        if name.trim().is_empty() {
            errors.push(FieldError { field: "name".into(), code: "required" });
        }
        if password.chars().count() < 10 {
            errors.push(FieldError { field: "password".into(), code: "password-too-short" });
        }
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let id = StaffId::new();
        let keys = StaffKeys::generate()?;
        let params = self.config.password_kdf;
        let password = zeroize::Zeroizing::new(password.to_owned());
        let secret = keys.secret.clone();
        let sealed_secret =
            self.derive(move || ombud_crypto::seal_staff_secret(&secret, &password, params, id.as_bytes())).await??;
        let record = StaffRecord {
            id,
            email: email.to_owned(),
            name: name.trim().to_owned(),
            role,
            created_at: self.clock.now(),
            public_key: keys.public.to_vec(),
            sealed_secret,
            lang: "en".to_owned(),
            time_zone: None,
        };
        let exclusions = self.exclusions_for_new_staff(&record).await?;
        self.store.create_staff(&record, &exclusions).await?;
        tracing::info!(staff = %id, role = %role, "staff account created");
        Ok(staff_view(&record))
    }

    pub async fn list_staff(&self) -> Result<Vec<StaffView>> {
        Ok(self.store.list_staff().await?.iter().map(staff_view).collect())
    }
}

fn staff_view(s: &StaffRecord) -> StaffView {
    StaffView { id: s.id, email: s.email.clone(), name: s.name.clone(), role: s.role, created_at: s.created_at }
}
