//! The page every form is laid out on: A4 with the Regulation's margins, 3 cm
//! left, 2 cm right, 2.5 cm top and 2 cm bottom. The layout passes read it
//! here; the templates read the same numbers as `sys.inputs.page` (see
//! [`Page::inputs`]), so neither writes a margin of its own.

use typst::foundations::{Dict, IntoValue};

/// Points in a centimetre.
pub const CM: f64 = 72.0 / 2.54;

/// A page and its margins, in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Page {
    /// Paper width.
    pub width: f64,
    /// Paper height.
    pub height: f64,
    /// Left margin.
    pub left: f64,
    /// Right margin.
    pub right: f64,
    /// Top margin: where the body's first line box starts.
    pub top: f64,
    /// Bottom margin: where the body ends, from the paper's bottom edge.
    pub bottom: f64,
}

/// A4, as the Regulation sets it.
pub const PAGE: Page = Page {
    width: 21.0 * CM,
    height: 29.7 * CM,
    left: 3.0 * CM,
    right: 2.0 * CM,
    top: 2.5 * CM,
    bottom: 2.0 * CM,
};

impl Page {
    /// The width of the text, margin to margin (16 cm).
    pub const fn text_width(&self) -> f64 {
        self.width - self.left - self.right
    }

    /// Where the text ends on the right, from the paper's left edge.
    pub const fn text_right(&self) -> f64 {
        self.width - self.right
    }

    /// Where the body ends, from the paper's top edge.
    pub const fn body_bottom(&self) -> f64 {
        self.height - self.bottom
    }

    /// True for a line at `y` (from the top edge) inside the body, between
    /// the margins (not the page number above it nor the continuation below).
    pub fn in_body(&self, y: f64) -> bool {
        y > self.top && y < self.body_bottom()
    }

    /// The page as the templates read it (`sys.inputs.page`), in points.
    pub fn inputs(&self) -> Dict {
        let mut d = Dict::new();
        for (key, value) in [
            ("width", self.width),
            ("height", self.height),
            ("left", self.left),
            ("right", self.right),
            ("top", self.top),
            ("bottom", self.bottom),
        ] {
            d.insert(key.into(), value.into_value());
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_is_sixteen_centimetres_wide() {
        assert!((PAGE.text_width() - 16.0 * CM).abs() < 1e-9);
        assert!((PAGE.text_right() - 19.0 * CM).abs() < 1e-9);
        assert!(PAGE.in_body(3.0 * CM) && !PAGE.in_body(28.0 * CM) && !PAGE.in_body(2.0 * CM));
    }
}
