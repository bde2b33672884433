//! Letters whose reference is `"auto"`: which register book and series they
//! are numbered in, how their reference prints, and what the register records
//! about them. Everything here is decided from the document and its agency
//! profile before any number is taken.

use crate::agency::Agencies;
use crate::agency::Agency;
use crate::error::{Problem, Problems};
use crate::model::{AgencyRef, Document, Kind, Reference};
use crate::register::{Allocation, LetterDetails, Series, current_year_be, year_be_of_date};
use crate::thai::{
    DigitStyle, ReferenceNumber, format_draft_reference, format_reference, validate_agency_code,
};
use crate::view::{self, Prepared};

/// Longest recipient list kept in the register row of a circular numbered once
/// for many recipients; the rest are counted.
const MAX_RECIPIENTS_TEXT: usize = 4000;

/// True when the document asks the register for its number.
pub fn is_auto(doc: &Document) -> bool {
    matches!(doc.reference, Some(Reference::Auto))
}

/// Where an `"auto"` letter takes its number, and how the number prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The agency's profile id: whose register, and whose API key is needed.
    pub agency: String,
    /// Normal letters and memos, circulars (ว) or orders.
    pub series: Series,
    /// The agency code printed before the number; empty for `number/year`.
    pub code: String,
    /// Prints `/year` after the number (orders, and memos of agencies without
    /// a code).
    pub year_in_reference: bool,
    /// The agency's digits.
    pub digits: DigitStyle,
    /// The Buddhist-era year of the register book: the letter's date, or now.
    pub year_be: i32,
}

impl Plan {
    /// The plan of `doc`, sent by `agency` (its resolved profile). Problems name
    /// the field that keeps the letter from being numbered.
    pub fn of(doc: &Document, agency: &Agency) -> Result<Plan, Problems> {
        let mut p = Problems::default();
        let id = match &doc.agency {
            AgencyRef::Id(id) => id.trim().to_string(),
            AgencyRef::Inline(a) => match a.id.as_deref().map(str::trim) {
                Some(id) if !id.is_empty() => id.to_string(),
                _ => {
                    p.push(
                        "agency.id",
                        "is required to number a letter from the register: an inline profile \
                         needs the id of the agency whose register it uses",
                    );
                    String::new()
                }
            },
        };
        let code = agency
            .code
            .as_deref()
            .unwrap_or_default()
            .trim()
            .to_string();
        let code_field = match &doc.agency {
            AgencyRef::Id(_) => "agency",
            AgencyRef::Inline(_) => "agency.code",
        };
        let (series, code, year_in_reference) = match doc.kind {
            Kind::Announcement
            | Kind::Standard
            | Kind::Regulation
            | Kind::Bylaw
            | Kind::Statement
            | Kind::News
            | Kind::Minutes => {
                p.push(
                    "reference",
                    format!(
                        "the register does not number a document of kind '{}': leave \"auto\" out \
                         (an announcement's own number may be given as text)",
                        doc.kind.name()
                    ),
                );
                (Series::Normal, String::new(), false)
            }
            // An order has a register of its own and prints `๑๒๓/๒๕๖๗`.
            Kind::Order => (Series::Order, String::new(), true),
            // A memo prints the agency code when the agency has one, or
            // `number/year` (`๙๒/๒๕๖๓`) when it has none.
            Kind::Memo if code.is_empty() => (Series::Normal, String::new(), true),
            Kind::Memo => (Series::Normal, code, false),
            // A stamped letter and a certificate take the agency's letter numbers.
            Kind::External | Kind::Circular | Kind::Stamped | Kind::Certificate => {
                if code.is_empty() {
                    p.push(
                        code_field,
                        "the agency has no code (ขก 0017.5): a numbered letter prints \
                         `ที่ <code>/<number>`",
                    );
                }
                let series = if doc.kind == Kind::Circular {
                    Series::Circular
                } else {
                    Series::Normal
                };
                (series, code, false)
            }
        };
        if !code.is_empty()
            && let Err(e) = validate_agency_code(&code)
        {
            p.push(code_field, e);
        }
        // A bad date is reported by the document's own check; the year then
        // falls back to now only for the placeholder.
        let year_be = doc
            .date
            .as_deref()
            .and_then(|d| year_be_of_date(d.trim()).ok())
            .unwrap_or_else(current_year_be);

        p.into_result(Plan {
            agency: id,
            series,
            code,
            year_in_reference,
            digits: agency.digits,
            year_be,
        })
    }

