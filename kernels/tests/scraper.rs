//! The scraper's strategies on a simulated network whose times are exact.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod virtual_net;

use kernels::scraper::{Config, Fate, Strategy, VARIANTS, scrape};
use virtual_net::VirtualNet;

fn config(urls: usize, limit: usize) -> Config {
    Config {
        urls,
        limit,
        retries: 3,
        backoff_ms: 50.0,
        seed: 1,
    }
}

#[test]
fn with_nothing_failing_every_strategy_fetches_every_url_once() {
    for (name, strategy) in VARIANTS {
        let net = VirtualNet::new(100.0, 0.0, 0);
        let report = net.block_on(scrape(strategy, &net, &config(50, 10)));
        assert_eq!(report.fates, vec![Fate::Fetched { tries: 1 }; 50], "{name}");
        assert_eq!(report.tries.len(), 50, "{name}");
        report.accounted(50).unwrap();
        assert_eq!(net.progress.borrow().last(), Some(&(50, 50)), "{name}");
    }
}

#[test]
fn one_at_a_time_takes_n_latencies_and_k_at_a_time_n_over_k() {
    let net = VirtualNet::new(100.0, 0.0, 0);
    assert_eq!(
        net.block_on(scrape(Strategy::Naive, &net, &config(50, 10)))
            .total_ms,
        5000.0
    );
    assert_eq!(net.max_in_flight.get(), 1);
    for (limit, total) in [
        (1, 5000.0),
        (5, 1000.0),
        (10, 500.0),
        (50, 100.0),
        (200, 100.0),
    ] {
        let net = VirtualNet::new(100.0, 0.0, 0);
        assert_eq!(
            net.block_on(scrape(Strategy::Concurrent, &net, &config(50, limit)))
                .total_ms,
            total,
            "k = {limit}"
        );
        assert_eq!(net.max_in_flight.get(), limit.min(50), "k = {limit}");
    }
}

#[test]
fn the_naive_scraper_stops_at_the_first_failure() {
    let net = VirtualNet::new(10.0, 0.3, 7);
    let report = net.block_on(scrape(Strategy::Naive, &net, &config(100, 1)));
    report.accounted(100).unwrap();
    let failed = report
        .fates
        .iter()
        .position(|fate| matches!(fate, Fate::Failed { .. }))
        .expect("30% fail: one of 100 does");
    assert!(
        report.fates[..failed]
            .iter()
            .all(|fate| *fate == Fate::Fetched { tries: 1 })
    );
    assert!(
        report.fates[failed + 1..]
            .iter()
            .all(|fate| *fate == Fate::NotAttempted)
    );
    assert_eq!(report.total_ms, 10.0 * (failed + 1) as f64);
}

#[test]
fn every_server_failure_retried_waits_a_doubling_jittered_backoff() {
    // Everything fails: each URL makes 1 + 3 tries, and between try a and
    // a + 1 waits less than 50 · 2^a ms.
    let net = VirtualNet::new(10.0, 1.0, 3);
    let report = net.block_on(scrape(Strategy::Retrying, &net, &config(4, 4)));
    report.accounted(4).unwrap();
    assert_eq!(report.fates, vec![Fate::Failed { tries: 4 }; 4]);
    for url in 0..4 {
        let tries: Vec<_> = report.tries.iter().filter(|t| t.url == url).collect();
        for pair in tries.windows(2) {
            let wait = pair[1].start_ms - pair[0].end_ms;
            assert!(
                wait >= 0.0 && wait < 50.0 * f64::from(1 << pair[0].attempt),
                "{wait} after try {}",
                pair[0].attempt
            );
        }
    }
    // Jitter: the URLs do not retry in step.
    let second_tries: Vec<f64> = report
        .tries
        .iter()
        .filter(|t| t.attempt == 1)
        .map(|t| t.start_ms)
        .collect();
    assert!(
        second_tries.windows(2).any(|w| w[0] != w[1]),
        "{second_tries:?}"
    );
}

#[test]
fn retries_lift_the_success_rate_at_a_20_percent_failure_rate() {
    let rates: Vec<f64> = VARIANTS
        .iter()
        .map(|&(_, strategy)| {
            let net = VirtualNet::new(50.0, 0.2, 11);
            net.block_on(scrape(strategy, &net, &config(500, 20)))
                .success_rate()
        })
        .collect();
    // Naive: about 4 of 500 before the first failure. Concurrent: about
    // 80%. Retrying with 3 retries: 1 − 0.2⁴ = 99.84%.
    assert!(rates[0] < 0.1, "{rates:?}");
    assert!((rates[1] - 0.8).abs() < 0.06, "{rates:?}");
    assert!(rates[2] > 0.99, "{rates:?}");
}

#[test]
fn the_books_catch_a_url_counted_twice() {
    let net = VirtualNet::new(1.0, 0.0, 0);
    let mut report = net.block_on(scrape(Strategy::Concurrent, &net, &config(5, 2)));
    report.tries.push(report.tries[0].clone());
    assert!(report.accounted(5).is_err());
    report.tries.pop();
    report.fates.pop();
    assert!(report.accounted(5).is_err(), "a URL lost");
}
