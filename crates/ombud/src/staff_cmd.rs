//! `ombud staff …`: staff accounts through their life, at the command line.
//! The operator names people by email; every change goes on the ledger as
//! the command line's (no session), and a running server honours it at the
//! next request of the person concerned.

use crate::{Location, open_at, public_url};
use anyhow::Context;
use ombud_domain::Role;
use ombud_service::{Invited, ServiceError};
use std::io::Read;

/// A refusal in plain English, one line per field.
pub fn refusal(what: &str, e: ServiceError) -> anyhow::Error {
    let tr = ombud_web::Lang::En.tr();
    match e {
        ServiceError::Invalid(errors) => {
            let list: Vec<String> =
                errors.iter().map(|e| format!("{}: {}", e.field, tr.t(&format!("field-{}", e.code)))).collect();
            anyhow::anyhow!("{what}: {}", list.join("; "))
        }
        ServiceError::NotFound => anyhow::anyhow!("{what}: no staff account has this email"),
        other => anyhow::Error::new(other).context(what.to_owned()),
    }
}

/// A staff account as `ombud staff add` names it; the password comes on standard input.
pub struct NewStaff {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub lang: String,
    pub time_zone: Option<String>,
}

pub async fn add(at: &Location, new: NewStaff) -> anyhow::Result<()> {
    if let Some(zone) = &new.time_zone
        && jiff::tz::TimeZone::get(zone).is_err()
    {
        anyhow::bail!("not created: unknown time zone {zone:?} (use an IANA name such as Asia/Shanghai)");
    }
    let mut password = String::new();
    std::io::stdin().read_to_string(&mut password).context("reading the password from standard input")?;
    let password = password.trim_end_matches(['\n', '\r']);
    let ombud = open_at(at).await?;
    let staff = ombud
        .operator()
        .add_staff(&new.email, &new.name, new.role, password)
        .await
        .map_err(|e| refusal("not created", e))?;
    ombud.set_staff_language(&staff.email, &new.lang).await?;
    if let Some(zone) = &new.time_zone {
        ombud.set_staff_time_zone(&staff.email, zone).await?;
    }
    println!("created {} account for {} <{}> ({})", staff.role, staff.name, staff.email, staff.id);
    Ok(())
}

pub async fn list(at: &Location) -> anyhow::Result<()> {
    let staff = open_at(at).await?.operator().list_staff().await?;
    if staff.is_empty() {
        println!("no staff accounts");
    }
    for s in staff {
        let last = s.last_sign_in_at.map_or_else(|| "never signed in".to_owned(), |t| t.to_string());
        println!("{}\t{}\t{}\t{}\t{}", s.role, s.status, s.email, s.name, last);
    }
    Ok(())
}

/// `invite`: her account waits until she chooses her password from the
/// link, which is mailed to her (and printed here for the operator).
pub async fn invite(at: &Location, email: &str, name: &str, role: Role, lang: &str) -> anyhow::Result<()> {
    let ombud = open_at(at).await?;
    let invited = ombud.operator().invite(email, name, role, lang).await.map_err(|e| refusal("not invited", e))?;
    print_link(at, "invited", &invited)
}

/// What the command line does to an existing account.
#[derive(Clone)]
pub enum Change {
    Disable,
    Enable,
    Reset,
    SetRole(Role),
    /// To the directory person an identifier names; None: by her email.
    Link(Option<String>),
}

pub async fn change(at: &Location, email: &str, change: Change) -> anyhow::Result<()> {
    let ombud = open_at(at).await?;
    let admin = ombud.operator();
    let id = admin.staff_by_email(email).await.map_err(|e| refusal("unchanged", e))?.id;
    let done = match change {
        Change::Disable => admin
            .disable(id)
            .await
            .map(|s| format!("disabled {} <{}>: her sessions and case keys are gone", s.name, s.email)),
        Change::Enable => {
            let (s, link) = admin.enable(id).await.map_err(|e| refusal("unchanged", e))?;
            match link {
                Some(token) => println!(
                    "enabled {} <{}>: she chooses a password first, from the link mailed to her:\n  {}{}/{token}",
                    s.name,
                    s.email,
                    public_url(at)?,
                    ombud_service::TICKET_PATH
                ),
                None => println!("enabled {} <{}>: her cases come back as pending grants", s.name, s.email),
            }
            return Ok(());
        }
        Change::SetRole(role) => admin.set_role(id, role).await.map(|s| match s.awaiting_role {
            Some(waits) => format!(
                "{} <{}> stays {}: the {waits} role waits for an oversight member's approval",
                s.name, s.email, s.role
            ),
            None => format!("{} <{}> is now {}", s.name, s.email, s.role),
        }),
        Change::Link(employee_id) => admin.link_staff(id, employee_id.as_deref()).await.map(|s| match s.employee_id {
            Some(e) => format!("{} <{}> is linked to the directory person {e}", s.name, s.email),
            None => format!("{} <{}> is linked to the directory by her email alone", s.name, s.email),
        }),
        Change::Reset => {
            let reset = admin.reset(id).await.map_err(|e| refusal("unchanged", e))?;
            return print_link(at, "reset", &reset);
        }
    };
    println!("{}", done.map_err(|e| refusal("unchanged", e))?);
    Ok(())
}

fn print_link(at: &Location, what: &str, invited: &Invited) -> anyhow::Result<()> {
    let s = &invited.staff;
    let Some(token) = &invited.link_token else {
        println!(
            "{what} {} <{}>; the {} role waits for an oversight member's approval, then the link to choose a password is mailed to her",
            s.name, s.email, s.role
        );
        return Ok(());
    };
    println!("{what} {} <{}> ({}); the link to choose a password is mailed to her:", s.name, s.email, s.role);
    println!("  {}{}/{token}", public_url(at)?, ombud_service::TICKET_PATH);
    println!("It works once, for three days.");
    Ok(())
}