    /// The reference `number` prints as, exactly as the register will print it.
    pub fn reference(&self, number: u32) -> String {
        format_reference(&self.reference_number(number), self.digits)
    }

    /// The reference of a draft (a preview before the register numbers it):
    /// everything the register will print but the number.
    pub fn draft_reference(&self) -> String {
        format_draft_reference(&self.reference_number(0), self.digits)
    }

    fn reference_number(&self, number: u32) -> ReferenceNumber {
        ReferenceNumber {
            code: self.code.clone(),
            circular: self.series.is_circular(),
            number,
            width: 0,
            year_be: self.year_in_reference.then_some(self.year_be),
        }
    }

    /// The request for one number per entry of `letters`.
    pub fn allocation(
        &self,
        letters: Vec<LetterDetails>,
        idempotency_key: Option<String>,
        request_hash: String,
        api_key_id: Option<String>,
    ) -> Allocation {
        Allocation {
            agency: self.agency.clone(),
            series: self.series,
            year_be: self.year_be,
            code: self.code.clone(),
            year_in_reference: self.year_in_reference,
            digits: self.digits,
            idempotency_key,
            request_hash,
            api_key_id,
            letters,
        }
    }

    /// How a batch letter's plan differs from the first letter's, for a problem.
    pub fn describe(&self) -> String {
        format!(
            "the {} series of {}'s register for {}",
            self.series, self.agency, self.year_be
        )
    }
}

/// Days since the first of January in Bangkok (0 on New Year's Day).
fn days_into_year() -> u16 {
    let now = time::OffsetDateTime::now_utc()
        .to_offset(time::UtcOffset::from_hms(7, 0, 0).expect("+07:00 is valid"));
    now.ordinal() - 1
}

/// Only this year's book is open: a letter dated in another year is not
/// numbered (its book is closed, or not yet begun), except last year's in
/// the first fortnight of January, for letters signed before New Year.
pub fn open_year(year_be: i32, now_be: i32, days_into_year: u16) -> Result<(), String> {
    if year_be == now_be || (year_be + 1 == now_be && days_into_year < 14) {
        return Ok(());
    }
    Err(format!(
        "is in {year_be}; the register numbers letters of this year ({now_be}) only: a number \
         from a closed or future year's book cannot be issued now"
    ))
}

/// What an `"auto"` document's preview prints after `ที่`: its agency's code
/// and series with a dotted space for the number the register has not yet
/// given. A preview takes no number.
pub fn draft_reference(doc: &Document, agencies: &Agencies) -> String {
    agencies
        .resolve(&doc.agency)
        .ok()
        .and_then(|agency| Plan::of(doc, &agency).ok())
        .map(|plan| plan.draft_reference())
        .unwrap_or_else(|| crate::thai::DRAFT_NUMBER.to_string())
}

