//! The Perflab page, rendered in the browser with Leptos.
//!
//! The page never runs a kernel: it edits parameters, sends a run request to
//! the benchmark worker through [`bridge`], and draws what comes back
//! ([`plot`], [`exercise_page`]). It depends on `exercises` without the
//! `runner` feature, so no kernel code is compiled into it.

pub mod bridge;
pub mod capabilities;
pub mod download;
pub mod exercise_page;
pub mod history;
pub mod plot;
pub mod results_db;

use exercises::EXERCISES;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

/// The site's base path without the trailing slash: "" when served at the
/// root, "/<repo>" under a GitHub Pages project site. Trunk writes it into
/// `<base href>`; the router, links and the worker's URL all derive from it.
pub fn base_path() -> String {
    let base = document().base_uri().ok().flatten().unwrap_or_default();
    let path = web_sys::Url::new(&base)
        .map(|url| url.pathname())
        .unwrap_or_default();
    path.trim_end_matches('/').to_string()
}

/// The whole page: a router over the home page and the exercise pages.
#[component]
pub fn App() -> impl IntoView {
    let base = base_path();
    view! {
        <Router base=base.clone()>
            <header class="site">
                <a href=format!("{base}/") class="brand">"Perflab"</a>
                <span class="tagline">"measure, then optimize"</span>
                <a href=format!("{base}/history") class="nav" data-testid="history-link">"History"</a>
            </header>
            <main>
                <Routes fallback=|| view! { <p>"No such page. " <a href="./">"All exercises"</a></p> }>
                    <Route path=path!("/") view=Home />
                    <Route path=path!("/exercises/:id") view=exercise_page::ExercisePage />
                    <Route path=path!("/history") view=history::History />
                </Routes>
            </main>
            <footer class="site" data-testid="footer">
                "Perflab, build " {option_env!("PERFLAB_VERSION").unwrap_or("unversioned")}
                " · MIT OR Apache-2.0 · cite it with CITATION.cff · API documentation: "
                <a href=format!("{base}/doc/kernels/index.html") rel="external" data-testid="docs-kernels">"kernels"</a>
                ", "
                <a href=format!("{base}/doc/exercises/index.html") rel="external" data-testid="docs-exercises">"exercises"</a>
            </footer>
        </Router>
    }
}

/// The seed exercises, in the order their first exercise is registered:
/// exercises from the same seed are listed together under it.
fn seeds() -> Vec<&'static str> {
    let mut seeds: Vec<&'static str> = Vec::new();
    for exercise in EXERCISES {
        if !seeds.contains(&exercise.seed) {
            seeds.push(exercise.seed);
        }
    }
    seeds
}

/// The list of exercises, generated from the registry, grouped by the seed
/// exercise they come from.
#[component]
fn Home() -> impl IntoView {
    let base = base_path();
    view! {
        <h1>"Exercises"</h1>
        <p class="lead">
            "Each exercise runs a faithful port of slow code and its optimized variants in a Web \
             Worker, checks that they agree, and plots how their times grow."
        </p>
        {seeds().into_iter().map(|seed| view! {
            <section class="seed-group" data-testid="seed-group">
                <h2 class="seed">{seed}</h2>
                <ul class="exercise-list">
                    {EXERCISES
                        .iter()
                        .filter(|exercise| exercise.seed == seed)
                        .map(|exercise| {
                            view! {
                                <li>
                                    <a
                                        href=format!("{base}/exercises/{}", exercise.id)
                                        data-testid=format!("exercise-link-{}", exercise.id)
                                    >
                                        {exercise.title}
                                    </a>
                                    <p>{exercise.summary}</p>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </section>
        }).collect_view()}
    }
}
