//! The pipeline on small files whose answer is worked out by hand.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use kernels::pipeline::{Shape, Stage, VARIANTS, agrees, generate, naive};

const FILE: &[u8] = b"id,category,value,quantity\n\
1,a,150,2\n\
2,b,50,\n\
3,,200.5,4\n\
1,a,150,2\n\
4,b,,1\n\
5,a,101,3\n";

#[test]
fn the_seeds_pipeline_by_hand() {
    let analysis = naive(&mut &FILE[..], &mut |_| {});
    // The repeated row 1 is dropped: 5 rows.
    assert_eq!(analysis.row_count, 5);
    // Missing values become 0: values 150, 50, 200.5, 0, 101.
    let value = analysis.statistics[1];
    assert_eq!(
        (value.mean, value.max, value.min),
        (501.5 / 5.0, 200.5, 0.0)
    );
    let quantity = analysis.statistics[2];
    assert_eq!(
        (quantity.mean, quantity.max, quantity.min),
        (10.0 / 5.0, 4.0, 0.0)
    );
    // np.std, divided by n.
    let ids = [1.0, 2.0, 3.0, 4.0, 5.0f64];
    let std = (ids.iter().map(|x| (x - 3.0) * (x - 3.0)).sum::<f64>() / 5.0).sqrt();
    assert_eq!(analysis.statistics[0].std, std);
    // value > 100: a has 150 and 101, the missing category is "unknown".
    let groups: Vec<(&str, f64, u64)> = analysis
        .groups
        .iter()
        .map(|g| (g.category.as_str(), g.sum, g.count))
        .collect();
    assert_eq!(groups, [("a", 251.0, 2), ("unknown", 200.5, 1)]);
    for (name, kernel) in VARIANTS {
        assert!(agrees(&kernel(&mut &FILE[..], &mut |_| {}), &analysis), "{name}");
    }
}

#[test]
fn every_variant_marks_the_four_stages_in_order() {
    let file = generate(
        Shape {
            rows: 500,
            categories: 5,
            missing_percent: 5,
            duplicate_percent: 5,
        },
        1,
    );
    for (name, kernel) in VARIANTS {
        let mut stages = Vec::new();
        kernel(&mut &file[..], &mut |stage| stages.push(stage));
        assert_eq!(
            stages,
            [
                Stage::Load,
                Stage::Clean,
                Stage::Stats,
                Stage::FilterAggregate
            ],
            "{name}"
        );
    }
}

#[test]
fn a_header_alone_gives_no_rows_and_no_groups() {
    let expected = naive(&mut &b"id,category,value,quantity\n"[..], &mut |_| {});
    assert!(
        expected.statistics[1].mean.is_nan(),
        "the mean of no values, as pandas gives"
    );
    for (name, kernel) in VARIANTS {
        let analysis = kernel(&mut &b"id,category,value,quantity\n"[..], &mut |_| {});
        assert_eq!(
            (analysis.row_count, analysis.groups.len()),
            (0, 0),
            "{name}"
        );
        assert!(agrees(&analysis, &expected), "{name}");
    }
}

#[test]
fn a_generated_file_has_its_duplicates_and_categories() {
    let shape = Shape {
        rows: 20_000,
        categories: 12,
        missing_percent: 0,
        duplicate_percent: 10,
    };
    let analysis = naive(&mut &generate(shape, 9)[..], &mut |_| {});
    // About 10% of rows repeat an earlier one (± 5σ).
    let dropped = 20_000 - analysis.row_count;
    assert!((1_800..2_200).contains(&dropped), "{dropped}");
    assert_eq!(analysis.groups.len(), 12);
    // Values are uniform in [0, 1000): about 90% pass the filter.
    let passed: u64 = analysis.groups.iter().map(|g| g.count).sum();
    assert!(
        (passed as f64 / analysis.row_count as f64 - 0.9).abs() < 0.01,
        "{passed}"
    );
}

#[test]
fn near_values_rounded_to_f32_still_agree() {
    // A std of 0.005 over values near 500: f32 moves it by far more than
    // 10⁻⁶ of itself, and by far less than 10⁻⁶ of the values.
    let file = b"id,category,value,quantity\n1,a,500.01,1\n2,a,500.02,1\n";
    let expected = naive(&mut &file[..], &mut |_| {});
    assert!((expected.statistics[1].std - 0.005).abs() < 1e-9);
    for (name, kernel) in VARIANTS {
        assert!(agrees(&kernel(&mut &file[..], &mut |_| {}), &expected), "{name}");
    }
}
