//! krosai-client as a consumer uses it: the mandatory and optional
//! configuration, the per-request options, both ways to send, the errors of
//! an operation whose spec documents no error body (`NoErrorBody`, which
//! cannot exist), the open enum, and Send/Sync for multi-threaded runtimes.
//! Nothing is sent: `main` only builds futures.

use std::time::Duration;

use krosai_client::client_runtime::{HeaderMap, StatusCode};
use krosai_client::types::{Message, MessageRole};
use krosai_client::{BuildError, Client, Error, NoErrorBody, Response, RetryPolicy};

type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

fn assert_client<T: Clone + Send + Sync + std::fmt::Debug + 'static>() {}
fn assert_send<T: Send>(_: &T) {}

fn client() -> Result<Client, BuildError> {
    let _default: &str = Client::DEFAULT_BASE_URL;
    Client::builder(String::from("TOKEN"))
        .base_url("http://127.0.0.1:8080")
        .timeout(Duration::from_secs(5))
        .max_retries(1)
        .retry_policy(RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_secs(1),
            max_retry_after: Duration::from_secs(5),
        })
        .build()
}

// `Error` defaults its body type to `NoErrorBody`.
fn describe(error: &Error) -> String {
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

fn show(message: &Message) -> String {
    let role = match &message.role {
        MessageRole::System => "system",
        MessageRole::User => "user",
        MessageRole::Assistant => "assistant",
        MessageRole::Unknown(other) => other.as_str(),
    };
    let at: String = message.created_at.to_rfc3339();
    format!("{at} {role} in {}: {}", message.conversation_id, message.content)
}

async fn run(client: Client) -> Result<(), BoxError> {
    // The spec documents a bare array and no query parameters.
    let messages: Vec<Message> = client
        .get_conversation_messages("conversation id")
        .timeout(Duration::from_secs(2))
        .max_retries(0)
        .send()
        .await?;
    for message in &messages {
        println!("{}", show(message));
    }

    let response: Response<Vec<Message>> = client
        .get_conversation_messages("conversation id")
        .send_with_response()
        .await?;
    let _status: StatusCode = response.status;
    let _request_id = response.headers.get("x-request-id");
    let _count: usize = response.body.len();

    match client.get_conversation_messages("conversation id").send().await {
        Ok(messages) => println!("{} messages", messages.len()),
        Err(error) => {
            let _: Option<StatusCode> = error.status();
            let _: Option<&NoErrorBody> = error.api_body();
            eprintln!("{}", describe(&error));
        }
    }

    // On a multi-threaded runtime: a clone moves into a spawned task.
    let task_client = client.clone();
    let task = tokio::spawn(async move {
        task_client.get_conversation_messages("conversation id").send().await
    });
    let _: Result<Vec<Message>, Error<NoErrorBody>> = task.await?;
    Ok(())
}

fn main() {
    assert_client::<Client>();
    let client = client().expect("a valid configuration");
    let send = client.get_conversation_messages("conversation id").send();
    assert_send(&send);
    let with_response = client.get_conversation_messages("conversation id").send_with_response();
    assert_send(&with_response);
    let run = run(client.clone());
    assert_send(&run);
}
