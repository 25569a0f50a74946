//! Mail through the organisation's own server: a local relay in plain SMTP,
//! or a server that wants TLS (`smtps://`, or STARTTLS required) and a
//! login, by password or by an OAuth token (XOAUTH2, as Microsoft 365 and
//! Google Workspace ask). Certificates are verified against the public
//! roots, and against a CA the operator names (an internal CA, a test's).

use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;

/// The longest one message may take, connection to last reply.
const SEND_LIMIT: std::time::Duration = std::time::Duration::from_secs(60);

/// How to reach the mail server (`OMBUD_SMTP_URL` and `[mail]`).
#[derive(Clone, Debug, Default)]
pub struct SmtpSettings {
    /// `smtp://host[:port]` (a relay, plain), `smtp://host[:port]?tls=required`
    /// (STARTTLS required, 587 by default) or `smtps://host[:port]` (TLS from
    /// the first byte, 465 by default). A user and password may ride in it.
    pub url: String,
    /// The sender address.
    pub from: String,
    pub username: Option<String>,
    pub password: Option<String>,
    /// XOAUTH2: a file holding the current access token, read at every
    /// send, so an outside agent can refresh it without a restart.
    pub oauth_token_file: Option<PathBuf>,
    /// A CA certificate (PEM) trusted besides the public roots.
    pub ca_file: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Security {
    /// Plain SMTP to a relay that handles TLS onwards.
    Plain,
    /// STARTTLS, and no mail at all if the server does not offer it.
    StartTls,
    /// TLS from the first byte.
    Implicit,
}

enum Login {
    None,
    Password(Credentials),
    OAuth { user: String, token_file: PathBuf },
}

/// SMTP through lettre. A connection per message: notices are few.
pub struct SmtpMailer {
    host: String,
    port: u16,
    security: Security,
    tls: Option<TlsParameters>,
    login: Login,
    from: Mailbox,
}

impl SmtpMailer {
    /// A mailer for a URL alone (a relay, or a login carried in the URL).
    pub fn new(url: &str, from: &str) -> Result<Self, String> {
        Self::with(&SmtpSettings { url: url.to_owned(), from: from.to_owned(), ..SmtpSettings::default() })
    }

    /// A mailer as configured; every problem is said before the first send.
    pub fn with(settings: &SmtpSettings) -> Result<Self, String> {
        let target = parse_smtp_url(&settings.url)?;
        let username = settings.username.clone().or(target.username);
        let password = settings.password.clone().or(target.password);
        let login = match (&settings.oauth_token_file, username, password) {
            (Some(_), _, Some(_)) => return Err("[mail]: a password or an OAuth token file, not both".to_owned()),
            (Some(file), Some(user), None) => {
                read_token(file)?;
                Login::OAuth { user, token_file: file.clone() }
            }
            (Some(_), None, _) => {
                return Err("[mail]: XOAUTH2 needs a username (the mailbox it signs in as)".to_owned());
            }
            (None, Some(user), Some(password)) => Login::Password(Credentials::new(user, password)),
            (None, Some(_), None) => {
                return Err("[mail]: a username needs a password or an OAuth token file".to_owned());
            }
            (None, None, Some(_)) => return Err("[mail]: a password needs a username".to_owned()),
            (None, None, None) => Login::None,
        };
        // A password or a token never crosses the network in the clear.
        if target.security == Security::Plain && !matches!(login, Login::None) {
            return Err(format!(
                "mail server URL {:?}: a login needs TLS: use smtps://, or smtp://…?tls=required",
                crate::mail::shown(&settings.url)
            ));
        }
        let tls = match target.security {
            Security::Plain => None,
            Security::StartTls | Security::Implicit => Some(tls_parameters(&target.host, settings.ca_file.as_ref())?),
        };
        let from = settings.from.parse().map_err(|e| format!("sender address {:?}: {e}", settings.from))?;
        Ok(Self { host: target.host, port: target.port, security: target.security, tls, login, from })
    }

    /// A transport for one send, with the token as it is now.
    fn transport(&self) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&self.host)
            .port(self.port)
            .timeout(Some(std::time::Duration::from_secs(20)));
        if let Some(tls) = &self.tls {
            builder = builder.tls(match self.security {
                Security::Implicit => Tls::Wrapper(tls.clone()),
                _ => Tls::Required(tls.clone()),
            });
        }
        builder = match &self.login {
            Login::None => builder,
            Login::Password(credentials) => {
                builder.credentials(credentials.clone()).authentication(vec![Mechanism::Plain, Mechanism::Login])
            }
            Login::OAuth { user, token_file } => builder
                .credentials(Credentials::new(user.clone(), read_token(token_file)?))
                .authentication(vec![Mechanism::Xoauth2]),
        };
        Ok(builder.build())
    }
}

