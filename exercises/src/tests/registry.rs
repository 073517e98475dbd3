//! Registry invariants: every exercise, so a forgotten piece fails here.

use std::collections::{BTreeMap, HashSet};

use super::descriptors;
use crate::params::{self, ParamValue};
use crate::{EXERCISES, find};

#[test]
fn ids_are_unique_and_url_safe() {
    let mut seen = HashSet::new();
    for exercise in EXERCISES {
        assert!(seen.insert(exercise.id), "duplicate id {}", exercise.id);
        assert!(
            exercise
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_'),
            "{}",
            exercise.id
        );
        assert!(std::ptr::eq(find(exercise.id).unwrap(), *exercise));
    }
    assert!(find("no-such-exercise").is_none());
}

#[test]
fn every_exercise_is_complete() {
    for exercise in descriptors() {
        let id = exercise.id;
        assert!(
            !exercise.title.is_empty() && !exercise.seed.is_empty() && !exercise.summary.is_empty(),
            "{id}"
        );
        assert!(!exercise.explanation.is_empty(), "{id}: no explanation");
        // The reference comes first: the naive port, or in a section the
        // variant the others are measured against.
        let reference = if in_sections(exercise) {
            exercise.target.baseline
        } else {
            "naive"
        };
        assert_eq!(
            exercise.variants[0].name, reference,
            "{id}: the reference comes first"
        );
        assert!(exercise.variants.len() >= 2, "{id}: no optimized variant");
        let names: HashSet<_> = exercise.variants.iter().map(|v| v.name).collect();
        assert_eq!(
            names.len(),
            exercise.variants.len(),
            "{id}: duplicate variant names"
        );
        for variant in exercise.variants {
            assert!(!variant.technique.is_empty(), "{id}/{}", variant.name);
            let code = crate::code::variant_code(exercise, variant.name);
            assert!(code.is_ok(), "{id}/{}: {code:?}", variant.name);
        }
        assert!(
            exercise.variant(exercise.target.variant).is_some(),
            "{id}: target variant"
        );
        assert!(
            exercise.variant(exercise.target.baseline).is_some(),
            "{id}: target baseline"
        );
        assert!(exercise.target.speedup > 1.0, "{id}");
    }
}

#[test]
fn every_default_parses_and_the_size_parameter_is_a_list() {
    for exercise in descriptors() {
        let values = params::parse(exercise.all_params(), &BTreeMap::new())
            .unwrap_or_else(|errors| panic!("{}: defaults do not parse: {errors:?}", exercise.id));
        let sized = matches!(
            values.0.get(exercise.size_param),
            Some(ParamValue::IntList(_) | ParamValue::Shapes(..))
        );
        assert!(sized, "{}", exercise.id);
        assert!(
            !values.list(exercise.size_param).is_empty(),
            "{}",
            exercise.id
        );
        let names: HashSet<_> = exercise.all_params().map(|p| p.name).collect();
        assert_eq!(
            names.len(),
            exercise.all_params().count(),
            "{}: duplicate parameter names",
            exercise.id
        );
    }
}

/// A target is decided by the default run: its size is one the defaults
/// measure.
#[test]
fn axes_name_the_size_parameter() {
    let name = |id: &str| crate::find(id).unwrap().size_name();
    assert_eq!(name("mandelbrot"), "width");
    assert_eq!(name("pipeline"), "rows");
    assert_eq!(name("duplicates"), "n");
    assert_eq!(name("strings"), "count × length");
    assert_eq!(crate::find("memory").unwrap().at_size(50), "iterations = 50");
    for exercise in crate::EXERCISES {
        assert!(!exercise.size_name().is_empty(), "{}", exercise.id);
    }
}

#[test]
fn every_target_size_is_a_default_size() {
    for exercise in descriptors() {
        let values = params::parse(exercise.all_params(), &BTreeMap::new()).unwrap();
        let sizes = values.list(exercise.size_param);
        // What the worker measures: the runner may derive the sizes from
        // the listed ones (a window's elements from its shrink factors).
        #[cfg(feature = "runner")]
        let sizes = &exercise.runner.sizes(&values, &crate::runner::Plain::host(), sizes)[..];
        assert!(
            sizes.contains(&exercise.target.size),
            "{}: target at {} but the default sizes are {sizes:?}",
            exercise.id,
            exercise.target.size
        );
    }
}

/// Whether `exercise` has sections or is one.
fn in_sections(exercise: &crate::Exercise) -> bool {
    !exercise.sections.is_empty()
        || EXERCISES
            .iter()
            .any(|e| e.sections.iter().any(|s| std::ptr::eq(*s, exercise)))
}

