//! Cuts one function, with its doc comment, out of a kernel's source file,
//! so the page shows each variant's real code next to its numbers and the
//! kernels stay the single source of truth.

/// The text of `pub fn <name>(` (or `pub async fn`, or generic `<name><`),
/// from its first `///` line to the closing brace at the start of a line;
/// `None` if the file has no such function.
pub fn function<'a>(source: &'a str, name: &str) -> Option<&'a str> {
    // A variant named like a keyword (`dyn`) is a raw identifier.
    let signatures = ["pub fn", "pub async fn", "pub fn r#"].map(|keyword| {
        let space = if keyword.ends_with('#') { "" } else { " " };
        format!("{keyword}{space}{name}")
    });
    let is_signature = |line: &str| {
        signatures.iter().any(|signature| {
            line.strip_prefix(signature.as_str())
                .is_some_and(|rest| rest.starts_with('(') || rest.starts_with('<'))
        })
    };
    let mut offset = 0;
    let mut doc_start = None;
    for line in source.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with("///") {
            doc_start.get_or_insert(offset);
        } else if is_signature(line) {
            let start = doc_start.unwrap_or(offset);
            let body = &source[offset..];
            let end = body
                .find("\n}\n")
                .map(|i| i + 2)
                .or_else(|| body.ends_with("\n}").then_some(body.len()))?;
            return Some(&source[start..offset + end]);
        } else {
            doc_start = None;
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::function;

    const FILE: &str = "//! Module.\n\n/// Adds.\n/// Twice.\npub fn add(a: u32) -> u32 {\n    a + a\n}\n\npub fn sub(a: u32) -> u32 {\n    a\n}\n";

    #[test]
    fn cuts_a_function_with_its_doc_comment() {
        assert_eq!(
            function(FILE, "add"),
            Some("/// Adds.\n/// Twice.\npub fn add(a: u32) -> u32 {\n    a + a\n}")
        );
        assert_eq!(
            function(FILE, "sub"),
            Some("pub fn sub(a: u32) -> u32 {\n    a\n}")
        );
        assert_eq!(function(FILE, "mul"), None);
        assert_eq!(function(FILE, "ad"), None);
    }

    #[test]
    fn cuts_async_and_generic_functions() {
        let file = "/// Waits.\npub async fn wait<N: Net>(n: &N) {\n    n.go().await\n}\n\npub fn waiter() {}\n";
        assert_eq!(
            function(file, "wait"),
            Some("/// Waits.\npub async fn wait<N: Net>(n: &N) {\n    n.go().await\n}")
        );
        assert_eq!(function(file, "wai"), None);
    }

    #[test]
    fn cuts_a_function_named_like_a_keyword() {
        let file = "/// Through a vtable.\npub fn r#dyn(job: &Job) -> u64 {\n    0\n}\n";
        assert_eq!(
            function(file, "dyn"),
            Some("/// Through a vtable.\npub fn r#dyn(job: &Job) -> u64 {\n    0\n}")
        );
        assert_eq!(function(file, "dy"), None);
    }
}
