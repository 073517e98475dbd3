//! Inputs for `pipeline`: a generated CSV; and a live demonstration that
//! times each stage and measures the seed's checklist.

use std::hint::black_box;

use kernels::pipeline::{
    Analysis, NUMERIC_COLUMNS, STAGES, Shape, Stage, TOLERANCE, VARIANTS, agrees, generate,
    parallel_in,
};

use super::Params;
use crate::protocol::{DemoTable, Flame, FlameSpan, FromWorker};
use crate::runner::{Case, Host, KernelList, Kernels, Live, Output, Runner, Workload};

pub struct Pipeline;

/// The variants without their stage marks: timing ignores them. The file
/// is generated before anything is timed and read from memory, as from a
/// warm disk cache: each variant reads it through `Read` and holds what it
/// chooses to (the memory column: naive a copy of the whole file, the
/// columnar ones their read buffer).
static KERNELS: Kernels<[u8], Analysis> = Kernels {
    variants: &[
        (VARIANTS[0].0, |file| (VARIANTS[0].1)(&mut &file[..], &mut |_| {})),
        (VARIANTS[1].0, |file| (VARIANTS[1].1)(&mut &file[..], &mut |_| {})),
        (VARIANTS[2].0, |file| (VARIANTS[2].1)(&mut &file[..], &mut |_| {})),
    ],
    threaded: Some(("parallel", |file, threads| {
        parallel_in(&mut &file[..], threads, &mut |_| {})
    })),
};

fn shape(params: &Params, rows: u64) -> Shape {
    Shape {
        rows: rows as usize,
        categories: params.categories as usize,
        missing_percent: params.missing_percent as u32,
        duplicate_percent: params.duplicate_percent as u32,
    }
}

/// Where a checklist item's effect is measured: a stage, timed in one
/// variant and then in another.
type Effect = Option<(Stage, &'static str, &'static str)>;

/// The seed's checklist: each item, the change that implements it, and
/// where its effect is measured (`None`: in the memory column).
const CHECKLIST: [(&str, &str, Effect); 8] = [
    (
        "Replace iterrows() with vectorized operations",
        "a mask over the value column, multiplied in: no row copied, no branch",
        Some((Stage::FilterAggregate, "naive", "columnar")),
    ),
    (
        "Use fillna() with dictionaries",
        "every column filled in the pass that drops duplicates",
        Some((Stage::Clean, "naive", "columnar")),
    ),
    (
        "Convert object columns to category type",
        "categories dictionary-encoded: a u32 code per row, each name stored once",
        Some((Stage::Load, "naive", "columnar")),
    ),
    (
        "Use appropriate numeric types (float32 vs float64)",
        "value and quantity in f32, 4 bytes instead of 8; sums in f64",
        None,
    ),
    (
        "Implement chunked reading for large files",
        "the file streamed through a 64 KiB buffer and one reused record, never held whole; \
         columns appended as it reads",
        Some((Stage::Load, "naive", "columnar")),
    ),
    (
        "Use query() for filtering",
        "the filter is one expression over a column, value > 100, not a loop over rows",
        Some((Stage::FilterAggregate, "naive", "columnar")),
    ),
    (
        "Consider using swifter for parallel apply",
        "statistics and group-by split over the pool's threads (the parallel variant)",
        Some((Stage::Stats, "columnar", "parallel")),
    ),
    (
        "Optimize groupby operations",
        "group-by into arrays indexed by the category code: no hashing, no string per row",
        Some((Stage::FilterAggregate, "naive", "columnar")),
    ),
];

impl Runner for Pipeline {
    type Params = Params;

