//! Inputs for `caching`: one `n`, and the bounded cache's size.

use std::hint::black_box;

use kernels::caching::{CacheStats, Outcome, VARIANTS, lru, memoized_with_stats, ttl_demo};

use super::Params;
use crate::protocol::{Timeline, TimelineEvent};
use crate::runner::{KernelList, Case, Host, Output, Runner, Workload};

pub struct Caching;

struct Input {
    n: u32,
    maxsize: usize,
}

/// The largest n the naive recursion computes in the check: fib(35) is
/// about 30 million calls, tens of milliseconds; fib(45) takes seconds.
const NAIVE_CHECK_LIMIT: u64 = 35;

impl Runner for Caching {
    type Params = Params;

    fn kernels(&self) -> &'static dyn KernelList {
        &VARIANTS
    }

    fn check_cases(&self, params: &Params, _: &Host) -> Vec<Case> {
        let ns: Vec<u32> = params.n.iter().map(|&n| n as u32).collect();
        let label = format!("fib(n) for n = {ns:?}");
        vec![(
            label,
            Box::new(CheckAll {
                ns,
                maxsize: params.maxsize as usize,
            }),
        )]
    }

    fn workload(&self, params: &Params, _: &Host, size: u64) -> Box<dyn Workload> {
        Box::new(Input {
            n: size as u32,
            maxsize: params.maxsize as usize,
        })
    }

    fn timeline(&self, params: &Params) -> Option<Timeline> {
        let ttl = params.ttl_ms as f64 / 1000.0;
        let events = ttl_demo(ttl, 0.5, 30.0)
            .into_iter()
            .map(|call| TimelineEvent {
                at: call.at,
                lane: call.key.to_string(),
                kind: match call.outcome {
                    Outcome::Hit => "hit",
                    Outcome::Miss => "miss",
                    Outcome::Expired => "expired",
                }
                .to_string(),
            })
            .collect();
        Some(Timeline {
            title: format!("TTL cache (ttl {ttl} s) in front of a function that takes 0.5 s"),
            events,
        })
    }
}

impl Input {
    /// The value, and the cache's counters for the cached variants.
    fn call(&self, variant: usize) -> (u64, Option<CacheStats>) {
        match VARIANTS[variant].0 {
            "memoized" => {
                let (value, stats) = memoized_with_stats(self.n);
                (value, Some(stats))
            }
            "lru" => {
                let (value, stats) = lru(self.n, self.maxsize);
                (value, Some(stats))
            }
            _ => ((VARIANTS[variant].1)(self.n), None),
        }
    }
}

impl Workload for Input {
    fn run(&mut self, variant: usize) {
        black_box(black_box(&*self).call(variant));
    }

    fn check(&mut self, variant: usize) -> Output {
        let (value, stats) = self.call(variant);
        let mut output = Output::list(&[value]);
        output.text = format!("fib({})={value}{}", self.n, counters(stats));
        output
    }
}

/// " (33 hits, 36 misses, 0 evictions, 36 entries at most)", or nothing
/// for a variant without a cache.
fn counters(stats: Option<CacheStats>) -> String {
    stats.map_or_else(String::new, |s| {
        format!(
            " ({} hits, {} misses, {} evictions, {} entries at most)",
            s.hits, s.misses, s.evictions, s.peak_entries
        )
    })
}

/// Every n of the run, in one check. Values the naive recursion computes
/// are compared with it; above [`NAIVE_CHECK_LIMIT`] the cached variants
/// are compared with the iterative one instead, and a disagreement
/// changes the digest, so the page reports it.
struct CheckAll {
    ns: Vec<u32>,
    maxsize: usize,
}

impl Workload for CheckAll {
    fn run(&mut self, variant: usize) {
        for &n in &self.ns {
            black_box(
                Input {
                    n,
                    maxsize: self.maxsize,
                }
                .call(variant),
            );
        }
    }

    fn check(&mut self, variant: usize) -> Output {
        let mut compared = Vec::new();
        let mut parts = Vec::new();
        for &n in &self.ns {
            if VARIANTS[variant].0 == "naive" && u64::from(n) > NAIVE_CHECK_LIMIT {
                parts.push(format!(
                    "fib({n}) not run: the naive recursion would take seconds"
                ));
                continue;
            }
            let (value, stats) = Input {
                n,
                maxsize: self.maxsize,
            }
            .call(variant);
            let mut part = format!("fib({n})={value}");
            if u64::from(n) <= NAIVE_CHECK_LIMIT {
                compared.push(value);
            } else if value != kernels::caching::iterative(n) {
                compared.push(u64::MAX);
                part.push_str(" (differs from iterative)");
            }
            part.push_str(&counters(stats));
            parts.push(part);
        }
        Output {
            text: parts.join("; "),
            digest: Output::list(&compared).digest,
        }
    }
}
