//! The page every form is laid out on: A4 with the Regulation's margins, 3 cm
//! left, 2 cm right, 2.5 cm top and 2 cm bottom. The layout passes read it
//! here; the templates read the same numbers from the virtual file
//! `/page.json` ([`PATH`], [`Page::json`]), so neither writes a margin of its
//! own.

/// Points in a millimetre.
pub const MM: f64 = 72.0 / 25.4;

/// Where the templates find the page (`json("/page.json")` in `lib.typ`).
pub const PATH: &str = "/page.json";

/// A page and its margins, in millimetres (whole ones: typst holds a length
/// in millimetres exactly, so the templates' page is this one to the bit).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Page {
    /// Paper width.
    pub width_mm: f64,
    /// Paper height.
    pub height_mm: f64,
    /// Left margin.
    pub left_mm: f64,
    /// Right margin.
    pub right_mm: f64,
    /// Top margin: where the body's first line box starts.
    pub top_mm: f64,
    /// Bottom margin: where the body ends, from the paper's bottom edge.
    pub bottom_mm: f64,
}

/// A4, as the Regulation sets it.
pub const PAGE: Page = Page {
    width_mm: 210.0,
    height_mm: 297.0,
    left_mm: 30.0,
    right_mm: 20.0,
    top_mm: 25.0,
    bottom_mm: 20.0,
};

impl Page {
    /// The left margin in points.
    pub const fn left(&self) -> f64 {
        self.left_mm * MM
    }

    /// The top margin in points: where the body starts, from the top edge.
    pub const fn top(&self) -> f64 {
        self.top_mm * MM
    }

    /// The bottom margin in points.
    pub const fn bottom(&self) -> f64 {
        self.bottom_mm * MM
    }

    /// The width of the text, margin to margin (16 cm), in points.
    pub const fn text_width(&self) -> f64 {
        (self.width_mm - self.left_mm - self.right_mm) * MM
    }

    /// Where the text ends on the right, from the paper's left edge, in points.
    pub const fn text_right(&self) -> f64 {
        (self.width_mm - self.right_mm) * MM
    }

    /// Where the body ends, from the paper's top edge, in points.
    pub const fn body_bottom(&self) -> f64 {
        (self.height_mm - self.bottom_mm) * MM
    }

    /// True for a line at `y` (pt from the top edge) inside the body, between
    /// the margins (not the page number above it nor the continuation below).
    pub fn in_body(&self, y: f64) -> bool {
        y > self.top() && y < self.body_bottom()
    }

    /// The page as the templates read it ([`PATH`]), in millimetres.
    pub fn json(&self) -> Vec<u8> {
        serde_json::to_vec(&serde_json::json!({
            "width_mm": self.width_mm,
            "height_mm": self.height_mm,
            "left_mm": self.left_mm,
            "right_mm": self.right_mm,
            "top_mm": self.top_mm,
            "bottom_mm": self.bottom_mm,
        }))
        .expect("numbers serialise")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_is_sixteen_centimetres_wide() {
        let cm = 10.0 * MM;
        assert!((PAGE.text_width() - 16.0 * cm).abs() < 1e-9);
        assert!((PAGE.text_right() - 19.0 * cm).abs() < 1e-9);
        assert!(PAGE.in_body(3.0 * cm) && !PAGE.in_body(28.0 * cm) && !PAGE.in_body(2.0 * cm));
    }
}
