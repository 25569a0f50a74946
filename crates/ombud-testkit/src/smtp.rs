//! A real SMTP server on loopback for tests: aiosmtpd (from PyPI) writing to
//! a Maildir, read back with Python's own e-mail parser.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct SmtpSink {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

/// One received message, decoded.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
    pub raw: String,
}

const DECODE: &str = r#"
import email, email.policy, json, os, sys
out = []
box = os.path.join(sys.argv[1], "new")
for name in sorted(os.listdir(box)):
    raw = open(os.path.join(box, name), "rb").read()
    m = email.message_from_bytes(raw, policy=email.policy.default)
    body = m.get_body(preferencelist=("plain",))
    out.append({"to": str(m["To"]), "subject": str(m["Subject"]), "body": body.get_content() if body else "", "raw": raw.decode("utf-8", "replace")})
print(json.dumps(out))
"#;

impl SmtpSink {
    pub async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
        let dir = tempfile::tempdir().expect("maildir");
        for sub in ["tmp", "new", "cur"] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("maildir");
        }
        let mut sink = Self { port, dir, child: None };
        sink.restart().await;
        sink
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// (Re)starts the server on the same port and waits until it answers.
    pub async fn restart(&mut self) {
        let child = Command::new("python3")
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{}", self.port),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(self.dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 -m aiosmtpd (pip install aiosmtpd)");
        self.child = Some(child);
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await.is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("aiosmtpd did not start; is it installed (pip install aiosmtpd)?");
    }

    /// Stops the server: a mail outage.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn messages(&self) -> Vec<Mail> {
        let out = Command::new("python3").args(["-c", DECODE]).arg(self.dir.path()).output().expect("decode mail");
        serde_json::from_slice(&out.stdout).expect("decoded mail")
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
    }
}

/// How a TLS test server takes connections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlsMode {
    /// TLS from the first byte (`smtps://`, port 465 in life).
    Implicit,
    /// Plain until STARTTLS, which it requires before anything else.
    StartTls,
}

/// A mail server as a company runs one: TLS with a certificate from a CA
/// the test makes (so it verifies only against that CA), and a login
/// required, by password (PLAIN, LOGIN) or by an OAuth token (XOAUTH2).
pub struct TlsSmtp {
    pub sink: SmtpSink,
    pub mode: TlsMode,
    /// The CA that signed the server's certificate (PEM), for `[mail] ca_file`.
    pub ca_file: std::path::PathBuf,
    pub user: String,
    pub password: String,
    /// The token XOAUTH2 accepts.
    pub token: String,
    _certs: tempfile::TempDir,
}

const TLS_SERVER: &str = r#"
import asyncio, base64, ssl, sys
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword
port, maildir, mode, cert, key, user, password, token = sys.argv[1:9]

class Handler(Mailbox):
    async def auth_XOAUTH2(self, server, args):
        if len(args) < 2:
            return AuthResult(success=False, handled=False)
        fields = {}
        for part in base64.b64decode(args[1]).decode().split("\x01"):
            if "=" in part:
                k, v = part.split("=", 1)
                fields[k] = v
        ok = fields.get("user") == user and fields.get("auth") == "Bearer " + token
        return AuthResult(success=ok, handled=False)

def check(server, session, envelope, mechanism, data):
    ok = isinstance(data, LoginPassword) and data.login.decode() == user and data.password.decode() == password
    return AuthResult(success=ok, handled=False)

context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(cert, key)
options = dict(hostname="127.0.0.1", port=int(port), authenticator=check, auth_required=True)
if mode == "implicit":
    # Every byte is already under TLS; aiosmtpd only counts STARTTLS as TLS.
    controller = Controller(Handler(maildir), ssl_context=context, auth_require_tls=False, **options)
else:
    controller = Controller(
        Handler(maildir), tls_context=context, require_starttls=True, auth_require_tls=True, **options
    )
controller.start()
asyncio.new_event_loop().run_forever()
"#;

impl TlsSmtp {
    pub async fn start(mode: TlsMode) -> Self {
        let certs = tempfile::tempdir().expect("certs");
        let (ca, cert, key) = test_certificates();
        let ca_file = certs.path().join("ca.pem");
        std::fs::write(&ca_file, ca).expect("ca");
        std::fs::write(certs.path().join("cert.pem"), cert).expect("cert");
        std::fs::write(certs.path().join("key.pem"), key).expect("key");
        let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
        let dir = tempfile::tempdir().expect("maildir");
        for sub in ["tmp", "new", "cur"] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("maildir");
        }
        let (user, password, token) = ("ombud@corp.example", "mail-pass-不可猜", "ya29.test-token-1");
        let child = Command::new("python3")
            .args(["-c", TLS_SERVER, &port.to_string()])
            .arg(dir.path())
            .arg(if mode == TlsMode::Implicit { "implicit" } else { "starttls" })
            .arg(certs.path().join("cert.pem"))
            .arg(certs.path().join("key.pem"))
            .args([user, password, token])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 aiosmtpd (pip install aiosmtpd)");
        let sink = SmtpSink { port, dir, child: Some(child) };
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                return Self {
                    sink,
                    mode,
                    ca_file,
                    user: user.to_owned(),
                    password: password.to_owned(),
                    token: token.to_owned(),
                    _certs: certs,
                };
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the TLS mail server did not start; is aiosmtpd installed?");
    }

    /// Its URL, reached by the name its certificate carries.
    pub fn url(&self) -> String {
        match self.mode {
            TlsMode::Implicit => format!("smtps://localhost:{}", self.sink.port),
            TlsMode::StartTls => format!("smtp://localhost:{}?tls=required", self.sink.port),
        }
    }
}

/// A CA, and a certificate for `localhost` it signed, with its key (PEM).
fn test_certificates() -> (String, String, String) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
    let ca_key = KeyPair::generate().expect("CA key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(DnType::CommonName, "Ombud test CA");
    let ca = ca_params.self_signed(&ca_key).expect("CA");
    let key = KeyPair::generate().expect("server key");
    let params = CertificateParams::new(vec!["localhost".to_owned()]).expect("server params");
    let cert = params.signed_by(&key, &ca, &ca_key).expect("server certificate");
    (ca.pem(), cert.pem(), key.serialize_pem())
}
