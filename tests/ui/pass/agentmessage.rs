//! agentmessage-client as a consumer uses it: the mandatory and optional
//! configuration, every optional parameter, both ways to send, the typed
//! error bodies, pagination, the open enums, and Send/Sync for
//! multi-threaded runtimes. Nothing is sent: `main` only builds futures.

use std::time::Duration;

use agentmessage_client::client_runtime::futures_util::TryStreamExt;
use agentmessage_client::client_runtime::{HeaderMap, StatusCode};
use agentmessage_client::types::{
    ErrorCode, ErrorResponse, ListMessagesResponse, Message, MessageDirection, MessageStatus,
};
use agentmessage_client::{
    BuildError, Client, Error, ListConversationMessagesError, Response, RetryPolicy,
};

type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

fn assert_client<T: Clone + Send + Sync + std::fmt::Debug + 'static>() {}
fn assert_send<T: Send>(_: &T) {}

fn client() -> Result<Client, BuildError> {
    let _default: &str = Client::DEFAULT_BASE_URL;
    Client::builder("TOKEN")
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

fn code(body: &ErrorResponse) -> String {
    let _success: bool = body.success;
    let _request_id: &str = &body.error.request_id;
    let details = body.error.details.as_ref().map_or(0, |d| d.len());
    let code = match &body.error.code {
        ErrorCode::ValidationFailed => "validation failed",
        ErrorCode::InvalidInput => "invalid input",
        ErrorCode::Unauthorized => "unauthorized",
        ErrorCode::Forbidden => "forbidden",
        ErrorCode::NotFound => "not found",
        ErrorCode::Unknown(other) => other.as_str(),
    };
    format!("{code}: {} ({details} details)", body.error.message)
}

fn describe(error: &Error<ListConversationMessagesError>) -> String {
    match error {
        Error::Api(e) => {
            let status: StatusCode = e.status;
            let _raw: &str = &e.raw;
            let _request_id: Option<&str> = e.request_id.as_deref();
            let _headers: &HeaderMap = &e.headers;
            // No wildcard: a status the spec starts documenting breaks this match.
            match &e.body {
                Some(ListConversationMessagesError::BadRequest(body)) => code(body),
                Some(ListConversationMessagesError::Unauthorized(body)) => code(body),
                Some(ListConversationMessagesError::Forbidden(body)) => code(body),
                Some(ListConversationMessagesError::NotFound(body)) => code(body),
                None => format!("{status}: {}", e.raw),
            }
        }
        Error::Timeout(after) => format!("timed out after {after:?}"),
        Error::Decode(d) => format!("bad body at `{}`: {} ({})", d.path, d.message, d.excerpt),
        Error::InvalidRequest(r) => format!("`{}` {}", r.parameter, r.message),
        Error::Pagination(p) => p.message.clone(),
        // `Error` is `#[non_exhaustive]`.
        _ => format!("{error} (retryable: {})", error.is_retryable()),
    }
}

fn show(message: &Message) -> String {
    let direction = match &message.direction {
        MessageDirection::Inbound => "in",
        MessageDirection::Outbound => "out",
        MessageDirection::Unknown(other) => other.as_str(),
    };
    let status = match &message.status {
        Some(MessageStatus::Delivered) => "delivered",
        Some(MessageStatus::Unknown(other)) => other.as_str(),
        None => "-",
    };
    // Past the retention window the body is null.
    let text: &str = message.body.as_deref().unwrap_or("<redacted>");
    let at: String = message.created_at.to_rfc3339();
    let _redacted: bool = message.redacted_at.is_some();
    format!(
        "{at} {direction} {} -> {} [{status}, {} media]: {text}",
        message.from_number,
        message.to_number,
        message.media_urls.len()
    )
}

async fn run(client: Client) -> Result<(), BoxError> {
    let page: ListMessagesResponse = client
        .list_conversation_messages("conversation id")
        .cursor("cursor")
        .limit(200)
        .timeout(Duration::from_secs(2))
        .max_retries(0)
        .send()
        .await?;
    for message in &page.data {
        println!("{}", show(message));
    }
    let _next: Option<&str> = page.meta.next_cursor.as_deref();

    let response: Response<ListMessagesResponse> = client
        .list_conversation_messages("conversation id")
        .send_with_response()
        .await?;
    let _status: StatusCode = response.status;
    let _request_id = response.headers.get("x-request-id");
    let _count: usize = response.body.data.len();

    match client.list_conversation_messages("conversation id").send().await {
        Ok(page) => println!("{} messages", page.data.len()),
        Err(error) => {
            let _: Option<StatusCode> = error.status();
            let _: Option<&str> = error.request_id();
            let _: Option<&ListConversationMessagesError> = error.api_body();
            eprintln!("{}", describe(&error));
        }
    }

    let pages = client.list_conversation_messages("conversation id").limit(2).pages();
    assert_send(&pages);
    let mut pages = std::pin::pin!(pages);
    while let Some(page) = pages.try_next().await? {
        let _: ListMessagesResponse = page;
    }

    let items = client.list_conversation_messages("conversation id").items();
    assert_send(&items);
    let all: Vec<Message> = items.try_collect().await?;
    println!("{}", all.len());

    // On a multi-threaded runtime: a clone moves into a spawned task.
    let task_client = client.clone();
    let task = tokio::spawn(async move {
        task_client.list_conversation_messages("conversation id").send().await
    });
    let _: Result<ListMessagesResponse, Error<ListConversationMessagesError>> = task.await?;
    Ok(())
}

fn main() {
    assert_client::<Client>();
    let client = client().expect("a valid configuration");
    let send = client.list_conversation_messages("conversation id").send();
    assert_send(&send);
    let with_response = client.list_conversation_messages("conversation id").send_with_response();
    assert_send(&with_response);
    let run = run(client.clone());
    assert_send(&run);
}
