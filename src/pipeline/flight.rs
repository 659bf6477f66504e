//! Single-flight: identical requests in flight at the same time share one execution, and a
//! cooperative `yield_now` so requests started together can meet. Executor-agnostic (plain
//! wakers), so it runs under wasm-bindgen-futures and under any native executor.

use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use crate::error::{Error, ErrorCode, Result};
use crate::pipeline::Computed;
use crate::runtime::ResultKey;

type Shared = Result<Rc<Computed>>;

#[derive(Default)]
struct Flight {
    result: RefCell<Option<Shared>>,
    wakers: RefCell<Vec<Waker>>,
}

/// Executions in progress, by result key.
#[derive(Default)]
pub struct Flights {
    map: RefCell<HashMap<ResultKey, Rc<Flight>>>,
}

impl Flights {
    /// Waits on an identical execution already in flight, if there is one.
    pub(crate) fn join(&self, key: &ResultKey) -> Option<Wait> {
        self.map.borrow().get(key).map(|f| Wait(f.clone()))
    }

    /// Starts a flight; followers wait until the returned guard finishes (or is dropped).
    pub(crate) fn lead<'a>(&'a self, key: ResultKey) -> Lead<'a> {
        let flight = Rc::new(Flight::default());
        self.map.borrow_mut().insert(key.clone(), flight.clone());
        Lead { flights: self, key, flight, done: false }
    }

    pub fn in_flight(&self) -> usize {
        self.map.borrow().len()
    }
}

/// The leader's handle on a flight.
pub(crate) struct Lead<'a> {
    flights: &'a Flights,
    key: ResultKey,
    flight: Rc<Flight>,
    done: bool,
}

impl Lead<'_> {
    pub(crate) fn finish(mut self, result: Shared) {
        self.settle(result);
    }

    fn settle(&mut self, result: Shared) {
        if self.done {
            return;
        }
        self.done = true;
        *self.flight.result.borrow_mut() = Some(result);
        self.flights.map.borrow_mut().remove(&self.key);
        for w in self.flight.wakers.borrow_mut().drain(..) {
            w.wake();
        }
    }
}

impl Drop for Lead<'_> {
    fn drop(&mut self) {
        // The leader went away (cancelled) before finishing: release the followers.
        self.settle(Err(Error::new(
            ErrorCode::Aborted,
            "The identical request this one was waiting on was cancelled.",
            "Run the request again.",
        )));
    }
}

/// A follower waiting for a flight's result.
pub(crate) struct Wait(Rc<Flight>);

impl Future for Wait {
    type Output = Shared;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Shared> {
        if let Some(r) = self.0.result.borrow().as_ref() {
            return Poll::Ready(r.clone());
        }
        self.0.wakers.borrow_mut().push(cx.waker().clone());
        Poll::Pending
    }
}

/// Yields once to the executor (lets other tasks, e.g. identical requests, run).
pub fn yield_now() -> YieldNow {
    YieldNow(false)
}

pub struct YieldNow(bool);

impl Future for YieldNow {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}
