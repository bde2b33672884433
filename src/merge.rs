//! Mail merge: one document whose text fields hold handlebars placeholders
//! (`เรียน {{recipient.position}}`, `{{amount_words}}`), filled once per recipient.
//!
//! Templates are data, not HTML: nothing is escaped. Rendering is strict: a
//! placeholder whose variable is missing (or `null`) is an error naming the
//! recipient and the variable, never an empty hole in a letter.
//!
//! Each recipient's context is
//!
//! | variable | value |
//! |---|---|
//! | `recipient` | the recipient's object, as sent |
//! | `index` | 1-based position in the list |
//! | `seq` | `index` zero-padded to the width of `count` (`007`), for file names |
//! | `count` | how many recipients there are |
//! | `amount_words` | when the recipient has `amount`: the amount in Thai words (`หนึ่งพันบาทถ้วน`) |
//! | `amount_figures` | when the recipient has `amount`: in figures with Thai digits (`๑,๐๐๐`) |
//!
//! and three helpers: `{{baht_text x}}` (an amount in words), `{{baht x}}` (in
//! figures, Thai digits) and `{{thai_digits x}}` (ASCII digits to Thai digits).

use handlebars::template::{Template, TemplateElement};
use handlebars::{
    Context, Handlebars, Helper, HelperResult, Output, RenderContext, RenderError,
    RenderErrorReason,
};
use serde_json::{Map, Value};

use crate::error::Problem;
use crate::thai::{Baht, DigitStyle, baht_text, format_amount, to_thai_digits};

/// A document (or any JSON value) whose strings may hold placeholders, compiled once.
pub struct Merge {
    registry: Handlebars<'static>,
    template: Value,
    slots: Vec<Slot>,
}

/// One string of the template that holds a placeholder.
struct Slot {
    /// JSON pointer to the string (`/body/2`), for filling it in.
    pointer: String,
    /// The same place as a field path (`body[2]`), for problems.
    field: String,
}

/// Why a placeholder could not be filled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeError {
    /// Field path of the string within the template (`to`, `body[2]`).
    pub field: String,
    /// The missing variable (`recipient.position`), when that is what went wrong.
    pub variable: Option<String>,
    /// What went wrong, in words.
    pub message: String,
}

impl Merge {
    /// Compiles every string of `template` that contains `{{`. A placeholder that
    /// does not parse is a problem at its field, prefixed by `prefix` (`document`).
    pub fn new(template: Value, prefix: &str) -> Result<Merge, Vec<Problem>> {
        let mut registry = registry();
        let mut slots = Vec::new();
        let mut problems = Vec::new();
        let mut found = Vec::new();
        collect(&template, String::new(), String::new(), &mut found);
        for (pointer, field, text) in found {
            let name = pointer.clone();
            let compiled = registry
                .register_template_string(&name, text)
                .map_err(|e| format!("placeholder does not parse: {}", template_error(&e)))
                .and_then(|()| allowed(registry.get_template(&name)));
            match compiled {
                Ok(()) => slots.push(Slot { pointer, field }),
                Err(message) => problems.push(Problem::new(join(prefix, &field), message)),
            }
        }
        if problems.is_empty() {
            Ok(Merge {
                registry,
                template,
                slots,
            })
        } else {
            Err(problems)
        }
    }

    /// How many strings hold placeholders.
    pub fn placeholders(&self) -> usize {
        self.slots.len()
    }

    /// The template with every placeholder filled from `context`.
    pub fn apply(&self, context: &Value) -> Result<Value, MergeError> {
        let widest = widest(context);
        let mut steps = 0u64;
        for slot in &self.slots {
            if let Some(t) = self.registry.get_template(&slot.pointer) {
                steps = steps.saturating_add(steps_of(t, widest));
            }
            if steps > MAX_MERGE_STEPS {
                return Err(MergeError {
                    field: slot.field.clone(),
                    variable: None,
                    message: format!(
                        "the placeholders would repeat too often (#each over {widest} items, \
                         nested or many times); at most {MAX_MERGE_STEPS} steps a letter"
                    ),
                });
            }
        }
        let mut out = self.template.clone();
        for slot in &self.slots {
            let text = render_capped(&self.registry, &slot.pointer, context)
                .map_err(|e| describe(&slot.field, &e))?;
            if let Some(target) = out.pointer_mut(&slot.pointer) {
                *target = Value::String(text);
            }
        }
        Ok(out)
    }
}

