//! Runs that last, on the exercise page: the run is kept in the results
//! database when it ends (done, cancelled or failed), and compared with an
//! earlier run of the exercise — the last comparable one, another the
//! learner picks, or a file they import.

use exercises::Exercise;
use exercises::analysis::Row;
use exercises::history::compare::{self, Change, Comparison as Compared, NOISE};
use exercises::history::protocol::{FromResults, StoredRun, ToResults};
use exercises::history::{BrowserInfo, Environment, FORMAT, Outcome, RunSummary, SavedRun};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use super::canvas::draw;
use super::results::ratio_text;
use super::state::{Run, RunState};
use crate::plot;
use crate::results_db::ask;

/// The run as it is kept, and what it is compared with.
#[derive(Clone, Copy)]
pub(super) struct Kept {
    /// The last run's record, once it ended.
    pub(super) record: RwSignal<Option<SavedRun>>,
    /// Its id in the results database, once saved.
    id: RwSignal<Option<i64>>,
    /// How long saving it took, in milliseconds (the request's round trip).
    save_ms: RwSignal<Option<f64>>,
    /// How long loading the compared run took, in milliseconds.
    load_ms: RwSignal<Option<f64>>,
    /// The run it is compared with.
    against: RwSignal<Option<StoredRun>>,
    /// This exercise's other runs, to pick from.
    choices: RwSignal<Vec<RunSummary>>,
    /// Why the run was not kept, if it was not.
    problem: RwSignal<Option<String>>,
    /// Why runs are kept only for this session, when they are.
    volatile: RwSignal<Option<String>>,
    /// Why an imported file was refused.
    import_error: RwSignal<Option<String>>,
    /// The comparison of `against` with this run, and `against`'s rows for
    /// the overlay: the results worker's answer (see `ask_comparison`).
    compared: RwSignal<Option<(i64, Compared, Vec<Row>)>>,
}

impl Kept {
    /// The other run and this one, when a comparison is shown: another run
    /// than this, that shares a variant and size with it.
    fn pair(&self) -> Option<(StoredRun, SavedRun)> {
        let (new, old) = (self.record.get()?, self.against.get()?);
        (old.id != self.id.get().unwrap_or(-1) && compare::comparable(&old.run, &new))
            .then_some((old, new))
    }

    /// The compared run's rows, to overlay on this run's plots: empty
    /// unless a comparison is shown.
    pub(super) fn overlay(&self) -> Vec<Row> {
        self.compared
            .with(|compared| compared.as_ref().map_or_else(Vec::new, |(_, _, rows)| rows.clone()))
    }

    /// Asks the results worker for the comparison whenever the pair of
    /// runs changes: bootstrap intervals over both runs' samples, and the
    /// other run's analysis, took the main thread 50–90 ms.
    fn ask_comparison(self) {
        Effect::new(move |_| {
            let pair = self.pair();
            self.compared.set(None);
            let Some((old, new)) = pair else { return };
            let started_at = new.started_at.clone();
            spawn_local(async move {
                let request = ToResults::Compare { against: old.id, run: Box::new(new) };
                if let FromResults::Compared { against, comparison, overlay } = ask(request).await {
                    // A newer pair may have been asked for meanwhile.
                    let current = self.against.with_untracked(|a| a.as_ref().map(|a| a.id)) == Some(against)
                        && self.record.with_untracked(|r| r.as_ref().map(|r| r.started_at.clone()))
                            == Some(started_at);
                    if current {
                        self.compared.set(Some((against, *comparison, overlay)));
                    }
                }
            });
        });
    }
}

/// Now, in ISO 8601 (UTC).
pub(super) fn now_iso() -> String {
    js_sys::Date::new_0().to_iso_string().into()
}

/// `performance.now()`, in milliseconds.
fn now_ms() -> f64 {
    window().performance().map_or(0.0, |p| p.now())
}

/// The run's record: provenance and every sample.
fn record(exercise: &'static Exercise, run: Run) -> Option<SavedRun> {
    if run.checking_only.get_untracked() {
        return None;
    }
    let outcome = match run.state.get_untracked() {
        RunState::Done => Outcome::Done,
        RunState::Cancelled => Outcome::Cancelled,
        RunState::Error => Outcome::Error,
        RunState::Idle | RunState::Running => return None,
    };
    let browser = run
        .capabilities
        .get_untracked()
        .map(|c| BrowserInfo {
            isolated: c.isolated,
            cores: c.cores,
            simd: c.simd,
            threads: c.threads,
            webgpu: (c.webgpu.0.to_string(), c.webgpu.1.clone()),
            browser: c.browser.clone(),
        })
        .unwrap_or_default();
    Some(SavedRun {
        format: FORMAT,
        exercise: exercise.id.into(),
        query: run.query.get_untracked(),
        outcome,
        message: run.message.get_untracked(),
        started_at: run.started_at.get_untracked(),
        finished_at: now_iso(),
        environment: Environment {
            worker: run.worker.get_untracked(),
            browser,
        },
        check: run.check.get_untracked(),
        measurements: run.measurements.get_untracked(),
        thread_sweep: run.thread_points.get_untracked(),
        skipped: run.skips.get_untracked(),
        tables: run.tables.get_untracked(),
    })
}

