//! Lists every message of an AgentMessage conversation, one JSON object per
//! line, walking all pages and printing each message as it arrives.
//!
//! ```sh
//! BASE_URL=https://api.example.com TOKEN=am_live_... \
//! CONVERSATION_ID=5a1b2c3d-4e5f-6789-abcd-ef0123456789 \
//!     cargo run -p client-tests --example agentmessage_list_messages
//! ```
//!
//! `BASE_URL` replaces the default server (`Client::DEFAULT_BASE_URL`, which
//! is the docs' placeholder `https://example.com`: set it to your API's address).
//! On any error it prints one line to stderr and exits with status 1.

use std::io::Write;
use std::process::ExitCode;

use agentmessage_client::client_runtime::futures_util::TryStreamExt;
use agentmessage_client::Client;

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
    let conversation_id = env("CONVERSATION_ID")?;
    let mut builder = Client::builder(token);
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
