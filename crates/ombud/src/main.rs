//! `ombud`: serve, demo, and the operator's commands.
#![forbid(unsafe_code)]

/// mimalloc returns freed memory to the system; glibc's per-thread arenas
/// kept hundreds of megabytes after a burst of 19 MiB key derivations.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod config;
mod instance;
mod ledger_cmd;
mod loadtest;
mod staff_cmd;

use anyhow::Context;
use clap::{Parser, Subcommand};
use config::FileConfig;
use ombud_domain::Role;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "ombud",
    version,
    about = "A confidential speak-up channel and a case workflow that cannot quietly fail the person who spoke up."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// How the log on standard error is written: lines for a person, or
    /// one JSON object a line for a log collector.
    #[arg(long, global = true, value_enum, env = "OMBUD_LOG_FORMAT", default_value_t = LogFormat::Text)]
    log_format: LogFormat,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(clap::Args, Clone)]
struct Location {
    /// Data directory: instance secret and, by default, the SQLite database.
    #[arg(long, env = "OMBUD_DATA", default_value = "./ombud-data")]
    data: PathBuf,
    /// postgres://… or sqlite:…; the embedded SQLite file in --data when absent.
    #[arg(long, env = "OMBUD_DATABASE_URL")]
    database_url: Option<String>,
    /// TOML configuration file.
    #[arg(long, env = "OMBUD_CONFIG")]
    config: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server.
    Serve {
        #[command(flatten)]
        at: Location,
        /// Address to listen on.
        #[arg(long, env = "OMBUD_LISTEN")]
        listen: Option<String>,
        /// Serve Prometheus metrics at /metrics on this address (a listener
        /// of its own, off by default; keep it off the public network).
        #[arg(long, env = "OMBUD_METRICS_LISTEN")]
        metrics_listen: Option<String>,
    },
    /// A throwaway instance with a sample organisation, in a temporary directory.
    Demo {
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
    },
    /// Staff accounts.
    Staff {
        #[command(subcommand)]
        command: StaffCommand,
    },
    /// Drive a running server with a realistic mix and print latencies.
    Loadtest(loadtest::LoadTest),
    /// Tools for developers and scale tests.
    Dev {
        #[command(subcommand)]
        command: DevCommand,
    },
    /// Deadlines.
    Deadlines {
        #[command(subcommand)]
        command: DeadlinesCommand,
    },
    /// The tamper-evident ledger.
    Ledger {
        #[command(subcommand)]
        command: LedgerCommand,
    },
    /// The organisation's directory, for conflict-of-interest routing.
    Directory {
        #[command(subcommand)]
        command: DirectoryCommand,
    },
    /// The HR system's feed of adverse actions (held for review before they take effect).
    Hr {
        #[command(subcommand)]
        command: HrCommand,
    },
    /// The organisation recovery key, held by oversight (enabled and used in the browser or the API).
    Recovery {
        #[command(subcommand)]
        command: RecoveryCommand,
    },
}

#[derive(Subcommand)]
enum HrCommand {
    /// Announce adverse actions from a CSV file with the columns
    /// employee_id,action,effective,decided_by,ground. Every bad line is
    /// reported and nothing is imported; each action's id and status are printed.
    Import {
        #[command(flatten)]
        at: Location,
        /// The CSV file (UTF-8).
        file: PathBuf,
    },
    /// Bearer tokens for the HR system (`POST /api/v1/hr/actions`).
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
}

#[derive(Subcommand)]
enum RecoveryCommand {
    /// Whether recovery is enabled, its holders, the cases still to lock to it and the operations waiting.
    Status {
        #[command(flatten)]
        at: Location,
    },
}

#[derive(Subcommand)]
enum DirectoryCommand {
    /// Add or update people from a CSV file with the columns
    /// employee_id,name,email,manager_id,unit,level,hr_partner_id and,
    /// optionally, other_names (separated by ";").
    /// Every malformed line is reported and nothing is imported.
    Import {
        #[command(flatten)]
        at: Location,
        /// The CSV file (UTF-8).
        file: PathBuf,
    },
    /// List the people of the directory.
    List {
        #[command(flatten)]
        at: Location,
    },
    /// Bearer tokens for a directory-sync (SCIM 2.0) client.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create a token; it is printed once and only its keyed hash is kept.
    Create {
        #[command(flatten)]
        at: Location,
        /// What the token is for, e.g. "Entra ID provisioning".
        #[arg(long)]
        label: String,
    },
    /// List tokens (without their secrets).
    List {
        #[command(flatten)]
        at: Location,
    },
    /// Revoke a token by its id.
    Revoke {
        #[command(flatten)]
        at: Location,
        id: uuid::Uuid,
    },
}

