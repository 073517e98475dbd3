//! The demonstration's caches: the four strategies on the same stream at
//! one size, and their hit rates as the size grows.

use kernels::framework::caches::{Cache, CacheStats, Policy, PolicyCache};
use kernels::framework::engine::{Clock, ItemCache, Options, Staged, process_batch};
use kernels::framework::{Job, PIPELINE};

use super::{Params, hook, ms, table};
use crate::analysis::format_bytes;
use crate::protocol::{Chart, ChartLine, DemoTable};

/// The four strategies at `entries` entries (the memory-aware one at as
/// many bytes as that many input images), and the TTL's life.
fn policies(params: &Params, entries: usize, image_bytes: usize) -> [Policy; 4] {
    [
        Policy::Lru { capacity: entries },
        Policy::Lfu { capacity: entries },
        Policy::Ttl { capacity: entries, ttl_ms: params.ttl_ms as f64 },
        Policy::Memory { budget: entries * image_bytes },
    ]
}

/// The bytes of one of the job's images as it enters the pipeline: the
/// memory-aware cache's unit.
fn image_bytes(job: &Job) -> usize {
    job.first_item().map_or(1, |item| item.bytes())
}

/// One cached batch of the job's stream with `policy`: its hit rate and
/// stats, and its time.
fn cached_run(job: &Job, policy: Policy, clock: Clock) -> (CacheStats, f64) {
    let pipeline = job.registry.pipeline(&PIPELINE).expect("registered");
    let mut cache: PolicyCache<Staged> = PolicyCache::new(policy);
    let start = clock();
    let options = Options { limit: job.workers, cache: Some(&mut cache as &mut ItemCache), clock };
    process_batch(job.items(), &pipeline, options);
    (cache.stats(), clock() - start)
}

/// The four caches on the same stream, at `cache_size` entries.
pub(super) fn compare_caches(params: &Params, job: &Job, clock: Clock) -> (DemoTable, Vec<(&'static str, usize, f64)>) {
    let entries = params.cache_size as usize;
    let image_bytes = self::image_bytes(job);
    let pipeline = job.registry.pipeline(&PIPELINE).expect("registered");
    let start = clock();
    process_batch(job.items(), &pipeline, Options { limit: job.workers, cache: None, clock });
    let uncached_ms = clock() - start;
    let mut rates = Vec::new();
    let mut compared = table(
        "caches",
        "Caching strategies on the same stream",
        format!(
            "{} images (Zipf s = {:.2}) through concurrent with each cache at {entries} entries; the memory-aware \
             cache holds as many bytes as {entries} input images ({}). An entry is an image at the deepest stage it \
             reached, so a repeat resumes there (a finished one is only its regions); TTL entries expire {} ms after \
             they are stored. The hit rate is the share of images that resumed from the cache. Time saved is against \
             one uncached run of {} — single runs, so read it as a rough figure.",
            job.keys.len(),
            params.zipf(),
            format_bytes((entries * image_bytes) as u64),
            params.ttl_ms,
            ms(uncached_ms)
        ),
        &["strategy", "hit rate", "hits", "misses", "evictions", "expired", "peak held", "time", "time saved"],
        Vec::new(),
    );
    for (row, policy) in policies(params, entries, image_bytes).into_iter().enumerate() {
        let (stats, time_ms) = cached_run(job, policy, clock);
        let rate = stats.hit_rate();
        rates.push((policy.name(), entries, rate));
        compared.rows.push(vec![
            policy.name().into(),
            format!("{:.1}%", 100.0 * rate),
            stats.hits.to_string(),
            stats.misses.to_string(),
            stats.evictions.to_string(),
            stats.expired.to_string(),
            format_bytes(stats.peak_bytes as u64),
            ms(time_ms),
            ms(uncached_ms - time_ms),
        ]);
        let data = [("strategy", policy.name().to_string()), ("rate", rate.to_string())];
        compared.hooks.push((row, hook("cache-hit-rate", &data)));
    }
    (compared, rates)
}

/// Hit rate against the cache's size, per strategy.
pub(super) fn hit_rate_chart(params: &Params, job: &Job, clock: Clock) -> Chart {
    let most = (2 * job.keys.len()).max(2);
    let sizes: Vec<usize> = std::iter::successors(Some(1usize), |s| Some(s * 2)).take_while(|&s| s <= most).collect();
    let mean = image_bytes(job);
    let names = ["lru", "lfu", "ttl", "memory"];
    let mut lines: Vec<ChartLine> = names.iter().map(|n| ChartLine { name: n.to_string(), points: Vec::new() }).collect();
    for &entries in &sizes {
        for (line, policy) in lines.iter_mut().zip(policies(params, entries, mean)) {
            let (stats, _) = cached_run(job, policy, clock);
            line.points.push((entries as f64, stats.hit_rate()));
        }
    }
    Chart {
        id: "hit-rate".into(),
        title: "Hit rate vs cache size, per strategy".into(),
        caption: format!(
            "The same {} images at each size; the memory-aware cache gets as many bytes as that many input \
             images and evicts the largest entry first: the images still in the pipeline go before the finished \
             results, which are only their regions, so it keeps more finished results in the same bytes.",
            job.keys.len()
        ),
        x_label: "cache size (entries; memory: images' bytes)".into(),
        y_label: "hit rate".into(),
        log_x: true,
        lines,
    }
}