/// Checks an `"auto"` document as it will be rendered, with a stand-in for the
/// number: every problem comes back before a number is taken. Returns the plan.
///
/// Unless `any_year`, a letter dated in another year than this one is refused
/// (see [`open_year`]).
pub fn check(
    doc: &Document,
    agencies: &Agencies,
    any_year: bool,
) -> Result<(Plan, Prepared, Agency), Problems> {
    let agency = agencies.resolve(&doc.agency)?;
    let agency = &agency;
    let mut plan = Plan::of(doc, agency);
    if let Ok(ok) = &plan
        && !any_year
        && let Err(e) = open_year(ok.year_be, current_year_be(), days_into_year())
    {
        plan = Err(Problems::one(crate::error::Problem::new("date", e)));
    }
    if let Err(p) = stored_profile(doc, agencies) {
        plan = Err(match plan {
            Ok(_) => p,
            Err(mut all) => {
                all.0.extend(p.0);
                all
            }
        });
    }
    // The widest number a year is likely to reach, so the check sees a
    // realistic line.
    let placeholder = match &plan {
        Ok(plan) => plan.reference(99_999),
        Err(_) => "99999".to_string(),
    };
    let prepared = view::prepare_unchunked(doc, agency, Some(&placeholder));
    match (plan, prepared) {
        (Ok(plan), Ok(prepared)) => Ok((plan, prepared, agency.clone())),
        (plan, prepared) => {
            let mut all = plan.err().unwrap_or_default();
            all.0.extend(prepared.err().unwrap_or_default().0);
            Err(all)
        }
    }
}

/// A letter numbered in an agency's register prints that agency's code and
/// name: an inline profile may be numbered only under the id of a stored
/// profile whose code and name it repeats (a key of one agency could
/// otherwise number letters that print another's).
fn stored_profile(doc: &Document, agencies: &Agencies) -> Result<(), Problems> {
    let AgencyRef::Inline(inline) = &doc.agency else {
        return Ok(());
    };
    let Some(id) = inline
        .id
        .as_deref()
        .map(str::trim)
        .filter(|id| !id.is_empty())
    else {
        // Plan::of names the missing id.
        return Ok(());
    };
    let Some(stored) = agencies.get(id) else {
        return Err(Problems::one(crate::error::Problem::new(
            "agency.id",
            format!(
                "'{id}' is not a stored agency profile: a letter numbered from the register \
                 needs its agency's stored profile (built in, or --agencies)"
            ),
        )));
    };
    let mut p = Problems::default();
    let same = |a: &Option<String>, b: &Option<String>| {
        a.as_deref().map(str::trim).unwrap_or_default()
            == b.as_deref().map(str::trim).unwrap_or_default()
    };
    if !same(&inline.code, &stored.code) {
        p.push(
            "agency.code",
            format!(
                "differs from the stored profile of '{id}' ({}): its register numbers only letters that print its own code",
                stored.code.as_deref().unwrap_or("no code")
            ),
        );
    }
    if inline.name.trim() != stored.name.trim() {
        p.push(
            "agency.name",
            format!(
                "differs from the stored profile of '{id}' ({}): its register numbers only letters in its own name",
                stored.name
            ),
        );
    }
    p.into_result(())
}

/// What the register records about one letter: its date, who sends it
/// (the memo's ส่วนราชการ, or the agency), to whom, and its subject.
pub fn details(doc: &Document, agency: &Agency) -> LetterDetails {
    let sender = match (doc.kind, &doc.department) {
        (Kind::Memo, Some(d)) if !d.trim().is_empty() => d.trim().to_string(),
        _ => agency.name.trim().to_string(),
    };
    let to = doc.addressee().map_or(doc.to.as_deref(), |(_, to)| to);
    let recipient = match (to, &doc.distribution) {
        (Some(to), _) if !to.trim().is_empty() => to.trim().to_string(),
        (_, Some(d)) => join_limited(crate::model::Recipient::names(&d.recipients)),
        _ => String::new(),
    };
    let subject = doc
        .subject
        .as_deref()
        .or(doc.title.as_deref())
        .unwrap_or(doc.kind.thai_name())
        .trim()
        .to_string();
    LetterDetails {
        // Kept as ISO however the letter gave it (`๑๕ มิถุนายน ๒๕๖๒` too).
        letter_date: doc
            .date
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(|d| {
                d.parse::<crate::thai::ThaiDate>()
                    .map_or(d.to_string(), |t| t.iso())
            }),
        sender,
        recipient,
        subject,
    }
}

