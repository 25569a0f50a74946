//! Slow and idle clients cannot hold the server: half-sent headers, idle
//! connections and trickled bodies are cut after bounded times, the number
//! of connections is capped, and everyone else keeps being served.

use ombud_testkit::{Options, TestServer};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

fn limited(max_connections: usize) -> Options {
    let connections = ombud_web::ConnectionLimits {
        max_connections,
        header_read: Duration::from_secs(1),
        idle: Duration::from_secs(2),
        request: Duration::from_secs(30),
        small_request: Duration::from_secs(3),
        shutdown_grace: Duration::from_secs(5),
    };
    Options { web: ombud_web::WebConfig { connections, ..Default::default() }, ..Options::default() }
}

fn host(s: &TestServer) -> String {
    s.base.trim_start_matches("http://").to_owned()
}

/// Waits until the server closes the connection (or `limit` passes); true if it did.
fn closed_within(stream: &mut TcpStream, limit: Duration) -> bool {
    let start = Instant::now();
    stream.set_read_timeout(Some(Duration::from_millis(200))).expect("timeout");
    let mut buf = [0u8; 4096];
    while start.elapsed() < limit {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock || e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => return true,
        }
    }
    false
}

async fn healthy(s: &TestServer) -> bool {
    s.client().get(s.url("/healthz")).send().await.is_ok_and(|r| r.status() == 200)
}

#[tokio::test]
async fn half_sent_headers_are_cut_and_others_are_served_meanwhile() {
    let s = TestServer::start_with(limited(64)).await;
    let mut slow: Vec<TcpStream> = (0..40)
        .map(|_| {
            let mut c = TcpStream::connect(host(&s)).expect("connect");
            c.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ").expect("half a header");
            c
        })
        .collect();
    assert!(healthy(&s).await, "forty half-sent requests do not stop a whole one");
    let cut = tokio::task::spawn_blocking(move || slow.iter_mut().all(|c| closed_within(c, Duration::from_secs(5))));
    assert!(cut.await.expect("join"), "every half-sent request is cut after the header time");
    s.stop().await;
}

#[tokio::test]
async fn idle_connections_and_trickled_bodies_end_in_bounded_time() {
    let s = TestServer::start_with(limited(64)).await;
    let mut idle = TcpStream::connect(host(&s)).expect("connect");
    let trickle = {
        let mut c = TcpStream::connect(host(&s)).expect("connect");
        let head = format!(
            "POST /api/v1/reports HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n",
            host(&s)
        );
        c.write_all(head.as_bytes()).expect("head");
        c
    };
    let started = Instant::now();
    let trickled = tokio::task::spawn_blocking(move || {
        let mut c = trickle;
        c.set_read_timeout(Some(Duration::from_millis(100))).expect("timeout");
        let mut answer = Vec::new();
        // One byte every 300 ms: a body that would take five minutes.
        for _ in 0..40 {
            if c.write_all(b" ").is_err() {
                break;
            }
            let mut buf = [0u8; 1024];
            match c.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    answer.extend_from_slice(&buf[..n]);
                    break;
                }
                Err(_) => {}
            }
            std::thread::sleep(Duration::from_millis(300));
        }
        String::from_utf8_lossy(&answer).into_owned()
    });
    let answer = trickled.await.expect("join");
    assert!(started.elapsed() < Duration::from_secs(8), "cut after the request time, not five minutes");
    assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 408"), "408 or closed: {answer}");
    assert!(
        tokio::task::spawn_blocking(move || closed_within(&mut idle, Duration::from_secs(5))).await.expect("join"),
        "an idle connection is closed"
    );
    assert!(healthy(&s).await);
    s.stop().await;
}

#[tokio::test]
async fn past_the_cap_new_connections_are_refused_and_service_comes_back() {
    let s = TestServer::start_with(limited(20)).await;
    let hogs: Vec<TcpStream> = (0..20).map(|_| TcpStream::connect(host(&s)).expect("connect")).collect();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let refused = s.client().get(s.url("/healthz")).timeout(Duration::from_secs(2)).send().await;
    assert!(refused.is_err(), "the twenty-first connection is closed at once, not queued");
    // The idle hogs are cut after the header time, and service comes back on its own.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(healthy(&s).await, "served again once the idle connections were cut");
    drop(hogs);
    s.stop().await;
}
