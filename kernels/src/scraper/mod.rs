//! Bonus exercise A, "asyncio": fetch many URLs from an unreliable server.
//! The naive scraper fetches one URL at a time and gives up at the first
//! failure; the optimized ones fetch concurrently under a semaphore, and
//! the last also retries with exponential backoff and jitter.
//!
//! The strategies are `async` code over a [`Network`]: the worker gives
//! them real `fetch()` calls and timers, the tests a simulated network on
//! a virtual clock. Every strategy settles every URL exactly once: fetched,
//! failed after its tries, or never attempted.

use std::cell::RefCell;

use async_lock::Semaphore;
use futures_util::future::join_all;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

/// What a strategy needs from the outside world.
pub trait Network {
    /// Requests URL number `url`; true when it answered with success.
    fn fetch(&self, url: usize) -> impl Future<Output = bool>;
    /// Waits `ms` milliseconds.
    fn sleep(&self, ms: f64) -> impl Future<Output = ()>;
    /// A clock in milliseconds.
    fn now_ms(&self) -> f64;
    /// `settled` of `total` URLs are settled (the progress bar).
    fn progress(&self, settled: usize, total: usize);
}

/// The scrape to run.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    /// URLs to fetch.
    pub urls: usize,
    /// Requests in flight at most (the semaphore's permits).
    pub limit: usize,
    /// Retries after a failed try (the retrying strategy).
    pub retries: u32,
    /// The first backoff's ceiling; it doubles with each retry.
    pub backoff_ms: f64,
    /// Seed of the jitter.
    pub seed: u64,
}

/// One request: its URL, which try it was (0 = the first), when it ran
/// (milliseconds from the scrape's start) and whether it succeeded.
#[derive(Clone, Debug, PartialEq)]
pub struct Try {
    /// The URL's number.
    pub url: usize,
    /// 0 for the first try, 1 for the first retry, ….
    pub attempt: u32,
    /// When the request was sent.
    pub start_ms: f64,
    /// When its answer came.
    pub end_ms: f64,
    /// A successful answer.
    pub ok: bool,
}

/// How a URL ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// Fetched, on try number `tries`.
    Fetched {
        /// Tries it took.
        tries: u32,
    },
    /// Every one of its `tries` failed.
    Failed {
        /// Tries made.
        tries: u32,
    },
    /// Never requested: the scraper gave up first.
    NotAttempted,
}

/// A finished scrape.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// Every request, by start time.
    pub tries: Vec<Try>,
    /// Each URL's fate, by URL.
    pub fates: Vec<Fate>,
    /// From the first request to the last answer.
    pub total_ms: f64,
}

impl Report {
    /// URLs fetched.
    pub fn fetched(&self) -> usize {
        self.fates
            .iter()
            .filter(|fate| matches!(fate, Fate::Fetched { .. }))
            .count()
    }

    /// The share of URLs fetched.
    pub fn success_rate(&self) -> f64 {
        self.fetched() as f64 / self.fates.len().max(1) as f64
    }

    /// Checks the books: every URL has one fate, and its requests are
    /// exactly what its fate says (tries numbered 0, 1, …; only the last
    /// may succeed, and it does if and only if the URL was fetched).
    pub fn accounted(&self, urls: usize) -> Result<(), String> {
        if self.fates.len() != urls {
            return Err(format!("{} fates for {urls} URLs", self.fates.len()));
        }
        let mut tries: Vec<Vec<&Try>> = vec![Vec::new(); urls];
        for attempt in &self.tries {
            tries
                .get_mut(attempt.url)
                .ok_or_else(|| format!("a request for URL {} of {urls}", attempt.url))?
                .push(attempt);
        }
        for (url, (fate, tries)) in self.fates.iter().zip(&tries).enumerate() {
            let numbered = tries.iter().enumerate().all(|(i, t)| t.attempt == i as u32);
            let ok_only_last = tries.iter().rev().skip(1).all(|t| !t.ok);
            let fits = match *fate {
                Fate::Fetched { tries: n } => {
                    n as usize == tries.len() && tries.last().is_some_and(|t| t.ok)
                }
                Fate::Failed { tries: n } => {
                    n as usize == tries.len() && n > 0 && tries.iter().all(|t| !t.ok)
                }
                Fate::NotAttempted => tries.is_empty(),
            };
            if !(numbered && ok_only_last && fits) {
                return Err(format!("URL {url}: {fate:?} with {} requests", tries.len()));
            }
        }
        Ok(())
    }
}

