//! Values that arrive parsed (the page sends values, not text), checked
//! against the same rules as the text they came from.

use super::{ParamError, ParamKind, ParamSpec, ParamValue, ParamValues, shorten};

/// Checks values that arrive already parsed (the page sends the values it
/// parsed, not text): every parameter of `specs` is present, of its kind,
/// and within its range. Names not in `specs` are dropped.
pub fn validate<'a>(
    specs: impl IntoIterator<Item = &'a ParamSpec>,
    values: &ParamValues,
) -> Result<ParamValues, Vec<ParamError>> {
    let mut valid = ParamValues::default();
    let mut errors = Vec::new();
    for spec in specs {
        let checked = match values.0.get(spec.name) {
            Some(value) => check_value(spec, value),
            None => Err("no value given".to_string()),
        };
        match checked {
            Ok(()) => {
                valid
                    .0
                    .insert(spec.name.to_string(), values.0[spec.name].clone());
            }
            Err(what) => errors.push(ParamError {
                name: spec.name.to_string(),
                message: format!("{}: {what}; allowed: {}", spec.name, spec.kind.allowed()),
            }),
        }
    }
    if errors.is_empty() {
        Ok(valid)
    } else {
        Err(errors)
    }
}

/// What is wrong with one parsed value, if anything: the same rules as
/// [`parse_one`], applied to values instead of text.
fn check_value(spec: &ParamSpec, value: &ParamValue) -> Result<(), String> {
    let in_range = |v: u64, min: u64, max: u64| {
        if (min..=max).contains(&v) {
            Ok(())
        } else {
            Err(format!("{v} is out of range"))
        }
    };
    let increasing = |values: &[u64]| {
        if values.windows(2).all(|pair| pair[0] < pair[1]) {
            Ok(())
        } else {
            Err("values are not sorted and distinct".to_string())
        }
    };
    let length = |len: usize, max_len: usize| match len {
        0 => Err("no value given".to_string()),
        n if n > max_len => Err(format!("{n} values given")),
        _ => Ok(()),
    };
    match (spec.kind, value) {
        (ParamKind::Int { min, max }, ParamValue::Int(v)) => in_range(*v, min, max),
        (ParamKind::IntList { min, max, max_len }, ParamValue::IntList(values)) => {
            length(values.len(), max_len)?;
            values.iter().try_for_each(|&v| in_range(v, min, max))?;
            increasing(values)
        }
        (
            ParamKind::ShapeList {
                max_factor,
                max_total,
                max_len,
            },
            ParamValue::Shapes(shapes, sizes),
        ) => {
            length(shapes.len(), max_len)?;
            for &(count, length) in shapes {
                in_range(count, 1, max_factor)?;
                in_range(length, 1, max_factor)?;
                if count * length > max_total {
                    return Err(format!("{count}x{length} is too large"));
                }
            }
            let products: Vec<u64> = shapes.iter().map(|&(c, l)| c * l).collect();
            if &products != sizes {
                return Err("the sizes are not the shapes' products".into());
            }
            increasing(sizes)
        }
        (ParamKind::Dims { min, max, max_len }, ParamValue::Dims(values)) => {
            length(values.len(), max_len)?;
            values.iter().try_for_each(|&v| in_range(v, min, max))
        }
        (ParamKind::Slices { max, max_len }, ParamValue::Slices(slices)) => {
            length(slices.len(), max_len)?;
            for &(start, stop) in slices {
                in_range(stop, 1, max)?;
                if start >= stop {
                    return Err(format!("{start}:{stop} is empty"));
                }
            }
            Ok(())
        }
        (ParamKind::Choice { options }, ParamValue::Text(word)) => {
            if options.contains(&word.as_str()) {
                Ok(())
            } else {
                Err(format!("\"{}\" is not an option", shorten(word)))
            }
        }
        _ => Err("a value of another kind".into()),
    }
}
