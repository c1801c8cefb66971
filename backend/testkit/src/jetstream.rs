//! A Jetstream that replays a fixed list of messages, for indexer tests and
//! benchmarks: `ws://127.0.0.1:PORT/subscribe`, honouring `cursor` (every
//! message whose `time_us` is at or after it), sending as fast as the
//! client reads, then staying open. Given a zstd dictionary, it compresses
//! text messages for subscribers that ask `compress=true`, as Jetstream does
//! (one binary message per event), and counts the bytes it sent.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use futures_util::SinkExt;
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};

/// One message to replay: its `time_us` (for cursors; `None` always sends) and the frame.
#[derive(Debug, Clone)]
pub struct Frame {
    pub time_us: Option<i64>,
    pub message: Message,
}

impl Frame {
    /// A text message carrying a JSON event with this `time_us`.
    pub fn event(time_us: i64, json: String) -> Self {
        Self { time_us: Some(time_us), message: Message::text(json) }
    }

    /// Any other message (malformed, binary...), sent to every subscriber.
    pub fn raw(message: Message) -> Self {
        Self { time_us: None, message }
    }
}

/// A running replay server; stops when dropped.
pub struct Replay {
    /// `ws://127.0.0.1:PORT/subscribe`.
    pub url: String,
    task: tokio::task::JoinHandle<()>,
    sent: Arc<AtomicU64>,
}

/// A zstd dictionary trained on `samples` (events like those a test sends),
/// standing in for the one Jetstream publishes.
pub fn train_dictionary(samples: &[String], size: usize) -> anyhow::Result<Vec<u8>> {
    Ok(zstd::dict::from_samples(samples, size)?)
}

impl Replay {
    #[allow(clippy::result_large_err)] // tungstenite's handshake callback signature
    pub async fn start(frames: Vec<Frame>) -> anyhow::Result<Self> {
        Self::start_with(frames, None).await
    }

    /// The same, compressing for `compress=true` subscribers with `dictionary`.
    #[allow(clippy::result_large_err)] // tungstenite's handshake callback signature
    pub async fn start_with(frames: Vec<Frame>, dictionary: Option<Vec<u8>>) -> anyhow::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("ws://{}/subscribe", listener.local_addr()?);
        let frames = Arc::new(frames);
        let dictionary = Arc::new(dictionary);
        let sent = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&sent);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let frames = Arc::clone(&frames);
                let dictionary = Arc::clone(&dictionary);
                let sent = Arc::clone(&counter);
                tokio::spawn(async move {
                    let mut cursor: Option<i64> = None;
                    let mut compress = false;
                    let callback = |request: &Request, response: Response| {
                        let query = request.uri().query().unwrap_or_default();
                        cursor = query
                            .split('&')
                            .find_map(|pair| pair.strip_prefix("cursor="))
                            .and_then(|c| c.parse().ok());
                        compress = query.split('&').any(|pair| pair == "compress=true");
                        Ok(response)
                    };
                    let Ok(mut socket) = tokio_tungstenite::accept_hdr_async(stream, callback).await else {
                        return;
                    };
                    let mut compressor = match (compress, dictionary.as_ref()) {
                        (true, Some(d)) => zstd::bulk::Compressor::with_dictionary(3, d).ok(),
                        _ => None,
                    };
                    for frame in frames.iter() {
                        if let (Some(from), Some(t)) = (cursor, frame.time_us)
                            && t < from
                        {
                            continue;
                        }
                        let message = match (&mut compressor, &frame.message) {
                            (Some(c), Message::Text(text)) => match c.compress(text.as_bytes()) {
                                Ok(bytes) => Message::binary(bytes),
                                Err(_) => return,
                            },
                            (_, message) => message.clone(),
                        };
                        sent.fetch_add(message.len() as u64, Ordering::Relaxed);
                        if socket.feed(message).await.is_err() {
                            return;
                        }
                    }
                    if socket.flush().await.is_err() {
                        return;
                    }
                    // Stay open like a live stream with nothing new.
                    std::future::pending::<()>().await;
                });
            }
        });
        Ok(Self { url, task, sent })
    }

    /// Bytes of messages sent so far, to every subscriber.
    pub fn bytes_sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }
}

impl Drop for Replay {
    fn drop(&mut self) {
        self.task.abort();
    }
}