/// A single template string (a file-name pattern, say), compiled once.
pub struct Pattern {
    registry: Handlebars<'static>,
}

impl Pattern {
    /// Compiles `text`; the error is the parser's message.
    pub fn new(text: &str) -> Result<Pattern, String> {
        let mut registry = registry();
        registry
            .register_template_string("pattern", text)
            .map_err(|e| template_error(&e))?;
        allowed(registry.get_template("pattern"))?;
        Ok(Pattern { registry })
    }

    /// Fills the pattern from `context`.
    pub fn apply(&self, context: &Value) -> Result<String, MergeError> {
        if steps_of_name(&self.registry, "pattern", widest(context)) > MAX_MERGE_STEPS {
            return Err(MergeError {
                field: String::new(),
                variable: None,
                message: format!(
                    "the pattern would repeat too often; at most {MAX_MERGE_STEPS} steps"
                ),
            });
        }
        render_capped(&self.registry, "pattern", context).map_err(|e| describe("", &e))
    }
}

/// The context a recipient's placeholders are filled from (see the module docs).
/// `Err` names the recipient's field that is wrong (`amount`).
pub fn context(
    recipient: Option<&Map<String, Value>>,
    index: usize,
    count: usize,
) -> Result<Value, Problem> {
    let mut ctx = Map::new();
    ctx.insert("index".into(), Value::from(index));
    ctx.insert("count".into(), Value::from(count));
    let width = count.to_string().len();
    ctx.insert("seq".into(), Value::from(format!("{index:0width$}")));
    if let Some(recipient) = recipient {
        if let Some(amount) = recipient.get("amount").filter(|a| !a.is_null()) {
            let baht = read_amount(amount).map_err(|m| Problem::new("amount", m))?;
            ctx.insert("amount_words".into(), Value::from(baht_text(baht)));
            ctx.insert(
                "amount_figures".into(),
                Value::from(format_amount(baht, DigitStyle::Thai)),
            );
        }
        let fields = Value::Object(recipient.clone());
        ctx.insert("recipient".into(), without_nulls(fields));
    }
    Ok(Value::Object(ctx))
}

/// The context of one whole document of a list: `index`, `seq` and `count` only.
pub fn index_context(index: usize, count: usize) -> Value {
    context(None, index, count).unwrap_or_default()
}