/// An exercise in sections: every section shares its parameters, is one
/// of the `section` parameter's words, and is what that word runs; the
/// exercise itself is its default section's descriptor.
#[test]
fn sections_are_the_words_of_the_section_parameter() {
    for exercise in EXERCISES.iter().filter(|e| !e.sections.is_empty()) {
        let spec = exercise
            .params
            .iter()
            .find(|p| p.name == "section")
            .unwrap_or_else(|| panic!("{}: no section parameter", exercise.id));
        let params::ParamKind::Choice { options } = spec.kind else {
            panic!("{}: section is not a choice", exercise.id)
        };
        let ids: Vec<_> = exercise.sections.iter().map(|s| s.id).collect();
        assert_eq!(ids.len(), options.len(), "{}", exercise.id);
        for option in options {
            assert!(ids.contains(option), "{}: no section {option}", exercise.id);
            let query = format!("section={option}");
            let values = params::parse(exercise.all_params(), &params::from_query(&query)).unwrap();
            assert_eq!(exercise.section(&values).id, *option);
        }
        for section in exercise.sections {
            let specs = |e: &crate::Exercise| {
                e.params
                    .iter()
                    .map(|p| (p.name, p.default, p.kind.allowed()))
                    .collect::<Vec<_>>()
            };
            assert_eq!(specs(section), specs(exercise), "{}", section.id);
            assert!(
                section.sections.is_empty(),
                "{}: sections nest once",
                section.id
            );
        }
        let defaults = params::parse(exercise.all_params(), &BTreeMap::new()).unwrap();
        let default = exercise.section(&defaults);
        let names = |e: &crate::Exercise| e.variants.iter().map(|v| v.name).collect::<Vec<_>>();
        assert_eq!(names(exercise), names(default), "{}", exercise.id);
    }
}

/// Every variant agrees with the naive one on the check inputs, on the
/// host with the browser stand-in. The runners whose live demonstration
/// checks the variants itself have no check inputs; their tests are
/// their kernels' and the browser's.
#[cfg(feature = "runner")]
#[test]
fn every_runner_builds_inputs_that_every_variant_agrees_on() {
    for exercise in descriptors().filter(|e| !e.runner.measured_live()) {
        let values = params::parse(exercise.all_params(), &BTreeMap::new()).unwrap();
        let mut cases = exercise.runner.check_cases(&values, &super::host());
        assert!(!cases.is_empty(), "{}", exercise.id);
        for (label, workload) in &mut cases {
            let naive = workload.check(0);
            for (index, variant) in exercise.variants.iter().enumerate() {
                // The digest is what the harness compares; texts may add detail.
                assert_eq!(
                    workload.check(index).digest,
                    naive.digest,
                    "{}/{} on {label}",
                    exercise.id,
                    variant.name
                );
                workload.run(index);
            }
        }
    }
}

/// Each exercise's variants are its kernel table's, in order: the worker
/// runs variant `i` as kernel `i`, and the page cuts the code by name. The
/// thread sweep sets the threads of the variant the table can run on a
/// given number of them.
#[cfg(feature = "runner")]
#[test]
fn every_exercise_lists_its_kernels_in_order() {
    for exercise in descriptors() {
        let variants: Vec<_> = exercise.variants.iter().map(|v| v.name).collect();
        assert_eq!(variants, exercise.runner.kernel_names(), "{}", exercise.id);
        assert_eq!(
            exercise.thread_sweep,
            exercise.runner.threaded(),
            "{}: the thread sweep's variant is the table's threaded one",
            exercise.id
        );
    }
}

/// Every GPU variant's input can be built at the first size, and its
/// dispatch fits a device with WebGPU's default limits.
#[cfg(feature = "runner")]
#[test]
fn every_gpu_variant_declares_its_dispatch() {
    let limits = crate::runner::GpuLimits {
        max_workgroups_per_dimension: 65_535,
    };
    for exercise in descriptors() {
        let values = params::parse(exercise.all_params(), &BTreeMap::new()).unwrap();
        let size = values.list(exercise.size_param)[0];
        for gpu in exercise.gpu {
            let name = gpu.variant.name;
            let input = exercise
                .runner
                .gpu_input(&values, name, size)
                .unwrap_or_else(|e| panic!("{}/{name}: {e}", exercise.id));
            let dispatch = input.dispatch(&limits).unwrap();
            assert!(dispatch.output_bytes > 0, "{}/{name}", exercise.id);
            assert!(!dispatch.uniforms.is_empty(), "{}/{name}", exercise.id);
            let (x, y) = dispatch.workgroups;
            assert!(x >= 1 && y >= 1 && x <= 65_535 && y <= 65_535);
            // A zeroed output is a wrong answer, and the check says so.
            let zeros = vec![0u8; dispatch.output_bytes as usize];
            assert!(!input.check(&zeros).1, "{}/{name}", exercise.id);
            // An empty input is refused with a reason, before the GPU sees it.
            let empty = exercise.runner.gpu_input(&values, name, 0).unwrap();
            let refused = empty.dispatch(&limits).unwrap_err();
            assert!(
                refused.contains("at least 1") || refused.contains("1..="),
                "{refused}"
            );
        }
    }
}

