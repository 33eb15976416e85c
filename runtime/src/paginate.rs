//! Cursor pagination as a `Stream`, fetching each page only when asked.

use std::collections::HashSet;
use std::future::Future;

use futures_util::stream::{self, Stream, TryStreamExt};

use crate::error::{Error, PaginationError};

/// A stream of pages: `fetch(cursor)` gets one page, `next_cursor(&page)` says
/// where the next one starts (`None` or empty: this was the last).
///
/// A page is fetched only when the consumer polls for it, and only the page
/// being handed out is held. A server that hands out a cursor it already gave
/// (or the one it was just sent) ends the stream with [`Error::Pagination`]
/// instead of looping forever.
pub fn pages<P, E, F, Fut>(
    first_cursor: Option<String>,
    fetch: F,
    next_cursor: fn(&P) -> Option<&str>,
) -> impl Stream<Item = Result<P, Error<E>>>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<P, Error<E>>>,
{
    struct State<F> {
        fetch: F,
        cursor: Option<String>,
        seen: HashSet<String>,
        done: bool,
    }
    let seen = first_cursor.iter().cloned().collect();
    let state = State { fetch, cursor: first_cursor, seen, done: false };
    stream::try_unfold(state, move |mut state| async move {
        if state.done {
            return Ok(None);
        }
        let page = (state.fetch)(state.cursor.take()).await?;
        match next_cursor(&page) {
            Some(next) if !next.is_empty() => {
                if !state.seen.insert(next.to_owned()) {
                    return Err(Error::Pagination(PaginationError {
                        message: format!("the server returned cursor {next:?} a second time"),
                    }));
                }
                state.cursor = Some(next.to_owned());
            }
            _ => state.done = true,
        }
        Ok(Some((page, state)))
    })
}

/// The items of every page, in order, one page in memory at a time.
pub fn items<P, I, E>(
    pages: impl Stream<Item = Result<P, Error<E>>>,
    into_items: fn(P) -> Vec<I>,
) -> impl Stream<Item = Result<I, Error<E>>> {
    pages.map_ok(move |page| stream::iter(into_items(page).into_iter().map(Ok))).try_flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::NoErrorBody;
    use futures_util::StreamExt;
    use std::sync::{Arc, Mutex};

    type Page = (Vec<u32>, Option<String>);
    /// The cursors each fetch was called with.
    type Log = Arc<Mutex<Vec<Option<String>>>>;
    type Fetched = std::future::Ready<Result<Page, Error<NoErrorBody>>>;

    fn server(pages: Vec<Page>) -> (Log, impl FnMut(Option<String>) -> Fetched) {
        let log = Arc::new(Mutex::new(Vec::new()));
        let seen = log.clone();
        let mut pages = pages.into_iter();
        let fetch = move |cursor: Option<String>| {
            seen.lock().unwrap().push(cursor);
            std::future::ready(Ok(pages.next().expect("no request beyond the last page")))
        };
        (log, fetch)
    }

    fn next(p: &Page) -> Option<&str> {
        p.1.as_deref()
    }

    #[tokio::test]
    async fn walks_pages_lazily_and_stops_at_a_null_cursor() {
        let (log, fetch) = server(vec![(vec![1, 2], Some("a".into())), (vec![3], Some("b".into())), (vec![4], None)]);
        let all: Vec<u32> = items(pages(None, fetch, next), |p: Page| p.0).try_collect().await.unwrap();
        assert_eq!(all, [1, 2, 3, 4]);
        assert_eq!(*log.lock().unwrap(), [None, Some("a".into()), Some("b".into())]);
    }

    #[tokio::test]
    async fn a_dropped_stream_fetches_nothing_more() {
        let (log, fetch) = server(vec![(vec![1, 2], Some("a".into())), (vec![3], None)]);
        let mut s = Box::pin(items(pages(None, fetch, next), |p: Page| p.0));
        assert_eq!(s.next().await.unwrap().unwrap(), 1);
        drop(s);
        assert_eq!(log.lock().unwrap().len(), 1);
    }

    #[tokio::test]
    async fn a_repeated_cursor_is_an_error_not_a_loop() {
        let (log, fetch) = server(vec![(vec![1], Some("a".into())), (vec![2], Some("b".into())), (vec![3], Some("a".into()))]);
        let out: Vec<_> = pages(None, fetch, next).collect().await;
        assert_eq!(out.len(), 3);
        assert!(matches!(out[2], Err(Error::Pagination(_))));
        assert_eq!(log.lock().unwrap().len(), 3);
    }

    #[tokio::test]
    async fn the_cursor_just_sent_coming_back_is_an_error() {
        let (_, fetch) = server(vec![(vec![1], Some("x".into()))]);
        let out: Vec<_> = pages(Some("x".into()), fetch, next).collect().await;
        assert!(matches!(out[..], [Err(Error::Pagination(_))]));
    }

    #[tokio::test]
    async fn an_empty_cursor_ends_the_walk() {
        let (log, fetch) = server(vec![(vec![1], Some(String::new()))]);
        let all: Vec<u32> = items(pages(None, fetch, next), |p: Page| p.0).try_collect().await.unwrap();
        assert_eq!(all, [1]);
        assert_eq!(log.lock().unwrap().len(), 1);
    }
}
