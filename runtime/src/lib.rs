//! The runtime that every generated client crate shares.
//!
//! Generated crates hold only what a spec says (types, operations, which
//! parameters go where); everything about talking HTTP lives here, written and
//! tested once: configuration and its validation ([`ClientBuilder`]), sending
//! with timeouts and retries ([`HttpClient::execute`], [`RetryPolicy`], [`RetryBudget`]), the error type
//! ([`Error`]), cursor pagination ([`paginate`]) and the small encoding helpers
//! emitted code calls ([`encode`]).

mod budget;
mod client;
mod error;
pub mod encode;
mod multipart;
pub mod paginate;
mod retry;
mod structs;
mod trace;

pub use client::{body_of, Body, ClientBuilder, HttpClient, Operation, Request, RequestOptions, Response};
pub use multipart::FilePart;
pub use error::{ApiError, BuildError, DecodeError, Error, ErrorBody, InvalidRequest, NoErrorBody, PaginationError};
pub use budget::{RetryBudget, RetryCosts};
pub use retry::RetryPolicy;

// Re-exported so generated code and its users name one version of each.
pub use bytes;
pub use chrono;
pub use futures_util;
pub use futures_util::Stream;
pub use reqwest;
pub use reqwest::{header::HeaderMap, Method, StatusCode};
pub use serde;
pub use serde_json;
