//! The scraper runs live: its strategies wait on real requests, so the
//! check, the timing and the failure demonstration all happen in real
//! time on the worker's event loop, against the network lane's endpoint.

use std::rc::Rc;

use kernels::scraper::{Config, Fate, Network, Report, Try, VARIANTS, scrape};

use crate::network::{Behaviour, Endpoint};
use super::Params;
use crate::protocol::{
    CheckReport, DemoTable, Flame, FlameSpan, FromWorker, Measurement, Skip, VariantCheck,
};
use crate::runner::{KernelList, Browser, Case, Host, Live, Runner, Workload};

pub struct Scraper;

/// Fewest and most scrapes timed per strategy and size.
const SCRAPES: (usize, usize) = (3, 10);

/// The failure rates of the success-rate sweep, in percent.
const SWEEP: [u32; 5] = [0, 10, 20, 30, 50];

/// The strategies' network: the endpoint, the browser's timers, and the
/// page's progress bar.
struct Remote<'a> {
    endpoint: Endpoint,
    browser: &'a dyn Browser,
    label: String,
}

impl Network for Remote<'_> {
    async fn fetch(&self, url: usize) -> bool {
        self.endpoint.request(url, 0.0).await.ok
    }

    async fn sleep(&self, ms: f64) {
        self.browser.sleep(ms.round() as u32).await
    }

    fn now_ms(&self) -> f64 {
        self.browser.now_ms()
    }

    fn progress(&self, settled: usize, total: usize) {
        self.browser.post(FromWorker::Progress {
            done: settled as u32,
            total: total as u32,
            label: format!("{}: {settled} of {total} URLs settled", self.label),
        });
    }
}

fn config(params: &Params, urls: u64) -> Config {
    Config {
        urls: urls as usize,
        limit: params.limit as usize,
        retries: params.retries as u32,
        backoff_ms: params.backoff_ms as f64,
        seed: params.seed,
    }
}

impl Runner for Scraper {
    type Params = Params;

    fn kernels(&self) -> &'static dyn KernelList {
        &VARIANTS
    }

    /// None: the live demonstration checks every strategy itself.
    fn check_cases(&self, _: &Params, _: &Host) -> Vec<Case> {
        Vec::new()
    }

    fn workload(&self, _: &Params, _: &Host, _: u64) -> Box<dyn Workload> {
        unreachable!("the scraper is measured live")
    }

    fn measured_live(&self) -> bool {
        true
    }

    fn live(&self, params: &Params, host: &Host) -> Option<Live> {
        let (params, browser) = (params.clone(), host.clone());
        Some(Box::pin(async move { scrape_live(&params, browser).await }))
    }
}

