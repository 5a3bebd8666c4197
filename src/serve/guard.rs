//! What keeps the server's connections in check: at most
//! [`MAX_CONNECTIONS`] at once, and none whose request headers take longer
//! than [`HEADER_TIMEOUT`], or that stays idle between requests as long.
//! (axum::serve sets no timer, so hyper waited for slow headers forever.)

use std::io;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// How long a client may take to send a request's headers, counted from
/// when the connection opens or its last response ends: slow senders and
/// idle kept-alive connections are closed after this.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// Connections served at once; more wait in the system's queue. Each open tab
/// holds one for its event stream and a browser opens about six more, so this
/// only stops a flood from taking every file descriptor the builds need.
const MAX_CONNECTIONS: usize = 512;

/// Serves `app` on `listener` until accepting fails for good.
pub(super) async fn run(listener: TcpListener, app: Router) -> io::Result<()> {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT);
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let Ok(slot) = Arc::clone(&slots).acquire_owned().await else {
            return Ok(()); // never closed
        };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // The client gave up before it was accepted.
            Err(e) if is_connection_error(&e) => continue,
            // Out of file descriptors, most likely: wait for some to close.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let connection =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()));
        tokio::spawn(async move {
            // A connection's failure (a timeout, a client gone) is its own.
            let _ = connection.await;
            drop(slot);
        });
    }
}

fn is_connection_error(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}