/// A scraping strategy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    /// One at a time, no retry, stop at the first failure.
    Naive,
    /// All URLs under a semaphore of `limit` permits, one try each.
    Concurrent,
    /// As `Concurrent`, with retries after exponential backoff with jitter.
    Retrying,
}

/// Every variant by name, the naive port first.
pub const VARIANTS: [(&str, Strategy); 3] = [
    ("naive", Strategy::Naive),
    ("concurrent", Strategy::Concurrent),
    ("retrying", Strategy::Retrying),
];

/// Runs `strategy` over `config.urls` URLs.
pub async fn scrape<N: Network>(strategy: Strategy, network: &N, config: &Config) -> Report {
    match strategy {
        Strategy::Naive => naive(network, config).await,
        Strategy::Concurrent => concurrent(network, config).await,
        Strategy::Retrying => retrying(network, config).await,
    }
}

/// The report of a scrape that started at `origin`.
fn report<N: Network>(network: &N, origin: f64, mut tries: Vec<Try>, fates: Vec<Fate>) -> Report {
    tries.sort_by(|a, b| a.start_ms.total_cmp(&b.start_ms));
    Report {
        tries,
        fates,
        total_ms: network.now_ms() - origin,
    }
}

/// One request, timed.
async fn request<N: Network>(network: &N, url: usize, attempt: u32, origin: f64) -> Try {
    let start_ms = network.now_ms() - origin;
    let ok = network.fetch(url).await;
    Try {
        url,
        attempt,
        start_ms,
        end_ms: network.now_ms() - origin,
        ok,
    }
}

/// The seed's starting point: `for url in urls: fetch(url)`, and the first
/// exception ends the loop; the URLs after it are never requested.
pub async fn naive<N: Network>(network: &N, config: &Config) -> Report {
    let origin = network.now_ms();
    let mut tries = Vec::new();
    let mut fates = vec![Fate::NotAttempted; config.urls];
    for url in 0..config.urls {
        let attempt = request(network, url, 0, origin).await;
        let ok = attempt.ok;
        tries.push(attempt);
        fates[url] = if ok {
            Fate::Fetched { tries: 1 }
        } else {
            Fate::Failed { tries: 1 }
        };
        network.progress(url + 1, config.urls);
        if !ok {
            break;
        }
    }
    report(network, origin, tries, fates)
}

/// One task per URL under a semaphore, one try each: a failure is
/// reported and the other URLs go on.
pub async fn concurrent<N: Network>(network: &N, config: &Config) -> Report {
    gather(network, config, 0).await
}

/// [`concurrent`], and each failed request retried up to `retries` times
/// after an exponential backoff with full jitter.
pub async fn retrying<N: Network>(network: &N, config: &Config) -> Report {
    gather(network, config, config.retries).await
}

/// `asyncio.gather` of one task per URL, each inside `async with
/// semaphore:`, so at most `limit` requests are in flight. A task that
/// fails retries up to `retries` times, first waiting a random time in
/// `[0, backoff · 2^attempt)` ("full jitter"): the wait doubles, so a
/// struggling server gets room, and the randomness keeps the retries of
/// many tasks from arriving together. The permit is held while waiting,
/// so the limit bounds the tasks at work, not only the requests.
async fn gather<N: Network>(network: &N, config: &Config, retries: u32) -> Report {
    let origin = network.now_ms();
    let semaphore = Semaphore::new(config.limit.max(1));
    let jitter = RefCell::new(Pcg64::seed_from_u64(config.seed));
    let settled = std::cell::Cell::new(0);
    let task = |url: usize| {
        let (semaphore, jitter, settled) = (&semaphore, &jitter, &settled);
        async move {
            let _permit = semaphore.acquire().await;
            let mut tries = Vec::new();
            let fate = loop {
                let attempt = tries.len() as u32;
                let answer = request(network, url, attempt, origin).await;
                let ok = answer.ok;
                tries.push(answer);
                if ok {
                    break Fate::Fetched { tries: attempt + 1 };
                }
                if attempt >= retries {
                    break Fate::Failed { tries: attempt + 1 };
                }
                let ceiling = config.backoff_ms * f64::from(1u32 << attempt.min(16));
                let wait = jitter.borrow_mut().random::<f64>() * ceiling;
                network.sleep(wait).await;
            };
            settled.set(settled.get() + 1);
            network.progress(settled.get(), config.urls);
            (tries, fate)
        }
    };
    let outcomes = join_all((0..config.urls).map(task)).await;
    let mut tries = Vec::new();
    let mut fates = Vec::with_capacity(config.urls);
    for (url_tries, fate) in outcomes {
        tries.extend(url_tries);
        fates.push(fate);
    }
    report(network, origin, tries, fates)
}
