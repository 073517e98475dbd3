//! The runners of `patterns`' sections: inputs, kernel tables and the
//! demonstrations beside the measurements.

use std::ops::Range;

use kernels::patterns::{context, decorators, dispatch, dsl, items, iterators, objects};
use rand::SeedableRng;

use super::Params;
use crate::protocol::DemoTable;
use crate::runner::{Case, Host, KernelList, Kernels, Output, Runner, Workload};

/// The check's size: small, and the first size when it is smaller.
fn check_size(params: &Params) -> u64 {
    params.n[0].min(1000)
}

/// A demonstration table with the given columns and rows.
fn table(id: &str, title: &str, caption: &str, columns: &[&str], rows: Vec<Vec<String>>) -> DemoTable {
    DemoTable {
        id: id.into(),
        title: title.into(),
        caption: caption.into(),
        columns: columns.iter().map(|c| c.to_string()).collect(),
        rows,
        highlighted: 0,
        hooks: Vec::new(),
    }
}

/// One labelled check case per size of the check.
fn cases(params: &Params, host: &Host, runner: &impl Runner<Params = Params>) -> Vec<Case> {
    let n = check_size(params);
    vec![(format!("n = {n}"), runner.workload(params, host, n))]
}

/// Outputs compared in full by their hash, shown as `text`.
fn shown<T: std::hash::Hash + std::fmt::Debug>(value: &T) -> Output {
    Output::shown_as(format!("{value:?}"), value)
}

pub struct Dispatch;

static DISPATCH: Kernels<dispatch::Job, u64> = Kernels {
    variants: &dispatch::VARIANTS,
    threaded: None,
};

impl Runner for Dispatch {
    type Params = Params;

    fn kernels(&self) -> &'static dyn KernelList {
        &DISPATCH
    }

    fn check_cases(&self, params: &Params, host: &Host) -> Vec<Case> {
        cases(params, host, self)
    }

    fn workload(&self, params: &Params, _: &Host, size: u64) -> Box<dyn Workload> {
        let job = dispatch::Job::new(size as usize, params.body == "heavy", params.seed);
        DISPATCH.table(job, |_, sum, _| Output::shown_as(format!("sum={sum}"), &sum))
    }
}

pub struct Decorators;

static DECORATORS: Kernels<Range<u64>, (u64, u64)> = Kernels {
    variants: &decorators::VARIANTS,
    threaded: None,
};

impl Runner for Decorators {
    type Params = Params;

    fn kernels(&self) -> &'static dyn KernelList {
        &DECORATORS
    }

    fn check_cases(&self, params: &Params, host: &Host) -> Vec<Case> {
        cases(params, host, self)
    }

    fn workload(&self, params: &Params, _: &Host, size: u64) -> Box<dyn Workload> {
        DECORATORS.table(items(size, params.seed), |_, (sum, calls), _| {
            Output::shown_as(format!("sum={sum}, {calls} calls counted"), &(sum, calls))
        })
    }

    /// `@validate(0..=100) @cache @count work`, called on a few arguments,
    /// and each decorator's cost per call.
    fn tables(&self, params: &Params, host: &Host) -> Vec<DemoTable> {
        use decorators::{Cached, Counted, Validated};
        let counted = std::cell::RefCell::new(Counted::new(decorators::work));
        let mut cached = Cached::new(|x| counted.borrow_mut().call(x));
        let mut rows = Vec::new();
        for x in [7u64, 42, 7, 1000, 42, 99] {
            let mut validated = Validated::new("work", 0..=100, |x| cached.call(x));
            let result = validated.call(x);
            rows.push(vec![
                format!("work({x})"),
                match result {
                    Ok(value) => value.to_string(),
                    Err(error) => format!("refused: {error}"),
                },
                cached.hits.to_string(),
                counted.borrow().metrics.calls.to_string(),
            ]);
        }
        vec![table(
            "decorators",
            "Three decorators stacked: validate, cache, count",
            "Each call goes through the validator, then the cache, then the counter around the \
             function. A refused argument never reaches the cache; a repeated one never reaches the \
             counter.",
            &["call", "result", "cache hits so far", "calls counted so far"],
            rows,
        ), decorator_costs(params, host)]
    }
}

/// Calls timed per decorator in [`decorator_costs`], and its rounds.
const COST_CALLS: u64 = 100_000;
const COST_ROUNDS: usize = 5;

