//! Inputs for `concurrency`: part B's list of numbers, and part A's
//! requests as a live demonstration on the network lane.

use std::cell::Cell;

use kernels::concurrency::{VARIANTS, numbers, split_in};

use super::Params;
use crate::network::{Attempt, Behaviour, Endpoint};
use crate::protocol::{DemoTable, Flame, FlameSpan, FromWorker};
use crate::runner::{Browser, Case, Host, KernelList, Kernels, Live, Output, Runner, Workload};

pub struct Concurrency;

/// The seed's 5 URLs × 10.
const REQUESTS: usize = 50;

static KERNELS: Kernels<[u64], Vec<f64>> = Kernels {
    variants: &VARIANTS,
    threaded: Some(("split", split_in)),
};

/// Each result within `10⁻¹² · n^1.5` of the naive one: the variants sum
/// the same terms in other orders.
#[allow(clippy::ptr_arg, reason = "the kernel table passes its outputs as they are")]
fn describe(numbers: &Vec<u64>, results: Vec<f64>, expected: &Vec<f64>) -> Output {
    let within = results.len() == expected.len()
        && results
            .iter()
            .zip(expected.iter())
            .zip(numbers)
            .all(|((a, b), &n)| (a - b).abs() <= 1e-12 * (n as f64).powf(1.5).max(1.0));
    let text = results
        .iter()
        .map(|r| format!("{r:.4}"))
        .collect::<Vec<_>>()
        .join(", ");
    Output::within_tolerance(format!("[{text}]"), within, &results)
}

impl Runner for Concurrency {
    type Params = Params;

    fn kernels(&self) -> &'static dyn KernelList {
        &KERNELS
    }

    fn check_cases(&self, params: &Params, host: &Host) -> Vec<Case> {
        let count = params.count[0];
        vec![(
            format!("{count} numbers: 100000 … {}", count * 100_000),
            self.workload(params, host, count),
        )]
    }

    fn workload(&self, _: &Params, _: &Host, size: u64) -> Box<dyn Workload> {
        KERNELS.table(numbers(size as usize), describe)
    }

    fn live(&self, params: &Params, host: &Host) -> Option<Live> {
        let browser = host.clone();
        let behaviour = Behaviour {
            latency_ms: params.latency_ms as f64,
            jitter_ms: params.jitter_ms as f64,
            fail_rate: 0.0,
        };
        let limits = params.limits.clone();
        Some(Box::pin(async move {
            let endpoint = Endpoint::connect(browser.clone(), behaviour, 5).await;
            let mut messages = Vec::new();
            let mut rows = Vec::new();
            for &k in &limits {
                let (attempts, total_ms) = at_most(&endpoint, browser.as_ref(), k as usize).await;
                let expected_ms = (REQUESTS as f64 / k as f64).ceil() * behaviour.latency_ms;
                let failed = attempts.iter().filter(|(_, a)| !a.ok).count();
                rows.push(vec![
                    k.to_string(),
                    format!("{total_ms:.0} ms"),
                    format!("{expected_ms:.0} ms"),
                    format!("{:.1}", REQUESTS as f64 / (total_ms / 1000.0)),
                    failed.to_string(),
                ]);
                messages.push(FromWorker::Flame(Flame {
                    id: format!("requests-{k}"),
                    title: format!("at most {k} in flight: {REQUESTS} requests in {total_ms:.0} ms (rows are slots)"),
                    spans: attempts
                        .into_iter()
                        .map(|(slot, a)| FlameSpan { name: format!("#{}", a.id), depth: slot, start_ms: a.start_ms, end_ms: a.end_ms })
                        .collect(),
                }));
            }
            let lane = endpoint.lane();
            messages.insert(0, FromWorker::Table(DemoTable {
                id: "requests".into(),
                title: "Part A: 50 requests, total time vs the concurrency limit k".into(),
                caption: format!(
                    "{lane} Latency {} ms ± {} ms. With k in flight the total is about ⌈50 / k⌉ latencies.",
                    behaviour.latency_ms, behaviour.jitter_ms
                ),
                columns: ["k", "total", "⌈50 / k⌉ × latency", "requests/s", "failed"].map(String::from).to_vec(),
                rows,
                highlighted: 0,
                hooks: Vec::new(),
            }));
            messages
        }))
    }
}

/// The seed's 50 requests with at most `k` in flight: `k` slots, each
/// taking the next request as soon as its last one is answered (a
/// semaphore of `k` permits). Returns each request with its slot, and the
/// total time.
async fn at_most(
    endpoint: &Endpoint,
    browser: &dyn Browser,
    k: usize,
) -> (Vec<(usize, Attempt)>, f64) {
    let next = Cell::new(0usize);
    let origin = browser.now_ms();
    let slot = |slot: usize| {
        let next = &next;
        async move {
            let mut done = Vec::new();
            loop {
                let id = next.get();
                if id >= REQUESTS {
                    return done;
                }
                next.set(id + 1);
                done.push((slot, endpoint.request(id, origin).await));
            }
        }
    };
    let slots = futures_util::future::join_all((0..k.min(REQUESTS)).map(slot)).await;
    let total_ms = browser.now_ms() - origin;
    let mut attempts: Vec<(usize, Attempt)> = slots.into_iter().flatten().collect();
    attempts.sort_by_key(|(_, a)| a.id);
    (attempts, total_ms)
}

