//! Lists the messages of a Nairi conversation (job), one JSON object per line.
//!
//! ```sh
//! TOKEN=$NAIRI_API_KEY CONVERSATION_ID=job_01KRK1V46BXS73CSNK2VR35NPJ \
//!     cargo run -p client-tests --example nairi_list_messages
//! ```
//!
//! `CONVERSATION_ID` is the job id. `BASE_URL` replaces the default server
//! (`Client::DEFAULT_BASE_URL`). On any error it prints one line to stderr and
//! exits with status 1.

use std::io::Write;
use std::process::ExitCode;

use nairi_client::Client;

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

    // The endpoint is not paginated: one call returns every message.
    let response = client.list_messages(conversation_id).send().await?;
    let mut stdout = std::io::stdout().lock();
    for message in &response.messages {
        writeln!(stdout, "{}", serde_json::to_string(message)?)?;
    }
    Ok(())
}

/// The value of a required environment variable; the error names it.
fn env(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|e| format!("{name}: {e}"))
}
