//! nairi-client as a consumer uses it: the mandatory and optional
//! configuration, the per-request options, both ways to send, the errors of
//! an operation whose spec documents no error body (`NoErrorBody`, which
//! cannot exist), the open enums, and Send/Sync for multi-threaded runtimes.
//! Nothing is sent: `main` only builds futures.

use std::time::Duration;

use nairi_client::client_runtime::{HeaderMap, StatusCode};
use nairi_client::types::{ListMessagesResponse, Message, MessageRole, MessageStatus};
use nairi_client::{BuildError, Client, Error, NoErrorBody, Response, RetryPolicy};

type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

fn assert_client<T: Clone + Send + Sync + std::fmt::Debug + 'static>() {}
fn assert_send<T: Send>(_: &T) {}

fn client() -> Result<Client, BuildError> {
    let _default: &str = Client::DEFAULT_BASE_URL;
    Client::builder("TOKEN")
        .base_url("http://127.0.0.1:8080")
        .timeout(Duration::from_secs(5))
        .max_retries(1)
        .retry_policy(RetryPolicy::none())
        .build()
}

fn describe(error: &Error<NoErrorBody>) -> String {
    match error {
        Error::Api(e) => {
            let status: StatusCode = e.status;
            let _request_id: Option<&str> = e.request_id.as_deref();
            let _headers: &HeaderMap = &e.headers;
            match &e.body {
                None => format!("{status}: {}", e.raw),
                // Uninhabited: the spec documents no error body.
                Some(body) => match *body {},
            }
        }
        Error::Timeout(after) => format!("timed out after {after:?}"),
        Error::Decode(d) => format!("bad body at `{}`: {} ({})", d.path, d.message, d.excerpt),
        Error::InvalidRequest(r) => format!("`{}` {}", r.parameter, r.message),
        // `Error` is `#[non_exhaustive]`.
        _ => format!("{error} (retryable: {})", error.is_retryable()),
    }
}

fn show(message: &Message) -> Option<String> {
    let role = match &message.role {
        MessageRole::User => "user",
        MessageRole::Assistant => "assistant",
        MessageRole::System => "system",
        // "Most integrators can safely ignore these."
        MessageRole::Progress => return None,
        MessageRole::Unknown(other) => other.as_str(),
    };
    let status = match &message.status {
        MessageStatus::Completed => "completed",
        MessageStatus::Failed => "failed",
        MessageStatus::Unknown(other) => other.as_str(),
    };
    let at: String = message.created_at.to_rfc3339();
    let _updated = message.updated_at;
    Some(format!("{at} {role} [{status}] in {}: {}", message.job_id, message.content))
}

async fn run(client: Client) -> Result<(), BoxError> {
    let page: ListMessagesResponse = client
        .list_messages("job id")
        .timeout(Duration::from_secs(2))
        .max_retries(0)
        .send()
        .await?;
    for line in page.messages.iter().filter_map(show) {
        println!("{line}");
    }

    let response: Response<ListMessagesResponse> =
        client.list_messages("job id").send_with_response().await?;
    let _status: StatusCode = response.status;
    let _request_id = response.headers.get("x-request-id");
    let _count: usize = response.body.messages.len();

    match client.list_messages("job id").send().await {
        Ok(page) => println!("{} messages", page.messages.len()),
        Err(error) => {
            let _: Option<StatusCode> = error.status();
            let _: Option<&NoErrorBody> = error.api_body();
            eprintln!("{}", describe(&error));
        }
    }

    // On a multi-threaded runtime: a clone moves into a spawned task.
    let task_client = client.clone();
    let task = tokio::spawn(async move { task_client.list_messages("job id").send().await });
    let _: Result<ListMessagesResponse, Error<NoErrorBody>> = task.await?;
    Ok(())
}

fn main() {
    assert_client::<Client>();
    let client = client().expect("a valid configuration");
    let send = client.list_messages("job id").send();
    assert_send(&send);
    let with_response = client.list_messages("job id").send_with_response();
    assert_send(&with_response);
    let run = run(client.clone());
    assert_send(&run);
}
