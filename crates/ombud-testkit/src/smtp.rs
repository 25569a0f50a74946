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
