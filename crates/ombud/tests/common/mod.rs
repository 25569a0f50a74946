//! Running the real `ombud` binary from tests.
#![allow(dead_code)]

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_ombud");

/// A running `ombud serve`, killed when dropped.
pub struct Server {
    child: Child,
    pub base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Sends SIGTERM, as `systemctl stop` or a container runtime does.
    pub fn terminate(&self) {
        let sent = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().expect("kill");
        assert!(sent.success(), "SIGTERM sent");
    }

    /// Its exit status, if it exits within `within`.
    pub async fn exited_within(&mut self, within: Duration) -> Option<std::process::ExitStatus> {
        let until = std::time::Instant::now() + within;
        while std::time::Instant::now() < until {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return Some(status);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        None
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

/// Starts `ombud serve` with `args`, logging to `log`, and waits for /healthz.
pub async fn serve(args: &[&str], data: &Path, log: &Path, level: &str) -> Server {
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let child = Command::new(BIN)
        .args(["serve", "--data"])
        .arg(data)
        .args(["--listen", &listen])
        .args(args)
        .env("RUST_LOG", level)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).expect("log file"))
        .spawn()
        .expect("start ombud serve");
    let server = Server { child, base: format!("http://{listen}") };
    let client = reqwest::Client::new();
    for _ in 0..150 {
        if let Ok(r) = client.get(format!("{}/healthz", server.base)).send().await
            && r.status() == 200
        {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("ombud serve did not answer /healthz: {}", std::fs::read_to_string(log).unwrap_or_default());
}

/// Runs an `ombud` command with a password on standard input.
pub fn run(args: &[&str], data: &Path, stdin: &str) -> Output {
    let mut command = Command::new(BIN);
    command.args(args).arg("--data").arg(data);
    run_command(command, stdin)
}

/// Runs a prepared `ombud` command with `stdin` on standard input.
pub fn run_command(mut command: Command, stdin: &str) -> Output {
    let mut child =
        command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("run ombud");
    // A command that refuses its arguments exits before reading: a broken pipe then is its answer, not a failure.
    if let Err(e) = child.stdin.take().expect("stdin").write_all(stdin.as_bytes()) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "write stdin: {e}");
    }
    child.wait_with_output().expect("wait")
}

pub fn add_staff(data: &Path, extra: &[&str], email: &str, role: &str, password: &str) -> Output {
    let mut args = vec!["staff", "add", "--email", email, "--name", "Test Person", "--role", role, "--password-stdin"];
    args.extend_from_slice(extra);
    run(&args, data, &format!("{password}\n"))
}

/// Runs an `ombud` command that takes no data directory.
pub fn run_plain(args: &[&str]) -> Output {
    Command::new(BIN).args(args).stdin(Stdio::null()).output().expect("run ombud")
}