    fn kernels(&self) -> &'static dyn KernelList {
        &KERNELS
    }

    fn check_cases(&self, params: &Params, host: &Host) -> Vec<Case> {
        let rows = params.rows[0];
        vec![(
            format!("generated, {rows} rows"),
            self.workload(params, host, rows),
        )]
    }

    fn workload(&self, params: &Params, _: &Host, size: u64) -> Box<dyn Workload> {
        KERNELS.table(generate(shape(params, size), params.seed), describe)
    }

    fn live(&self, params: &Params, host: &Host) -> Option<Live> {
        let browser = host.clone();
        let rows = *params.rows.last().expect("at least one size");
        let file = generate(shape(params, rows), params.seed);
        Some(Box::pin(async move {
            // One run of each variant, the time at the end of each stage.
            let mut ends: Vec<Vec<f64>> = Vec::new();
            for (_, kernel) in VARIANTS {
                let start = browser.now_ms();
                let mut marks = Vec::new();
                black_box(kernel(&mut &file[..], &mut |_| marks.push(browser.now_ms() - start)));
                ends.push(marks);
            }
            let variant = |name: &str| {
                VARIANTS
                    .iter()
                    .position(|(v, _)| *v == name)
                    .expect("a variant")
            };
            let stage = |wanted: Stage| {
                STAGES
                    .iter()
                    .position(|(s, _)| *s == wanted)
                    .expect("a stage")
            };
            // Stage `s` of variant `v` runs from the end of the one before.
            let span = |v: usize, s: usize| (if s == 0 { 0.0 } else { ends[v][s - 1] }, ends[v][s]);
            let ms = |v: usize, s: usize| span(v, s).1 - span(v, s).0;
            let spans = (0..VARIANTS.len())
                .flat_map(|v| {
                    STAGES
                        .iter()
                        .enumerate()
                        .map(move |(s, (_, name))| FlameSpan {
                            name: format!("{} {name}", VARIANTS[v].0),
                            depth: v,
                            start_ms: span(v, s).0,
                            end_ms: span(v, s).1,
                        })
                })
                .collect();
            let row = |name: &str, ms: &dyn Fn(usize) -> f64| {
                let mut row = vec![name.to_string()];
                row.extend((0..VARIANTS.len()).map(|v| format!("{:.1} ms", ms(v))));
                row.push(format!("{:.1}×", ms(0) / ms(1).max(1e-3)));
                row
            };
            let mut stage_rows: Vec<Vec<String>> = STAGES
                .iter()
                .enumerate()
                .map(|(s, (_, name))| row(name, &|v| ms(v, s)))
                .collect();
            stage_rows.push(row("total", &|v| ends[v].last().copied().unwrap_or(0.0)));
            let mut columns = vec!["stage".to_string()];
            columns.extend(VARIANTS.iter().map(|(name, _)| name.to_string()));
            columns.push("naive / columnar".to_string());
            let checklist_rows = CHECKLIST
                .iter()
                .map(|(item, change, effect)| {
                    let effect = match *effect {
                        Some((at, from, to)) => {
                            let s = stage(at);
                            // Items the same variants change in the same
                            // stage are measured together, never one alone.
                            let together = CHECKLIST.iter().filter(|(_, _, e)| *e == *effect).count();
                            let shared = if together > 1 {
                                format!(" (the combined effect of the {together} items changed in this stage, not this item alone)")
                            } else {
                                String::new()
                            };
                            format!(
                                "{}: {from} {:.1} ms → {to} {:.1} ms{shared}",
                                STAGES[s].1,
                                ms(variant(from), s),
                                ms(variant(to), s)
                            )
                        }
                        None => "see the peak memory of each variant in the results".to_string(),
                    };
                    vec![item.to_string(), change.to_string(), effect]
                })
                .collect();
            vec![
                FromWorker::Flame(Flame {
                    id: "stages".into(),
                    title: format!("One run per variant at {rows} rows, stage by stage (rows: naive, columnar, parallel)"),
                    spans,
                }),
                FromWorker::Table(DemoTable {
                    id: "stages".into(),
                    title: format!("Per-stage time, one run of each variant at {rows} rows"),
                    caption: "The seed's run() timed stage by stage. Each stage's gain comes from a different item of the checklist below; a single run, so expect a few percent of noise.".into(),
                    columns,
                    rows: stage_rows,
                    highlighted: 0,
                    hooks: Vec::new(),
                }),
                FromWorker::Table(DemoTable {
                    id: "checklist".into(),
                    title: "The seed's optimization checklist, item by item".into(),
                    caption: "Each item, what implements it here, and the measured effect in the stage it changes. \
                              The columnar variant makes all its changes at once, so items that change the same stage \
                              share one figure: their combined effect, said so in the row; no item is timed alone.".into(),
                    columns: ["checklist item", "the change", "measured effect"].map(String::from).to_vec(),
                    rows: checklist_rows,
                    highlighted: 0,
                    hooks: Vec::new(),
                }),
            ]
        }))
    }
}

/// Within a relative [`TOLERANCE`] of the naive analysis.
fn describe(_: &Vec<u8>, analysis: Analysis, expected: &Analysis) -> Output {
    let within = agrees(&analysis, expected);
    let value = analysis.statistics[1];
    let groups: Vec<String> = analysis
        .groups
        .iter()
        .take(3)
        .map(|g| {
            format!(
                "{} Σ {:.2} / {} = {:.3}",
                g.category, g.sum, g.count, g.mean
            )
        })
        .collect();
    let text = format!(
        "{} rows; {} mean {:.4}, std {:.4}; {} groups: {}{} (within {TOLERANCE:e})",
        analysis.row_count,
        NUMERIC_COLUMNS[1],
        value.mean,
        value.std,
        analysis.groups.len(),
        groups.join("; "),
        if analysis.groups.len() > 3 {
            "; …"
        } else {
            ""
        }
    );
    let mut values: Vec<f64> = analysis
        .statistics
        .iter()
        .flat_map(|s| [s.mean, s.max, s.min, s.std])
        .collect();
    values.extend(analysis.groups.iter().flat_map(|g| [g.sum, g.count as f64]));
    values.push(analysis.row_count as f64);
    Output::within_tolerance(text, within, &values)
}
