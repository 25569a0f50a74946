//! The sample organisation `ombud demo` starts with.

use crate::{Ombud, Result};
use ombud_domain::{Location, Occurred, PersonInvolved, ReportDraft, ReporterRequest, Role};

pub struct DemoAccount {
    pub email: &'static str,
    pub password: &'static str,
    pub role: Role,
    /// Her name, and what she shows in the demo.
    pub name: &'static str,
}

pub const DEMO_ACCOUNTS: [DemoAccount; 7] = [
    DemoAccount {
        email: "handler@demo.ombud.example",
        password: "demo-handler-pass",
        role: Role::Handler,
        name: "Wang Fang (ethics office)",
    },
    DemoAccount {
        email: "oversight@demo.ombud.example",
        password: "demo-oversight-pass",
        role: Role::Oversight,
        name: "Maria Keller (audit committee, holds a recovery share)",
    },
    // Three committee members hold the recovery key, any two of whom can
    // recover a case whose only reader lost her password.
    DemoAccount {
        email: "oversight2@demo.ombud.example",
        password: "demo-oversight2-pass",
        role: Role::Oversight,
        name: "Samuel Osei (audit committee, holds a recovery share)",
    },
    DemoAccount {
        email: "oversight3@demo.ombud.example",
        password: "demo-oversight3-pass",
        role: Role::Oversight,
        name: "Lin Xiaoyu (employee representative, holds a recovery share)",
    },
    // Both hold handler accounts, and neither may see the assault case:
    // he is above the accused, she is HR partner of the accused's unit.
    DemoAccount {
        email: "president@demo.ombud.example",
        password: "demo-president-pass",
        role: Role::Handler,
        name: "Zhao Lei (Sales North president: above the accused, never sees the assault case)",
    },
    DemoAccount {
        email: "hr.sales@demo.ombud.example",
        password: "demo-hr-partner-pass",
        role: Role::Handler,
        name: "Gao Yan (Sales North HR partner: never sees the assault case)",
    },
    DemoAccount {
        email: "admin@demo.ombud.example",
        password: "demo-admin-pass",
        role: Role::Admin,
        name: "Demo administrator",
    },
];

/// Maria Keller enables the recovery key for the three committee members,
/// before the sample cases arrive, so each is locked to it at intake.
async fn enable_recovery(ombud: &Ombud) -> Result<()> {
    let keller = &DEMO_ACCOUNTS[1];
    let crate::SignIn::Done(session) = ombud.staff_sign_in(keller.email, keller.password, None).await? else {
        return Err(crate::ServiceError::SecondFactorNotSetUp);
    };
    let mut holders = Vec::new();
    for account in DEMO_ACCOUNTS.iter().filter(|a| a.role == Role::Oversight) {
        holders.push(ombud.operator().staff_by_email(account.email).await?.id);
    }
    let request = crate::RecoveryRequest { kind: ombud_domain::RecoveryKind::Enable, holders, case: None };
    ombud.oversight(&session)?.start_recovery(&request).await?;
    Ok(())
}

/// The sample organisation: a chief executive and COO (the top two levels,
/// so a case accusing either goes to oversight only), a sales unit with its
/// president, two managers and their reports, the unit's HR partner, and an
/// ethics office. Li Na reports to Zhang Wei; Sun Hao is his peer.
pub const SAMPLE_DIRECTORY: &str = "\
employee_id,name,email,manager_id,unit,level,hr_partner_id
E100,Chen Jun,ceo@demo.ombud.example,,Executive,9,
E200,Liu Yang,coo@demo.ombud.example,E100,Executive,8,
E300,Zhao Lei,president@demo.ombud.example,E200,Sales North,7,E500
E310,Zhang Wei,zhang.wei@demo.ombud.example,E300,Sales North,5,E500
E320,Sun Hao,sun.hao@demo.ombud.example,E300,Sales North,5,E500
E311,Li Na,li.na@demo.ombud.example,E310,Sales North,3,E500
E321,Zhou Min,zhou.min@demo.ombud.example,E320,Sales North,3,E500
E400,He Qing,people.lead@demo.ombud.example,E200,People,7,
E500,Gao Yan,hr.sales@demo.ombud.example,E400,People,5,
E600,Wang Fang,handler@demo.ombud.example,E400,Ethics Office,5,
";

/// The seed scenario: Li Na reports her manager's peer and a client for an
/// assault on a business trip.
pub fn business_trip_assault() -> ReportDraft {
    ReportDraft {
        category: "sexual_assault".into(),
        description: "出差期间，一位经理和客户在晚宴上一再劝我喝酒。之后发生的事让我非常害怕。我没有视频证据，但有当晚的聊天记录。".into(),
        language: Some("zh-CN".into()),
        occurred: Occurred { date: None, approximate: true, description: Some("上个月出差期间".into()) },
        location: Location { kind: Some("business_trip".into()), detail: Some("济南，客户晚宴".into()) },
        people: vec![
            // As she would write him: in characters, with his title, no id.
            PersonInvolved { name: "孙浩（销售经理）".into(), role: "accused".into(), ..Default::default() },
            PersonInvolved { name: "客户代表".into(), role: "accused".into(), internal: Some(false), ..Default::default() },
        ],
        requests: vec![
            ReporterRequest { kind: "no_contact".into(), detail: None },
            ReporterRequest { kind: "counselling".into(), detail: None },
        ],
        ..Default::default()
    }
}

/// A sample receipt per seeded case, so the demo's reporter side can be tried.
pub struct DemoCase {
    pub reference: String,
    pub receipt: String,
}

pub async fn seed(ombud: &Ombud) -> Result<Vec<DemoCase>> {
    ombud.import_directory(SAMPLE_DIRECTORY, crate::ChangeSource::CommandLine).await?;
    let names = [
        "Wang Fang (ethics office)",
        "Maria Keller (audit committee)",
        "Samuel Osei (audit committee)",
        "Lin Xiaoyu (employee representative)",
        "Zhao Lei (Sales North president)",
        "Gao Yan (HR partner, Sales North)",
        "Demo administrator",
    ];
    for (account, name) in DEMO_ACCOUNTS.iter().zip(names) {
        ombud.operator().add_staff(account.email, name, account.role, account.password).await?;
    }
    enable_recovery(ombud).await?;
    let chinese = business_trip_assault();
    let english = ReportDraft {
        category: "retaliation".into(),
        description:
            "After I supported a colleague's complaint, my shifts were cut and I was left out of team meetings.".into(),
        language: Some("en".into()),
        location: Location { kind: Some("workplace".into()), detail: None },
        // Nobody in the directory is "the team lead": the case is restricted to
        // oversight until a member identifies him.
        people: vec![PersonInvolved {
            name: "the team lead".into(),
            role: "accused".into(),
            internal: Some(true),
            ..Default::default()
        }],
        requests: vec![ReporterRequest { kind: "change_reporting_line".into(), detail: None }],
        ..Default::default()
    };
    let mut cases = Vec::new();
    for draft in [chinese, english] {
        let submitted = ombud.submit_report(&draft, Vec::new(), None).await?;
        cases.push(DemoCase { reference: submitted.reference, receipt: submitted.receipt.grouped() });
    }
    Ok(cases)
}