/// Loads run `id` as the one to compare with: a run of another exercise
/// (an import) stays in the history and the page says so.
fn compare_with(exercise: &'static Exercise, kept: Kept, id: i64) {
    spawn_local(async move {
        let started = now_ms();
        if let FromResults::Run(Some(stored)) = ask(ToResults::Get { id }).await {
            kept.load_ms.set(Some(now_ms() - started));
            if stored.run.exercise == exercise.id {
                kept.against.set(Some(*stored));
            } else {
                kept.import_error.set(Some(format!(
                    "run #{id} is a run of {}: it is in the history; open that exercise to compare with it",
                    stored.run.exercise
                )));
            }
        }
    });
}

/// Saves each run when it ends, then finds the last comparable run and
/// this exercise's others.
pub(super) fn keep(exercise: &'static Exercise, run: Run) -> Kept {
    let kept = Kept {
        record: RwSignal::new(None),
        id: RwSignal::new(None),
        save_ms: RwSignal::new(None),
        load_ms: RwSignal::new(None),
        against: RwSignal::new(None),
        choices: RwSignal::new(Vec::new()),
        problem: RwSignal::new(None),
        volatile: RwSignal::new(None),
        import_error: RwSignal::new(None),
        compared: RwSignal::new(None),
    };
    kept.ask_comparison();
    Effect::new(move |previous: Option<RunState>| {
        let state = run.state.get();
        if state == RunState::Running {
            kept.record.set(None);
            kept.id.set(None);
        }
        if previous == Some(RunState::Running) && state != RunState::Running {
            let Some(saved) = record(exercise, run) else {
                return state;
            };
            kept.record.set(Some(saved.clone()));
            spawn_local(async move {
                let started = now_ms();
                match ask(ToResults::Save(Box::new(saved))).await {
                    FromResults::Saved { id } => {
                        kept.save_ms.set(Some(now_ms() - started));
                        kept.id.set(Some(id));
                        let (persistent, note) = crate::results_db::storage().await;
                        kept.volatile.set((!persistent).then_some(note));
                        kept.problem.set(None);
                        let started = now_ms();
                        if let FromResults::Run(found) =
                            ask(ToResults::LastComparable { before: id }).await
                        {
                            kept.load_ms.set(Some(now_ms() - started));
                            kept.against.set(found.map(|stored| *stored));
                        }
                    }
                    FromResults::Error { message } => kept.problem.set(Some(message)),
                    _ => {}
                }
                let exercise = Some(exercise.id.to_string());
                if let FromResults::Runs(runs) = ask(ToResults::List { exercise }).await {
                    kept.choices.set(runs);
                }
            });
        }
        state
    });
    kept
}

/// Reads the picked file, has the results worker validate and keep it,
/// and compares with it.
fn import(exercise: &'static Exercise, kept: Kept, input: web_sys::HtmlInputElement) {
    let Some(file) = input.files().and_then(|files| files.get(0)) else {
        return;
    };
    input.set_value("");
    kept.import_error.set(None);
    spawn_local(async move {
        match crate::results_db::import_file(file).await {
            FromResults::Saved { id } => compare_with(exercise, kept, id),
            FromResults::Imported { count } => {
                kept.import_error.set(Some(format!(
                    "{count} runs imported into the history: pick one to compare with"
                )));
                if let FromResults::Runs(runs) = ask(ToResults::List {
                    exercise: Some(exercise.id.to_string()),
                })
                .await
                {
                    kept.choices.set(runs);
                }
            }
            FromResults::Error { message } => kept
                .import_error
                .set(Some(message)),
            _ => {}
        }
    });
}

