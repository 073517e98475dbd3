//! A simulated network on a virtual clock, for the scraper's tests: each
//! request takes `latency_ms` and fails with probability `fail_rate`;
//! sleeps and requests finish when [`VirtualNet::block_on`] moves the clock
//! to their deadline, so a scrape of minutes takes microseconds and its
//! times are exact.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use kernels::scraper::Network;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

pub struct VirtualNet {
    pub latency_ms: f64,
    pub fail_rate: f64,
    now: Cell<f64>,
    timers: RefCell<Vec<(f64, Waker)>>,
    rng: RefCell<Pcg64>,
    in_flight: Cell<usize>,
    /// The most requests that were in flight at once.
    pub max_in_flight: Cell<usize>,
    /// Every `progress` call, in order.
    pub progress: RefCell<Vec<(usize, usize)>>,
}

impl VirtualNet {
    pub fn new(latency_ms: f64, fail_rate: f64, seed: u64) -> VirtualNet {
        VirtualNet {
            latency_ms,
            fail_rate,
            now: Cell::new(0.0),
            timers: RefCell::new(Vec::new()),
            rng: RefCell::new(Pcg64::seed_from_u64(seed)),
            in_flight: Cell::new(0),
            max_in_flight: Cell::new(0),
            progress: RefCell::new(Vec::new()),
        }
    }

    /// Runs `future` to the end, moving the clock from deadline to deadline.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let mut future = pin!(future);
        let mut context = Context::from_waker(Waker::noop());
        loop {
            if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
                return output;
            }
            let next = self
                .timers
                .borrow()
                .iter()
                .map(|(at, _)| *at)
                .fold(f64::INFINITY, f64::min);
            assert!(next.is_finite(), "the scrape waits on nothing");
            self.now.set(next.max(self.now.get()));
            let due: Vec<Waker> = {
                let mut timers = self.timers.borrow_mut();
                let (due, later): (Vec<_>, Vec<_>) =
                    timers.drain(..).partition(|(at, _)| *at <= self.now.get());
                *timers = later;
                due.into_iter().map(|(_, waker)| waker).collect()
            };
            due.into_iter().for_each(Waker::wake);
        }
    }

    async fn until(&self, at: f64) {
        std::future::poll_fn(|context| {
            if self.now.get() >= at {
                Poll::Ready(())
            } else {
                self.timers.borrow_mut().push((at, context.waker().clone()));
                Poll::Pending
            }
        })
        .await
    }
}

impl Network for VirtualNet {
    async fn fetch(&self, _url: usize) -> bool {
        self.in_flight.set(self.in_flight.get() + 1);
        self.max_in_flight
            .set(self.max_in_flight.get().max(self.in_flight.get()));
        self.until(self.now.get() + self.latency_ms).await;
        self.in_flight.set(self.in_flight.get() - 1);
        self.rng.borrow_mut().random::<f64>() >= self.fail_rate
    }

    async fn sleep(&self, ms: f64) {
        self.until(self.now.get() + ms).await
    }

    fn now_ms(&self) -> f64 {
        self.now.get()
    }

    fn progress(&self, settled: usize, total: usize) {
        self.progress.borrow_mut().push((settled, total));
    }
}
