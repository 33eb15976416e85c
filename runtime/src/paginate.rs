//! Cursor pagination as a `Stream`, fetching each page only when asked.

use std::collections::VecDeque;
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
        seen: Seen,
        done: bool,
        page: u64,
    }
    let mut seen = Seen::default();
    if let Some(first) = &first_cursor {
        seen.repeated(first);
    }
    let state = State { fetch, cursor: first_cursor, seen, done: false, page: 0 };
    stream::try_unfold(state, move |mut state| async move {
        if state.done {
            return Ok(None);
        }
        let page = (state.fetch)(state.cursor.take()).await?;
        state.page += 1;
        let next = next_cursor(&page).filter(|next| !next.is_empty());
        crate::trace::page(state.page, next.is_some());
        match next {
            Some(next) => {
                if state.seen.repeated(next) {
                    return Err(Error::Pagination(PaginationError {
                        message: format!("the server returned cursor {next:?} a second time"),
                    }));
                }
                state.cursor = Some(next.to_owned());
            }
            None => state.done = true,
        }
        Ok(Some((page, state)))
    })
}

/// How many of the latest cursors are remembered exactly.
const RECENT: usize = 64;

/// Cursor-loop detection in constant memory, however long the walk.
///
/// A cursor among the last [`RECENT`] is caught at once. A longer loop is
/// caught by Brent's cycle detection: a remembered cursor, moved to the
/// current one at every power of two, meets the loop within about twice its
/// length. Remembering every cursor would grow with every page.
#[derive(Default)]
struct Seen {
    recent: VecDeque<String>,
    anchor: Option<String>,
    power: usize,
    since_anchor: usize,
}

impl Seen {
    /// Records `cursor`; whether it was handed out before.
    fn repeated(&mut self, cursor: &str) -> bool {
        if self.recent.iter().any(|c| c == cursor) || self.anchor.as_deref() == Some(cursor) {
            return true;
        }
        if self.recent.len() == RECENT {
            self.recent.pop_front();
        }
        self.recent.push_back(cursor.to_owned());
        self.since_anchor += 1;
        if self.since_anchor >= self.power.max(1) {
            self.anchor = Some(cursor.to_owned());
            self.power = self.power.max(1) * 2;
            self.since_anchor = 0;
        }
        false
    }
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

    #[test]
    fn long_cursor_loops_are_caught_in_constant_memory() {
        // A server cycling through 1,000 cursors: caught within two laps.
        let mut seen = Seen::default();
        let caught = (0..5_000).position(|i| seen.repeated(&format!("c{}", i % 1_000)));
        assert!(matches!(caught, Some(n) if (1_000..3_000).contains(&n)), "{caught:?}");
        assert!(seen.recent.len() <= RECENT);
        // 100,000 distinct cursors: never a false alarm, memory stays bounded.
        let mut seen = Seen::default();
        assert!((0..100_000).all(|i| !seen.repeated(&format!("c{i}"))));
        assert_eq!(seen.recent.len(), RECENT);
    }

    #[tokio::test]
    async fn an_empty_cursor_ends_the_walk() {
        let (log, fetch) = server(vec![(vec![1], Some(String::new()))]);
        let all: Vec<u32> = items(pages(None, fetch, next), |p: Page| p.0).try_collect().await.unwrap();
        assert_eq!(all, [1]);
        assert_eq!(log.lock().unwrap().len(), 1);
    }
}
