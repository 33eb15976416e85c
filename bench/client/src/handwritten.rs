//! The hand-written baseline the generated clients are measured against: plain
//! `#[derive(Deserialize)]` structs and a plain `reqwest` GET, written the way a careful developer
//! would write them without a generator.
//!
//! Choices that keep the comparison fair (both sides do the same work):
//! - timestamps are `chrono::DateTime<Utc>`, so both sides parse them;
//! - the Moveworks content `oneOf` is serde's externally tagged enum (`{"plain_text": {...}}`),
//!   the obvious way to write that wire form by hand;
//! - string enums are closed (`#[serde(rename_all = ...)]`): the fastest thing a developer would
//!   write (they fail on a value added later, which the generated open enums do not);
//! - the client sends the same headers (bearer token, `Assistant-Name` for Moveworks, a
//!   user agent), sets a timeout like the generated client's, reads the body with `.bytes()` and
//!   decodes it with `serde_json::from_slice`.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Deserialize;

/// The error of a hand-written call: transport, HTTP status or JSON.
#[derive(Debug)]
pub enum CallError {
    Http(reqwest::Error),
    Json(serde_json::Error),
}

impl From<reqwest::Error> for CallError {
    fn from(e: reqwest::Error) -> Self {
        CallError::Http(e)
    }
}

impl From<serde_json::Error> for CallError {
    fn from(e: serde_json::Error) -> Self {
        CallError::Json(e)
    }
}

fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .user_agent("handwritten/0.1.0")
        .timeout(Duration::from_secs(60))
        .build()
        .expect("a reqwest client")
}

pub mod moveworks {
    use super::*;

    #[derive(Debug, Deserialize)]
    pub struct Page {
        pub messages: Vec<Message>,
        #[serde(default)]
        pub metadata: Option<Metadata>,
    }

    #[derive(Debug, Deserialize)]
    pub struct Metadata {
        #[serde(default)]
        pub next_cursor: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    pub struct Message {
        pub message_id: String,
        pub conversation_id: String,
        pub response_id: String,
        pub actor: Actor,
        pub content: Content,
        pub citations: Vec<Citation>,
        pub created_at: DateTime<Utc>,
    }

    #[derive(Debug, Deserialize, PartialEq, Eq)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    pub enum Actor {
        User,
        Assistant,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Content {
        PlainText { text: String },
        CommonmarkText { text: String },
        MarkdownText { text: String },
    }

    #[derive(Debug, Deserialize)]
    pub struct Citation {
        pub location: Location,
        #[serde(default)]
        pub url: Option<String>,
        #[serde(default)]
        pub display: Option<Display>,
    }

    #[derive(Debug, Deserialize)]
    pub struct Location {
        pub offset: i64,
    }

    #[derive(Debug, Deserialize)]
    pub struct Display {
        #[serde(default)]
        pub title: Option<Content>,
        #[serde(default)]
        pub body: Option<Content>,
    }

    /// A hand-written Moveworks client: one GET with the bearer token and `Assistant-Name`.
    #[derive(Debug, Clone)]
    pub struct Client {
        http: reqwest::Client,
        base_url: String,
        token: String,
        assistant_name: String,
    }

    impl Client {
        pub fn new(base_url: &str, token: &str, assistant_name: &str) -> Client {
            Client {
                http: http_client(),
                base_url: base_url.trim_end_matches('/').to_owned(),
                token: token.to_owned(),
                assistant_name: assistant_name.to_owned(),
            }
        }

        /// `GET /conversations/{id}/messages?limit=..[&cursor=..]`.
        pub async fn list_messages(&self, conversation_id: &str, limit: u32, cursor: Option<&str>) -> Result<Page, CallError> {
            let mut url = format!("{}/conversations/{}/messages?limit={}", self.base_url, conversation_id, limit);
            if let Some(cursor) = cursor {
                url.push_str("&cursor=");
                url.push_str(cursor);
            }
            let response = self
                .http
                .get(url)
                .bearer_auth(&self.token)
                .header("Assistant-Name", &self.assistant_name)
                .send()
                .await?
                .error_for_status()?;
            let bytes = response.bytes().await?;
            Ok(serde_json::from_slice(&bytes)?)
        }
    }
}

pub mod agentmessage {
    use super::*;

    #[derive(Debug, Deserialize)]
    pub struct Page {
        pub success: bool,
        pub data: Vec<Message>,
        pub meta: Meta,
    }

    #[derive(Debug, Deserialize)]
    pub struct Meta {
        pub total: i64,
        pub limit: i64,
        pub offset: i64,
        pub next_cursor: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    pub struct Message {
        pub id: String,
        pub direction: Direction,
        pub phone_number_id: String,
        pub from_number: String,
        pub to_number: String,
        pub body: Option<String>,
        pub media_urls: Vec<String>,
        pub channel: String,
        pub segment_count: i64,
        #[serde(default)]
        pub status: Option<Status>,
        pub created_at: DateTime<Utc>,
        pub redacted_at: Option<DateTime<Utc>>,
    }

    #[derive(Debug, Deserialize, PartialEq, Eq)]
    #[serde(rename_all = "lowercase")]
    pub enum Direction {
        Inbound,
        Outbound,
    }

    #[derive(Debug, Deserialize, PartialEq, Eq)]
    #[serde(rename_all = "lowercase")]
    pub enum Status {
        Delivered,
    }

    /// A hand-written AgentMessage client: one GET with the bearer token.
    #[derive(Debug, Clone)]
    pub struct Client {
        http: reqwest::Client,
        base_url: String,
        token: String,
    }

    impl Client {
        pub fn new(base_url: &str, token: &str) -> Client {
            Client { http: http_client(), base_url: base_url.trim_end_matches('/').to_owned(), token: token.to_owned() }
        }

        /// `GET /v1/conversations/{id}/messages?limit=..[&cursor=..]`.
        pub async fn list_messages(&self, conversation_id: &str, limit: u32, cursor: Option<&str>) -> Result<Page, CallError> {
            let mut url = format!("{}/v1/conversations/{}/messages?limit={}", self.base_url, conversation_id, limit);
            if let Some(cursor) = cursor {
                url.push_str("&cursor=");
                url.push_str(cursor);
            }
            let response = self.http.get(url).bearer_auth(&self.token).send().await?.error_for_status()?;
            let bytes = response.bytes().await?;
            Ok(serde_json::from_slice(&bytes)?)
        }
    }
}
