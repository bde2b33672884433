//! The OpenAPI 3.1 document, generated from the route table and the Rust types
//! of the bodies (their JSON Schemas, draft 2020-12, as OpenAPI 3.1 takes them).

use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use super::Config;
use super::routes::{Auth, Content, routes};

/// The `Accept-Language` header, as every operation documents it.
const ACCEPT_LANGUAGE: &str = "`th` (`th-TH`, or Thai preferred by q-value) for problems in Thai: the \
     problem document's `title`, `detail` and each problem's `message`, each problem with its field's \
     Thai `label` (`ผู้ลงนาม › ชื่อ`), answered with `Content-Language: th`; English otherwise.";

/// An OpenAPI `content` object: each media type with its schema.
fn content(c: &[Content], g: &mut schemars::SchemaGenerator) -> Value {
    let mut map = Map::new();
    for c in c {
        let mut media = Map::new();
        if let Some(schema) = c.schema {
            media.insert("schema".into(), schema(g).to_value());
        }
        map.insert(c.media.into(), Value::Object(media));
    }
    Value::Object(map)
}

/// The OpenAPI document of every route.
pub fn document(config: &Config) -> Value {
    let mut generator = SchemaSettings::draft2020_12()
        .with(|s| s.definitions_path = "#/components/schemas/".into())
        .into_generator();
    let mut paths = Map::new();
    for route in routes() {
        let mut op = Map::new();
        op.insert("operationId".into(), route.operation_id.into());
        op.insert("summary".into(), route.summary.into());
        if !route.description.is_empty() {
            op.insert("description".into(), route.description.into());
        }
        // Path parameters are the `{name}` segments of the path.
        let mut params: Vec<Value> = route
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{')?.strip_suffix('}'))
            .map(|name| {
                let schema = match name {
                    "year" => json!({"type": "integer", "minimum": 2400, "maximum": 2800}),
                    "number" => json!({"type": "integer", "minimum": 1}),
                    _ => json!({"type": "string"}),
                };
                json!({"name": name, "in": "path", "required": true, "schema": schema})
            })
            .collect();
        for (place, list) in [("query", route.params), ("header", route.headers)] {
            params.extend(list.iter().map(|p| {
                json!({
                    "name": p.name,
                    "in": place,
                    "required": false,
                    "description": p.description,
                    "schema": serde_json::from_str::<Value>(p.schema).unwrap_or(json!({})),
                })
            }));
        }
        // Every route answers its problems in the client's language.
        params.push(json!({
            "name": "Accept-Language",
            "in": "header",
            "required": false,
            "description": ACCEPT_LANGUAGE,
            "schema": {"type": "string", "examples": ["th", "th-TH,th;q=0.9,en;q=0.8"]},
        }));
        op.insert("parameters".into(), params.into());
        match route.auth {
            Auth::None => {}
            // Either no key, or a key (for letters numbered by the register).
            Auth::ForAuto => {
                op.insert("security".into(), json!([{}, {"bearer": []}]));
            }
            Auth::Required => {
                op.insert("security".into(), json!([{"bearer": []}]));
            }
        }
        if !route.body.is_empty() {
            op.insert(
                "requestBody".into(),
                json!({"required": true, "content": content(route.body, &mut generator)}),
            );
        }
        let mut responses = Map::new();
        for reply in route.replies {
            let mut r = Map::new();
            r.insert("description".into(), reply.description.into());
            if !reply.content.is_empty() {
                r.insert("content".into(), content(reply.content, &mut generator));
            }
            if !reply.headers.is_empty() {
                let headers: Map<String, Value> = reply
                    .headers
                    .iter()
                    .map(|h| {
                        (
                            h.name.to_string(),
                            json!({"description": h.description, "schema": {"type": h.kind}}),
                        )
                    })
                    .collect();
                r.insert("headers".into(), Value::Object(headers));
            }
            responses.insert(reply.status.to_string(), Value::Object(r));
        }
        op.insert("responses".into(), Value::Object(responses));
        let item = paths
            .entry(route.path.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(item) = item {
            item.insert(route.method.into(), Value::Object(op));
        }
    }
    let schemas = generator.take_definitions(true);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "saraban",
            "version": env!("CARGO_PKG_VERSION"),
            "summary": "Official Thai government correspondence (งานสารบรรณ) from JSON to PDF.",
            "description": format!(
                "Letters up to {} bytes; batches up to {} bytes and {} letters, merged PDFs up to {} letters. \
                 Errors are RFC 9457 problem details (`application/problem+json`) naming the field of every problem, \
                 in English, or in Thai for `Accept-Language: th` (with each field's Thai `label`).",
                config.limits.letter_bytes,
                config.limits.batch_bytes,
                config.limits.batch_letters,
                config.limits.merge_letters
            ),
            "license": {"name": "MIT OR Apache-2.0", "identifier": "MIT OR Apache-2.0"},
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API key of one agency (`sk_...`), made with `saraban keys add <agency>`; it opens only that agency's register.",
                },
            },
        },
    })
}