#[derive(Subcommand)]
enum DevCommand {
    /// Fill a store with N realistic sealed cases, spread over the past year.
    Seed {
        #[command(flatten)]
        at: Location,
        #[arg(long)]
        cases: u64,
    },
}

#[derive(Subcommand)]
enum DeadlinesCommand {
    /// Run one pass by hand: escalate every deadline that passed unmet.
    Sweep {
        #[command(flatten)]
        at: Location,
        /// Sweep as of this time (RFC 3339, e.g. 2026-12-01T09:00:00Z) instead of now.
        #[arg(long, value_parser = parse_time)]
        as_of: Option<jiff::Timestamp>,
    },
}

fn parse_time(s: &str) -> Result<jiff::Timestamp, String> {
    s.parse().map_err(|e| format!("not an RFC 3339 time ({e}); for example 2026-12-01T09:00:00Z"))
}

#[derive(Subcommand)]
enum LedgerCommand {
    /// Print the key that verifies this instance's checkpoints.
    Key {
        #[command(flatten)]
        at: Location,
    },
    /// Recompute the whole log and check every signed checkpoint.
    Verify {
        #[command(flatten)]
        at: Location,
    },
    /// Check a reporter's downloaded record offline, without the database.
    VerifyRecord {
        /// The record file (ombud-record-….json).
        file: PathBuf,
        /// The instance's verifier key (from its about page or `ombud ledger key`).
        #[arg(long)]
        key: String,
        /// An earlier record of the same case: check nothing it held was removed or changed.
        #[arg(long)]
        earlier: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum StaffCommand {
    /// Create a staff account; the password is read from standard input.
    Add {
        #[command(flatten)]
        at: Location,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// The language of her notifications: en or zh-CN.
        #[arg(long, default_value = "en")]
        lang: String,
        /// The zone she sees times in (IANA name, e.g. Asia/Shanghai); the organisation's by default.
        #[arg(long)]
        time_zone: Option<String>,
        /// Read the password from standard input (required: never on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// List staff accounts: role, status, email, name, last sign-in.
    List {
        #[command(flatten)]
        at: Location,
    },
    /// Invite a person: a one-time link to choose her password is mailed to her (and printed).
    Invite {
        #[command(flatten)]
        at: Location,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// The language of her notifications: en or zh-CN.
        #[arg(long, default_value = "en")]
        lang: String,
    },
    /// Disable an account at once: her sessions end and her case keys are removed.
    Disable {
        #[command(flatten)]
        at: Location,
        #[arg(long)]
        email: String,
    },
    /// Enable a disabled account; her cases come back as pending grants.
    Enable {
        #[command(flatten)]
        at: Location,
        #[arg(long)]
        email: String,
    },
    /// Reset a lost password: her key pair is void and a one-time link lets her choose a new one.
    Reset {
        #[command(flatten)]
        at: Location,
        #[arg(long)]
        email: String,
    },
    /// Link an account to the directory person an employee id (or userName,
    /// or externalId) names, when her address is not the directory's; the
    /// conflict rule places her there, and she leaves with that person.
    Link {
        #[command(flatten)]
        at: Location,
        #[arg(long)]
        email: String,
        #[arg(long, required_unless_present = "by_email", conflicts_with = "by_email")]
        employee_id: Option<String>,
        /// Remove the link: her email alone links her again.
        #[arg(long)]
        by_email: bool,
    },
    /// Change an account's role; her sessions end.
    SetRole {
        #[command(flatten)]
        at: Location,
        #[arg(long)]
        email: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
    },
}

async fn staff(command: StaffCommand) -> anyhow::Result<()> {
    use staff_cmd::Change;
    match command {
        StaffCommand::Add { at, email, name, role, lang, time_zone, password_stdin: _ } => {
            staff_cmd::add(&at, staff_cmd::NewStaff { email, name, role, lang, time_zone }).await
        }
        StaffCommand::List { at } => staff_cmd::list(&at).await,
        StaffCommand::Invite { at, email, name, role, lang } => {
            staff_cmd::invite(&at, &email, &name, role, &lang).await
        }
        StaffCommand::Disable { at, email } => staff_cmd::change(&at, &email, Change::Disable).await,
        StaffCommand::Enable { at, email } => staff_cmd::change(&at, &email, Change::Enable).await,
        StaffCommand::Reset { at, email } => staff_cmd::change(&at, &email, Change::Reset).await,
        StaffCommand::SetRole { at, email, role } => staff_cmd::change(&at, &email, Change::SetRole(role)).await,
        StaffCommand::Link { at, email, employee_id, by_email: _ } => {
            staff_cmd::change(&at, &email, Change::Link(employee_id)).await
        }
    }
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse().map_err(|_| "expected handler, oversight or admin".to_owned())
}

/// Logs to standard error; `RUST_LOG` overrides the default level.
fn init_logging(default: &str, format: LogFormat) {
    let mut filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    // No client address at any level: the connection layers that would name
    // one stay quiet whatever RUST_LOG asks for.
    for quiet in ["axum::serve=off", "hyper_util=off"] {
        if let Ok(directive) = quiet.parse() {
            filter = filter.add_directive(directive);
        }
    }
    let log = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Text => log.init(),
        LogFormat::Json => log.json().flatten_event(true).init(),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // The demo prints what a visitor needs; routine logs would bury it.
    init_logging(if matches!(cli.command, Command::Demo { .. }) { "warn" } else { "info,sqlx=warn" }, cli.log_format);
    match cli.command {
        Command::Serve { at, listen, metrics_listen } => serve(at, listen, metrics_listen).await,
        Command::Demo { listen } => demo(listen).await,
        Command::Staff { command } => staff(command).await,
        Command::Loadtest(args) => loadtest::run(args).await,
        Command::Dev { command: DevCommand::Seed { at, cases } } => seed(&at, cases).await,
        Command::Deadlines { command: DeadlinesCommand::Sweep { at, as_of } } => sweep(&at, as_of).await,
        Command::Ledger { command: LedgerCommand::Key { at } } => {
            println!("{}", open_at(&at).await?.verifier_key().encode());
            Ok(())
        }
        Command::Ledger { command: LedgerCommand::Verify { at } } => ledger_cmd::verify(&open_at(&at).await?).await,
        Command::Ledger { command: LedgerCommand::VerifyRecord { file, key, earlier } } => {
            ledger_cmd::verify_record_file(&file, &key, earlier.as_deref())
        }
        Command::Directory { command } => directory(command).await,
        Command::Recovery { command: RecoveryCommand::Status { at } } => recovery_status(&at).await,
        Command::Hr { command: HrCommand::Import { at, file } } => import_hr(&at, &file).await,
        Command::Hr { command: HrCommand::Token { command } } => tokens(command, ombud_service::SCOPE_HR).await,
    }
}

/// `ombud hr import`: all of the file or nothing, every problem named.
async fn import_hr(at: &Location, file: &std::path::Path) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let ombud = open_at(at).await?;
    match ombud.import_hr_actions(&text).await {
        Ok(answers) => {
            println!("id\tstatus");
            for a in &answers {
                println!("{}\t{}", a.id, a.status);
            }
            eprintln!("imported {} action(s) from {}", answers.len(), file.display());
            Ok(())
        }
        Err(ombud_service::ServiceError::BadImport(problems)) => {
            for p in &problems {
                eprintln!("{}: {p}", file.display());
            }
            anyhow::bail!("nothing was imported: {} problem(s) in {}", problems.len(), file.display())
        }
        Err(e) => Err(e).context("importing the HR actions"),
    }
}

/// Token commands for directory sync and for the HR feed: each lists and
/// revokes only its own kind.
async fn tokens(command: TokenCommand, scope: &str) -> anyhow::Result<()> {
    let hr = scope == ombud_service::SCOPE_HR;
    match command {
        TokenCommand::Create { at, label } => {
            let desk_at = open_at(&at).await?;
            let desk = desk_at.operator();
            let token = if hr { desk.create_hr_token(&label).await? } else { desk.create_api_token(&label).await? };
            println!("created token {} ({})", token.id, token.label);
            println!("Authorization: Bearer {}", token.token);
            if hr {
                println!("Keep it now: it is not shown again. The HR feed is <your Ombud URL>/api/v1/hr/actions");
            } else {
                println!("Keep it now: it is not shown again. The SCIM base URL is <your Ombud URL>/scim/v2");
            }
            Ok(())
        }
        TokenCommand::List { at } => {
            for t in open_at(&at).await?.operator().api_tokens().await?.into_iter().filter(|t| t.scope == scope) {
                let state = t.revoked_at.map_or_else(|| "active".to_owned(), |at| format!("revoked {at}"));
                println!("{}\t{}\t{}\t{state}", t.id, t.label, t.created_at);
            }
            Ok(())
        }
        TokenCommand::Revoke { at, id } => {
            let ombud = open_at(&at).await?;
            let known = ombud.operator().api_tokens().await?.into_iter().any(|t| t.id == id && t.scope == scope);
            anyhow::ensure!(known, "no such token");
            ombud.operator().revoke_api_token(id).await.context("revoking the token")?;
            println!("revoked token {id}");
            Ok(())
        }
    }
}

/// `ombud recovery status`: what oversight sees on its Recovery page, in a
/// form a script can read line by line.
async fn recovery_status(at: &Location) -> anyhow::Result<()> {
    let ombud = open_at(at).await?;
    let state = ombud.operator().recovery().await?;
    if !state.enabled {
        println!("recovery: not enabled");
        println!(
            "warning: a case whose only reader forgets her password can be lost; an oversight member enables recovery (configured: {} of {})",
            state.configured_threshold, state.configured_shares
        );
        return Ok(());
    }
    println!("recovery: enabled, {} of {} holders", state.threshold, state.holders.len());
    for holder in &state.holders {
        let usable = if holder.usable { "can approve" } else { "can no longer approve" };
        println!("holder: {} <{}> ({usable})", holder.name, holder.email);
    }
    println!("cases not yet locked to the recovery key: {}", state.cases_pending);
    println!("cases still locked only to an earlier key: {}", state.cases_not_rotated);
    for op in &state.operations {
        let case = op.case.as_ref().map_or(String::new(), |c| format!(" {}", c.case_ref));
        println!(
            "waiting: {}{case} asked by {}, {} of {} approvals, expires {}",
            op.kind,
            op.initiator.name,
            op.approvals.len(),
            op.needed,
            op.expires_at
        );
    }
    for warning in &state.warnings {
        println!("warning: {warning}");
    }
    Ok(())
}

/// `ombud dev seed`: synthetic cases for measuring, with progress.
async fn seed(at: &Location, cases: u64) -> anyhow::Result<()> {
    let ombud = open_at(at).await?;
    if ombud.operator().list_staff().await?.iter().all(|s| !s.role.reads_cases()) {
        anyhow::bail!("add a handler or oversight account first, so the cases have readers");
    }
    let started = std::time::Instant::now();
    ombud
        .seed_cases(cases, |done| {
            if done % 10_000 == 0 || done == cases {
                eprintln!("seeded {done} of {cases} cases ({:.0}/s)", done as f64 / started.elapsed().as_secs_f64());
            }
        })
        .await?;
    println!("seeded {cases} cases in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

async fn sweep(at: &Location, as_of: Option<jiff::Timestamp>) -> anyhow::Result<()> {
    let ombud = open_at(at).await?;
    let as_of = as_of.unwrap_or_else(jiff::Timestamp::now);
    let report = ombud.sweep(as_of).await?;
    println!("swept as of {as_of}: {} reminded, {} escalated", report.reminded.len(), report.escalated.len());
    for (case_ref, kind, due) in report.reminded {
        println!("reminded {case_ref} {} deadline (due {due})", kind.as_str());
    }
    for (case_ref, kind, due) in report.escalated {
        println!("escalated {case_ref} {} deadline (due {due})", kind.as_str());
    }
    Ok(())
}

async fn directory(command: DirectoryCommand) -> anyhow::Result<()> {
    match command {
        DirectoryCommand::Import { at, file } => import_directory(&at, &file).await,
        DirectoryCommand::List { at } => {
            let people = open_at(&at).await?.directory_people().await?;
            let columns = ombud_service::DIRECTORY_COLUMNS.iter().chain(&ombud_service::OPTIONAL_DIRECTORY_COLUMNS);
            println!("{}", columns.copied().collect::<Vec<_>>().join("\t"));
            for p in people {
                let opt = |v: &Option<String>| v.clone().unwrap_or_default();
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    p.employee_id,
                    p.name,
                    p.email,
                    opt(&p.manager_id),
                    p.unit,
                    p.level,
                    opt(&p.hr_partner_id),
                    p.other_names.join(";")
                );
            }
            Ok(())
        }
        DirectoryCommand::Token { command } => tokens(command, ombud_service::SCOPE_DIRECTORY).await,
    }
}

/// `ombud directory import`: all of the file or nothing, every problem named.
async fn import_directory(at: &Location, file: &std::path::Path) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let ombud = open_at(at).await?;
    match ombud.import_directory(&text, ombud_service::ChangeSource::CommandLine).await {
        Ok(r) => {
            println!(
                "imported {}: {} added, {} updated, {} unchanged; {} case(s) re-routed; \
                 {} exclusion(s) it would lift wait for an oversight member's approval",
                file.display(),
                r.created,
                r.updated,
                r.unchanged,
                r.cases_rerouted,
                r.lifts_held
            );
            if r.kept_inactive > 0 {
                println!(
                    "{} of the people in the file are inactive or removed in the directory and stay so",
                    r.kept_inactive
                );
            }
            Ok(())
        }
        Err(ombud_service::ServiceError::BadImport(problems)) => {
            for p in &problems {
                eprintln!("{}: {p}", file.display());
            }
            anyhow::bail!("nothing was imported: {} problem(s) in {}", problems.len(), file.display())
        }
        Err(e) => Err(e).context("importing the directory"),
    }
}

/// The instance a command names: its flags, else its configuration file's
/// `data` and `database_url`.
async fn open_at(at: &Location) -> anyhow::Result<ombud_service::Ombud> {
    let file = FileConfig::load(at.config.as_deref())?;
    let (data, database_url) = where_is(at, &file);
    instance::open(&data, database_url.as_deref(), file.service()).await
}

fn where_is(at: &Location, file: &FileConfig) -> (PathBuf, Option<String>) {
    let data = file.data.clone().filter(|_| at.data.as_os_str() == "./ombud-data").unwrap_or(at.data.clone());
    (data, at.database_url.clone().or(file.database_url.clone()))
}

/// Where Ombud is reached, for links: the configuration's `[mail] public_url`.
fn public_url(at: &Location) -> anyhow::Result<String> {
    let file = FileConfig::load(at.config.as_deref())?;
    let listen = file.listen.clone().unwrap_or_else(|| "127.0.0.1:8080".to_owned());
    Ok(file.mail.public_url.clone().unwrap_or_else(|| format!("http://{listen}")).trim_end_matches('/').to_owned())
}

async fn serve(at: Location, listen: Option<String>, metrics_listen: Option<String>) -> anyhow::Result<()> {
    let file = FileConfig::load(at.config.as_deref())?;
    let (data, database_url) = where_is(&at, &file);
    let listen = listen.or(file.listen.clone()).unwrap_or_else(|| "127.0.0.1:8080".to_owned());
    let ombud = instance::open(&data, database_url.as_deref(), file.service()).await?;
    if !ombud.operator().recovery().await?.enabled {
        tracing::warn!(
            "recovery is not enabled: a case whose only reader forgets her password can be lost; oversight enables it on its Recovery page"
        );
    }
    if ombud.operator().list_staff().await?.is_empty() {
        tracing::info!(
            "no staff accounts yet; create the first with: ombud staff add --data {} --email you@example.org --name \"Your Name\" --role admin --password-stdin",
            data.display()
        );
    }
    let ombud = Arc::new(ombud);
    let mailer: Option<Arc<dyn ombud_service::Mailer>> = match file.mail.smtp()? {
        Some(settings) => Some(Arc::new(ombud_service::SmtpMailer::with(&settings).map_err(anyhow::Error::msg)?)),
        None => {
            tracing::warn!("no mail server configured (OMBUD_SMTP_URL): notifications wait in the outbox");
            None
        }
    };
    let public_url = file.mail.public_url.clone().unwrap_or_else(|| format!("http://{listen}"));
    let (stop_jobs, stopping) = tokio::sync::watch::channel(false);
    let metrics = ombud_web::metrics::Metrics::default();
    let jobs = ledger_cmd::spawn_job_loop(
        ombud.clone(),
        ledger_cmd::JobLoop {
            metrics: metrics.clone(),
            witness: file.ledger.witness_file.clone(),
            mailer,
            public_url: public_url.trim_end_matches('/').to_owned(),
            interval: file.job_interval(),
        },
        stopping,
    );
    let grace = file.shutdown_grace();
    let signalled = Arc::new(std::sync::OnceLock::new());
    let at_signal = signalled.clone();
    let stop = async move {
        stop_signal().await;
        let _ = at_signal.set(std::time::Instant::now());
        let _ = stop_jobs.send(true);
    };
    let state = ombud_web::AppState::new(ombud, file.web()).with_metrics(metrics);
    if let Some(address) = metrics_listen.or(file.server.metrics_listen.clone()) {
        serve_metrics(&state, &address).await?;
    }
    run(state, &listen, stop).await?;
    // The job in hand finishes within what is left of the grace; past it,
    // its claims lapse and another instance (or the next start) takes them.
    let left = grace.saturating_sub(signalled.get().map_or(std::time::Duration::ZERO, std::time::Instant::elapsed));
    if tokio::time::timeout(left, jobs).await.is_err() {
        tracing::warn!("the job in hand did not finish within the grace; what it claimed is taken up again later");
    }
    tracing::info!("Ombud stopped");
    Ok(())
}

/// SIGTERM (systemd, a container runtime) or SIGINT (Ctrl-C): both drain.
async fn stop_signal() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "SIGTERM cannot be caught; only SIGINT stops Ombud cleanly");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => tracing::info!("SIGINT received"),
        () = term => tracing::info!("SIGTERM received"),
    }
}

