//! Lists the messages of a KrosAI conversation, one JSON object per line.
//!
//! ```sh
//! TOKEN=YOUR_API_KEY CONVERSATION_ID=conv-b2c3d4e5-f6g7-8901-bcde-fg2345678901 \
//!     cargo run -p client-tests --example krosai_list_messages
//! ```
//!
//! `BASE_URL` replaces the default server (`Client::DEFAULT_BASE_URL`).
//! On any error it prints one line to stderr and exits with status 1.

use std::io::Write;
use std::process::ExitCode;

use krosai_client::Client;

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

    // The endpoint is not paginated: one call returns the whole array.
    let messages = client
        .get_conversation_messages(conversation_id)
        .send()
        .await?;
    let mut stdout = std::io::stdout().lock();
    for message in &messages {
        writeln!(stdout, "{}", serde_json::to_string(message)?)?;
    }
    Ok(())
}

/// The value of a required environment variable; the error names it.
fn env(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|e| format!("{name}: {e}"))
}
