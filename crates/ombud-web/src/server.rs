//! Serving connections with bounds, so no client can hold the server: a
//! cap on open connections (past it a new one is closed at once), a time to
//! send the request's headers, a time a connection may sit idle, and a time
//! a request (its body included) may take. A slow client ties up one
//! connection for a bounded time, never the server.

use crate::{AppState, router};
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};
use tower::ServiceExt;

/// How long and how many.
#[derive(Clone, Debug)]
pub struct ConnectionLimits {
    /// Open connections at once; past it a new one is closed at once. The
    /// binary lowers it to what the file-descriptor limit allows.
    pub max_connections: usize,
    /// From the first byte of a request (or a connection's start) to the end
    /// of its headers.
    pub header_read: Duration,
    /// A connection with no byte read or written for this long is closed.
    pub idle: Duration,
    /// A request with files (multipart), its body included, is answered 408
    /// after this long.
    pub request: Duration,
    /// Any other request (a form, an API call: small bodies), the same.
    pub small_request: Duration,
    /// After the shutdown signal, how long requests in flight may take to
    /// finish (`[server] shutdown_grace`) before their connections close.
    pub shutdown_grace: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            max_connections: 4096,
            header_read: Duration::from_secs(10),
            idle: Duration::from_secs(60),
            // A 50 MB upload on a slow mobile line takes minutes.
            request: Duration::from_secs(600),
            // A form or an API body is small: a minute is plenty, and a body
            // trickled to hold a connection is cut then.
            small_request: Duration::from_secs(60),
            shutdown_grace: Duration::from_secs(20),
        }
    }
}

/// Serves the application on a bound listener until `shutdown` resolves;
/// connections in flight are given a moment to finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = state.config.connections.clone();
    serve_app(listener, router(state), limits, shutdown).await
}

/// Serves any router so (the test server wraps Ombud's in a checking layer).
pub async fn serve_app(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    limits: ConnectionLimits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (large, small) = (limits.request, limits.small_request);
    let app =
        app.layer(axum::middleware::from_fn(move |request: axum::extract::Request, next: axum::middleware::Next| {
            let with_files = request
                .headers()
                .get(axum::http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|c| c.starts_with("multipart/"));
            async move {
                match tokio::time::timeout(if with_files { large } else { small }, next.run(request)).await {
                    Ok(response) => response,
                    Err(_) => axum::response::IntoResponse::into_response(axum::http::StatusCode::REQUEST_TIMEOUT),
                }
            }
        }));
    let permits = Arc::new(tokio::sync::Semaphore::new(limits.max_connections));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors, or a connection reset before it
                // was accepted: wait a moment instead of spinning.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            // At the cap: closed at once, so those already served keep being served.
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let service = app.clone().map_request(move |mut request: axum::extract::Request<hyper::body::Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            request
        });
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_read)
            .keep_alive(true)
            .serve_connection(TokioIo::new(Idle::new(stream, limits.idle)), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A connection's own failure (a reset, a timeout) ends only that connection.
            let _ = connection.await;
            drop(permit);
        });
    }
    // Stop accepting at once (a proxy or a second instance takes the new
    // connections); idle keep-alive connections close; requests in flight
    // finish within the grace.
    drop(listener);
    tracing::info!(grace_seconds = limits.shutdown_grace.as_secs(), "stopping: finishing the requests in flight");
    if tokio::time::timeout(limits.shutdown_grace, graceful.shutdown()).await.is_err() {
        tracing::warn!("requests still in flight when the grace ended were cut");
    }
    Ok(())
}

/// A stream that fails once nothing was read or written for `limit`: an
/// idle keep-alive connection, or a client that stopped sending, is closed.
struct Idle<S> {
    inner: S,
    limit: Duration,
    deadline: Pin<Box<Sleep>>,
}

impl<S> Idle<S> {
    fn new(inner: S, limit: Duration) -> Self {
        Self { inner, limit, deadline: Box::pin(tokio::time::sleep(limit)) }
    }

    fn touch(&mut self) {
        self.deadline.as_mut().reset(Instant::now() + self.limit);
    }

    fn expired(&mut self, cx: &mut Context<'_>) -> bool {
        self.deadline.as_mut().poll(cx).is_ready()
    }
}

fn idle_error() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::TimedOut, "connection idle too long")
}

impl<S: AsyncRead + Unpin> AsyncRead for Idle<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.inner).poll_read(cx, buf) {
            Poll::Ready(result) => {
                if buf.filled().len() > before {
                    self.touch();
                }
                Poll::Ready(result)
            }
            Poll::Pending if self.expired(cx) => Poll::Ready(Err(idle_error())),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Idle<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<std::io::Result<usize>> {
        match Pin::new(&mut self.inner).poll_write(cx, data) {
            Poll::Ready(result) => {
                self.touch();
                Poll::Ready(result)
            }
            Poll::Pending if self.expired(cx) => Poll::Ready(Err(idle_error())),
            Poll::Pending => Poll::Pending,
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
