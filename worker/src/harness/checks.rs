//! The checks: every variant against the reference before anything is
//! timed, again at each size just before it is timed, and the randomized
//! equivalence check, which times nothing.

use exercises::Exercise;
use exercises::Common;
use exercises::params::{self, FromValues, ParamValues};
use exercises::protocol::{CheckReport, DemoTable, FromWorker, SizeCheck, VariantCheck};
use exercises::runner::{Host, Workload};

use super::{Clock, budget_ns};

/// The variants `active` at `size`, checked on `workload` against the
/// reference (variant 0). Where the budget skipped the reference, nothing
/// is run: a check would have to compute the reference at this size.
pub(super) fn check_at(exercise: &Exercise, active: &[usize], size: u64, workload: &mut dyn Workload) -> SizeCheck {
    let reference = active.contains(&0).then(|| workload.check(0));
    let outputs = active
        .iter()
        .map(|&v| {
            let name = exercise.variants[v].name.to_string();
            match &reference {
                Some(reference) if v == 0 => (name, reference.text.clone(), Some(true)),
                Some(reference) => {
                    let output = workload.check(v);
                    (name, output.text, Some(output.digest == reference.digest))
                }
                None => (name, format!("not checked: {} is over the time budget here", exercise.variants[0].name), None),
            }
        })
        .collect();
    SizeCheck { size, outputs }
}

/// Runs every variant on every check case and compares its output with the
/// naive variant's.
pub fn check(exercise: &Exercise, values: &ParamValues, host: &Host) -> CheckReport {
    let mut cases = exercise.runner.check_cases(values, host);
    let outputs: Vec<Vec<_>> = (0..exercise.variants.len())
        .map(|v| {
            cases
                .iter_mut()
                .map(|(_, workload)| workload.check(v))
                .collect()
        })
        .collect();
    CheckReport {
        by_size: Vec::new(),
        cases: cases.into_iter().map(|(label, _)| label).collect(),
        variants: exercise
            .variants
            .iter()
            .zip(&outputs)
            .map(|(variant, own)| VariantCheck {
                variant: variant.name.into(),
                outputs: own.iter().map(|output| output.text.clone()).collect(),
                agrees: own
                    .iter()
                    .zip(&outputs[0])
                    .all(|(a, b)| a.digest == b.digest),
            })
            .collect(),
    }
}

/// The most seeds an equivalence check runs.
pub const MAX_SEEDS: u32 = 1000;

/// Every variant against the reference on `seeds` inputs per size: the
/// run's sizes, each with the seed parameter set to 1, 2, …, `seeds`
/// (an exercise without a seed has one input per size). A size stops
/// taking seeds once the reference's checks there have used the run's
/// time budget; the table says how many ran. Times nothing.
pub fn equivalence(
    exercise: &Exercise,
    values: &ParamValues,
    host: &Host,
    seeds: u32,
    clock: &mut impl Clock,
    post: &mut impl FnMut(FromWorker),
) {
    if exercise.runner.measured_live() {
        // Its variants wait on the network: the live demonstration checks
        // them on every run, and there is no input to seed.
        post(FromWorker::Failed {
            message: format!("{} checks its variants live, on every run; it has no seeded inputs to check", exercise.id),
        });
        return;
    }
    let seeded = matches!(values.0.get("seed"), Some(params::ParamValue::Int(_)));
    let seeds = if seeded { seeds } else { 1 };
    let budget_ns = budget_ns(&Common::from_values(values));
    let sizes = exercise.runner.sizes(values, host, values.list(exercise.size_param));
    let variants = exercise.variants.len();
    // Per variant: inputs compared, inputs that agreed, the first that did not.
    let mut agreed = vec![(0u32, 0u32, None::<String>); variants];
    let mut per_size = Vec::new();
    for (index, &size) in sizes.iter().enumerate() {
        let start = clock.now_ns();
        let mut ran = 0;
        for seed in 1..=seeds {
            let label = format!("{}: seed {seed} of {seeds}", exercise.at_size(size));
            post(FromWorker::Progress { done: index as u32, total: sizes.len() as u32, label });
            let mut values = values.clone();
            if seeded {
                values.0.insert("seed".into(), params::ParamValue::Int(u64::from(seed)));
            }
            let mut workload = exercise.runner.workload(&values, host, size);
            let reference = workload.check(0);
            for (v, tally) in agreed.iter_mut().enumerate().skip(1) {
                let output = workload.check(v);
                tally.0 += 1;
                if output.digest == reference.digest {
                    tally.1 += 1;
                } else if tally.2.is_none() {
                    tally.2 = Some(format!("{}, seed {seed}: {} where {} gives {}", exercise.at_size(size), output.text, exercise.variants[0].name, reference.text));
                }
            }
            ran += 1;
            if clock.now_ns() - start > budget_ns {
                break;
            }
        }
        per_size.push(format!("{}: {ran}", exercise.at_size(size)));
    }
    let mut table = DemoTable {
        id: "equivalence".into(),
        title: "Randomized equivalence".into(),
        caption: format!(
            "Every variant against {} on {} at each size ({}), the way the property tests check them. \
             A size takes seeds until its checks have used the time budget.",
            exercise.variants[0].name,
            if seeded { format!("up to {seeds} seeded inputs") } else { "the one input (this exercise has no seed)".into() },
            per_size.join(", ")
        ),
        columns: ["variant", "inputs", "agreed", "first difference"].map(String::from).to_vec(),
        rows: Vec::new(),
        highlighted: 0,
        hooks: Vec::new(),
    };
    for (v, (compared, same, first)) in agreed.into_iter().enumerate().skip(1) {
        let name = exercise.variants[v].name;
        table.hooks.push((table.rows.len(), exercises::protocol::RowHook {
            testid: format!("equivalence-{name}"),
            data: vec![("compared".into(), compared.to_string()), ("agreed".into(), same.to_string())],
        }));
        table.rows.push(vec![name.into(), compared.to_string(), same.to_string(), first.unwrap_or_else(|| "—".into())]);
    }
    post(FromWorker::Table(table));
}
