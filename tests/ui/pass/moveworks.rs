//! moveworks-client as a consumer uses it: the mandatory and optional
//! configuration, every optional parameter, both ways to send, the typed
//! error bodies, pagination, the open enums, and Send/Sync for
//! multi-threaded runtimes. Nothing is sent: `main` only builds futures.

use std::time::Duration;

use moveworks_client::client_runtime::futures_util::TryStreamExt;
use moveworks_client::client_runtime::{HeaderMap, StatusCode};
use moveworks_client::types::{
    ActorType, Content, InternalErrorResponseErrorCode, InvalidCursorErrorResponseErrorCode,
    ListConversationMessagesResponse, Message, NotFoundErrorResponseErrorCode,
    RateLimitExceededErrorResponseErrorCode, UnauthorizedErrorResponseErrorCode,
};
use moveworks_client::{
    BuildError, Client, Error, ListConversationMessagesError, Response, RetryPolicy,
};

type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

fn assert_client<T: Clone + Send + Sync + std::fmt::Debug + 'static>() {}
fn assert_send<T: Send>(_: &T) {}

fn client() -> Result<Client, BuildError> {
    let _default: &str = Client::DEFAULT_BASE_URL;
    Client::builder("TOKEN", "ASSISTANT_NAME")
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

fn describe(error: &Error<ListConversationMessagesError>) -> String {
    match error {
        Error::Api(e) => {
            let status: StatusCode = e.status;
            let _raw: &str = &e.raw;
            let _request_id: Option<&str> = e.request_id.as_deref();
            let _headers: &HeaderMap = &e.headers;
            // No wildcard: a status the spec starts documenting breaks this match.
            match &e.body {
                Some(ListConversationMessagesError::BadRequest(body)) => match &body.error.code {
                    InvalidCursorErrorResponseErrorCode::InvalidCursor => {
                        format!("restart without a cursor: {}", body.error.message)
                    }
                    InvalidCursorErrorResponseErrorCode::Unknown(code) => code.clone(),
                },
                Some(ListConversationMessagesError::Unauthorized(body)) => match &body.error.code {
                    UnauthorizedErrorResponseErrorCode::Unauthorized => body.error.message.clone(),
                    UnauthorizedErrorResponseErrorCode::Unknown(code) => code.clone(),
                },
                Some(ListConversationMessagesError::NotFound(body)) => match &body.error.code {
                    NotFoundErrorResponseErrorCode::NotFound => body.error.message.clone(),
                    NotFoundErrorResponseErrorCode::Unknown(code) => code.clone(),
                },
                Some(ListConversationMessagesError::TooManyRequests(body)) => {
                    match &body.error.code {
                        RateLimitExceededErrorResponseErrorCode::RateLimitExceeded => {
                            body.error.message.clone()
                        }
                        RateLimitExceededErrorResponseErrorCode::Unknown(code) => code.clone(),
                    }
                }
                Some(ListConversationMessagesError::InternalServerError(body)) => {
                    match &body.error.code {
                        InternalErrorResponseErrorCode::InternalError => body.error.message.clone(),
                        InternalErrorResponseErrorCode::Unknown(code) => code.clone(),
                    }
                }
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
    let who = match &message.actor {
        ActorType::User => "user",
        ActorType::Assistant => "assistant",
        ActorType::Unknown(other) => other.as_str(),
    };
    let kind = match &message.content {
        Content::PlainText(_) => "plain",
        Content::CommonmarkText(_) => "commonmark",
        Content::MarkdownText(_) => "markdown",
        Content::Unknown(_) => "unknown",
    };
    let text: &str = message.content.text().unwrap_or("");
    let at: String = message.created_at.to_rfc3339();
    format!("{at} {who} ({kind}, {} citations): {text}", message.citations.len())
}

async fn run(client: Client) -> Result<(), BoxError> {
    let page: ListConversationMessagesResponse = client
        .list_conversation_messages("conversation id")
        .cursor("cursor")
        .limit(50)
        .timeout(Duration::from_secs(2))
        .max_retries(0)
        .send()
        .await?;
    for message in &page.messages {
        println!("{}", show(message));
    }
    // Optional and nullable: absent is `None`, `null` is `Some(None)`.
    let _next: Option<&str> = page.metadata.as_ref().and_then(|m| m.next_cursor.as_ref()?.as_deref());

    let response: Response<ListConversationMessagesResponse> = client
        .list_conversation_messages("conversation id")
        .limit(10)
        .send_with_response()
        .await?;
    let _status: StatusCode = response.status;
    let _request_id = response.headers.get("x-request-id");
    let _count: usize = response.body.messages.len();

    match client.list_conversation_messages("conversation id").send().await {
        Ok(page) => println!("{} messages", page.messages.len()),
        Err(error) => {
            let _: Option<StatusCode> = error.status();
            let _: Option<&str> = error.request_id();
            let _: Option<&ListConversationMessagesError> = error.api_body();
            eprintln!("{}", describe(&error));
        }
    }

    let pages = client.list_conversation_messages("conversation id").limit(100).pages();
    assert_send(&pages);
    let mut pages = std::pin::pin!(pages);
    while let Some(page) = pages.try_next().await? {
        let _: ListConversationMessagesResponse = page;
    }

    let items = client.list_conversation_messages("conversation id").cursor("c").items();
    assert_send(&items);
    let all: Vec<Message> = items.try_collect().await?;
    println!("{}", all.len());

    // On a multi-threaded runtime: a clone moves into a spawned task.
    let task_client = client.clone();
    let task = tokio::spawn(async move {
        task_client.list_conversation_messages("conversation id").send().await
    });
    let _: Result<ListConversationMessagesResponse, Error<ListConversationMessagesError>> =
        task.await?;
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
