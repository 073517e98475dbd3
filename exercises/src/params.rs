//! Parameters: their specifications, parsing and validation of the text a
//! learner typed (or a URL carried), and the query string that makes a link
//! reproduce a run.
//!
//! The form keeps raw text; `parse` is the single place where text becomes
//! values, used alike by the app (to show inline errors and refuse to run)
//! and by the worker (which never trusts its input).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

mod validate;
pub use validate::validate;

/// What one parameter is and which values it allows.
#[derive(Debug)]
pub struct ParamSpec {
    /// Name in the URL, the form and the test hooks (`param-<name>`).
    pub name: &'static str,
    /// Label in the form.
    pub label: &'static str,
    /// One line of help shown under the field.
    pub help: &'static str,
    /// The allowed values.
    pub kind: ParamKind,
    /// Default value, as text.
    pub default: &'static str,
}

/// The allowed values of a parameter.
#[derive(Clone, Copy, Debug)]
pub enum ParamKind {
    /// A whole number in `min ..= max`.
    Int {
        /// Smallest allowed value.
        min: u64,
        /// Largest allowed value.
        max: u64,
    },
    /// A comma-separated list of whole numbers in `min ..= max`, at most
    /// `max_len` of them; kept sorted and without repeats.
    IntList {
        /// Smallest allowed value.
        min: u64,
        /// Largest allowed value.
        max: u64,
        /// Most values allowed.
        max_len: usize,
    },
    /// A comma-separated list of shapes `<count>x<chars>` (e.g. `100x10`),
    /// each factor in `1 ..= max_factor`, at most `max_len` of them, their
    /// products (the sizes of the sweep) at most `max_total` and distinct.
    ShapeList {
        /// Largest count or length.
        max_factor: u64,
        /// Largest product.
        max_total: u64,
        /// Most shapes allowed.
        max_len: usize,
    },
    /// A comma-separated list of whole numbers in `min ..= max`, one per
    /// axis of an array: kept in order, repeats allowed.
    Dims {
        /// Smallest allowed value.
        min: u64,
        /// Largest allowed value.
        max: u64,
        /// Most axes allowed.
        max_len: usize,
    },
    /// Per axis, NumPy's half-open slice `start:stop`, comma-separated,
    /// with `start < stop ≤ max`.
    Slices {
        /// Largest allowed stop.
        max: u64,
        /// Most axes allowed.
        max_len: usize,
    },
    /// One word out of `options`.
    Choice {
        /// The allowed words.
        options: &'static [&'static str],
    },
}

impl ParamKind {
    /// The allowed range in words, for help and error messages.
    pub fn allowed(&self) -> String {
        match *self {
            ParamKind::Int { min, max } => format!("a whole number from {min} to {max}"),
            ParamKind::IntList { min, max, max_len } => {
                format!("1 to {max_len} comma-separated whole numbers from {min} to {max}")
            }
            ParamKind::ShapeList {
                max_factor,
                max_total,
                max_len,
            } => format!(
                "1 to {max_len} comma-separated <count>x<length> pairs, each from 1 to {max_factor}, \
                 count × length at most {max_total}"
            ),
            ParamKind::Dims { min, max, max_len } => {
                format!("1 to {max_len} comma-separated whole numbers from {min} to {max}, one per axis")
            }
            ParamKind::Slices { max, max_len } => format!(
                "1 to {max_len} comma-separated start:stop slices, one per axis, with start < stop ≤ {max}"
            ),
            ParamKind::Choice { options } => format!("one of {}", options.join(", ")),
        }
    }
}

/// A parsed, valid parameter value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ParamValue {
    /// A whole number.
    Int(u64),
    /// A sorted list of distinct whole numbers.
    IntList(Vec<u64>),
    /// One of the words of a choice.
    Text(String),
    /// Shapes `(count, length)`, by increasing product; the products are
    /// the sizes of the sweep.
    Shapes(Vec<(u64, u64)>, Vec<u64>),
    /// One whole number per axis, in order.
    Dims(Vec<u64>),
    /// One `(start, stop)` per axis, `start < stop`.
    Slices(Vec<(u64, u64)>),
}

/// Parsed values of all parameters of an exercise, by name.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ParamValues(pub BTreeMap<String, ParamValue>);

