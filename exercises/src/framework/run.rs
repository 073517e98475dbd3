//! The runner of `framework`: streams of images from the parameters, the
//! kernel table, and the demonstration beside the measurements.

use std::sync::Mutex;

use kernels::framework::engine::{Clock, Registry};
use kernels::framework::plugins::Item;
use kernels::framework::tuning::{Config, Control, Optimizer, Question, Search};
use kernels::framework::{self as fw, Job, PIPELINE, Summary};

use super::Params;
use crate::runner::{Case, Host, KernelList, Kernels, Live, Output, Runner, Workload};

use super::demo;

pub struct Framework;

static KERNELS: Kernels<Job, Summary> = Kernels {
    variants: &fw::VARIANTS,
    threaded: Some(("concurrent", fw::concurrent_in)),
};

/// The auto-optimizer, kept for the worker's life: its cache of choices
/// makes a second run with the same question reuse the first's answer.
static OPTIMIZER: Mutex<Option<Optimizer>> = Mutex::new(None);

/// Images in the optimizer's sample.
pub(super) const SAMPLE: usize = 8;

/// The largest check: every variant runs a stream of this many at most.
const CHECK_MAX: u64 = 32;

impl Params {
    pub(super) fn zipf(&self) -> f64 {
        self.repeat as f64 / 100.0
    }

    pub(super) fn budget_bytes(&self) -> usize {
        self.memory_kb as usize * 1024
    }

    pub(super) fn registry(&self, clock: Clock) -> Registry {
        fw::registry(self.fail_rate as f64 / 100.0, self.seed, clock)
    }

    /// The stream's first images, the optimizer's sample.
    fn sample(&self) -> Vec<Item> {
        let (images, keys) = Job::images(SAMPLE, self.size as usize, self.blobs as usize, self.zipf(), self.seed);
        keys.iter().map(|&k| Item::new(k, images[k as usize].clone())).collect()
    }

    /// The auto-optimizer's answer for these parameters: searched the first
    /// time, then reused.
    pub(super) fn search(&self, registry: &Registry, clock: Clock) -> Search {
        let sample = self.sample();
        let mut optimizer = OPTIMIZER.lock().unwrap_or_else(|e| e.into_inner());
        optimizer
            .get_or_insert_with(Optimizer::default)
            .optimize(registry, &self.question(&sample), clock)
            .expect("the pipeline's plugins are registered")
    }

    /// The optimizer's question for these parameters: the sample shows the
    /// images (their size, blobs and repeats, from the seed); the setting
    /// adds what it does not, the quality plugin's rejections and the build
    /// that times the answer.
    fn question<'a>(&self, sample: &'a [Item]) -> Question<'a> {
        use std::hash::{Hash, Hasher};
        let mut setting = std::hash::DefaultHasher::new();
        (self.fail_rate, self.seed, option_env!("PERFLAB_VERSION").unwrap_or("unversioned")).hash(&mut setting);
        Question {
            pipeline: &PIPELINE,
            sample,
            max_workers: self.workers as usize,
            budget: self.budget_bytes(),
            setting: setting.finish(),
        }
    }

    /// The key the optimizer's answer for these parameters is kept under
    /// across runs.
    pub(super) fn choice_key(&self) -> String {
        format!("framework-choice-{:016x}", self.question(&self.sample()).key())
    }

    /// Adopts the choice an earlier run kept, in `note`; false if the note
    /// does not read as one.
    fn adopt(&self, note: &str) -> bool {
        let Some(config) = Config::from_note(note, &PIPELINE) else {
            return false;
        };
        let sample = self.sample();
        let mut optimizer = OPTIMIZER.lock().unwrap_or_else(|e| e.into_inner());
        optimizer.get_or_insert_with(Optimizer::default).adopt(&self.question(&sample), config);
        true
    }

    /// A stream of `n` images and everything the variants need.
    pub(super) fn job(&self, n: u64, clock: Clock) -> Job {
        let (images, keys) = Job::images(n as usize, self.size as usize, self.blobs as usize, self.zipf(), self.seed);
        let registry = self.registry(clock);
        let tuned = self.search(&registry, clock).best;
        Job {
            images,
            keys,
            registry,
            workers: self.workers as usize,
            cache_size: self.cache_size as usize,
            tuned,
            control: Control::Adaptive { target_ms: self.target_ms as f64, budget: self.budget_bytes() },
            clock,
        }
    }
}

/// What the check shows and compares: the regions and the failures.
fn describe(_: &Job, summary: Summary, _: &Summary) -> Output {
    let text = format!(
        "regions={} checksum={:016x} failed={}",
        summary.regions,
        summary.checksum,
        summary.failed.len()
    );
    Output::shown_as(text, &summary)
}

impl Runner for Framework {
    type Params = Params;

    fn kernels(&self) -> &'static dyn KernelList {
        &KERNELS
    }

    fn check_cases(&self, params: &Params, host: &Host) -> Vec<Case> {
        let n = params.images[0].min(CHECK_MAX);
        vec![(format!("a stream of {n} images with repeats and failures"), self.workload(params, host, n))]
    }

    fn workload(&self, params: &Params, host: &Host, size: u64) -> Box<dyn Workload> {
        KERNELS.table(params.job(size, host.clock()), describe)
    }

    /// The demonstration, with the optimizer's choice kept across runs: a
    /// choice an earlier run kept is adopted (and the page says so), a new
    /// one is kept for the next run.
    fn live(&self, params: &Params, host: &Host) -> Option<Live> {
        let (params, host) = (params.clone(), host.clone());
        Some(Box::pin(async move {
            let key = params.choice_key();
            let kept = match host.recall(&key).await {
                Some(note) => params.adopt(&note),
                None => false,
            };
            let (mut messages, search) = demo::demonstrate(&params, host.clock(), kept);
            if !search.reused
                && let Err(why) = host.remember(&key, search.best.to_note()).await
            {
                demo::not_kept(&mut messages, &why);
            }
            messages
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::{FromValues, from_query};

    fn params(query: &str) -> Params {
        Params::from_values(&super::super::EXERCISE.parse(&from_query(query)).expect("valid"))
    }

    #[test]
    fn a_kept_choice_is_keyed_by_what_its_timings_depend_on() {
        let base = params("").choice_key();
        assert_eq!(base, params("").choice_key());
        for changed in ["blobs=12", "repeat=50", "fail_rate=20", "seed=7", "workers=3", "size=64"] {
            assert_ne!(base, params(changed).choice_key(), "{changed}");
        }
        // The batch sweep's sizes are not part of the search.
        assert_eq!(base, params("images=4,16").choice_key());
    }

    #[test]
    fn a_kept_choice_is_reused_for_the_same_question_and_only_for_it() {
        let clock: Clock = || 0.0;
        let (kept, other) = (params("seed=5"), params("seed=6"));
        let config = Config { order: PIPELINE.to_vec(), batch: 3, workers: 1 };
        assert!(kept.adopt(&config.to_note()));
        let found = kept.search(&kept.registry(clock), clock);
        assert!(found.reused && found.best == config, "the adopted choice answers its question");
        let searched = other.search(&other.registry(clock), clock);
        assert!(!searched.reused, "another seed's question is searched");
    }
}
