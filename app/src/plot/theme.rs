//! The colours plots are drawn in: the page's theme, light or dark. The
//! page reads them from its CSS custom properties (`--plot-paper`,
//! `--plot-ink`) and sets them before it draws; the host's tests draw in
//! the light theme.

use std::cell::Cell;

use plotters::prelude::*;

/// A plot's background and its text, axes and grid.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Theme {
    /// The background.
    pub paper: RGBColor,
    /// Text, axes and grid lines (grid lines as a faint mix of it).
    pub ink: RGBColor,
}

impl Theme {
    /// The light theme, the default.
    pub const LIGHT: Theme = Theme {
        paper: RGBColor(255, 255, 255),
        ink: RGBColor(29, 35, 43),
    };

    /// The theme of two CSS colours written `#rrggbb`; `None` if either
    /// is not.
    pub fn parse(paper: &str, ink: &str) -> Option<Theme> {
        Some(Theme {
            paper: hex(paper)?,
            ink: hex(ink)?,
        })
    }
}

fn hex(colour: &str) -> Option<RGBColor> {
    let digits = colour.trim().strip_prefix('#')?;
    if digits.len() != 6 {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(digits.get(i..i + 2)?, 16).ok();
    Some(RGBColor(byte(0)?, byte(2)?, byte(4)?))
}

thread_local! {
    static CURRENT: Cell<Theme> = const { Cell::new(Theme::LIGHT) };
}

/// Draws every following plot in `theme`.
pub fn set(theme: Theme) {
    CURRENT.with(|current| current.set(theme));
}

/// The background of the current theme.
pub fn paper() -> RGBColor {
    CURRENT.with(Cell::get).paper
}

/// The ink of the current theme.
pub fn ink() -> RGBColor {
    CURRENT.with(Cell::get).ink
}

/// Text of `size` pixels in the current theme's ink.
pub fn text(size: f64) -> TextStyle<'static> {
    ("sans-serif", size).into_font().color(&ink())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_colours_parse() {
        assert_eq!(
            Theme::parse(" #1c2127", "#E3E7EC"),
            Some(Theme {
                paper: RGBColor(0x1c, 0x21, 0x27),
                ink: RGBColor(0xe3, 0xe7, 0xec)
            })
        );
        assert_eq!(Theme::parse("white", "#000000"), None);
        assert_eq!(Theme::parse("#fff", "#000000"), None);
    }
}
