//! One page's decode, or one whole call, `N` times, for counting instructions under callgrind
//! (BENCHMARKS.md §4), which the machine's load does not change as it does the timed bench's.
//!
//! `cargo build --release -p client-bench --example instructions`, then, for two values of `N`:
//! `valgrind --tool=callgrind --separate-threads=yes target/release/examples/instructions VENDOR SIDE WHAT N`
//! with VENDOR `moveworks` or `agentmessage`, SIDE `generated` or `handwritten`, WHAT `decode`
//! (bytes to page) or `send` (a call to the loopback server, request to decoded page).
//! The client runs on the main thread (thread 1 of callgrind's output) and the server on its own,
//! so thread 1 is the client's work alone; the difference between the two runs over the
//! difference in `N` is one decode or call, without the start-up both runs share.

use std::hint::black_box;

use client_bench::handwritten;
use client_bench::server::{agentmessage_page, cursor_of, fixed_handler, moveworks_page, Server};

const CONVERSATION: &str = "conv_01JTBQH2FZ8K1RXC0WJ4Z9P3VM";
const TOKEN: &str = "bench-token";
const ASSISTANT: &str = "bench-assistant";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [vendor, side, what, n] = args.as_slice() else {
        eprintln!("usage: instructions <moveworks|agentmessage> <generated|handwritten> <decode|send> N");
        std::process::exit(2);
    };
    let n: usize = n.parse().expect("N, a count");
    let body = match vendor.as_str() {
        "moveworks" => moveworks_page(3, 100, Some(&cursor_of(4))),
        "agentmessage" => agentmessage_page(3, 100, Some(&cursor_of(4))),
        other => panic!("unknown vendor {other}"),
    };
    match what.as_str() {
        "decode" => decode(vendor, side, &body, n),
        "send" => send(vendor, side, body, n),
        other => panic!("unknown measurement {other}"),
    }
}

fn decode(vendor: &str, side: &str, body: &[u8], n: usize) {
    for _ in 0..n {
        match (vendor, side) {
            ("moveworks", "generated") => {
                black_box(serde_json::from_slice::<moveworks_client::types::ListConversationMessagesResponse>(black_box(body)).unwrap());
            }
            ("moveworks", "handwritten") => {
                black_box(serde_json::from_slice::<handwritten::moveworks::Page>(black_box(body)).unwrap());
            }
            ("agentmessage", "generated") => {
                black_box(serde_json::from_slice::<agentmessage_client::types::ListMessagesResponse>(black_box(body)).unwrap());
            }
            ("agentmessage", "handwritten") => {
                black_box(serde_json::from_slice::<handwritten::agentmessage::Page>(black_box(body)).unwrap());
            }
            (_, other) => panic!("unknown side {other}"),
        }
    }
}

fn send(vendor: &str, side: &str, body: Vec<u8>, n: usize) {
    let server = Server::start(fixed_handler(body)).expect("a server");
    let url = server.base_url();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
    rt.block_on(async {
        match (vendor, side) {
            ("moveworks", "generated") => {
                let client = moveworks_client::Client::builder(TOKEN, ASSISTANT).base_url(url).build().expect("a client");
                for _ in 0..n {
                    black_box(client.list_conversation_messages(CONVERSATION).limit(100).send().await.unwrap());
                }
            }
            ("moveworks", "handwritten") => {
                let client = handwritten::moveworks::Client::new(&url, TOKEN, ASSISTANT);
                for _ in 0..n {
                    black_box(client.list_messages(CONVERSATION, 100, None).await.unwrap());
                }
            }
            ("agentmessage", "generated") => {
                let client = agentmessage_client::Client::builder(TOKEN).base_url(url).build().expect("a client");
                for _ in 0..n {
                    black_box(client.list_conversation_messages(CONVERSATION).limit(100).send().await.unwrap());
                }
            }
            ("agentmessage", "handwritten") => {
                let client = handwritten::agentmessage::Client::new(&url, TOKEN);
                for _ in 0..n {
                    black_box(client.list_messages(CONVERSATION, 100, None).await.unwrap());
                }
            }
            (_, other) => panic!("unknown side {other}"),
        }
    });
}
