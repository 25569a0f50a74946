//! The sample organisation `ombud demo` starts with.

use crate::{Ombud, Result};
use ombud_domain::{Location, Occurred, PersonInvolved, ReportDraft, ReporterRequest, Role};

pub struct DemoAccount {
    pub email: &'static str,
    pub password: &'static str,
    pub role: Role,
}

pub const DEMO_ACCOUNTS: [DemoAccount; 2] = [
    DemoAccount { email: "handler@demo.ombud.example", password: "demo-handler-pass", role: Role::Handler },
    DemoAccount { email: "oversight@demo.ombud.example", password: "demo-oversight-pass", role: Role::Oversight },
];

/// A sample receipt per seeded case, so the demo's reporter side can be tried.
pub struct DemoCase {
    pub reference: String,
    pub receipt: String,
}

pub async fn seed(ombud: &Ombud) -> Result<Vec<DemoCase>> {
    ombud
        .add_staff(DEMO_ACCOUNTS[0].email, "Wang Fang (ethics office)", Role::Handler, DEMO_ACCOUNTS[0].password)
        .await?;
    ombud
        .add_staff(DEMO_ACCOUNTS[1].email, "Maria Keller (audit committee)", Role::Oversight, DEMO_ACCOUNTS[1].password)
        .await?;
    ombud.add_staff("admin@demo.ombud.example", "Demo administrator", Role::Admin, "demo-admin-pass").await?;
    let chinese = ReportDraft {
        category: "sexual_assault".into(),
        description: "出差期间，一位经理和客户在晚宴上一再劝我喝酒。之后发生的事让我非常害怕。我没有视频证据，但有当晚的聊天记录。".into(),
        language: Some("zh-CN".into()),
        occurred: Occurred { date: None, approximate: true, description: Some("上个月出差期间".into()) },
        location: Location { kind: Some("business_trip".into()), detail: Some("济南，客户晚宴".into()) },
        people: vec![
            PersonInvolved { name: "张经理".into(), role: "accused".into(), internal: true, ..Default::default() },
            PersonInvolved { name: "客户代表".into(), role: "accused".into(), internal: false, ..Default::default() },
        ],
        requests: vec![
            ReporterRequest { kind: "no_contact".into(), detail: None },
            ReporterRequest { kind: "counselling".into(), detail: None },
        ],
        ..Default::default()
    };
    let english = ReportDraft {
        category: "retaliation".into(),
        description:
            "After I supported a colleague's complaint, my shifts were cut and I was left out of team meetings.".into(),
        language: Some("en".into()),
        location: Location { kind: Some("workplace".into()), detail: None },
        people: vec![PersonInvolved {
            name: "Team lead".into(),
            role: "accused".into(),
            internal: true,
            ..Default::default()
        }],
        requests: vec![ReporterRequest { kind: "change_reporting_line".into(), detail: None }],
        ..Default::default()
    };
    let mut cases = Vec::new();
    for draft in [chinese, english] {
        let submitted = ombud.submit_report(&draft, Vec::new()).await?;
        cases.push(DemoCase { reference: submitted.reference, receipt: submitted.receipt.grouped() });
    }
    Ok(cases)
}
