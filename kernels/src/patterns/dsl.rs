//! Metaclasses and DSLs: Python builds classes at run time (a metaclass
//! can check fields, add validation, register the class); Rust's
//! `macro_rules!` writes the code at compile time. The macro below
//! declares a record with units and allowed ranges in one line per field;
//! it expands to a plain struct, a checked constructor and a table of
//! units, and [`EXPANSION`] is that expansion as text, made by the same
//! macro, so the page shows exactly what the compiler sees.

use std::collections::HashMap;
use std::hint::black_box;

/// Emits the items and keeps their text.
macro_rules! emit_and_show {
    ($($item:item)*) => {
        $($item)*
        /// The code the `record!` invocation expanded to.
        pub const EXPANSION: &str = stringify!($($item)*);
    };
}

/// `record!(Name { field: unit in low..=high, ... })`: a struct of `f64`
/// fields, `Name::new` that refuses a value out of its range with a
/// message naming the field and its unit, and `Name::UNITS`.
macro_rules! record {
    ($name:ident { $($field:ident : $unit:ident in $low:literal ..= $high:literal),* $(,)? }) => {
        emit_and_show! {
            /// A record declared by `record!`.
            #[derive(Clone, Copy, Debug, PartialEq)]
            pub struct $name { $(#[doc = stringify!($unit)] pub $field: f64),* }

            impl $name {
                /// Each field and its unit.
                pub const UNITS: &[(&str, &str)] = &[$((stringify!($field), stringify!($unit))),*];

                /// The record, or the first field outside its range.
                pub fn new($($field: f64),*) -> Result<$name, String> {
                    $(
                        if !($low..=$high).contains(&$field) {
                            return Err(format!(
                                "{} = {} {} is outside {} ..= {}",
                                stringify!($field), $field, stringify!($unit), $low, $high
                            ));
                        }
                    )*
                    Ok($name { $($field),* })
                }
            }
        }
    };
}

record!(Sample {
    temperature: kelvin in 0.0 ..= 10000.0,
    pressure: pascal in 0.0 ..= 1.0e9,
    volume: cubic_metre in 0.0 ..= 1.0e6,
});

/// The Python shape of the same record: a dict of named values, each
/// with its unit, checked at run time on every access by name.
pub struct DynamicRecord {
    fields: HashMap<String, (f64, &'static str)>,
}

impl DynamicRecord {
    /// A record with the three fields, checked as `Sample::new` checks.
    pub fn new(temperature: f64, pressure: f64, volume: f64) -> Result<DynamicRecord, String> {
        let mut fields = HashMap::new();
        for (name, value, unit, high) in [
            ("temperature", temperature, "kelvin", 10000.0),
            ("pressure", pressure, "pascal", 1.0e9),
            ("volume", volume, "cubic_metre", 1.0e6),
        ] {
            if !(0.0..=high).contains(&value) {
                return Err(format!("{name} = {value} {unit} is outside 0 ..= {high}"));
            }
            fields.insert(name.to_string(), (value, unit));
        }
        Ok(DynamicRecord { fields })
    }

    /// A field by name, as `getattr` finds it.
    pub fn get(&self, name: &str) -> Result<f64, String> {
        self.fields
            .get(name)
            .map(|&(value, _)| value)
            .ok_or_else(|| format!("no field {name}"))
    }
}

/// The readings every variant turns into records: `n` seeded triples in
/// range.
pub fn readings(n: usize, seed: u64) -> Vec<[f64; 3]> {
    super::items(n as u64, seed)
        .map(|i| {
            let x = super::mix(i) >> 11;
            let unit = x as f64 / (1u64 << 53) as f64;
            [200.0 + 100.0 * unit, 1.0e5 * (1.0 + unit), 1.0 + unit]
        })
        .collect()
}

/// A variant: build a record per reading and add up `p·V / T` (an amount
/// of gas, up to the gas constant); the sum, rounded to 10⁻⁶.
pub type Kernel = fn(&Vec<[f64; 3]>) -> u64;

/// Every variant by name, the dynamic record first.
pub const VARIANTS: [(&str, Kernel); 2] = [("dynamic", dynamic), ("typed", typed)];

/// The dynamic record: a map per record, fields found by name on every
/// access, as a Python object's `__dict__`.
pub fn dynamic(readings: &Vec<[f64; 3]>) -> u64 {
    let mut amount = 0.0;
    for &[t, p, v] in black_box(readings) {
        let record = DynamicRecord::new(t, p, v).expect("readings are in range");
        let (t, p, v) = (
            record.get("temperature").expect("declared"),
            record.get("pressure").expect("declared"),
            record.get("volume").expect("declared"),
        );
        amount += p * v / t;
    }
    (amount * 1e6).round() as u64
}

/// The macro's struct: the checks run once, in `new`; a field is an
/// offset known at compile time.
pub fn typed(readings: &Vec<[f64; 3]>) -> u64 {
    let mut amount = 0.0;
    for &[t, p, v] in black_box(readings) {
        let record = Sample::new(t, p, v).expect("readings are in range");
        amount += record.pressure * record.volume / record.temperature;
    }
    (amount * 1e6).round() as u64
}
