//! Thai titles in the JSON Schema, from [`super::fields`].

use serde_json::Value;

use super::fields;

/// What the schema's top-level `description` adds about its Thai.
pub const SCHEMA_NOTE: &str = "Every property has a Thai `title` (the label a form shows, \
     `signatory` → ผู้ลงนาม) and a Thai description in `x-description-th`; `description` \
     stays the English documentation. Each value of an enumeration (`oneOf` of `const`) has \
     a Thai `title` too.";

/// Gives every property of `schema` its Thai `title` and `x-description-th`,
/// and every `const` alternative of a `oneOf` its Thai `title`; a name the
/// table lacks is left without (the tests name it).
pub fn annotate_schema(schema: &mut Value) {
    if let Some(Value::String(d)) = schema.get_mut("description") {
        d.push_str("\n\n");
        d.push_str(SCHEMA_NOTE);
    }
    walk(schema);
}

fn walk(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get_mut("properties") {
                for (name, prop) in props.iter_mut() {
                    if let Value::Object(p) = prop {
                        if let Some(t) = fields::title(name) {
                            p.insert("title".into(), Value::from(t));
                        }
                        if let Some(d) = fields::description(name) {
                            p.insert("x-description-th".into(), Value::from(d));
                        }
                    }
                }
            }
            if let Some(Value::Array(alternatives)) = map.get_mut("oneOf") {
                for alt in alternatives.iter_mut() {
                    if let Value::Object(a) = alt
                        && let Some(Value::String(c)) = a.get("const")
                        && !a.contains_key("title")
                    {
                        let label = fields::value_label(c)
                            .map(str::to_string)
                            .or_else(|| thai(c).then(|| c.clone()));
                        if let Some(label) = label {
                            a.insert("title".into(), Value::from(label));
                        }
                    }
                }
            }
            for (_, child) in map.iter_mut() {
                walk(child);
            }
        }
        Value::Array(list) => list.iter_mut().for_each(walk),
        _ => {}
    }
}

/// A value written in Thai (`ด่วนที่สุด`, `กราบเรียน`) is its own label.
fn thai(s: &str) -> bool {
    s.chars().any(crate::linebreak::is_thai_letter)
}
