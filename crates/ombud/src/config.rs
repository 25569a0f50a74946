//! Configuration: a TOML file, then environment variables, then flags.

use anyhow::Context;
use ombud_domain::DeadlinePolicy;
use ombud_service::{KdfParams, ServiceConfig};
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FileConfig {
    pub listen: Option<String>,
    pub data: Option<PathBuf>,
    pub database_url: Option<String>,
    /// Set when Ombud is served over HTTPS (behind a TLS proxy).
    pub secure_cookies: bool,
    /// Proxies whose forwarding headers name the client (for the receipt
    /// limit only; the address is never stored or logged).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    pub max_attachment_mb: u64,
    pub max_attachments: usize,
    pub policy: DeadlinePolicy,
    pub receipt_kdf: KdfParams,
    pub password_kdf: KdfParams,
    pub ledger: LedgerConfig,
    pub mail: MailConfig,
    pub conflict: ConflictConfig,
    pub accounts: AccountsConfig,
    pub recovery: RecoveryConfig,
    /// After she speaks up (`[retaliation]`): `review_days` an HR action is
    /// held (5), `skip_kinds` exempt from holding, `protection_months` after
    /// a case closes (24).
    pub retaliation: ombud_domain::RetaliationPolicy,
    /// Where a reporter can turn outside the organisation (`[[external_channels]]`
    /// with `name_en`, `name_zh`, `contact`); China's channels when absent.
    pub external_channels: Option<Vec<ombud_domain::ExternalChannel>>,
    /// The labels handlers put on cases (`[[labels]]` with `key`, `name_en`,
    /// `name_zh`); a short default list when absent.
    pub labels: Option<Vec<ombud_domain::CaseLabel>>,
    pub server: ServerConfig,
}

/// How the server runs (`[server]`).
#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Seconds the requests in flight (and the job in hand) may take to
    /// finish after SIGTERM or SIGINT.
    pub shutdown_grace: u64,
    /// Where Prometheus metrics are served (`--metrics-listen`); off when absent.
    pub metrics_listen: Option<String>,
    /// Seconds between rounds of the job loop (deadlines, outbox, session
    /// keys, checkpoints); one instance of several runs each round.
    pub job_interval: u64,
    /// How many instances serve behind the proxy: each keeps its own count
    /// of wrong receipts per client, so each allows its share of the budget.
    pub instances: u32,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self { shutdown_grace: 20, metrics_listen: None, job_interval: 60, instances: 1 }
    }
}

/// Conflict-of-interest routing (`[conflict]`).
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConflictConfig {
    /// How many levels above an accused are excluded; all when absent.
    pub chain_levels: Option<u32>,
    /// Accusing someone at or above this level sends a case to oversight
    /// only; when absent, the top two levels present in the directory.
    pub senior_level: Option<i64>,
}

/// Staff accounts and their sessions (`[accounts]`).
#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AccountsConfig {
    /// The roles that must sign in with a second factor; `[]` turns the
    /// requirement off (for trials and tests), `"handler"` adds handlers.
    pub second_factor: Vec<ombud_domain::Role>,
    /// A staff session ends after this many minutes without a request…
    pub session_idle_minutes: u64,
    /// …and this many hours after sign-in, however busy.
    pub session_lifetime_hours: u64,
}

impl Default for AccountsConfig {
    fn default() -> Self {
        Self {
            second_factor: ServiceConfig::default().second_factor,
            session_idle_minutes: 30,
            session_lifetime_hours: 12,
        }
    }
}

/// The organisation recovery key (`[recovery]`): split among `shares`
/// oversight members, any `threshold` of whom rebuild it.
#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RecoveryConfig {
    pub shares: u32,
    pub threshold: u32,
}

impl Default for RecoveryConfig {
    fn default() -> Self {
        let service = ServiceConfig::default();
        Self { shares: service.recovery_shares, threshold: service.recovery_threshold }
    }
}

