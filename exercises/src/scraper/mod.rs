//! Bonus exercise A: an async scraper against an unreliable server.

use crate::{Exercise, Growth, Target, Variant, Work};

#[cfg(feature = "runner")]
mod run;

crate::params! {
    /// The exercise's parameters.
    pub struct Params in PARAMS {
        urls: IntList { min: 1, max: 500, max_len: 6, } = "10,20,50",
            "URLs",
            "URLs per scrape; each size is one scrape";
        limit: Int { min: 1, max: 100 } = "10",
            "concurrency limit",
            "the semaphore's permits: requests in flight at most";
        latency_ms: Int { min: 0, max: 2000 } = "30",
            "latency (ms)",
            "the endpoint's mean answer time";
        jitter_ms: Int { min: 0, max: 1000 } = "10",
            "latency jitter (ms)",
            "answers vary uniformly by this much either way";
        fail_percent: Int { min: 0, max: 100 } = "20",
            "failure rate (%)",
            "share of requests answered with 503, in the failure part";
        retries: Int { min: 0, max: 10 } = "4",
            "retries",
            "tries after the first, for the retrying strategy";
        backoff_ms: Int { min: 0, max: 5000 } = "50",
            "first backoff (ms)",
            "the first retry waits a random time below this; each further one doubles it";
        seed: Int { min: 0, max: u32::MAX as u64, } = "42",
            "random seed",
            "the seed of the jitter and of simulated failures";
    }
}

pub static EXERCISE: Exercise = Exercise {
    id: "scraper",
    title: "Scraper: concurrent fetches, a semaphore, retries with backoff and jitter",
    seed: "Performance Optimization Practice, bonus A (asyncio)",
    summary: "Real fetch() calls against the site's own endpoint with a latency and a failure rate: one URL at a \
              time giving up at the first failure, against concurrent fetches under a semaphore, with and \
              without retries; a live progress bar, a Gantt chart of every attempt, success rates, and books \
              that prove no URL is lost or counted twice.",
    explanation: &[
        "naive is the loop most scrapers start as: for each URL, fetch it and wait; the first error ends the \
         loop, so every URL after it is never requested. concurrent starts one task per URL, as \
         asyncio.gather does, each inside `async with semaphore`: at most limit requests are in flight, \
         which protects the server and the browser's connection pool. retrying adds what the seed asks \
         for: a failed request is retried up to retries times, after a random wait below backoff · 2^attempt \
         (exponential backoff with full jitter). The wait doubles so a struggling server gets room; the \
         randomness keeps many tasks from retrying in the same instant, which would fail together again.",
        "Every request is a real fetch() from the worker to the site's endpoint, answered by its service \
         worker after the latency you set (± the jitter), failing with the rate you set (status 503); where \
         no service worker controls the worker yet, the same behaviour is simulated with timers, and the \
         page says so. The strategies are plain async Rust on the browser's event loop (asyncio's analog); \
         the same code runs in the tests on a simulated network with a virtual clock.",
        "The measurements are wall-clock times of whole scrapes with nothing failing, so they measure \
         concurrency alone: one at a time takes urls latencies, k at a time about urls / k. Failures come \
         next, at your failure rate: a Gantt chart per strategy (one row per URL, every attempt a bar) \
         while a progress bar counts settled URLs, a table of what each fetched, and the success rate \
         over a sweep of failure rates. With p the failure rate, naive expects about 1/p URLs before it \
         stops, concurrent 1 − p of them, and retrying 1 − p^(retries+1). Every scrape's books are \
         checked: each URL ends exactly once, fetched, failed after its tries, or never attempted, with \
         exactly the requests its fate says.",
    ],
    params: PARAMS,
    size_param: "urls",
    variants: &[
        Variant {
            name: "naive",
            technique: "one URL at a time; the first failure ends the scrape",
            growth: Growth::Linear,
        },
        Variant {
            name: "concurrent",
            technique: "one task per URL under a semaphore of limit permits, one try each",
            growth: Growth::Linear,
        },
        Variant {
            name: "retrying",
            technique: "concurrent, plus retries after exponential backoff with full jitter",
            growth: Growth::Linear,
        },
    ],
    source: "kernels/src/scraper/mod.rs",
    target: Target {
        variant: "concurrent",
        baseline: "naive",
        speedup: 5.0,
        size: 20,
    },
    thread_sweep: None,
    gpu: &[],
    local_file: None,
    sections: &[],
    limits: None,
    work: Some(Work {
        unit: "requests",
        per_call: |urls, _| urls as f64,
    }),
    #[cfg(feature = "runner")]
    runner: &run::Scraper,
};
