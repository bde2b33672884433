//! The signature's page: never a signature block alone under fewer than
//! [`LINES_WITH_SIGNATURE`] lines of body text. The pass names the last body
//! lines of the page before, which the view then keeps with the signature.

use crate::frames;
use crate::geometry::PAGE;

use super::without_label;

/// Lines of body text the Regulation wants with the closing and signature.
const LINES_WITH_SIGNATURE: usize = 2;

/// When the signature block (the closing or date line, the signature, the
/// contact block) stands on a page with fewer than [`LINES_WITH_SIGNATURE`]
/// lines of body text above it, the last body lines of the page before, in
/// order, which the next pass carries over.
pub(super) fn signature_carry(
    lines: &[frames::Line],
    view: &crate::view::View,
) -> Option<Vec<String>> {
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let body = |l: &frames::Line| PAGE.in_body(l.y);
    // The signatory's name, or on an unsigned form the agency's name that
    // ends it (a stamped letter's with the initials after it).
    let unsigned = view.signatory.name.trim().is_empty();
    let name = if unsigned {
        squash(&view.agency_name)
    } else {
        squash(&format!("({})", view.signatory.name))
    };
    let at = lines.iter().rposition(|l| {
        body(l)
            && if unsigned {
                squash(&l.text).starts_with(&name)
            } else {
                // (Beside a second signatory's name, when the two sign side by side.)
                squash(&l.text).contains(&name)
            }
    })?;
    let page = lines[at].page;
    if page == 0 {
        return None;
    }
    // The block opens with the closing or date line, three lines of
    // signature space above the name, when there is one.
    let pitch = view.layout.line_pitch_pt;
    let above: Vec<&frames::Line> = lines[..at]
        .iter()
        .filter(|l| l.page == page && body(l))
        .collect();
    let opening = above
        .last()
        .filter(|l| lines[at].y - l.y > 2.5 * pitch)
        .map(|l| l.y)
        .unwrap_or(lines[at].y);
    let with = above.iter().filter(|l| l.y < opening - 1.0).count();
    if with >= LINES_WITH_SIGNATURE {
        return None;
    }
    let before: Vec<&frames::Line> = lines
        .iter()
        .filter(|l| l.page + 1 == page && body(l))
        .collect();
    // A line that opens a paragraph is indented; one that goes on is full
    // to the right margin.
    let opens = |l: &frames::Line| l.x0 > PAGE.left() + 1.0;
    let full = |l: &frames::Line| (l.x1 - PAGE.text_right()).abs() < 1.0;
    let mut n = (LINES_WITH_SIGNATURE - with).min(before.len());
    // Never one line of a paragraph alone on the signature's page (a widow)
    // nor at the foot of the page before (an orphan): take one more.
    for _ in 0..2 {
        let Some(first) = before.len().checked_sub(n) else {
            break;
        };
        if n == 0 || first == 0 || opens(before[first]) || !full(before[first - 1]) {
            break;
        }
        let own = before[first..].iter().take_while(|l| full(l)).count() + 1;
        if own == 1 || opens(before[first - 1]) {
            n = (n + 1).min(before.len());
        } else {
            break;
        }
    }
    (n > 0).then(|| {
        before[before.len() - n..]
            .iter()
            .map(|l| without_label(l.text.trim()).to_string())
            .collect()
    })
}
