//! A Jetstream that replays a fixed list of messages, for indexer tests and
//! benchmarks: `ws://127.0.0.1:PORT/subscribe`, honouring `cursor` (every
//! message whose `time_us` is at or after it), sending as fast as the
//! client reads, then staying open.

use std::sync::Arc;

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
}

impl Replay {
    #[allow(clippy::result_large_err)] // tungstenite's handshake callback signature
    pub async fn start(frames: Vec<Frame>) -> anyhow::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("ws://{}/subscribe", listener.local_addr()?);
        let frames = Arc::new(frames);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let frames = Arc::clone(&frames);
                tokio::spawn(async move {
                    let mut cursor: Option<i64> = None;
                    let callback = |request: &Request, response: Response| {
                        cursor = request.uri().query().and_then(|q| {
                            q.split('&')
                                .find_map(|pair| pair.strip_prefix("cursor="))
                                .and_then(|c| c.parse().ok())
                        });
                        Ok(response)
                    };
                    let Ok(mut socket) = tokio_tungstenite::accept_hdr_async(stream, callback).await else {
                        return;
                    };
                    for frame in frames.iter() {
                        if let (Some(from), Some(t)) = (cursor, frame.time_us)
                            && t < from
                        {
                            continue;
                        }
                        if socket.feed(frame.message.clone()).await.is_err() {
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
        Ok(Self { url, task })
    }
}

impl Drop for Replay {
    fn drop(&mut self) {
        self.task.abort();
    }
}