/// The metrics on a listener of their own, for the life of the process.
async fn serve_metrics(state: &ombud_web::AppState, address: &str) -> anyhow::Result<()> {
    let listener =
        tokio::net::TcpListener::bind(address).await.with_context(|| format!("metrics: listening on {address}"))?;
    tracing::info!("metrics at http://{}/metrics", listener.local_addr()?);
    let state = state.clone();
    tokio::spawn(async move {
        if let Err(e) = ombud_web::metrics::serve(listener, state).await {
            tracing::error!(error = %e, "the metrics listener failed");
        }
    });
    Ok(())
}

async fn run(
    state: ombud_web::AppState,
    listen: &str,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    state.prepare_sessions().await.context("making the session keys")?;
    let cap = connection_cap(state.max_connections());
    let state = state.with_connection_cap(cap);
    let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("listening on {listen}"))?;
    let addr = listener.local_addr()?;
    tracing::info!(backend = state.backend(), "Ombud is listening on http://{addr}");
    tracing::info!(max_connections = state.max_connections(), "connections are capped");
    ombud_web::serve(listener, state, stop).await.context("serving")
}

/// Raises the open-file limit as far as the system allows, and caps
/// connections below it, leaving room for the database, the log and the
/// mail server: the server refuses a connection rather than run out of
/// descriptors ("Too many open files").
fn connection_cap(wanted: usize) -> usize {
    const RESERVED: u64 = 256;
    let limit = rlimit::increase_nofile_limit(u64::MAX).unwrap_or(1024);
    let room = usize::try_from(limit.saturating_sub(RESERVED).max(16)).unwrap_or(usize::MAX);
    if room < wanted {
        tracing::warn!(open_files = limit, "the open-file limit allows fewer connections than configured");
    }
    wanted.min(room)
}

