//! The socket reader: subscribes to Jetstream with
//! `wantedCollections=site.exosphere.*` and `app.bsky.actor.profile`, parses each message and hands it to
//! the writer through a bounded channel (a slow database slows the reader,
//! never the other way round). Reconnects with exponential back-off and
//! jitter, resuming a few seconds before the last committed cursor; the
//! writer skips what it already has. With several Jetstream instances
//! configured (comma-separated), each failure moves on to the next.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use rand::Rng;
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

use crate::event::{Item, MAX_MESSAGE_BYTES, parse};

/// The collections the indexer subscribes to.
const WANTED: &str = "wantedCollections=site.exosphere.*&wantedCollections=app.bsky.actor.profile";

/// How far before the committed cursor a reconnect resumes.
pub const REWIND_US: i64 = 5_000_000;

/// The subscription URL for a cursor (`compress`: ask for zstd frames):
/// Exosphere's records, and people's profiles (only known accounts' are
/// kept: a change makes this server read the profile again).
pub fn subscribe_url(base: &str, cursor: i64, compress: bool) -> String {
    let separator = if base.contains('?') { '&' } else { '?' };
    let mut url = format!("{base}{separator}{WANTED}");
    if compress {
        url.push_str("&compress=true");
    }
    if cursor > 0 {
        url.push_str(&format!("&cursor={}", (cursor - REWIND_US).max(1)));
    }
    url
}

/// The Jetstream instances of a configured list (comma-separated), in order.
pub fn instances(configured: &str) -> Vec<String> {
    configured.split(',').map(str::trim).filter(|u| !u.is_empty()).map(str::to_owned).collect()
}

/// Reads Jetstream until `stop` turns true or the writer goes away.
pub async fn run(
    configured: String,
    dictionary: Option<std::sync::Arc<Vec<u8>>>,
    registry: exosphere_core::module::Registry,
    tx: mpsc::Sender<Item>,
    committed: Arc<AtomicI64>,
    mut stop: watch::Receiver<bool>,
) {
    let mut backoff = Duration::from_millis(500);
    let bases = instances(&configured);
    let mut turn = 0usize;
    loop {
        if *stop.borrow() {
            return;
        }
        let Some(base) = bases.get(turn % bases.len().max(1)) else {
            tracing::error!("no Jetstream instance is configured (EXOSPHERE_JETSTREAM_URL)");
            return;
        };
        turn += 1;
        let url = subscribe_url(base, committed.load(Ordering::SeqCst), dictionary.is_some());
        let mut decompressor = match dictionary.as_deref() {
            Some(d) => match zstd::bulk::Decompressor::with_dictionary(d) {
                Ok(decompressor) => Some(decompressor),
                Err(e) => {
                    tracing::error!(error = %e, "the zstd dictionary is unusable");
                    return;
                }
            },
            None => None,
        };
        let config =
            WebSocketConfig::default().max_message_size(Some(16 << 20)).max_frame_size(Some(16 << 20));
        let connected = tokio::select! {
            c = tokio_tungstenite::connect_async_with_config(&url, Some(config), false) => c,
            _ = stop.changed() => return,
        };
        match connected {
            Ok((mut socket, _)) => {
                tracing::info!(%url, "subscribed to Jetstream");
                let mut received = false;
                loop {
                    let message = tokio::select! {
                        m = socket.next() => m,
                        _ = stop.changed() => return,
                    };
                    let item = match message {
                        Some(Ok(Message::Text(text))) => parse(text.as_str()).checked(&registry),
                        Some(Ok(Message::Binary(bytes))) => match decompressor.as_mut() {
                            Some(d) => match d.decompress(&bytes, MAX_MESSAGE_BYTES) {
                                Ok(text) => match std::str::from_utf8(&text) {
                                    Ok(text) => parse(text).checked(&registry),
                                    Err(_) => Item::Malformed("a compressed message that is not UTF-8".into()),
                                },
                                Err(e) => Item::Malformed(format!("a compressed message that can't be read: {e}")),
                            },
                            None => Item::Malformed(
                                "binary message (compressed Jetstream needs EXOSPHERE_JETSTREAM_ZSTD_DICTIONARY)".into(),
                            ),
                        },
                        Some(Ok(Message::Close(_))) | None => {
                            tracing::warn!("Jetstream closed the connection");
                            break;
                        }
                        Some(Ok(_)) => continue,
                        Some(Err(e)) => {
                            tracing::warn!(error = %e, "Jetstream connection failed");
                            break;
                        }
                    };
                    received = true;
                    if tx.send(item).await.is_err() {
                        return;
                    }
                }
                if received {
                    backoff = Duration::from_millis(500);
                }
            }
            Err(e) => tracing::warn!(%url, error = %e, "could not reach Jetstream"),
        }
        // The next instance is tried at once; a full round of failures waits.
        if bases.len() > 1 && !turn.is_multiple_of(bases.len()) {
            continue;
        }
        let jitter = rand::thread_rng().gen_range(0.75..1.25);
        let wait = backoff.mul_f64(jitter);
        tracing::info!(seconds = wait.as_secs_f64(), "reconnecting to Jetstream");
        tokio::select! {
            _ = tokio::time::sleep(wait) => {},
            _ = stop.changed() => return,
        }
        backoff = (backoff * 2).min(Duration::from_secs(30));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_instances_are_read_in_order() {
        assert_eq!(
            instances(" wss://a/subscribe, ,wss://b/subscribe "),
            ["wss://a/subscribe", "wss://b/subscribe"]
        );
        assert_eq!(instances("wss://a/subscribe"), ["wss://a/subscribe"]);
    }

    #[test]
    fn subscriptions_rewind_a_few_seconds() {
        assert_eq!(
            subscribe_url("ws://h/subscribe", 0, false),
            "ws://h/subscribe?wantedCollections=site.exosphere.*&wantedCollections=app.bsky.actor.profile"
        );
        assert_eq!(
            subscribe_url("ws://h/subscribe?x=1", 10_000_000, false),
            format!("ws://h/subscribe?x=1&{WANTED}&cursor=5000000")
        );
        assert_eq!(
            subscribe_url("ws://h/subscribe", 0, true),
            format!("ws://h/subscribe?{WANTED}&compress=true")
        );
    }
}