impl ParamValues {
    /// A whole-number parameter. Panics if the exercise has no such
    /// parameter: that is a bug in the exercise, caught by registry tests.
    pub fn int(&self, name: &str) -> u64 {
        match self.0.get(name) {
            Some(ParamValue::Int(value)) => *value,
            other => panic!("parameter {name} is not a whole number: {other:?}"),
        }
    }

    /// A choice parameter; panics like [`ParamValues::int`].
    pub fn text(&self, name: &str) -> &str {
        match self.0.get(name) {
            Some(ParamValue::Text(value)) => value,
            other => panic!("parameter {name} is not a choice: {other:?}"),
        }
    }

    /// A list parameter; panics like [`ParamValues::int`].
    pub fn list(&self, name: &str) -> &[u64] {
        match self.0.get(name) {
            Some(ParamValue::IntList(values) | ParamValue::Shapes(_, values) | ParamValue::Dims(values)) => {
                values
            }
            other => panic!("parameter {name} is not a list: {other:?}"),
        }
    }

    /// A shape-list parameter; panics like [`ParamValues::int`].
    pub fn shapes(&self, name: &str) -> &[(u64, u64)] {
        match self.0.get(name) {
            Some(ParamValue::Shapes(shapes, _) | ParamValue::Slices(shapes)) => shapes,
            other => panic!("parameter {name} is not a list of shapes: {other:?}"),
        }
    }
}

/// A parameter whose text is not allowed, with a message naming the field
/// and the allowed range.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParamError {
    /// The parameter's name.
    pub name: String,
    /// What is wrong, in words (lower-case, no final period).
    pub message: String,
}

/// Parses one parameter's text.
pub fn parse_one(spec: &ParamSpec, text: &str) -> Result<ParamValue, ParamError> {
    let error = |what: String| ParamError {
        name: spec.name.to_string(),
        message: format!("{}: {what}; allowed: {}", spec.name, spec.kind.allowed()),
    };
    let number = |item: &str, min: u64, max: u64| -> Result<u64, ParamError> {
        let item = item.trim();
        if item.is_empty() {
            return Err(error("a value is missing".into()));
        }
        if let Some(digits) = item.strip_prefix('-')
            && !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(error(format!("{item} is negative")));
        }
        if !item.bytes().all(|b| b.is_ascii_digit()) {
            return Err(error(format!(
                "\"{}\" is not a whole number",
                shorten(item)
            )));
        }
        match item.parse::<u64>() {
            Ok(value) if (min..=max).contains(&value) => Ok(value),
            Ok(value) if value < min => Err(error(format!("{value} is too small"))),
            _ => Err(error(format!("{} is too large", shorten(item)))),
        }
    };
    match spec.kind {
        ParamKind::Int { min, max } => number(text, min, max).map(ParamValue::Int),
        ParamKind::Choice { options } => {
            let word = text.trim().to_ascii_lowercase();
            match options.iter().find(|option| **option == word) {
                Some(option) => Ok(ParamValue::Text(option.to_string())),
                None => Err(error(format!(
                    "\"{}\" is not an option",
                    shorten(text.trim())
                ))),
            }
        }
        ParamKind::IntList { min, max, max_len } => {
            let items = list_items(text, max_len).map_err(error)?;
            let mut values = items
                .into_iter()
                .map(|item| number(item, min, max))
                .collect::<Result<Vec<_>, _>>()?;
            values.sort_unstable();
            values.dedup();
            Ok(ParamValue::IntList(values))
        }
        ParamKind::Dims { min, max, max_len } => {
            let items = list_items(text, max_len).map_err(error)?;
            let values = items
                .into_iter()
                .map(|item| number(item, min, max))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(ParamValue::Dims(values))
        }
        ParamKind::Slices { max, max_len } => {
            let items = list_items(text, max_len).map_err(error)?;
            let mut slices = Vec::new();
            for item in items {
                let Some((start, stop)) = item.split_once(':') else {
                    return Err(error(format!("\"{}\" is not start:stop", shorten(item.trim()))));
                };
                let (start, stop) = (number(start, 0, max)?, number(stop, 0, max)?);
                if start >= stop {
                    return Err(error(format!("{start}:{stop} is empty")));
                }
                slices.push((start, stop));
            }
            Ok(ParamValue::Slices(slices))
        }
        ParamKind::ShapeList {
            max_factor,
            max_total,
            max_len,
        } => {
            let items = list_items(text, max_len).map_err(error)?;
            let mut shapes = Vec::new();
            for item in items {
                let Some((count, length)) = item
                    .trim()
                    .to_ascii_lowercase()
                    .split_once('x')
                    .map(|(a, b)| (a.to_string(), b.to_string()))
                else {
                    return Err(error(format!(
                        "\"{}\" is not <count>x<length>",
                        shorten(item.trim())
                    )));
                };
                let (count, length) = (
                    number(&count, 1, max_factor)?,
                    number(&length, 1, max_factor)?,
                );
                if count * length > max_total {
                    return Err(error(format!("{count}x{length} is too large")));
                }
                shapes.push((count, length));
            }
            shapes.sort_unstable_by_key(|&(count, length)| (count * length, count));
            shapes.dedup();
            if let Some(pair) = shapes
                .windows(2)
                .find(|pair| pair[0].0 * pair[0].1 == pair[1].0 * pair[1].1)
            {
                let [(a, b), (c, d)] = [pair[0], pair[1]];
                return Err(error(format!(
                    "{a}x{b} and {c}x{d} have the same total length, the size the sweep is plotted by"
                )));
            }
            let sizes = shapes
                .iter()
                .map(|&(count, length)| count * length)
                .collect();
            Ok(ParamValue::Shapes(shapes, sizes))
        }
    }
}

