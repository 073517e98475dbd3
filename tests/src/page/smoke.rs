//! The smoke test over the registry, for any browser and site.

use std::time::Duration;

use exercises::EXERCISES;

use super::Page;

impl Page {
    /// Every exercise is linked from the home page, runs with its default
    /// parameters (a budget of 300 ms) in its own worker module, checks,
    /// times and plots.
    pub async fn run_every_exercise_from_the_home_page(&self) {
        let page = self;
        for exercise in EXERCISES {
            page.open_home().await;
            page.follow_exercise_link(exercise.id).await;
            let url = page.current_url().await;
            assert!(
                url.path().ends_with(&format!("/exercises/{}", exercise.id)),
                "{url}"
            );
            page.set_param("budget_ms", "300").await;
            page.run().await;
            page.wait_state("done", Duration::from_secs(300)).await;
            assert_eq!(
                page.capabilities().await.module.as_deref(),
                exercises::worker_module(exercise.id),
                "{}: the worker of another module",
                exercise.id
            );

            for variant in exercise.variants {
                assert!(
                    !page.checked(variant.name).await.is_empty(),
                    "{}/{}: no checked result",
                    exercise.id,
                    variant.name
                );
            }
            let rows = page.result_rows().await;
            let skipped = page.count("skip-note").await;
            let sizes = exercise
                .params
                .iter()
                .find(|p| p.name == exercise.size_param)
                .unwrap_or_else(|| panic!("{}: no size parameter", exercise.id))
                .default
                .split(',')
                .count();
            assert_eq!(
                rows.len() + skipped,
                exercise.variants.len() * sizes,
                "{}: {rows:?}",
                exercise.id
            );
            assert!(
                rows.iter().all(|row| row.ns_per_call > 0.0),
                "{}: {rows:?}",
                exercise.id
            );
            assert!(
                page.inked_pixels(None).await > 2000,
                "{}: the plot is blank",
                exercise.id
            );
        }
    }
}
