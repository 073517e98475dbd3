//! Seed exercise 8, "String concatenation": joining many strings into one.
//!
//! Every variant returns the same string; they differ in how often they
//! allocate and how many bytes they copy, which the worker's counting
//! allocator reports beside the times.

/// A concatenation kernel.
pub type Kernel = fn(&[String]) -> String;

/// Every variant by name, the naive port first.
pub const VARIANTS: [(&str, Kernel); 5] = [
    ("naive", naive),
    ("push_str", push_str),
    ("with_capacity", with_capacity),
    ("concat", concat),
    ("builder", builder),
];

/// The seed's `generate_test_data`: `count` strings of `chars` times `x`.
pub fn generate_test_data(count: usize, chars: usize) -> Vec<String> {
    vec!["x".repeat(chars); count]
}

/// The seed's `result += s` on an immutable string: every step allocates
/// a new string and copies everything so far into it, so `count` appends
/// copy about `count² × chars / 2` bytes. (CPython sometimes resizes in
/// place when nothing else refers to the string; that is an optimization
/// of the interpreter, not something the language promises.)
pub fn naive(strings: &[String]) -> String {
    let mut result = String::new();
    for s in strings {
        result = [result.as_str(), s.as_str()].concat();
    }
    result
}

/// One growable buffer: when it is full it doubles, so the total copying
/// is at most twice the final length (amortized O(1) per byte).
pub fn push_str(strings: &[String]) -> String {
    let mut result = String::new();
    for s in strings {
        result.push_str(s);
    }
    result
}

/// The exact length first, then one allocation and no copy of old data.
pub fn with_capacity(strings: &[String]) -> String {
    let mut result = String::with_capacity(strings.iter().map(String::len).sum());
    for s in strings {
        result.push_str(s);
    }
    result
}

/// The standard library's `concat` (`"".join(strings)`): it measures,
/// allocates once and copies each part once.
pub fn concat(strings: &[String]) -> String {
    strings.concat()
}

/// The seed's `StringBuilder` challenge: parts are kept by reference (no
/// copy on append) and joined into one exact allocation at the end.
pub fn builder(strings: &[String]) -> String {
    let mut builder = StringBuilder::new();
    for s in strings {
        builder.append(s);
    }
    builder.to_string()
}

/// Like Java's `StringBuilder`: `append` and `append_line` record borrowed
/// parts and a running length; `to_string` allocates once, exactly.
#[derive(Debug, Default)]
pub struct StringBuilder<'a> {
    parts: Vec<&'a str>,
    length: usize,
}

impl<'a> StringBuilder<'a> {
    /// An empty builder.
    pub fn new() -> Self {
        StringBuilder::default()
    }

    /// Appends `s`; returns the builder so calls chain.
    pub fn append(&mut self, s: &'a str) -> &mut Self {
        self.parts.push(s);
        self.length += s.len();
        self
    }

    /// Appends `s` and a line break.
    pub fn append_line(&mut self, s: &'a str) -> &mut Self {
        self.append(s).append("\n")
    }

    /// The length so far, in bytes, without building the string.
    pub fn len(&self) -> usize {
        self.length
    }

    /// Whether nothing was appended (or only empty strings).
    pub fn is_empty(&self) -> bool {
        self.length == 0
    }

    /// The string: one allocation of exactly `len()` bytes. Named as in the
    /// seed; `Display` would grow its buffer step by step instead.
    #[allow(clippy::inherent_to_string)]
    pub fn to_string(&self) -> String {
        let mut result = String::with_capacity(self.length);
        for part in &self.parts {
            result.push_str(part);
        }
        result
    }
}
