//! A client for the server-sent events of `explainer serve`, with the standard
//! library only, so the serve tests, the build bench and
//! `scripts/bench-reload.rs` (compiled with plain rustc) read them one way.

#![allow(dead_code)] // Each user takes its own share of the helpers.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// Opens the event stream of the server at `address` and sends each event's
/// name and data, as a browser's EventSource gets them, from a reader thread.
/// Keep-alive comments are skipped; the channel closes with the connection.
pub fn subscribe(address: SocketAddr) -> mpsc::Receiver<(String, String)> {
    let mut stream = TcpStream::connect(address).expect("connect for events");
    stream.set_nodelay(true).ok();
    write!(
        stream,
        "GET /__explainer/events HTTP/1.1\r\nHost: {address}\r\nAccept: text/event-stream\r\n\r\n"
    )
    .expect("ask for events");
    let (sender, received) = mpsc::channel();
    thread::spawn(move || {
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        // Headers, then chunks: a size line, the data, an empty line.
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if line == "\r\n" {
                break;
            }
        }
        let mut pending = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let Ok(size) = usize::from_str_radix(line.trim(), 16) else {
                return;
            };
            let mut chunk = vec![0; size + 2];
            if reader.read_exact(&mut chunk).is_err() {
                return;
            }
            pending.push_str(&String::from_utf8_lossy(&chunk[..size]));
            while let Some(end) = pending.find("\n\n") {
                let block: String = pending.drain(..end + 2).collect();
                let mut name = String::new();
                let mut data = String::new();
                for field in block.lines() {
                    if let Some(value) = field.strip_prefix("event:") {
                        name = value.trim().to_string();
                    } else if let Some(value) = field.strip_prefix("data:") {
                        data.push_str(value.trim_start());
                    }
                }
                if name.is_empty() {
                    continue; // a keep-alive comment
                }
                if sender.send((name, data)).is_err() {
                    return;
                }
            }
        }
    });
    received
}

/// Waits up to `timeout` for a successful build other than `than` and
/// returns its id. Panics when a build has errors or none comes in time.
pub fn next_build(
    events: &mpsc::Receiver<(String, String)>,
    than: Option<&str>,
    timeout: Duration,
) -> String {
    loop {
        let (_, data) = events
            .recv_timeout(timeout)
            .expect("a reload event in time");
        assert!(
            data.contains("\"errors\":[]"),
            "the story has errors: {data}"
        );
        let start = data.find("\"build\":\"").expect("a build id") + "\"build\":\"".len();
        let build = &data[start..start + data[start..].find('"').expect("the end of the id")];
        if than != Some(build) {
            return build.to_string();
        }
    }
}
