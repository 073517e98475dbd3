//! The built site in headless Chromium, served with the isolation headers:
//! the numba exercises (matmul, pi, mandelbrot) and their GPU variants,
//! which say why they cannot run without WebGPU and, with a software
//! adapter, are checked against the CPU and timed.

use std::time::Duration;

use e2e::Page;

/// The standard error of a π estimate from `points` points.
fn standard_error(points: u64) -> f64 {
    let p = std::f64::consts::FRAC_PI_4;
    4.0 * (p * (1.0 - p) / points as f64).sqrt()
}

#[tokio::test]
async fn the_numba_exercises_check_measure_and_draw_the_mandelbrot_set() {
    let page = Page::isolated().await;
    // The three exercises of seed exercise 7 are listed under it, together.
    page.open_home().await;
    let groups = page.seed_groups().await;
    let grouped: Vec<&Vec<String>> = groups
        .iter()
        .filter(|group| group.title.contains("exercise 7"))
        .map(|group| &group.links)
        .collect();
    assert_eq!(
        grouped,
        [&vec![
            "exercise-link-matmul".to_string(),
            "exercise-link-pi".to_string(),
            "exercise-link-mandelbrot".to_string(),
        ]],
        "{groups:?}"
    );

    // matmul: the hand-written variants equal naive bit for bit; the
    // reference crate agrees within rounding; GFLOP/s are plotted.
    page.open_exercise("matmul", "n=64,96&budget_ms=300").await;
    page.run().await;
    page.wait_state("done", Duration::from_secs(120)).await;
    let naive = page.checked("naive").await;
    assert!(naive.starts_with("sum=") && !naive.contains('Δ'), "{naive}");
    for variant in ["ikj", "blocked", "simd", "parallel"] {
        assert_eq!(page.checked(variant).await, naive, "{variant}");
    }
    assert_eq!(page.agreeing_variants().await, 6);
    assert!(page.has_plot("throughput").await, "no throughput plot");
    assert_eq!(page.result_rows().await.len(), 12);
    // No WebGPU in this browser: the GPU variants say why, the rest ran.
    for variant in ["gpu_naive", "gpu_tiled"] {
        let reason = page.unavailable(variant).await;
        assert!(reason.contains("WebGPU"), "{variant}: {reason}");
    }
    // The start-up table: the module's load time, and a cold and warm call per variant.
    let startup = page.demo_table("startup").await.cells();
    assert_eq!(startup.len(), 1 + 6, "{startup:?}");
    let load_ms: f64 = startup[0][1]
        .split(' ')
        .next()
        .and_then(|ms| ms.parse().ok())
        .unwrap_or_else(|| panic!("a load time in ms: {startup:?}"));
    assert!(load_ms > 0.0, "{startup:?}");

    // pi: every estimate within 4 standard errors; the error table.
    page.open_exercise("pi", "points=100000,200000&budget_ms=300")
        .await;
    page.run().await;
    page.wait_state("done", Duration::from_secs(120)).await;
    let bound = 4.0 * standard_error(100_000);
    for variant in ["naive", "in_wasm", "batched", "parallel"] {
        let text = page.checked(variant).await;
        let estimate: f64 = text
            .strip_prefix("pi=")
            .and_then(|pi| pi.parse().ok())
            .unwrap_or_else(|| panic!("{variant}: not pi=<number>: {text}"));
        assert!(
            (estimate - std::f64::consts::PI).abs() <= bound,
            "{variant}: {text}"
        );
    }
    let errors = page.demo_table("error").await.cells();
    assert_eq!(
        errors.iter().map(|row| row[0].as_str()).collect::<Vec<_>>(),
        ["1000", "10000", "100000"]
    );

    // mandelbrot: every variant draws the same image, and the page shows it.
    page.open_exercise("mandelbrot", "width=64,96&height=48&budget_ms=300")
        .await;
    page.run().await;
    page.wait_state("done", Duration::from_secs(120)).await;
    let naive = page.checked("naive").await;
    assert!(
        naive.starts_with("sum=") && naive.contains(" zeros="),
        "{naive}"
    );
    for variant in ["squared", "simd", "parallel"] {
        assert_eq!(page.checked(variant).await, naive, "{variant}");
    }
    assert_eq!(
        (
            page.attr("image", "width").await.unwrap_or_default(),
            page.attr("image", "height").await.unwrap_or_default()
        ),
        ("96".to_string(), "48".to_string())
    );
    let colours = page.image_colours().await;
    assert!(colours > 8, "{colours} colours: the image is blank or flat");
    assert_eq!(page.console_errors().await, Vec::<String>::new());
    page.close().await;
}

#[tokio::test]
async fn with_webgpu_the_gpu_variants_are_checked_against_the_cpu_and_timed() {
    let page = Page::isolated_with_webgpu().await;
    let cases = [
        ("matmul", "n=32,64", &["gpu_naive", "gpu_tiled"][..], "sum="),
        ("pi", "points=100000,200000", &["gpu"][..], "pi="),
        ("mandelbrot", "width=64,96&height=48", &["gpu"][..], "sum="),
    ];
    for (id, query, variants, prefix) in cases {
        page.open_exercise(id, &format!("{query}&budget_ms=300"))
            .await;
        page.run().await;
        page.wait_state("done", Duration::from_secs(180)).await;
        assert_eq!(
            page.count("unavailable-gpu").await + page.count("unavailable-gpu_naive").await,
            0,
            "{id}"
        );
        let rows = page.result_rows().await;
        for variant in variants {
            let text = page.checked(variant).await;
            assert!(text.starts_with(prefix), "{id}/{variant}: {text}");
            assert_eq!(
                page.variant_agreement(variant).await,
                "within tolerance of the CPU result",
                "{id}/{variant}: {text}"
            );
            let timed: Vec<_> = rows.iter().filter(|row| row.variant == *variant).collect();
            assert_eq!(timed.len(), 2, "{id}/{variant}: {rows:?}");
            assert!(
                timed.iter().all(|row| row.ns_per_call > 0.0),
                "{id}/{variant}: {rows:?}"
            );
        }
        let timing = page.demo_table("gpu-timing").await;
        assert_eq!(
            timing.rows.len(),
            2 * variants.len(),
            "{id}: {:?}",
            timing.cells()
        );
        let caption = timing.caption();
        assert!(
            caption.contains("software: slower than your CPU"),
            "{caption}"
        );
    }
    let mandelbrot_gpu = page.checked("gpu").await;
    assert!(
        mandelbrot_gpu.contains("differ from f64"),
        "{mandelbrot_gpu}"
    );
    assert_eq!(page.console_errors().await, Vec::<String>::new());
    page.close().await;
}