/// Checks, times and demonstrates every strategy; returns the messages
/// that are not posted on the way.
async fn scrape_live(params: &Params, browser: Rc<dyn Browser>) -> Vec<FromWorker> {
    let seed = params.seed;
    let sizes = params.urls.clone();
    let fail_rate = params.fail_percent as f64 / 100.0;
    let latency = Behaviour {
        latency_ms: params.latency_ms as f64,
        jitter_ms: params.jitter_ms as f64,
        fail_rate: 0.0,
    };
    let probe = Endpoint::connect(
        browser.clone(),
        Behaviour {
            latency_ms: 0.0,
            jitter_ms: 0.0,
            fail_rate: 0.0,
        },
        seed,
    )
    .await;
    let browser = browser.as_ref();
    let remote = |behaviour: Behaviour, label: String| Remote {
        endpoint: probe.with(behaviour, seed),
        browser,
        label,
    };

    // The check: nothing fails and nothing waits; every strategy must fetch
    // every URL exactly once, as the naive one does.
    let urls = sizes[0];
    let mut checks = Vec::new();
    for (name, strategy) in VARIANTS {
        let network = remote(
            Behaviour {
                latency_ms: 0.0,
                ..latency
            },
            format!("checking {name}"),
        );
        let report = scrape(strategy, &network, &config(params, urls)).await;
        let books = report.accounted(urls as usize);
        let agrees = books.is_ok()
            && report.fetched() == urls as usize
            && report.tries.len() == urls as usize;
        let text = match books {
            Ok(()) => format!(
                "{} of {urls} fetched, {} requests, each URL settled once",
                report.fetched(),
                report.tries.len()
            ),
            Err(error) => format!("the books do not balance: {error}"),
        };
        checks.push(VariantCheck {
            variant: name.into(),
            outputs: vec![text],
            agrees,
        });
    }
    let timed: Vec<usize> = (0..VARIANTS.len()).filter(|&v| checks[v].agrees).collect();
    browser.post(FromWorker::Checked(CheckReport {
        cases: vec![format!("{urls} URLs, nothing failing, no latency")],
        variants: checks,
        by_size: Vec::new(),
    }));

    // Timing: whole scrapes with nothing failing, the strategies taking
    // turns so drift hits them alike.
    let budget_ms = params.common.budget_ms as f64;
    let mut per_url_ms: Vec<Option<f64>> = vec![None; VARIANTS.len()];
    let (mut done, total) = (0u32, (sizes.len() * timed.len()) as u32);
    for &size in &sizes {
        let mut active = Vec::new();
        for &v in &timed {
            let predicted_ms = per_url_ms[v].map(|ms| ms * size as f64);
            match predicted_ms {
                Some(ms) if ms > budget_ms => {
                    browser.post(FromWorker::Skipped(Skip {
                        variant: VARIANTS[v].0.into(),
                        size,
                        predicted_ns: ms * 1e6,
                        budget_ns: budget_ms * 1e6,
                    }));
                    done += 1;
                }
                _ => active.push(v),
            }
        }
        let mut times: Vec<Vec<f64>> = vec![Vec::new(); VARIANTS.len()];
        let mut rounds = SCRAPES.1;
        let mut round = 0;
        while round < rounds {
            for &v in &active {
                browser.post(FromWorker::Progress {
                    done,
                    total,
                    label: format!(
                        "timing {} at {size} URLs, scrape {}",
                        VARIANTS[v].0,
                        round + 1
                    ),
                });
                let network = remote(latency, String::new());
                let report = scrape(VARIANTS[v].1, &network, &config(params, size)).await;
                times[v].push(report.total_ms);
            }
            if round == 0 {
                let slowest = active.iter().map(|&v| times[v][0]).fold(1.0, f64::max);
                rounds = ((budget_ms / slowest).floor() as usize).clamp(SCRAPES.0, SCRAPES.1);
            }
            round += 1;
        }
        for &v in &active {
            let mut sorted = times[v].clone();
            sorted.sort_by(f64::total_cmp);
            per_url_ms[v] = Some(sorted[sorted.len() / 2] / size as f64);
            browser.post(FromWorker::Measured(Measurement {
                variant: VARIANTS[v].0.into(),
                size,
                iters: vec![1; times[v].len()],
                times_ns: times[v].iter().map(|ms| ms * 1e6).collect(),
                first_call_ns: times[v][0] * 1e6,
                memory: Default::default(),
            }));
            done += 1;
        }
    }

    // Failures: one scrape per strategy at the largest size, at the
    // learner's failure rate, drawn as a Gantt chart.
    let urls = *sizes.last().expect("at least one size");
    let failing = Behaviour {
        fail_rate,
        ..latency
    };
    let mut messages = Vec::new();
    let mut rows = Vec::new();
    for (name, strategy) in VARIANTS {
        let network = remote(
            failing,
            format!("{name} at {}% failures", params.fail_percent),
        );
        let report = scrape(strategy, &network, &config(params, urls)).await;
        rows.push(books_row(name, &report, urls as usize));
        messages.push(FromWorker::Flame(gantt(name, &report)));
    }
    let lane = probe.lane();
    messages.insert(0, FromWorker::Table(DemoTable {
        id: "scrape".into(),
        title: format!("{urls} URLs at a {}% failure rate, one scrape per strategy", params.fail_percent),
        caption: format!(
            "{lane} Latency {} ms ± {} ms, limit {}, {} retries from {} ms. \"books\" checks that every URL ended exactly once with exactly the requests its fate says.",
            latency.latency_ms, latency.jitter_ms, params.limit, params.retries, params.backoff_ms
        ),
        columns: ["strategy", "fetched", "failed", "not attempted", "requests", "success rate", "total", "books"].map(String::from).to_vec(),
        rows,
        highlighted: 0,
        hooks: Vec::new(),
    }));

    // Success rate against the failure rate, at the smallest size.
    let urls = sizes[0];
    let mut sweep = Vec::new();
    for percent in SWEEP {
        let mut row = vec![format!("{percent}%")];
        for (name, strategy) in VARIANTS {
            let network = remote(
                Behaviour {
                    fail_rate: f64::from(percent) / 100.0,
                    ..latency
                },
                format!("{name} at {percent}% failures"),
            );
            let report = scrape(strategy, &network, &config(params, urls)).await;
            row.push(format!("{:.0}%", report.success_rate() * 100.0));
        }
        sweep.push(row);
    }
    let mut columns = vec!["failure rate".to_string()];
    columns.extend(VARIANTS.iter().map(|(name, _)| name.to_string()));
    messages.push(FromWorker::Table(DemoTable {
        id: "success-rate".into(),
        title: format!("Success rate vs failure rate, {urls} URLs"),
        caption: format!(
            "One scrape each. With failure rate p, naive fetches about 1/p URLs before its first failure, concurrent about 1 − p of them, retrying about 1 − p^{} of them.",
            params.retries + 1
        ),
        columns,
        rows: sweep,
        highlighted: 0,
        hooks: Vec::new(),
    }));
    messages
}

/// One strategy's line of the failure table.
fn books_row(name: &str, report: &Report, urls: usize) -> Vec<String> {
    let count = |wanted: fn(&Fate) -> bool| {
        report
            .fates
            .iter()
            .filter(|fate| wanted(fate))
            .count()
            .to_string()
    };
    vec![
        name.to_string(),
        count(|fate| matches!(fate, Fate::Fetched { .. })),
        count(|fate| matches!(fate, Fate::Failed { .. })),
        count(|fate| matches!(fate, Fate::NotAttempted)),
        report.tries.len().to_string(),
        format!("{:.1}%", report.success_rate() * 100.0),
        format!("{:.0} ms", report.total_ms),
        match report.accounted(urls) {
            Ok(()) => "each URL once".to_string(),
            Err(error) => format!("wrong: {error}"),
        },
    ]
}

/// Every request of a scrape as a bar, one row per URL. Failed requests
/// are listed first, so that they take the chart's first colour (orange)
/// and successes the second (blue) whenever both occur.
fn gantt(name: &str, report: &Report) -> Flame {
    let mut tries: Vec<&Try> = report.tries.iter().collect();
    tries.sort_by_key(|t| t.ok);
    Flame {
        id: format!("attempts-{name}"),
        title: format!(
            "{name}: {} requests, {:.0} ms (rows are URLs; bars are requests, failed in orange)",
            report.tries.len(),
            report.total_ms
        ),
        spans: tries
            .into_iter()
            .map(|t| FlameSpan {
                name: if t.ok { "ok".into() } else { "failed".into() },
                depth: t.url,
                start_ms: t.start_ms,
                end_ms: t.end_ms,
            })
            .collect(),
    }
}