#[async_trait::async_trait]
impl crate::Mailer for SmtpMailer {
    async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), String> {
        let to: Mailbox = to.parse().map_err(|e| format!("recipient address: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(lettre::message::header::ContentType::TEXT_PLAIN)
            .body(body.to_owned())
            .map_err(|e| e.to_string())?;
        // A server that stops answering mid-conversation (lettre's timeout
        // covers only some waits) never holds the job loop: the notice is
        // retried later.
        match tokio::time::timeout(SEND_LIMIT, self.transport()?.send(message)).await {
            Ok(sent) => sent.map(|_| ()).map_err(|e| e.to_string()),
            Err(_) => Err(format!("the mail server did not finish within {} s", SEND_LIMIT.as_secs())),
        }
    }
}

fn read_token(file: &PathBuf) -> Result<String, String> {
    let token = std::fs::read_to_string(file)
        .map_err(|e| format!("[mail] oauth_token_file {}: {e}", file.display()))?
        .trim()
        .to_owned();
    if token.is_empty() {
        return Err(format!("[mail] oauth_token_file {} is empty", file.display()));
    }
    Ok(token)
}

/// The public roots, and the operator's CA if named. Certificates and host
/// names are always verified.
fn tls_parameters(host: &str, ca_file: Option<&PathBuf>) -> Result<TlsParameters, String> {
    let mut builder = TlsParameters::builder(host.to_owned());
    if let Some(file) = ca_file {
        let pem = std::fs::read(file).map_err(|e| format!("[mail] ca_file {}: {e}", file.display()))?;
        let ca = Certificate::from_pem(&pem).map_err(|e| format!("[mail] ca_file {}: {e}", file.display()))?;
        builder = builder.add_root_certificate(ca);
    }
    builder.build_rustls().map_err(|e| format!("TLS for the mail server: {e}"))
}

struct Target {
    host: String,
    port: u16,
    security: Security,
    username: Option<String>,
    password: Option<String>,
}

/// `smtp://[user[:password]@]host[:port][?tls=required]` or `smtps://…`.
fn parse_smtp_url(url: &str) -> Result<Target, String> {
    let bad = |why: &str| format!("mail server URL {:?}: {why}", shown(url));
    let (scheme, rest) = url.split_once("://").ok_or_else(|| bad("use smtp://host:port or smtps://host:port"))?;
    let (rest, query) = rest.split_once('?').map_or((rest, None), |(r, q)| (r, Some(q)));
    let security = match (scheme, query) {
        ("smtp", None) => Security::Plain,
        ("smtp", Some("tls=required")) => Security::StartTls,
        ("smtps", None) => Security::Implicit,
        ("smtp" | "smtps", Some(_)) => return Err(bad("the only option is ?tls=required, on smtp://")),
        _ => return Err(bad("use smtp://host:port or smtps://host:port")),
    };
    let rest = rest.trim_end_matches('/');
    let (userinfo, hostport) = rest.rsplit_once('@').map_or((None, rest), |(u, h)| (Some(u), h));
    let (username, password) = match userinfo {
        Some(info) => {
            let (user, pass) = info.split_once(':').map_or((info, None), |(u, p)| (u, Some(p)));
            (
                Some(decode(user).map_err(|_| bad("the user is not valid percent-encoding"))?),
                pass.map(decode).transpose().map_err(|_| bad("the password is not valid percent-encoding"))?,
            )
        }
        None => (None, None),
    };
    let default_port = match security {
        Security::Plain => 25,
        Security::StartTls => 587,
        Security::Implicit => 465,
    };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => (h, p.parse::<u16>().map_err(|_| bad("bad port"))?),
        None => (hostport, default_port),
    };
    if host.is_empty() {
        return Err(bad("no host"));
    }
    Ok(Target { host: host.to_owned(), port, security, username, password })
}

/// A URL as it may be shown or logged: scheme and host, never a password.
pub fn shown(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("smtp", url));
    let host = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    let host = host.split(['/', '?']).next().unwrap_or_default();
    format!("{scheme}://{host}")
}

fn decode(text: &str) -> Result<String, ()> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3).ok_or(())?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| ())?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_the_security_and_the_default_port() {
        let relay = parse_smtp_url("smtp://127.0.0.1").expect("relay");
        assert_eq!((relay.security, relay.port), (Security::Plain, 25));
        let m365 = parse_smtp_url("smtp://smtp.office365.com?tls=required").expect("starttls");
        assert_eq!((m365.security, m365.port, m365.host.as_str()), (Security::StartTls, 587, "smtp.office365.com"));
        let implicit = parse_smtp_url("smtps://ombud%40corp.example:p%40ss@mail.corp.example:2465").expect("smtps");
        assert_eq!((implicit.security, implicit.port), (Security::Implicit, 2465));
        assert_eq!(
            (implicit.username.as_deref(), implicit.password.as_deref()),
            (Some("ombud@corp.example"), Some("p@ss"))
        );
        for bad in ["http://x", "smtp://", "smtps://x?tls=required", "smtp://x?tls=maybe", "smtp://x:port"] {
            assert!(parse_smtp_url(bad).is_err(), "{bad}");
        }
        let said = parse_smtp_url("smtp://u:secret@x:bad").err().expect("bad port");
        assert!(!said.contains("secret"), "a password is never in an error: {said}");
    }

    #[test]
    fn a_login_never_goes_out_in_the_clear() {
        let plain = SmtpMailer::new("smtp://user:secret@relay.example", "ombud@example.org");
        let said = plain.err().expect("refused");
        assert!(said.contains("needs TLS") && !said.contains("secret"), "{said}");
        let half = SmtpSettings {
            url: "smtps://mail.example".into(),
            from: "ombud@example.org".into(),
            username: Some("ombud@example.org".into()),
            ..SmtpSettings::default()
        };
        assert!(SmtpMailer::with(&half).is_err(), "a username alone is a mistake, said at once");
    }
}