/// Each decorator's cost per call over the work alone: counting,
/// validating, and caching (a miss hashes and stores, a hit hashes and
/// skips the work). The median of a few rounds of one loop each, on the
/// run's seed: a rough figure beside the harness's measurements.
fn decorator_costs(params: &Params, host: &Host) -> DemoTable {
    use decorators::{Cached, Counted, Validated, work};
    use std::hint::black_box;
    let calls = items(COST_CALLS, params.seed);
    let range = calls.start..=calls.end - 1;
    let mut warm = Cached::new(work);
    for x in calls.clone() {
        warm.call(x);
    }
    type Loop<'a> = Box<dyn FnMut() -> u64 + 'a>;
    let sum = |f: &mut dyn FnMut(u64) -> u64| calls.clone().fold(0u64, |s, x| s.wrapping_add(f(black_box(x))));
    let loops: [(&str, Loop); 5] = [
        ("the work alone", Box::new(|| sum(&mut work))),
        ("count: Counted<F>", Box::new(|| { let mut d = Counted::new(work); sum(&mut |x| d.call(x)) })),
        ("validate: Validated<F>", Box::new(|| { let mut d = Validated::new("work", range.clone(), work); sum(&mut |x| d.call(x).unwrap_or_default()) })),
        ("cache, every call a miss", Box::new(|| { let mut d = Cached::new(work); sum(&mut |x| d.call(x)) })),
        ("cache, every call a hit", Box::new(|| sum(&mut |x| warm.call(x)))),
    ];
    let mut per_call = Vec::new();
    for (name, mut timed) in loops {
        let mut times: Vec<f64> = (0..COST_ROUNDS)
            .map(|_| {
                let start = host.now_ms();
                black_box(timed());
                (host.now_ms() - start) * 1e6 / COST_CALLS as f64
            })
            .collect();
        times.sort_by(f64::total_cmp);
        per_call.push((name, times[COST_ROUNDS / 2]));
    }
    let alone = per_call[0].1.max(f64::MIN_POSITIVE);
    let rows = per_call
        .iter()
        .map(|&(name, ns)| vec![name.to_string(), format!("{ns:.1}"), format!("{:.1}×", ns / alone)])
        .collect();
    table(
        "decorator-costs",
        "What each decorator costs per call",
        &format!(
            "{COST_CALLS} calls of work through each decorator, the median of {COST_ROUNDS} rounds (single loops on \
             the page's clock, so a rough figure; the results table measures the metrics decorator's forms \
             with intervals). A cache pays a hash per call: a miss also stores the result, a \
             hit skips the work, so caching pays only when the work costs more than the hash."
        ),
        &["decorator", "ns per call", "over the work alone"],
        rows,
    )
}

pub struct Context;

static CONTEXT: Kernels<Range<u64>, (u64, u32)> = Kernels {
    variants: &context::VARIANTS,
    threaded: None,
};

impl Runner for Context {
    type Params = Params;

    fn kernels(&self) -> &'static dyn KernelList {
        &CONTEXT
    }

    fn check_cases(&self, params: &Params, host: &Host) -> Vec<Case> {
        cases(params, host, self)
    }

    fn workload(&self, params: &Params, _: &Host, size: u64) -> Box<dyn Workload> {
        CONTEXT.table(items(size, params.seed), |_, (sum, after), _| {
            Output::shown_as(format!("sum={sum}, digits after: {after}"), &(sum, after))
        })
    }

    /// The guard restores the setting on every way out of the block.
    fn tables(&self, _: &Params, _: &Host) -> Vec<DemoTable> {
        use context::{Exit, block, digits};
        let rows = [
            (Exit::Normal, "runs to its end"),
            (Exit::EarlyReturn, "returns early"),
            (Exit::Error, "fails, and ? passes the error on"),
        ]
        .into_iter()
        .map(|(exit, how)| {
            let before = digits();
            let (inside, result) = block(exit);
            vec![
                how.to_string(),
                before.to_string(),
                inside.to_string(),
                match result {
                    Ok(value) => value.to_string(),
                    Err(error) => format!("error: {error}"),
                },
                digits().to_string(),
            ]
        })
        .collect();
        vec![table(
            "context",
            "A block under Digits::set(2), ending three ways",
            "The setting before the block, inside it, the block's result, and the setting after it: \
             restored each time by the guard's Drop.",
            &["the block", "digits before", "inside", "result", "digits after"],
            rows,
        )]
    }
}

pub struct Iterators;

static ITERATORS: Kernels<Range<u64>, u64> = Kernels {
    variants: &iterators::VARIANTS,
    threaded: None,
};

impl Runner for Iterators {
    type Params = Params;

    fn kernels(&self) -> &'static dyn KernelList {
        &ITERATORS
    }

    fn check_cases(&self, params: &Params, host: &Host) -> Vec<Case> {
        cases(params, host, self)
    }

    fn workload(&self, params: &Params, _: &Host, size: u64) -> Box<dyn Workload> {
        ITERATORS.table(items(size, params.seed), |_, sum, _| Output::shown_as(format!("sum={sum}"), &sum))
    }
}

pub struct Dsl;

static DSL: Kernels<Vec<[f64; 3]>, u64> = Kernels {
    variants: &dsl::VARIANTS,
    threaded: None,
};