/// `null` counts as missing: removes null members so strict rendering reports them.
fn without_nulls(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

fn read_amount(v: &Value) -> Result<Baht, String> {
    match v {
        Value::Number(n) => {
            let f = n.as_f64().ok_or("not a number")?;
            Baht::from_f64(f).map_err(|e| e.to_string())
        }
        Value::String(s) => s.parse::<Baht>().map_err(|e| e.to_string()),
        _ => Err("must be a number or a decimal string".into()),
    }
}

/// At most this many template elements are evaluated to fill one letter,
/// counting every pass of an `#each` (a 9 KB body of nested `#each` over a long
/// list would otherwise run for minutes).
pub const MAX_MERGE_STEPS: u64 = 1_000_000;

/// A filled string longer than this many bytes stops the merge at once (the
/// field's own limit is [`crate::model::MAX_TEXT_CHARS`] characters).
const MAX_FILLED_BYTES: usize = crate::model::MAX_TEXT_CHARS * 4;

/// Partials (`{{> name}}`) and inline templates may include themselves or each
/// other (`"to": "{{> /body/0}}"`) without end; a letter needs neither.
fn allowed(template: Option<&Template>) -> Result<(), String> {
    fn walk(t: &Template) -> Result<(), String> {
        for e in &t.elements {
            match e {
                TemplateElement::PartialExpression(_) | TemplateElement::PartialBlock(_) => {
                    return Err("partials ({{> ...}}) are not supported in a letter".into());
                }
                TemplateElement::DecoratorExpression(_) | TemplateElement::DecoratorBlock(_) => {
                    return Err(
                        "inline templates and decorators ({{#* ...}}) are not supported in a letter"
                            .into(),
                    );
                }
                TemplateElement::HelperBlock(h) => {
                    for inner in [&h.template, &h.inverse].into_iter().flatten() {
                        walk(inner)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }
    template.map_or(Ok(()), walk)
}

/// How many elements filling `t` evaluates at most, when no list or object in
/// the context has more than `widest` members.
fn steps_of(t: &Template, widest: u64) -> u64 {
    t.elements.iter().fold(0u64, |acc, e| {
        let own = match e {
            TemplateElement::HelperBlock(h) => {
                let inner = [&h.template, &h.inverse]
                    .into_iter()
                    .flatten()
                    .map(|t| steps_of(t, widest))
                    .fold(0u64, u64::saturating_add);
                let loops = h.name.as_name().is_some_and(|n| n == "each");
                1u64.saturating_add(if loops {
                    inner.saturating_mul(widest)
                } else {
                    inner
                })
            }
            _ => 1,
        };
        acc.saturating_add(own)
    })
}

fn steps_of_name(registry: &Handlebars<'static>, name: &str, widest: u64) -> u64 {
    registry
        .get_template(name)
        .map_or(0, |t| steps_of(t, widest))
}

/// The most members any list or object of `v` has (at least 1).
fn widest(v: &Value) -> u64 {
    match v {
        Value::Array(a) => a.iter().map(widest).fold(a.len() as u64, u64::max),
        Value::Object(m) => m.values().map(widest).fold(m.len() as u64, u64::max),
        _ => 1,
    }
}

/// Renders template `name`, stopping as soon as the text passes [`MAX_FILLED_BYTES`].
fn render_capped(
    registry: &Handlebars<'static>,
    name: &str,
    context: &Value,
) -> Result<String, RenderError> {
    struct Capped(Vec<u8>);
    impl std::io::Write for Capped {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.0.len() + buf.len() > MAX_FILLED_BYTES {
                return Err(std::io::Error::other(TOO_LONG));
            }
            self.0.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut out = Capped(Vec::new());
    registry.render_to_write(name, context, &mut out)?;
    String::from_utf8(out.0).map_err(|e| RenderErrorReason::Other(e.to_string()).into())
}

const TOO_LONG: &str = "fills to more text than a field may have";

fn registry() -> Handlebars<'static> {
    let mut r = Handlebars::new();
    r.set_strict_mode(true);
    r.register_escape_fn(handlebars::no_escape);
    r.register_helper("baht_text", Box::new(baht_text_helper));
    r.register_helper("baht", Box::new(baht_helper));
    r.register_helper("thai_digits", Box::new(thai_digits_helper));
    r
}

/// Every string holding `{{`: (JSON pointer, field path, text).
fn collect(v: &Value, pointer: String, field: String, out: &mut Vec<(String, String, String)>) {
    match v {
        Value::String(s) if s.contains("{{") => out.push((pointer, field, s.clone())),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect(item, format!("{pointer}/{i}"), format!("{field}[{i}]"), out);
            }
        }
        Value::Object(m) => {
            for (k, item) in m {
                let escaped = k.replace('~', "~0").replace('/', "~1");
                collect(item, format!("{pointer}/{escaped}"), join(&field, k), out);
            }
        }
        _ => {}
    }
}

/// `a.b`, or either alone when the other is empty.
pub fn join(prefix: &str, field: &str) -> String {
    match (prefix.is_empty(), field.is_empty()) {
        (true, _) => field.to_string(),
        (_, true) => prefix.to_string(),
        _ if field.starts_with('[') => format!("{prefix}{field}"),
        _ => format!("{prefix}.{field}"),
    }
}

fn template_error(e: &handlebars::TemplateError) -> String {
    match e.pos() {
        Some((line, col)) => format!("{} (line {line}, column {col})", e.reason()),
        None => e.reason().to_string(),
    }
}

fn describe(field: &str, e: &RenderError) -> MergeError {
    match e.reason() {
        RenderErrorReason::MissingVariable(path) => {
            let variable = path.clone().unwrap_or_else(|| "?".into());
            MergeError {
                field: field.to_string(),
                message: format!("missing variable '{variable}'"),
                variable: Some(variable),
            }
        }
        RenderErrorReason::IOError(io) if io.to_string() == TOO_LONG => MergeError {
            field: field.to_string(),
            variable: None,
            message: TOO_LONG.to_string(),
        },
        reason => MergeError {
            field: field.to_string(),
            variable: None,
            message: reason.to_string(),
        },
    }
}

/// The first parameter of a helper, or the strict-mode error naming its variable.
fn param<'a>(h: &'a Helper, name: &'static str) -> Result<&'a Value, RenderError> {
    let p = h
        .param(0)
        .ok_or(RenderErrorReason::ParamNotFoundForIndex(name, 0))?;
    if p.is_value_missing() || p.value().is_null() {
        return Err(RenderErrorReason::MissingVariable(p.relative_path().cloned()).into());
    }
    Ok(p.value())
}

fn amount_param(h: &Helper, name: &'static str) -> Result<Baht, RenderError> {
    let v = param(h, name)?;
    read_amount(v).map_err(|m| {
        let what = h
            .param(0)
            .and_then(|p| p.relative_path().cloned())
            .unwrap_or_else(|| v.to_string());
        RenderErrorReason::Other(format!("{name}: {what}: {m}")).into()
    })
}

fn baht_text_helper(
    h: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let b = amount_param(h, "baht_text")?;
    out.write(&baht_text(b))?;
    Ok(())
}

fn baht_helper(
    h: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let b = amount_param(h, "baht")?;
    out.write(&format_amount(b, DigitStyle::Thai))?;
    Ok(())
}

fn thai_digits_helper(
    h: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let v = param(h, "thai_digits")?;
    let text = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    out.write(&to_thai_digits(&text))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ctx(r: Value, index: usize, count: usize) -> Result<Value, Problem> {
        context(r.as_object(), index, count)
    }

    #[test]
    fn fills_every_string_without_escaping() {
        let m = Merge::new(
            json!({"to": "เรียน {{recipient.position}}", "body": ["a & b {{amount_words}}", "plain"], "n": 3}),
            "document",
        )
        .unwrap();
        assert_eq!(m.placeholders(), 2);
        let ctx = ctx(json!({"position": "<นายอำเภอ>", "amount": 1500}), 1, 10).unwrap();
        let out = m.apply(&ctx).unwrap();
        assert_eq!(out["to"], "เรียน <นายอำเภอ>");
        assert_eq!(out["body"][0], "a & b หนึ่งพันห้าร้อยบาทถ้วน");
        assert_eq!(out["body"][1], "plain");
        assert_eq!(out["n"], 3);
    }

    #[test]
    fn missing_or_null_variable_is_named() {
        let m = Merge::new(json!({"body": ["x", "เรียน {{recipient.position}}"]}), "").unwrap();
        for r in [json!({"name": "a"}), json!({"position": null})] {
            let e = m.apply(&ctx(r, 1, 1).unwrap()).unwrap_err();
            assert_eq!(e.field, "body[1]");
            assert_eq!(e.variable.as_deref(), Some("recipient.position"));
        }
        let e = Merge::new(json!({"to": "{{baht_text recipient.total}}"}), "")
            .unwrap()
            .apply(&ctx(json!({}), 1, 1).unwrap())
            .unwrap_err();
        assert_eq!(e.variable.as_deref(), Some("recipient.total"));
    }

    #[test]
    fn helpers_and_bad_templates() {
        let m = Merge::new(
            json!({"a": "{{baht recipient.x}} {{thai_digits index}} {{seq}}"}),
            "",
        )
        .unwrap();
        let out = m
            .apply(&ctx(json!({"x": "1234.5"}), 7, 120).unwrap())
            .unwrap();
        assert_eq!(out["a"], "๑,๒๓๔.๕๐ ๗ 007");
        let bad = Merge::new(json!({"body": ["{{#if x}}"]}), "document")
            .err()
            .unwrap();
        assert_eq!(bad[0].field, "document.body[0]");
        let amount = ctx(json!({"amount": "abc"}), 1, 1).unwrap_err();
        assert_eq!(amount.field, "amount");
    }
}
