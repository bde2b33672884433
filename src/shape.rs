//! Every problem with a document's shape at once. serde stops at the first
//! problem, so a document it refuses is also held against the JSON Schema
//! (which states every rule of shape it can), and each other place the schema
//! refuses is named too: a clerk fixes them in one round, not one by one.

use std::sync::LazyLock;

use jsonschema::ValidationError;
use jsonschema::error::ValidationErrorKind;
use jsonschema::paths::{Location, LocationSegment};
use serde_json::Value;

use crate::error::{Problem, Problems};

/// The schema, compiled once.
static VALIDATOR: LazyLock<Option<jsonschema::Validator>> =
    LazyLock::new(|| jsonschema::validator_for(&crate::schema()).ok());

/// Longest message taken from the schema's validator (it quotes the value,
/// which may be a whole block).
const MAX_MESSAGE: usize = 200;

/// `first` (serde's problems with `json`) and every other place the schema
/// refuses; `first` alone when `json` is not JSON at all.
pub fn every_problem(json: &[u8], first: Problems) -> Problems {
    let (Ok(value), Some(validator)) = (serde_json::from_slice::<Value>(json), VALIDATOR.as_ref())
    else {
        return first;
    };
    let schema: Vec<(String, String)> = validator
        .iter_errors(&value)
        .flat_map(|e| described(&e))
        .collect();
    // serde names the block an untagged choice failed in (`body[2]`, an
    // inline `agency`); the schema names the field inside it
    // (`body[2].items[0].bold`), which says more.
    let mut problems = Problems::default();
    for p in first.0 {
        let deeper: Vec<&(String, String)> = schema
            .iter()
            .filter(|(field, _)| inside(&p.field, field))
            .collect();
        if deeper.is_empty() {
            problems.0.push(p);
        } else {
            for (field, message) in deeper {
                problems
                    .0
                    .push(Problem::new(field.clone(), message.clone()));
            }
        }
    }
    for (field, message) in schema {
        if !problems.0.iter().any(|p| overlaps(&p.field, &field)) {
            problems.0.push(Problem::new(field, message));
        }
    }
    problems
}

/// Where an error of the schema's is and what it says, in the words the
/// rest of saraban uses where they exist.
fn described(error: &ValidationError<'_>) -> Vec<(String, String)> {
    let field = field_path(error.instance_path());
    match error.kind() {
        // serde and the schema name a missing or unknown field at the
        // object: the problem is the field's.
        ValidationErrorKind::Required { property } => vec![(
            join(&field, property.as_str().unwrap_or_default()),
            "is required".to_string(),
        )],
        ValidationErrorKind::AdditionalProperties { unexpected } => unexpected
            .iter()
            .map(|name| (join(&field, name), "unknown field".to_string()))
            .collect(),
        // Not one of several forms: when all but one form are refused for
        // their type alone (an optional value is "null or ..."), the one
        // left says what is wrong.
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            let telling: Vec<&Vec<ValidationError<'static>>> = context
                .iter()
                .filter(|errors| {
                    !matches!(errors.as_slice(), [e] if matches!(e.kind(), ValidationErrorKind::Type { .. })
                        && field_path(e.instance_path()) == field)
                })
                .collect();
            // A tagged form whose tag is another (`"type": "members"` where
            // the block says `"list"`) is not the one meant: when one form
            // alone has its tag right, its own errors say what is wrong.
            let tagged: Vec<&&Vec<ValidationError<'static>>> = telling
                .iter()
                .filter(|errors| !errors.iter().any(|e| is_other_tag(e, &field)))
                .collect();
            if let [errors] = tagged.as_slice()
                && telling.len() > 1
                && !errors.is_empty()
            {
                return errors.iter().flat_map(described).collect();
            }
            // A choice of values (an enum written as one constant per value).
            let values: Vec<String> = telling
                .iter()
                .filter_map(|errors| match errors.as_slice() {
                    [e] => match e.kind() {
                        ValidationErrorKind::Constant { expected_value } => {
                            Some(expected_value.to_string())
                        }
                        _ => None,
                    },
                    _ => None,
                })
                .collect();
            match telling.as_slice() {
                [errors] if !errors.is_empty() => errors.iter().flat_map(described).collect(),
                _ if !values.is_empty() && values.len() == telling.len() => {
                    vec![(field, format!("is not one of {}", values.join(", ")))]
                }
                _ => vec![(field, without_value(error))],
            }
        }
        _ => vec![(field, without_value(error))],
    }
}

/// True when `error` says a property right under `field` is not the
/// constant a form is tagged with (the `type` of a typed block).
fn is_other_tag(error: &ValidationError<'_>, field: &str) -> bool {
    matches!(error.kind(), ValidationErrorKind::Constant { .. })
        && field_path(error.instance_path())
            .strip_prefix(field)
            .and_then(|rest| rest.strip_prefix('.'))
            .is_some_and(|key| !key.contains(['.', '[']))
}

/// The validator's text without the value it begins with, which may be a
/// whole block: the field path says where.
fn without_value(error: &ValidationError<'_>) -> String {
    let text = error.to_string();
    let value = error.instance().to_string();
    let message = match text.strip_prefix(&value) {
        Some(rest) if !value.is_empty() => rest.trim_start().to_string(),
        _ => text,
    };
    shorten(message)
}

/// A JSON pointer as the field paths problems use: `/body/2/rows/0` →
/// `body[2].rows[0]`.
fn field_path(location: &Location) -> String {
    let mut path = String::new();
    for segment in location.iter() {
        match segment {
            LocationSegment::Property(name) => path = join(&path, &name),
            LocationSegment::Index(i) => path.push_str(&format!("[{i}]")),
        }
    }
    path
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

/// True when one field holds the other (or they are the same): a problem
/// already named there says enough. The whole document holds only itself.
fn overlaps(a: &str, b: &str) -> bool {
    a == b || inside(a, b) || inside(b, a)
}

/// True when `inner` is a field within `outer` (`body[2].items` within
/// `body[2]`); nothing is within the whole document's empty path.
fn inside(outer: &str, inner: &str) -> bool {
    !outer.is_empty()
        && inner
            .strip_prefix(outer)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

fn shorten(message: String) -> String {
    if message.chars().count() <= MAX_MESSAGE {
        return message;
    }
    let mut short: String = message.chars().take(MAX_MESSAGE).collect();
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_hold_their_parts() {
        assert!(overlaps("body[2]", "body[2].rows[0].budget"));
        assert!(overlaps("signatory.name", "signatory"));
        assert!(!overlaps("body[2]", "body[20]"));
        assert!(!overlaps("", "subject"));
        assert!(overlaps("", ""));
    }
}
