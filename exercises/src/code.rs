//! Each variant's code as the page shows it: a CPU variant's function cut
//! from its source file, a GPU variant's shader, highlighted when the site
//! is built. The `publish` binary writes one `code/<exercise id>.json` per
//! exercise (`exercise_code`), which the page fetches: neither WebAssembly
//! module carries the source text, and the kernels stay the one source of
//! truth.
//!
//! Rust is highlighted by tree-sitter's Rust grammar into a few CSS classes
//! (`hl-keyword`, `hl-function`, …). WGSL is shown plain: no WGSL grammar is
//! published for the tree-sitter the Rust grammar needs, and the Rust
//! grammar misreads WGSL's attributes and `var<…>`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tree_sitter_highlight::{HighlightConfiguration, HighlightEvent, Highlighter};

use crate::{Exercise, source};

/// The language of a piece of code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    /// A kernel's Rust function.
    Rust,
    /// A GPU variant's WGSL shader.
    Wgsl,
}

/// One variant's code.
#[derive(Clone, Debug)]
pub struct Code {
    /// The text, as in the source file.
    pub text: String,
    /// Its language.
    pub language: Language,
}

/// The repository's root, where `Exercise::source` paths start.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The code of variant `name`: its function, with its doc comment, cut
/// from the exercise's source file, or its shader.
pub fn variant_code(exercise: &Exercise, name: &str) -> Result<Code, String> {
    if let Some(gpu) = exercise.gpu_variant(name) {
        return Ok(Code {
            text: gpu.shader.to_string(),
            language: Language::Wgsl,
        });
    }
    let path = root().join(exercise.source);
    let file = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", exercise.source))?;
    let text = source::function(&file, name)
        .ok_or_else(|| format!("{}: no `pub fn {name}(`", exercise.source))?;
    Ok(Code {
        text: text.to_string(),
        language: Language::Rust,
    })
}

/// The grammar's capture names that get a class, most specific first
/// where one extends another (`function.macro` before `function`); the
/// class is `hl-` and the part before the first dot.
const CAPTURES: &[&str] = &[
    "attribute",
    "comment",
    "constant",
    "function.macro",
    "function",
    "keyword",
    "label",
    "string",
    "type",
];

fn class_of(capture: &str) -> String {
    let name = if capture == "function.macro" { "macro" } else { capture };
    format!("hl-{}", name.split('.').next().unwrap_or(name))
}

/// Escapes text for HTML.
fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

/// `code` as HTML: escaped text, with Rust's tokens in `<span class="hl-…">`.
pub fn highlight(code: &Code) -> Result<String, String> {
    let mut html = String::with_capacity(code.text.len() * 2);
    if code.language == Language::Wgsl {
        escape(&code.text, &mut html);
        return Ok(html);
    }
    let mut config = HighlightConfiguration::new(
        tree_sitter_rust::LANGUAGE.into(),
        "rust",
        tree_sitter_rust::HIGHLIGHTS_QUERY,
        tree_sitter_rust::INJECTIONS_QUERY,
        "",
    )
    .map_err(|e| format!("the Rust grammar's queries: {e}"))?;
    config.configure(CAPTURES);
    let classes: Vec<String> = CAPTURES.iter().map(|capture| class_of(capture)).collect();
    let mut highlighter = Highlighter::new();
    let events = highlighter
        .highlight(&config, code.text.as_bytes(), None, None, |_| None)
        .map_err(|e| format!("highlighting: {e}"))?;
    for event in events {
        match event.map_err(|e| format!("highlighting: {e}"))? {
            HighlightEvent::Source { start, end } => escape(&code.text[start..end], &mut html),
            HighlightEvent::HighlightStart(highlight) => {
                html.push_str(&format!("<span class=\"{}\">", classes[highlight.0]));
            }
            HighlightEvent::HighlightEnd => html.push_str("</span>"),
        }
    }
    Ok(html)
}

/// What `code/<id>.json` holds: per descriptor (the exercise and each
/// section, keyed by its source file), each variant's highlighted code.
pub type ExerciseCode = BTreeMap<String, BTreeMap<String, String>>;

/// The highlighted code of every variant of `exercise` and its sections.
pub fn exercise_code(exercise: &Exercise) -> Result<ExerciseCode, String> {
    let mut code = ExerciseCode::new();
    for descriptor in std::iter::once(exercise).chain(exercise.sections.iter().copied()) {
        let variants = code.entry(descriptor.source.to_string()).or_default();
        for variant in descriptor.all_variants() {
            let html = highlight(&variant_code(descriptor, variant.name)?)?;
            variants.insert(variant.name.to_string(), html);
        }
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_is_highlighted_and_escaped() {
        let code = Code {
            text: "/// Sums.\npub fn sum(v: &[u64]) -> u64 {\n    v.iter().sum::<u64>() // \"<all>\"\n}".into(),
            language: Language::Rust,
        };
        let html = highlight(&code).unwrap();
        assert!(html.contains("<span class=\"hl-comment\">/// Sums."), "{html}");
        assert!(html.contains("<span class=\"hl-keyword\">pub</span>"), "{html}");
        assert!(html.contains("<span class=\"hl-function\">sum</span>"), "{html}");
        assert!(html.contains("<span class=\"hl-type\">u64</span>"), "{html}");
        assert!(html.contains("&quot;&lt;all&gt;&quot;"), "{html}");
        // Nothing of the text is lost: without the tags it is the text.
        let mut plain = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                _ if !in_tag => plain.push(c),
                _ => {}
            }
        }
        let unescaped = plain
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&amp;", "&");
        assert_eq!(unescaped, code.text);
    }

    #[test]
    fn wgsl_is_escaped_only() {
        let code = Code {
            text: "var<storage> a: array<u32>;".into(),
            language: Language::Wgsl,
        };
        assert_eq!(highlight(&code).unwrap(), "var&lt;storage&gt; a: array&lt;u32&gt;;");
    }

    #[test]
    fn every_exercise_has_code_for_every_variant() {
        for exercise in crate::EXERCISES {
            let code = exercise_code(exercise).unwrap();
            let shown = code.get(exercise.source).unwrap();
            for variant in exercise.all_variants() {
                let html = shown.get(variant.name).unwrap();
                let what = format!("{}/{}", exercise.id, variant.name);
                match exercise.gpu_variant(variant.name) {
                    Some(gpu) => assert!(html.contains("@compute") && html.len() >= gpu.shader.len(), "{what}"),
                    None => assert!(html.contains("<span class=\"hl-function\">"), "{what}"),
                }
            }
        }
    }
}
