//! Lists every message of a Moveworks conversation, one JSON object per line,
//! walking all pages and printing each message as it arrives.
//!
//! ```sh
//! TOKEN=eyJ... ASSISTANT_NAME=acmecorp-conversations-rest-api \
//! CONVERSATION_ID=conv_01ARZ3NDEKTSV4RRFFQ69G5FAV \
//!     cargo run -p client-tests --example moveworks_list_messages
//! ```
//!
//! `BASE_URL` replaces the default server (`Client::DEFAULT_BASE_URL`).
//! On any error it prints one line to stderr and exits with status 1.

use std::io::Write;
use std::process::ExitCode;

use moveworks_client::client_runtime::futures_util::TryStreamExt;
use moveworks_client::Client;

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
    let token = env("TOKEN")?;
    let assistant_name = env("ASSISTANT_NAME")?;
    let conversation_id = env("CONVERSATION_ID")?;
    let mut builder = Client::builder(token, assistant_name);
    if let Ok(base_url) = std::env::var("BASE_URL") {
        builder = builder.base_url(base_url);
    }
    let client = builder.build()?;

    let mut messages = std::pin::pin!(client.list_conversation_messages(conversation_id).items());
    let mut stdout = std::io::stdout().lock();
    while let Some(message) = messages.try_next().await? {
        writeln!(stdout, "{}", serde_json::to_string(&message)?)?;
    }
    Ok(())
}

/// The value of a required environment variable; the error names it.
fn env(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|e| format!("{name}: {e}"))
}