async fn demo(listen: String) -> anyhow::Result<()> {
    let dir = tempfile::Builder::new().prefix("ombud-demo-").tempdir()?;
    let file = FileConfig::default();
    // The demo stays one command: its printed accounts sign in with their
    // password alone. A real instance asks oversight and administrators
    // for a second factor (`[accounts] second_factor`).
    let service = ombud_service::ServiceConfig { second_factor: Vec::new(), ..file.service() };
    let ombud = instance::open(dir.path(), None, service).await?;
    let cases = ombud_service::demo::seed(&ombud).await.context("seeding the demo")?;
    println!("\nOmbud demo — a throwaway instance in {}\n", dir.path().display());
    println!("  Reporter pages:  http://{listen}/");
    println!("  Staff sign-in:   http://{listen}/staff/sign-in\n");
    for account in ombud_service::demo::DEMO_ACCOUNTS {
        println!("  {:<10} {}  password: {}", account.role.as_str(), account.email, account.password);
        println!("             {}", account.name);
    }
    println!("\n  Sample cases (receipts let you see the reporter's side):");
    for case in &cases {
        println!("    {}  receipt: {}", case.reference, case.receipt);
    }
    println!("\n  Stop with Ctrl-C; everything is deleted.\n");
    let ombud = Arc::new(ombud);
    let _signing = ledger_cmd::spawn_demo_signing(ombud.clone(), std::time::Duration::from_secs(10));
    run(ombud_web::AppState::new(ombud, file.web()), &listen, stop_signal()).await
}
