//! Property tests: every strategy settles every URL exactly once, keeps
//! within its limit and retry count, and the optimized ones fetch at least
//! what the naive one does. Host only.
#![cfg(not(target_arch = "wasm32"))]

mod virtual_net;

use kernels::scraper::{Config, Fate, VARIANTS, scrape};
use proptest::prelude::*;
use virtual_net::VirtualNet;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn nothing_is_lost_or_counted_twice(urls in 0usize..200, limit in 1usize..30, retries in 0u32..5, fail_rate in 0.0f64..1.0, seed: u64) {
        let config = Config { urls, limit, retries, backoff_ms: 20.0, seed };
        for (name, strategy) in VARIANTS {
            let net = VirtualNet::new(10.0, fail_rate, seed);
            let report = net.block_on(scrape(strategy, &net, &config));
            prop_assert!(report.accounted(urls).is_ok(), "{}: {:?}", name, report.accounted(urls));
            prop_assert!(net.max_in_flight.get() <= if name == "naive" { 1 } else { limit }, "{}", name);
            let most_tries = if name == "retrying" { retries + 1 } else { 1 };
            for fate in &report.fates {
                let tries = match fate { Fate::Fetched { tries } | Fate::Failed { tries } => *tries, Fate::NotAttempted => 0 };
                prop_assert!(tries <= most_tries, "{}: {:?}", name, fate);
                prop_assert!(name == "naive" || tries > 0, "{}: only naive gives up", name);
            }
            // The progress bar only moves forward and ends at the settled count.
            let progress = net.progress.borrow();
            prop_assert!(progress.windows(2).all(|w| w[1].0 == w[0].0 + 1), "{}", name);
            prop_assert!(progress.iter().all(|&(settled, total)| settled <= total && total == urls), "{}", name);
        }
    }
}