impl Runner for Dsl {
    type Params = Params;

    fn kernels(&self) -> &'static dyn KernelList {
        &DSL
    }

    fn check_cases(&self, params: &Params, host: &Host) -> Vec<Case> {
        cases(params, host, self)
    }

    fn workload(&self, params: &Params, _: &Host, size: u64) -> Box<dyn Workload> {
        DSL.table(dsl::readings(size as usize, params.seed), |_, amount, _| {
            Output::shown_as(format!("Σ pV/T = {:.6}", amount as f64 / 1e6), &amount)
        })
    }

    /// The macro's expansion, item by item, and its checks at work.
    fn tables(&self, _: &Params, _: &Host) -> Vec<DemoTable> {
        // The compiler's own rendering of the tokens the macro wrote.
        let expansion = dsl::EXPANSION.to_string();
        let made = |t, p, v| match dsl::Sample::new(t, p, v) {
            Ok(sample) => format!("{sample:?}"),
            Err(error) => format!("refused: {error}"),
        };
        vec![
            table(
                "dsl-expansion",
                "What record!(Sample { … }) expands to",
                "The items the macro wrote, as the compiler sees them (token by token, from the \
                 macro itself).",
                &["code"],
                vec![vec![expansion]],
            ),
            table(
                "dsl-checks",
                "Sample::new at work",
                "The constructor the macro wrote checks each field against its declared range and \
                 names the field and its unit when one is out of it.",
                &["call", "result"],
                vec![
                    vec!["Sample::new(293.0, 101325.0, 1.0)".into(), made(293.0, 101_325.0, 1.0)],
                    vec!["Sample::new(-4.0, 101325.0, 1.0)".into(), made(-4.0, 101_325.0, 1.0)],
                    vec!["Sample::new(293.0, 101325.0, 2.0e6)".into(), made(293.0, 101_325.0, 2.0e6)],
                ],
            ),
        ]
    }
}

pub struct Objects;

static OBJECTS: Kernels<Vec<objects::Event>, objects::Seen> = Kernels {
    variants: &objects::VARIANTS,
    threaded: None,
};

impl Runner for Objects {
    type Params = Params;

    fn kernels(&self) -> &'static dyn KernelList {
        &OBJECTS
    }

    fn check_cases(&self, params: &Params, host: &Host) -> Vec<Case> {
        cases(params, host, self)
    }

    fn workload(&self, params: &Params, _: &Host, size: u64) -> Box<dyn Workload> {
        OBJECTS.table(objects::events(size, params.seed), |_, seen, _| shown(&seen))
    }

    /// Factory, Strategy, Observer and dependency injection, each at work.
    fn tables(&self, params: &Params, _: &Host) -> Vec<DemoTable> {
        use objects::{Event, FakeClock, Stepper, sample, strategy_named, typed};
        let factory = |name: &str| match strategy_named(name) {
            Ok(step) => format!("a strategy: apply(1) = {}", step.apply(1)),
            Err(error) => format!("refused: {error}"),
        };
        let stepper = Stepper {
            strategy: dispatch::Light,
        };
        let samples = |seed: u64| {
            let mut clock = FakeClock { now: 0.0, step: 2.5 };
            let mut rng = rand_pcg::Pcg64::seed_from_u64(seed);
            format!("{:?}", sample(&mut clock, &mut rng, 4))
        };
        let seed = params.seed;
        // Three items' events, every kind among them: what the observers
        // hear, then what they made of it.
        let published = [Event::Started(1), Event::Finished(1), Event::Started(2), Event::Failed(2), Event::Started(3), Event::Finished(3)];
        vec![table(
            "patterns",
            "Factory, Strategy, Observer and dependency injection",
            "The factory makes a strategy from its name; the stepper runs whichever strategy it \
             holds; the typed bus hands each event to the observers of its kind, which count the kinds \
             and add up the finished values; the sampler, given its clock and random source, makes the \
             same samples for the same seed, and other samples for another.",
            &["pattern", "call", "result"],
            vec![
                vec!["Factory".into(), "strategy_named(\"heavy\")".into(), factory("heavy")],
                vec!["Factory".into(), "strategy_named(\"medium\")".into(), factory("medium")],
                vec!["Strategy".into(), "Stepper { Light }.run(1, 3)".into(), stepper.run(1, 3).to_string()],
                vec!["Observer".into(), format!("publish {published:?}"), format!("{:?}", typed(&published.to_vec()))],
                vec!["Injection".into(), format!("sample(fake clock, seed {seed}, 4)"), samples(seed)],
                vec!["Injection".into(), format!("the same, again"), samples(seed)],
                vec!["Injection".into(), format!("sample(fake clock, seed {}, 4)", seed + 1), samples(seed + 1)],
            ],
        )]
    }
}
