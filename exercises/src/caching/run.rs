//! Inputs for `caching`: one `n`, and the bounded cache's size.

use std::hint::black_box;

use kernels::caching::{lru, memoized_with_stats, ttl_demo, CacheStats, Outcome, VARIANTS};

use crate::params::ParamValues;
use crate::protocol::{Timeline, TimelineEvent};
use crate::runner::{Output, Runner, Workload};

pub struct Caching;

struct Input {
    n: u32,
    maxsize: usize,
}

impl Runner for Caching {
    fn check_cases(&self, params: &ParamValues) -> Vec<(String, Box<dyn Workload>)> {
        // The seed's fib(35), or a smaller n if all are smaller: the naive
        // variant runs in the check too.
        let n = params.list("n")[0].min(35);
        vec![(format!("fib({n})"), self.workload(params, n))]
    }

    fn workload(&self, params: &ParamValues, size: u64) -> Box<dyn Workload> {
        Box::new(Input { n: size as u32, maxsize: params.int("maxsize") as usize })
    }

    fn timeline(&self, params: &ParamValues) -> Option<Timeline> {
        let ttl = params.int("ttl_s") as f64;
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
        Some(Timeline { title: format!("TTL cache (ttl {ttl} s) in front of a function that takes 0.5 s"), events })
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
        output.text = match stats {
            Some(s) => format!(
                "{value} ({} hits, {} misses, {} evictions, {} entries at most)",
                s.hits, s.misses, s.evictions, s.peak_entries
            ),
            None => value.to_string(),
        };
        output
    }
}