/// The comparison of this run with another: provenance that differs, a
/// row per variant and size with the ratio of times and its verdict, and
/// the two runs overlaid.
#[component]
pub(super) fn Comparison(
    shown: Memo<&'static str>,
    exercise: &'static Exercise,
    run: Run,
    kept: Kept,
) -> impl IntoView {
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let measured = move || exercise.section_named(shown.get());
    let compared = Memo::new(move |_| {
        kept.compared.get().map(|(id, comparison, _)| (id, comparison))
    });
    Effect::new(move |_| {
        let (Some(canvas), Some((_, comparison))) = (canvas.get(), compared.get()) else {
            return;
        };
        let measured = measured();
        draw(&canvas, 0.3, move |area, scale| {
            plot::comparison(area, measured, &comparison.rows, scale)
        });
    });
    let on_pick = move |event: leptos::ev::Event| {
        let value = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
            .map(|select| select.value());
        if let Some(id) = value.and_then(|v| v.parse().ok()) {
            compare_with(exercise, kept, id);
        }
    };
    let on_import = move |event: leptos::ev::Event| {
        if let Some(input) = event.target().and_then(|t| t.dyn_into().ok()) {
            import(exercise, kept, input);
        }
    };
    let picker = move || {
        let current = kept.id.get();
        let chosen = kept.against.read().as_ref().map(|s| s.id);
        kept.choices
            .get()
            .into_iter()
            .filter(|r| Some(r.id) != current)
            .map(|r| {
                let label = format!(
                    "#{} {} {} ({}{})",
                    r.id,
                    r.started_at,
                    r.query,
                    r.outcome.as_str(),
                    if r.imported { ", imported" } else { "" }
                );
                view! { <option value=r.id selected=Some(r.id) == chosen>{label}</option> }
            })
            .collect_view()
    };
    let table = move || {
        compared.get().map(|(id, comparison): (i64, Compared)| {
            let differences = comparison.differences.iter().map(|d| view! {
                <li data-testid="compare-difference" data-field=d.field.clone()>
                    {d.field.clone()} ": " <code>{d.old.clone()}</code> " then, " <code>{d.new.clone()}</code> " now"
                </li>
            }).collect_view();
            let same_provenance = comparison.differences.is_empty().then_some(view! {
                <li>"Same parameters, build, browser and machine."</li>
            });
            let unmatched = (comparison.unmatched > 0).then(|| view! {
                <p>{comparison.unmatched} " variant × size measured in one run only, left out."</p>
            });
            let rows = comparison.rows.iter().map(|row| {
                let verdict = match row.change {
                    Change::Same => "no significant change",
                    change => change.as_str(),
                };
                view! {
                    <tr data-testid="compare-row" data-variant=row.variant.clone() data-size=row.size
                        data-ratio=row.ratio.point data-ci-low=row.ratio.low data-ci-high=row.ratio.high
                        data-verdict=row.change.as_str() class=row.change.as_str()>
                        <td><code>{row.variant.clone()}</code></td>
                        <td class="num">{row.size}</td>
                        <td class="num">{ratio_text(&row.ratio)}</td>
                        <td>{verdict}</td>
                    </tr>
                }
            }).collect_view();
            view! {
                <p>"This run against run #" {id} ". Differences in provenance:"</p>
                <ul class="differences">{differences}{same_provenance}</ul>
                <table class="results-table">
                    <thead><tr><th>"variant"</th><th>"size"</th><th>"time ratio, this ÷ that [95%]"</th><th>"verdict"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
                {unmatched}
                <canvas class="plot" data-testid="plot" data-plot="comparison" node_ref=canvas role="img"
                    aria-label="Plot: this run's time over the other run's, per variant and size, with 95% intervals; the numbers are in the table above."></canvas>
            }
        })
    };
    view! {
        <section class="compare" data-testid="compare" data-run-id=move || kept.id.get()
            data-save-ms=move || kept.save_ms.get() data-load-ms=move || kept.load_ms.get()>
            <h2>"Against an earlier run"</h2>
            {move || kept.id.get().map(|id| view! {
                <p data-testid="kept">"Kept in the history as run #" {id}
                    {kept.save_ms.get().map(|ms| format!(" (saved in {ms:.0} ms)"))} ". "
                    <a href=format!("{}/history", crate::base_path())>"All runs"</a>
                </p>
            })}
            <p class="explanation" hidden=move || !run.settled() || kept.record.read().is_none()>
                "The ratio is this run's time per call over the other run's, with a 95% bootstrap interval \
                 that resamples both runs' samples. The verdict is faster or slower only when the whole \
                 interval lies beyond 1 ± " {format!("{:.0}%", NOISE * 100.0)} " (run-to-run noise between \
                 page loads); otherwise, no significant change."
            </p>
            {move || kept.volatile.get().map(|note| view! { <p data-testid="runs-kept">{note}</p> })}
            {move || kept.problem.get().map(|problem| view! { <p class="error" data-testid="save-error">"This run was not kept: " {problem}</p> })}
            <label hidden=move || kept.record.read().is_none()>"Compare with "
                <select data-testid="compare-with" on:change=on_pick>
                    <option value="">"—"</option>
                    {picker}
                </select>
            </label>
            <label class="import">" Import a run (a JSON export, or an exported database) "
                <input type="file" accept=".json,.sqlite,application/json" data-testid="import" on:change=on_import />
            </label>
            {move || kept.import_error.get().map(|error| view! { <p class="error" data-testid="import-error">{error}</p> })}
            {move || (compared.read().is_none() && kept.id.get().is_some()).then(|| view! {
                <p data-testid="compare-none">"No earlier run of this exercise shares a variant and size with this one: run it again, or import one."</p>
            })}
            {table}
        </section>
    }
}