/// The comma-separated items of a list parameter, or what is wrong with
/// the list as a whole (empty, too long).
fn list_items(text: &str, max_len: usize) -> Result<Vec<&str>, String> {
    if text.trim().is_empty() {
        return Err("no value given".into());
    }
    let items: Vec<&str> = text.split(',').collect();
    if items.len() > max_len {
        return Err(format!("{} values given", items.len()));
    }
    Ok(items)
}

/// Keeps error messages short when the input is absurdly long.
fn shorten(text: &str) -> String {
    const MOST: usize = 24;
    match text.char_indices().nth(MOST) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

/// Parses the raw text of every parameter in `specs`; a parameter missing
/// from `raw` takes its default. Names not in `specs` are ignored.
pub fn parse<'a>(
    specs: impl IntoIterator<Item = &'a ParamSpec>,
    raw: &BTreeMap<String, String>,
) -> Result<ParamValues, Vec<ParamError>> {
    let mut values = ParamValues::default();
    let mut errors = Vec::new();
    for spec in specs {
        let text = raw.get(spec.name).map_or(spec.default, String::as_str);
        match parse_one(spec, text) {
            Ok(value) => {
                values.0.insert(spec.name.to_string(), value);
            }
            Err(error) => errors.push(error),
        }
    }
    if errors.is_empty() {
        Ok(values)
    } else {
        Err(errors)
    }
}

/// Reads `name=value` pairs from a URL query string (with or without the
/// leading `?`); of a repeated name, the last wins.
pub fn from_query(query: &str) -> BTreeMap<String, String> {
    form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect()
}