/// An exercise is its two folders and its registry line: no other source
/// file of the product names it. The worker and the page iterate over the
/// registry; a file that matched on an exercise's id would make adding one
/// touch it. (Tests may name exercises: they check particular ones.)
#[test]
fn no_source_outside_its_folders_names_an_exercise() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in [
        "worker/src",
        "app/src",
        "results/src",
        "exercises/src",
        "kernels/src",
        "xtask/src",
    ] {
        collect_rust_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 20, "found the sources");
    for exercise in EXERCISES {
        let id = exercise.id;
        let own = [format!("exercises/src/{id}/"), format!("kernels/src/{id}/")];
        let patterns = [
            format!("\"{id}\""),
            format!("kernels::{id}"),
            format!("exercises::{id}"),
        ];
        // Within `exercises`, a path to another exercise's module.
        let sibling = format!("crate::{id}::");
        for file in &files {
            let relative = file
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let registry =
                ["exercises/src/lib.rs", "kernels/src/lib.rs"].contains(&relative.as_str());
            let test = relative.ends_with("/tests.rs") || relative.contains("/tests/");
            if test || own.iter().any(|dir| relative.starts_with(dir.as_str())) {
                continue;
            }
            let text = std::fs::read_to_string(file).unwrap();
            for (number, line) in text.lines().enumerate() {
                // Another exercise's folder may share a word with this id
                // (a variant called `streaming`), not a path into it.
                let paths_only = in_exercise_folder(&relative);
                let names_it = patterns
                    .iter()
                    .filter(|p| !(paths_only && p.starts_with('"')))
                    .any(|p| names(line, p))
                    || (relative.starts_with("exercises/") && names(line, &sibling));
                // The registry's own lines name each exercise once.
                let registry_line = registry
                    && (line.trim().starts_with(&format!("{id} in \"")) || line.trim() == format!("pub mod {id};"));
                assert!(
                    !names_it || registry_line,
                    "{relative}:{}: names the exercise {id}: {line}",
                    number + 1
                );
            }
        }
    }
}

/// Whether `line` holds `pattern` not followed by more of an identifier
/// (`kernels::pi` is not `kernels::pipeline`).
fn names(line: &str, pattern: &str) -> bool {
    line.match_indices(pattern).any(|(at, _)| {
        !line[at + pattern.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// Whether `relative` is inside some exercise's folder.
fn in_exercise_folder(relative: &str) -> bool {
    EXERCISES.iter().any(|e| {
        relative.starts_with(&format!("exercises/src/{}/", e.id))
            || relative.starts_with(&format!("kernels/src/{}/", e.id))
    })
}

fn collect_rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The randomized equivalence check runs "seeded inputs": in every
/// descriptor with a seed, another seed must be another input, or the
/// check runs one input many times.
#[test]
fn another_seed_is_another_input() {
    let mut seeded = 0;
    for exercise in descriptors() {
        let has_seed = exercise.all_params().any(|p| p.name == "seed");
        if !has_seed || exercise.runner.measured_live() {
            continue;
        }
        let reference = |seed: u64| {
            let values = params::parse(exercise.all_params(), &params::from_query(&format!("seed={seed}")))
                .unwrap_or_else(|e| panic!("{}: {e:?}", exercise.id));
            // Every check case (some are the seed document's own fixed
            // inputs), by its text and digest (an output compared within a
            // tolerance has the digest 0).
            let cases = exercise.runner.check_cases(&values, &super::host());
            let outputs = cases.into_iter().map(|(label, mut case)| (label, case.check(0)));
            // Not the labels: one that names the seed would differ anyway.
            outputs.map(|(_, output)| (output.text, output.digest)).collect::<Vec<_>>()
        };
        let (one, two) = (reference(1), reference(2));
        assert_ne!(one, two, "{}: seeds 1 and 2 give the same reference outputs", exercise.id);
        seeded += 1;
    }
    assert!(seeded >= 10, "{seeded} seeded descriptors");
}