impl RecoveryConfig {
    /// A threshold under two would let one member rebuild the key alone;
    /// fewer shares than the threshold could never rebuild it.
    fn check(&self) -> anyhow::Result<()> {
        if let Some(problem) = ombud_domain::recovery_split_problem(self.threshold, self.shares as usize) {
            anyhow::bail!(
                "[recovery] shares = {} and threshold = {} cannot work ({problem}): the threshold must be at least 2 and at most the shares",
                self.shares,
                self.threshold
            );
        }
        Ok(())
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailConfig {
    /// `smtp://host:port` of a local relay; `OMBUD_SMTP_URL` overrides it.
    /// Without one, notifications wait in the outbox (nothing is lost).
    pub smtp_url: Option<String>,
    /// The sender address.
    pub from: Option<String>,
    /// Where notices link to, e.g. "https://speakup.example.org".
    pub public_url: Option<String>,
    /// The mailbox Ombud signs in as, when the server asks for a login.
    pub username: Option<String>,
    /// A file holding its password (`OMBUD_SMTP_PASSWORD` overrides it);
    /// never the password itself in this file.
    pub password_file: Option<PathBuf>,
    /// XOAUTH2 instead of a password: a file holding the current access
    /// token, read at each send (an outside agent keeps it fresh).
    pub oauth_token_file: Option<PathBuf>,
    /// A CA certificate (PEM) to trust besides the public roots.
    pub ca_file: Option<PathBuf>,
}

impl MailConfig {
    /// The mail server as configured, if one is: `OMBUD_SMTP_URL` over
    /// `smtp_url`, `OMBUD_SMTP_PASSWORD` over `password_file`.
    pub fn smtp(&self) -> anyhow::Result<Option<ombud_service::SmtpSettings>> {
        let Some(url) = std::env::var("OMBUD_SMTP_URL").ok().or(self.smtp_url.clone()) else { return Ok(None) };
        let password = match (std::env::var("OMBUD_SMTP_PASSWORD").ok(), &self.password_file) {
            (Some(password), _) => Some(password),
            (None, Some(file)) => Some(
                std::fs::read_to_string(file)
                    .with_context(|| format!("[mail] password_file {}", file.display()))?
                    .trim_end_matches(['\n', '\r'])
                    .to_owned(),
            ),
            (None, None) => None,
        };
        Ok(Some(ombud_service::SmtpSettings {
            url,
            from: self.from.clone().unwrap_or_else(|| "ombud@localhost".to_owned()),
            username: self.username.clone(),
            password,
            oauth_token_file: self.oauth_token_file.clone(),
            ca_file: self.ca_file.clone(),
        }))
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LedgerConfig {
    /// The checkpoint origin line, e.g. "speakup.example.org/ombud".
    pub origin: Option<String>,
    /// A file outside Ombud's control (another disk, a mounted share) where
    /// the day's checkpoint is appended, so a rewritten history would
    /// contradict what it already holds.
    pub witness_file: Option<PathBuf>,
}

impl Default for FileConfig {
    fn default() -> Self {
        Self {
            listen: None,
            data: None,
            database_url: None,
            secure_cookies: false,
            trusted_proxies: Vec::new(),
            max_attachment_mb: 25,
            max_attachments: 10,
            policy: DeadlinePolicy::default(),
            receipt_kdf: KdfParams::default(),
            password_kdf: KdfParams::default(),
            ledger: LedgerConfig::default(),
            mail: MailConfig::default(),
            conflict: ConflictConfig::default(),
            accounts: AccountsConfig::default(),
            recovery: RecoveryConfig::default(),
            retaliation: ombud_domain::RetaliationPolicy::default(),
            external_channels: None,
            labels: None,
            server: ServerConfig::default(),
        }
    }
}

/// `[retaliation]` within bounds that keep its dates computable.
fn check_retaliation(r: &ombud_domain::RetaliationPolicy) -> anyhow::Result<()> {
    anyhow::ensure!((1..=365).contains(&r.review_days), "[retaliation] review_days must be 1 to 365");
    anyhow::ensure!(r.protection_months <= 1200, "[retaliation] protection_months must be at most 1200");
    anyhow::ensure!(
        r.check_in_days.iter().all(|d| (1..=3650).contains(d)),
        "[retaliation] check_in_days must each be 1 to 3650"
    );
    Ok(())
}

impl FileConfig {
    pub fn load(path: Option<&Path>) -> anyhow::Result<Self> {
        let Some(path) = path else {
            return Ok(Self::default());
        };
        let text = std::fs::read_to_string(path).with_context(|| format!("reading config file {}", path.display()))?;
        let config: Self =
            toml::from_str(&text).with_context(|| format!("config file {} is not valid", path.display()))?;
        config.recovery.check().with_context(|| format!("config file {} is not valid", path.display()))?;
        check_retaliation(&config.retaliation)
            .with_context(|| format!("config file {} is not valid", path.display()))?;
        Ok(config)
    }

    /// The policy as configured, with the default category rules (assault's
    /// 72-hour deadlines) kept for every category the file does not mention.
    fn policy(&self) -> DeadlinePolicy {
        let mut policy = self.policy.clone();
        for (category, rules) in DeadlinePolicy::default().categories {
            policy.categories.entry(category).or_insert(rules);
        }
        policy
    }

    pub fn service(&self) -> ServiceConfig {
        ServiceConfig {
            policy: self.policy(),
            receipt_kdf: self.receipt_kdf,
            password_kdf: self.password_kdf,
            max_attachment_bytes: self.max_attachment_mb * 1024 * 1024,
            max_attachments: self.max_attachments,
            ledger_origin: self.ledger.origin.clone(),
            conflict: ombud_domain::ConflictPolicy {
                chain_levels: self.conflict.chain_levels,
                senior_level: self.conflict.senior_level,
            },
            external_channels: self.external_channels.clone().unwrap_or_else(ombud_domain::ExternalChannel::china),
            labels: self.labels.clone().unwrap_or_else(ombud_domain::CaseLabel::defaults),
            second_factor: self.accounts.second_factor.clone(),
            recovery_threshold: self.recovery.threshold,
            recovery_shares: self.recovery.shares,
            retaliation: self.retaliation.clone(),
            // A notice claimed by an instance that died is sent by another
            // after this; shorter with a faster job loop.
            outbox_claim: jiff::SignedDuration::from_secs((2 * self.job_interval().as_secs()).clamp(10, 120) as i64),
            ..ServiceConfig::default()
        }
    }

    pub fn web(&self) -> ombud_web::WebConfig {
        let max_upload_request_bytes =
            usize::try_from(self.max_attachment_mb * 1024 * 1024 * 2 + 1024 * 1024).unwrap_or(usize::MAX);
        ombud_web::WebConfig {
            secure_cookies: self.secure_cookies,
            max_upload_request_bytes,
            trusted_proxies: self.trusted_proxies.clone(),
            // A session of at least a minute, however the file is written.
            staff_session_idle: std::time::Duration::from_secs(self.accounts.session_idle_minutes.max(1) * 60),
            staff_session_lifetime: std::time::Duration::from_secs(
                self.accounts.session_lifetime_hours.max(1).saturating_mul(3600),
            ),
            operations: ombud_web::OperationsSettings {
                mail_server: std::env::var("OMBUD_SMTP_URL")
                    .ok()
                    .or(self.mail.smtp_url.clone())
                    .map(|url| ombud_web::OperationsSettings::mail_server_shown(&url)),
                mail_from: self.mail.from.clone(),
                public_url: self.mail.public_url.clone(),
                witness_file: self.ledger.witness_file.as_ref().map(|p| p.display().to_string()),
            },
            connections: ombud_web::ConnectionLimits { shutdown_grace: self.shutdown_grace(), ..Default::default() },
            receipt_failures_per_client: self.receipt_failures_per_instance(),
            ..Default::default()
        }
    }

    /// `[server] job_interval`, from a second to an hour.
    pub fn job_interval(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.server.job_interval.clamp(1, 3600))
    }

    /// Each instance's share of the per-client budget of wrong receipts
    /// (DECISIONS #21: the counts stay in memory, never in the database).
    fn receipt_failures_per_instance(&self) -> u32 {
        (ombud_web::WebConfig::default().receipt_failures_per_client / self.server.instances.max(1)).max(1)
    }

    /// `[server] shutdown_grace`, at most an hour.
    pub fn shutdown_grace(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.server.shutdown_grace.min(3600))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_config_file_overrides_defaults_and_rejects_typos() {
        let c: FileConfig = toml::from_str(
            "max_attachment_mb = 5\n[policy]\ntime_zone = \"Asia/Shanghai\"\n[receipt_kdf]\nm_kib = 65536\nt = 3\np = 1\n",
        )
        .expect("valid");
        assert_eq!(c.max_attachment_mb, 5);
        let proxied: FileConfig = toml::from_str("trusted_proxies = [\"127.0.0.1\", \"::1\"]\n").expect("valid");
        assert_eq!(proxied.web().trusted_proxies.len(), 2);
        assert!(toml::from_str::<FileConfig>("trusted_proxies = [\"localhost\"]\n").is_err(), "addresses only");
        assert_eq!(c.policy.time_zone, "Asia/Shanghai");
        assert_eq!(c.policy.acknowledge_days, 7);
        assert_eq!(c.receipt_kdf.m_kib, 65536);
        assert!(toml::from_str::<FileConfig>("max_attachement_mb = 5").is_err());
        assert_eq!(c.policy.categories["sexual_assault"].triage_hours, Some(72), "assault's defaults stay");
        let tighter: FileConfig = toml::from_str(
            "[policy]\nrequest_answer_days = 3\nrouting_hours = 12\n[policy.categories.sexual_harassment]\ntriage_hours = 48\n[mail]\nsmtp_url = \"smtp://127.0.0.1:2525\"\n",
        )
        .expect("valid");
        assert_eq!(tighter.policy.request_answer_days, 3);
        assert_eq!(tighter.policy.routing_hours, 12);
        assert_eq!(tighter.policy.categories["sexual_harassment"].triage_hours, Some(48));
        assert_eq!(tighter.mail.smtp_url.as_deref(), Some("smtp://127.0.0.1:2525"));
        let merged = tighter.service().policy;
        assert_eq!(
            merged.categories["sexual_assault"].interim_measures_hours,
            Some(72),
            "defaults kept under the file's rules"
        );
        assert_eq!(merged.categories["sexual_harassment"].triage_hours, Some(48));
    }

    #[test]
    fn accounts_need_a_second_factor_for_oversight_and_administrators_unless_the_file_says_otherwise() {
        use ombud_domain::Role;
        let default = FileConfig::default();
        assert_eq!(default.service().second_factor, vec![Role::Oversight, Role::Admin]);
        assert_eq!(default.web().staff_session_idle, std::time::Duration::from_secs(30 * 60));
        assert_eq!(default.web().staff_session_lifetime, std::time::Duration::from_secs(12 * 3600));
        let all: FileConfig = toml::from_str(
            "[accounts]\nsecond_factor = [\"oversight\", \"admin\", \"handler\"]\nsession_idle_minutes = 15\nsession_lifetime_hours = 8\n",
        )
        .expect("valid");
        assert!(all.service().requires_second_factor(Role::Handler));
        assert_eq!(all.web().staff_session_idle, std::time::Duration::from_secs(15 * 60));
        assert_eq!(all.web().staff_session_lifetime, std::time::Duration::from_secs(8 * 3600));
        let trial: FileConfig = toml::from_str("[accounts]\nsecond_factor = []\n").expect("valid");
        assert!(!trial.service().requires_second_factor(Role::Admin), "an empty list turns it off");
        assert!(toml::from_str::<FileConfig>("[accounts]\nsecond_factor = [\"boss\"]\n").is_err(), "roles only");
    }

    #[test]
    fn recovery_is_two_of_three_by_default_and_a_split_that_cannot_work_is_refused() {
        let default = FileConfig::default().service();
        assert_eq!((default.recovery_threshold, default.recovery_shares), (2, 3));
        let dir = tempfile::tempdir().expect("dir");
        let write = |text: &str| {
            let path = dir.path().join("ombud.toml");
            std::fs::write(&path, text).expect("write");
            FileConfig::load(Some(&path))
        };
        let held = write("[retaliation]\nreview_days = 7\nskip_kinds = [\"transfer\"]\n").expect("retaliation");
        assert_eq!(held.service().retaliation.review_days, 7);
        assert!(held.service().retaliation.exempt(ombud_domain::HrActionKind::Transfer));
        assert!(write("[retaliation]\nskip_kinds = [\"firing\"]\n").is_err(), "an unknown kind is refused");
        assert!(write("[retaliation]\nreview_days = 0\n").is_err(), "a period of no days holds nothing");
        assert!(write("[retaliation]\nprotection_months = 999999\n").is_err());
        let five = write("[recovery]\nshares = 5\nthreshold = 3\n").expect("3 of 5 works");
        assert_eq!((five.service().recovery_threshold, five.service().recovery_shares), (3, 5));
        let alone = write("[recovery]\nthreshold = 1\n").expect_err("one member alone");
        assert!(format!("{alone:#}").contains("threshold"), "{alone:#}");
        assert!(write("[recovery]\nshares = 2\nthreshold = 3\n").is_err(), "more approvals than holders");
    }

    #[test]
    fn external_channels_come_from_the_file_or_default_to_china() {
        let none = FileConfig::default().service().external_channels;
        assert!(none.iter().any(|c| c.contact == "12338"), "the women's federation hotline by default");
        let eu: FileConfig = toml::from_str(
            "[[external_channels]]\nname_en = \"The competent authority (Whistleblower Directive)\"\nname_zh = \"主管机关\"\ncontact = \"https://example.eu/report\"\n",
        )
        .expect("valid");
        let channels = eu.service().external_channels;
        assert_eq!(channels.len(), 1, "a list in the file replaces the default");
        assert_eq!(channels[0].name("zh-CN"), "主管机关");
        assert!(toml::from_str::<FileConfig>("[[external_channels]]\nname = \"x\"\n").is_err(), "typos refused");
    }
}