/// Writes `name=value` pairs as a query string (without the `?`), in the
/// given order. Commas stay readable: `sizes=100,1000`.
pub fn to_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    pairs
        .into_iter()
        .map(|(name, value)| {
            let encode =
                |text: &str| form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>();
            format!("{}={}", encode(name), encode(value).replace("%2C", ","))
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The Rust type of each kind of parameter, named like the kind, so the
/// [`params!`](crate::params!) macro can spell a field's type from its kind.
pub mod typed {
    /// [`ParamKind::Int`](super::ParamKind::Int).
    pub type Int = u64;
    /// [`ParamKind::IntList`](super::ParamKind::IntList): sorted, distinct.
    pub type IntList = Vec<u64>;
    /// [`ParamKind::ShapeList`](super::ParamKind::ShapeList): `(count,
    /// length)` by increasing product.
    pub type ShapeList = Vec<(u64, u64)>;
    /// [`ParamKind::Dims`](super::ParamKind::Dims): one per axis.
    pub type Dims = Vec<u64>;
    /// [`ParamKind::Slices`](super::ParamKind::Slices): `(start, stop)`
    /// per axis.
    pub type Slices = Vec<(u64, u64)>;
    /// [`ParamKind::Choice`](super::ParamKind::Choice): one of its words.
    pub type Choice = String;
}

/// A typed parameter set, decoded from values that [`parse`] or
/// [`validate`] accepted for the same specs.
pub trait FromValues {
    /// Decodes `values`. Values the specs accepted always decode; anything
    /// else is a bug in the caller, which panics naming the field.
    fn from_values(values: &ParamValues) -> Self;
}

/// Decodes one field of a typed parameter set.
pub trait FromValue: Sized {
    /// The field `name` of `values`.
    fn from_value(values: &ParamValues, name: &str) -> Self;
}

impl FromValue for u64 {
    fn from_value(values: &ParamValues, name: &str) -> Self {
        values.int(name)
    }
}

impl FromValue for Vec<u64> {
    fn from_value(values: &ParamValues, name: &str) -> Self {
        values.list(name).to_vec()
    }
}

impl FromValue for Vec<(u64, u64)> {
    fn from_value(values: &ParamValues, name: &str) -> Self {
        values.shapes(name).to_vec()
    }
}

impl FromValue for String {
    fn from_value(values: &ParamValues, name: &str) -> Self {
        values.text(name).to_string()
    }
}

/// Declares an exercise's parameters once: the specs the form, the URL and
/// the validation use (a `static` slice), and a struct with one typed
/// field per parameter, which the runner reads. A field's name is its
/// parameter's name, so a typo is a compile error, not a lookup that
/// panics at run time.
///
/// ```
/// exercises::params! {
///     /// The parameters of an example.
///     pub struct Params in PARAMS {
///         sizes: IntList { min: 1, max: 1000, max_len: 4 } = "10,100",
///             "sizes (n)", "list lengths to time";
///         seed: Int { min: 0, max: 9 } = "1", "seed", "the same seed gives the same input";
///     }
/// }
/// let specs = PARAMS.iter().chain(exercises::COMMON_PARAMS);
/// let values = exercises::params::parse(specs, &Default::default()).unwrap();
/// let params = <Params as exercises::params::FromValues>::from_values(&values);
/// assert_eq!((params.sizes, params.seed), (vec![10, 100], 1));
/// ```
#[macro_export]
macro_rules! params {
    (
        @specs $vis:vis $specs:ident {
            $(
                $field:ident : $kind:ident { $($key:ident : $value:expr),* }
                    = $default:expr, $label:expr, $help:expr;
            )*
        }
    ) => {
        /// The parameters' specs, in the form's order.
        $vis static $specs: &[$crate::params::ParamSpec] = &[
            $($crate::params::ParamSpec {
                name: stringify!($field),
                label: $label,
                help: $help,
                kind: $crate::params::ParamKind::$kind { $($key: $value),* },
                default: $default,
            }),*
        ];
    };
    // The common settings themselves: no `common` field.
    (
        @common
        $(#[$meta:meta])*
        $vis:vis struct $name:ident in $specs:ident {
            $(
                $field:ident : $kind:ident { $($key:ident : $value:expr),* $(,)? }
                    = $default:expr, $label:expr, $help:expr;
            )*
        }
    ) => {
        $crate::params!(@specs $vis $specs { $($field: $kind { $($key: $value),* } = $default, $label, $help;)* });

        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq)]
        $vis struct $name {
            $(
                #[doc = $label]
                pub $field: $crate::params::typed::$kind,
            )*
        }

        impl $crate::params::FromValues for $name {
            fn from_values(values: &$crate::params::ParamValues) -> Self {
                $name {
                    $($field: $crate::params::FromValue::from_value(values, stringify!($field)),)*
                }
            }
        }
    };
    // An exercise's parameters, with the common settings as `common`.
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident in $specs:ident {
            $(
                $field:ident : $kind:ident { $($key:ident : $value:expr),* $(,)? }
                    = $default:expr, $label:expr, $help:expr;
            )*
        }
    ) => {
        $crate::params!(@specs $vis $specs { $($field: $kind { $($key: $value),* } = $default, $label, $help;)* });

        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq)]
        #[allow(dead_code, reason = "the runners read it; the app, built without them, may not")]
        $vis struct $name {
            $(
                #[doc = $label]
                pub $field: $crate::params::typed::$kind,
            )*
            /// The run settings every exercise has.
            pub common: $crate::Common,
        }

        impl $crate::params::FromValues for $name {
            fn from_values(values: &$crate::params::ParamValues) -> Self {
                $name {
                    $($field: $crate::params::FromValue::from_value(values, stringify!($field)),)*
                    common: $crate::params::FromValues::from_values(values),
                }
            }
        }
    };
}
