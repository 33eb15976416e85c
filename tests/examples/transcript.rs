//! Prints a conversation's transcript from any of the four vendors, in one format:
//! one JSON object per message, oldest first, `{"id", "role", "created_at", "text", "citations"}`,
//! read through `conversation_transcript::Conversations` (every page walked).
//!
//! ```sh
//! TOKEN=... ASSISTANT_NAME=... cargo run -p client-tests --example transcript -- --vendor moveworks conv_123
//! ```
//!
//! `--vendor` is `nairi`, `moveworks`, `krosai` or `agentmessage`; the conversation id is the
//! argument after it (or `CONVERSATION_ID`). The variables are those of the per-vendor examples:
//! `TOKEN`, `BASE_URL` (defaults to the spec's server), `ASSISTANT_NAME` (Moveworks only).
//! A vendor that lists newest first (Moveworks) is read to the end, then printed reversed.
//! On any error it prints one line to stderr and exits with status 1.

use std::io::Write;
use std::process::ExitCode;

use client_runtime::futures_util::TryStreamExt;
use conversation_transcript::{Conversations, DynConversations, Message, Order};
use serde_json::json;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (vendor, conversation_id) = match &args[..] {
        [flag, vendor, id] if flag == "--vendor" => (vendor.clone(), id.clone()),
        [flag, vendor] if flag == "--vendor" => (vendor.clone(), env("CONVERSATION_ID")?),
        _ => return Err("usage: transcript --vendor nairi|moveworks|krosai|agentmessage CONVERSATION_ID".into()),
    };
    let client = client(&vendor)?;
    let mut messages = std::pin::pin!(client.messages(&conversation_id));
    let mut stdout = std::io::stdout().lock();
    if client.order() == Order::OldestFirst {
        while let Some(message) = messages.try_next().await? {
            writeln!(stdout, "{}", line(&message))?;
        }
    } else {
        let all: Vec<Message> = messages.try_collect().await?;
        for message in all.iter().rev() {
            writeln!(stdout, "{}", line(message))?;
        }
    }
    Ok(())
}

/// The vendor's client, configured from the environment, behind the one trait.
fn client(vendor: &str) -> Result<Box<dyn DynConversations>, Box<dyn std::error::Error>> {
    let token = env("TOKEN")?;
    let base_url = std::env::var("BASE_URL").ok();
    macro_rules! build {
        ($builder:expr) => {{
            let mut builder = $builder;
            if let Some(url) = base_url {
                builder = builder.base_url(url);
            }
            Box::new(builder.build()?)
        }};
    }
    Ok(match vendor {
        "nairi" => build!(nairi_client::Client::builder(token)),
        "moveworks" => build!(moveworks_client::Client::builder(token, env("ASSISTANT_NAME")?)),
        "krosai" => build!(krosai_client::Client::builder(token)),
        "agentmessage" => build!(agentmessage_client::Client::builder(token)),
        other => return Err(format!("unknown vendor {other:?}: nairi, moveworks, krosai or agentmessage").into()),
    })
}

fn line(message: &Message) -> serde_json::Value {
    let citations: Vec<serde_json::Value> = message
        .citations
        .iter()
        .map(|c| json!({"offset": c.offset, "url": c.url, "title": c.title, "text": c.text}))
        .collect();
    json!({
        "id": message.id,
        "role": message.role.as_str(),
        "created_at": message.created_at.map(|t| t.to_rfc3339()),
        "text": message.text,
        "citations": citations,
    })
}

/// The value of a required environment variable; the error names it.
fn env(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|e| format!("{name}: {e}"))
}