/// The register row of a circular numbered once and sent to every letter's
/// addressee: the first letter's details, addressed to all of them.
pub fn details_of_circular<'a>(
    first: LetterDetails,
    recipients: impl Iterator<Item = &'a str>,
) -> LetterDetails {
    LetterDetails {
        recipient: join_limited(recipients),
        ..first
    }
}

/// Names joined with commas, cut short (and counted) past a few thousand
/// characters.
fn join_limited<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::new();
    let mut chars = 0;
    let mut left = 0usize;
    for name in names.map(str::trim).filter(|n| !n.is_empty()) {
        let len = name.chars().count();
        if left > 0 || chars + len + 2 > MAX_RECIPIENTS_TEXT {
            left += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(", ");
            chars += 2;
        }
        out.push_str(name);
        chars += len;
    }
    if left > 0 {
        out.push_str(&format!(" และอีก {left} ราย"));
    }
    out
}

/// A problem at `field` for the batch letter at `prefix`.
pub fn problem_at(prefix: &str, field: &str, message: impl Into<String>) -> Problem {
    Problem::new(crate::merge::join(prefix, field), message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agency::Agencies;

    fn doc(kind: &str, agency: &str, date: &str) -> Document {
        serde_json::from_value(serde_json::json!({
            "kind": kind, "agency": agency, "reference": "auto", "date": date,
            "subject": "ทดสอบ", "to": "ผู้ว่าราชการจังหวัด", "body": ["ย่อหน้า"],
            "signatory": {"name": "นายทดสอบ", "positions": ["ตำแหน่ง"]}
        }))
        .unwrap()
    }

    #[test]
    fn plans_by_kind() {
        let agencies = Agencies::built_in();
        let kk = agencies.get("khonkaen-province").unwrap();
        let d = doc("external", "khonkaen-province", "2025-06-15");
        assert!(is_auto(&d));
        let plan = Plan::of(&d, kk).unwrap();
        assert_eq!(
            (plan.series, plan.year_be, plan.year_in_reference),
            (Series::Normal, 2568, false)
        );
        assert_eq!(plan.reference(1), "ขก ๐๐๑๗.๕/๑");
        let plan = Plan::of(&doc("circular", "khonkaen-province", "2025-06-15"), kk).unwrap();
        assert_eq!(plan.reference(15), "ขก ๐๐๑๗.๕/ว ๑๕");
        let plan = Plan::of(&doc("order", "khonkaen-province", "2024-03-01"), kk).unwrap();
        assert_eq!(plan.series, Series::Order);
        assert_eq!(plan.reference(123), "๑๒๓/๒๕๖๗");
        let p = Plan::of(&doc("announcement", "khonkaen-province", "2024-03-01"), kk);
        assert_eq!(p.unwrap_err().0[0].field, "reference");
        let memo = doc("memo", "khonkaen-province", "2025-01-01");
        let (plan, _, _) = check(&memo, &agencies, true).unwrap();
        assert_eq!(plan.reference(2), "ขก ๐๐๑๗.๕/๒");
        // 2025 is a closed book now.
        let closed = check(&memo, &agencies, false).unwrap_err();
        assert_eq!(closed.0[0].field, "date");
    }

    #[test]
    fn only_this_years_book_is_open() {
        assert!(open_year(2569, 2569, 200).is_ok());
        // Letters signed before New Year, numbered in the first fortnight.
        assert!(open_year(2568, 2569, 3).is_ok());
        assert!(open_year(2568, 2569, 14).is_err());
        assert!(open_year(2570, 2569, 364).is_err());
        assert!(open_year(2443, 2569, 0).is_err());
    }

    #[test]
    fn recipient_lists_are_cut_and_counted() {
        let many: Vec<String> = (0..2000).map(|i| format!("ผู้รับ {i}")).collect();
        let text = join_limited(many.iter().map(String::as_str));
        assert!(text.chars().count() < MAX_RECIPIENTS_TEXT + 40);
        assert!(text.ends_with(" ราย"), "{text}");
        assert_eq!(join_limited(["ก", " ", "ข"].into_iter()), "ก, ข");
    }
}
