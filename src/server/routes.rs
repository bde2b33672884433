//! The route table: each route's path, handler, body limit and documentation.
//! [`super::router`] mounts it and [`super::openapi`] describes it, so the
//! OpenAPI document cannot miss a route.

use axum::extract::DefaultBodyLimit;
use axum::routing::{MethodRouter, get, post};
use schemars::{JsonSchema, Schema, SchemaGenerator};

use super::extract::{Param, QueryParams};
use super::{
    AppState, Config, batch, batches, catalog, info, jobs, letters, preview, problem, register,
};
use crate::model::Document;

/// A function giving the schema of a body.
pub type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

/// A request or response body.
#[derive(Clone, Copy)]
pub struct Content {
    /// Its media type.
    pub media: &'static str,
    /// Its schema, when it is JSON.
    pub schema: Option<SchemaFn>,
}

/// One possible response.
#[derive(Clone, Copy)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// When it is given.
    pub description: &'static str,
    /// Its body, in each media type it may come in.
    pub content: &'static [Content],
    /// Response headers worth naming.
    pub headers: &'static [Header],
}

/// A response header.
#[derive(Clone, Copy)]
pub struct Header {
    /// Its name.
    pub name: &'static str,
    /// What it says.
    pub description: &'static str,
    /// `integer` or `string`.
    pub kind: &'static str,
}

const fn int_header(name: &'static str, description: &'static str) -> Header {
    Header {
        name,
        description,
        kind: "integer",
    }
}

const fn str_header(name: &'static str, description: &'static str) -> Header {
    Header {
        name,
        description,
        kind: "string",
    }
}

/// Who may call a route.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// Anyone.
    None,
    /// Anyone, but an API key of the letter's agency (`Authorization: Bearer`)
    /// when a letter's reference is `"auto"`.
    ForAuto,
    /// An API key of the agency in the path.
    Required,
}

/// One route.
pub struct Route {
    /// `get` or `post`.
    pub method: &'static str,
    /// The path.
    pub path: &'static str,
    /// A unique name for the operation.
    pub operation_id: &'static str,
    /// One line on what it does.
    pub summary: &'static str,
    /// More on what it does.
    pub description: &'static str,
    /// The handler with its layers.
    pub handler: fn(&Config) -> MethodRouter<AppState>,
    /// The request body, if any.
    pub body: &'static [Content],
    /// Query parameters.
    pub params: &'static [Param],
    /// Request headers worth naming (path parameters are read from `path`).
    pub headers: &'static [Param],
    /// Who may call it.
    pub auth: Auth,
    /// Responses.
    pub replies: &'static [Reply],
}

fn schema<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    g.subschema_for::<T>()
}

const PROBLEM: Content = Content {
    media: problem::PROBLEM_JSON,
    schema: Some(schema::<problem::ProblemDetails>),
};
const PDF: Content = Content {
    media: "application/pdf",
    schema: None,
};

const PNG: Content = Content {
    media: "image/png",
    schema: None,
};
const ZIP: Content = Content {
    media: "application/zip",
    schema: None,
};

const fn reply(status: u16, description: &'static str, content: &'static [Content]) -> Reply {
    Reply {
        status,
        description,
        content,
        headers: &[],
    }
}

const BAD_JSON: Reply = reply(
    400,
    "The body is not well-formed JSON, or a query parameter is wrong.",
    &[PROBLEM],
);
const INVALID: Reply = reply(
    422,
    "The JSON does not fit: wrong types, unknown kind or agency, missing fields, missing placeholder variables. Every problem names its field.",
    &[PROBLEM],
);
const TOO_LARGE: Reply = reply(
    413,
    "The body, or the batch, is larger than the service takes.",
    &[PROBLEM],
);
const BUSY: Reply = Reply {
    status: 503,
    description: "Every worker is busy and the queue is full, the register is busy, or the time limit passed; try again after `Retry-After` seconds.",
    content: &[PROBLEM],
    headers: &[int_header(
        "Retry-After",
        "Seconds to wait before trying again.",
    )],
};
const UNAUTHORIZED: Reply = Reply {
    status: 401,
    description: "No API key, or an unknown or revoked one (`Authorization: Bearer sk_...`).",
    content: &[PROBLEM],
    headers: &[str_header("WWW-Authenticate", "`Bearer`.")],
};
const FORBIDDEN: Reply = reply(
    403,
    "The API key belongs to another agency: a key opens only its own agency's register.",
    &[PROBLEM],
);
const CONFLICT: Reply = reply(
    409,
    "The register holds otherwise: an `Idempotency-Key` reused with another body, or a number already cancelled.",
    &[PROBLEM],
);
const NO_REGISTER: Reply = reply(
    501,
    "The service was started without a register (`--db`).",
    &[PROBLEM],
);

/// The headers of an answer that carries register numbers.
const NUMBER_HEADERS: [Header; 7] = [
    str_header(
        "X-Reference",
        "With `\"reference\": \"auto\"`: the reference printed after `ที่` (UTF-8), e.g. `ขก ๐๐๑๗.๕/๑๕`; of a block, the first.",
    ),
    int_header(
        "X-Register-Number",
        "With `\"reference\": \"auto\"`: the register number; of a block, the first.",
    ),
    int_header(
        "X-Register-Year",
        "With `\"reference\": \"auto\"`: the Buddhist-era year of the register book.",
    ),
    str_header(
        "X-Register-Series",
        "With `\"reference\": \"auto\"`: `normal`, `circular` or `order`.",
    ),
    str_header(
        "Idempotent-Replayed",
        "`true` when this is the answer of an earlier request with the same `Idempotency-Key`.",
    ),
    int_header(
        "X-Register-Last",
        "Of a batch numbered `each`: the last number of the block.",
    ),
    str_header(
        "X-Reference-Encoded",
        "`X-Reference` in ASCII, as an RFC 8187 ext-value: `UTF-8''` and the reference percent-encoded, for clients that mangle UTF-8 in headers.",
    ),
];

const IDEMPOTENCY: &[Param] = &[Param {
    name: "Idempotency-Key",
    description: "With `\"reference\": \"auto\"`: a key of the client's choosing (visible ASCII, up to 255 characters). A retry with the same key and body gets the same numbers and the same bytes, never new numbers; the same key with another body is a 409.",
    schema: r#"{"type": "string", "maxLength": 255}"#,
}];

const AGENCY_YEAR: &str =
    "The agency's profile id and the Buddhist-era year (`/v1/register/khonkaen-province/2568`).";
const INTERNAL: Reply = reply(
    500,
    "A fault of saraban or of a template, never of the input; quote `request_id`.",
    &[PROBLEM],
);

/// What the body of a `POST` route may be: its media types in the table's
/// order, and their names as a 415 lists them.
pub struct BodyMedia {
    /// `application/json`, `multipart/form-data`.
    pub media: Vec<&'static str>,
    /// `application/json or multipart/form-data`.
    pub names: String,
}

/// The body media of `POST path`, from the table (read once); JSON for a path
/// the table has no such route for (a 404 to come).
pub fn body_media(path: &str) -> &'static BodyMedia {
    static MEDIA: std::sync::LazyLock<std::collections::HashMap<&'static str, BodyMedia>> =
        std::sync::LazyLock::new(|| {
            routes()
                .iter()
                .filter(|r| r.method == "post" && !r.body.is_empty())
                .map(|r| (r.path, r.body.iter().map(|c| c.media).collect()))
                .map(|(path, media): (_, Vec<&str>)| {
                    let names = media.join(" or ");
                    (path, BodyMedia { media, names })
                })
                .collect()
        });
    static JSON: std::sync::LazyLock<BodyMedia> = std::sync::LazyLock::new(|| BodyMedia {
        media: vec!["application/json"],
        names: "application/json".to_string(),
    });
    MEDIA.get(path).unwrap_or(&JSON)
}

/// Every route the service serves.
pub fn routes() -> Vec<Route> {
    vec![
        Route {
            method: "post",
            path: "/v1/letters",
            operation_id: "renderLetter",
            summary: "Render one letter as PDF (or a PNG preview).",
            description: "The body is the same JSON document as the CLI takes. With `\"reference\": \"auto\"` the register gives the letter its agency's next number (an API key of that agency is needed), and records it with the PDF's SHA-256.",
            handler: |c| post(letters::render).layer(DefaultBodyLimit::max(c.limits.letter_bytes)),
            body: &[Content {
                media: "application/json",
                schema: Some(schema::<Document>),
            }],
            params: letters::RenderParams::PARAMS,
            headers: IDEMPOTENCY,
            auth: Auth::ForAuto,
            replies: const {
                &[
                    Reply {
                        status: 200,
                        description: "The letter: `application/pdf`, or `image/png` with `format=png`.",
                        content: &[PDF, PNG],
                        headers: &[
                            int_header("X-Pages", "Pages of the letter (not on a replay)."),
                            NUMBER_HEADERS[0],
                            NUMBER_HEADERS[6],
                            NUMBER_HEADERS[1],
                            NUMBER_HEADERS[2],
                            NUMBER_HEADERS[3],
                            NUMBER_HEADERS[4],
                        ],
                    },
                    BAD_JSON,
                    UNAUTHORIZED,
                    FORBIDDEN,
                    CONFLICT,
                    TOO_LARGE,
                    INVALID,
                    INTERNAL,
                    BUSY,
                ]
            },
        },
        Route {
            method: "post",
            path: "/v1/letters/validate",
            operation_id: "validateLetter",
            summary: "Check one letter without rendering it.",
            description: "Answers 200 with the list of problems (empty when the letter is valid); malformed JSON is a problem too.",
            handler: |c| {
                post(letters::validate).layer(DefaultBodyLimit::max(c.limits.letter_bytes))
            },
            body: &[Content {
                media: "application/json",
                schema: Some(schema::<Document>),
            }],
            params: &[],
            headers: &[],
            auth: Auth::None,
            replies: const {
                &[
                    reply(
                        200,
                        "Whether the letter is valid, and its problems.",
                        &[Content {
                            media: "application/json",
                            schema: Some(schema::<letters::Validation>),
                        }],
                    ),
                    TOO_LARGE,
                    BUSY,
                ]
            },
        },
        Route {
            method: "post",
            path: "/v1/batches",
            operation_id: "renderBatch",
            summary: "Render many letters: mail merge over recipients, or a list of documents.",
            description: "Every letter is checked before anything is sent. The answer is a ZIP of one PDF per letter, streamed as the letters are rendered, or with `merge=true` one PDF of all letters. Letters whose reference is `\"auto\"` are numbered by the register as `numbering` says: `one` number for a circular sent to all, or `each` letter its own, a block of consecutive numbers.",
            handler: |c| post(batches::render).layer(DefaultBodyLimit::max(c.limits.batch_bytes)),
            body: &[
                Content {
                    media: "application/json",
                    schema: Some(schema::<batch::BatchRequest>),
                },
                Content {
                    media: "multipart/form-data",
                    schema: Some(schema::<batch::BatchForm>),
                },
            ],
            params: batches::BatchParams::PARAMS,
            headers: IDEMPOTENCY,
            auth: Auth::ForAuto,
            replies: const {
                &[
                    Reply {
                        status: 200,
                        description: "`application/zip` (one PDF per letter), or `application/pdf` with `merge=true`.",
                        content: &[ZIP, PDF],
                        headers: &[
                            int_header("X-Letters", "Letters in the answer."),
                            int_header("X-Pages", "With `merge=true`: pages of the PDF."),
                            NUMBER_HEADERS[0],
                            NUMBER_HEADERS[6],
                            NUMBER_HEADERS[1],
                            NUMBER_HEADERS[5],
                            NUMBER_HEADERS[2],
                            NUMBER_HEADERS[3],
                            NUMBER_HEADERS[4],
                        ],
                    },
                    BAD_JSON,
                    UNAUTHORIZED,
                    FORBIDDEN,
                    CONFLICT,
                    TOO_LARGE,
                    INVALID,
                    INTERNAL,
                    BUSY,
                ]
            },
        },
        Route {
            method: "post",
            path: "/v1/jobs",
            operation_id: "submitJob",
            summary: "Queue a batch as a job that outlives this connection.",
            description: "Takes what `/v1/batches` takes (JSON), checks every letter, stores the job in the register's database and answers `202` with its id and `Location` at once. Any instance sharing the register runs it; a job survives a restart of the instance running it (another takes it over when its lease runs out). Its letters must name a stored agency, and only an API key of that agency may submit, watch or fetch it. Numbered jobs take their numbers under the job's id, so a rerun gets the same numbers. With `webhook`, the job's JSON is POSTed there when it ends, signed in `X-Saraban-Signature` (`sha256=` HMAC of the body under the service's webhook secret).",
            handler: |c| post(jobs::submit).layer(DefaultBodyLimit::max(c.limits.batch_bytes)),
            body: &[Content {
                media: "application/json",
                schema: Some(schema::<batch::BatchRequest>),
            }],
            params: jobs::JobParams::PARAMS,
            headers: &[],
            auth: Auth::Required,
            replies: const {
                &[
                    Reply {
                        status: 202,
                        description: "Queued: the job, and where to watch it.",
                        content: &[Content {
                            media: "application/json",
                            schema: Some(schema::<crate::register::jobs::Job>),
                        }],
                        headers: &[str_header("Location", "`/v1/jobs/{id}`.")],
                    },
                    BAD_JSON,
                    UNAUTHORIZED,
                    FORBIDDEN,
                    TOO_LARGE,
                    INVALID,
                    NO_REGISTER,
                    BUSY,
                ]
            },
        },
        Route {
            method: "get",
            path: "/v1/jobs/{id}",
            operation_id: "getJob",
            summary: "A job's state and progress (letters done of total).",
            description: "",
            handler: |_| get(jobs::status),
            body: &[],
            params: &[],
            headers: &[],
            auth: Auth::Required,
            replies: const {
                &[
                    reply(
                        200,
                        "`queued`, `running` (with `done` of `total`), `done` or `failed` (with `error`).",
                        &[Content {
                            media: "application/json",
                            schema: Some(schema::<crate::register::jobs::Job>),
                        }],
                    ),
                    UNAUTHORIZED,
                    FORBIDDEN,
                    reply(404, "No such job.", &[PROBLEM]),
                    NO_REGISTER,
                ]
            },
        },
        Route {
            method: "get",
            path: "/v1/jobs/{id}/result",
            operation_id: "getJobResult",
            summary: "A finished job's ZIP, or its merged PDF.",
            description: "",
            handler: |_| get(jobs::result),
            body: &[],
            params: &[],
            headers: &[],
            auth: Auth::Required,
            replies: const {
                &[
                    reply(200, "The result.", &[ZIP, PDF]),
                    UNAUTHORIZED,
                    FORBIDDEN,
                    reply(
                        404,
                        "No such job, or its result was removed after the time results are kept.",
                        &[PROBLEM],
                    ),
                    reply(
                        409,
                        "The job has not finished, or it failed (the problem says why).",
                        &[PROBLEM],
                    ),
                    NO_REGISTER,
                ]
            },
        },
        Route {
            method: "get",
            path: "/v1/register/{agency}/{year}",
            operation_id: "listRegister",
            summary: "An agency's outgoing register (ทะเบียนหนังสือส่ง) for a year: JSON, CSV or a printable PDF.",
            description: AGENCY_YEAR,
            handler: |_| get(register::list),
            body: &[],
            params: register::ListParams::PARAMS,
            headers: &[],
            auth: Auth::Required,
            replies: const {
                &[
                    Reply {
                        status: 200,
                        description: "The register: every number of the year by series, pending, issued or cancelled.",
                        content: &[
                            Content {
                                media: "application/json",
                                schema: Some(schema::<register::Listing>),
                            },
                            Content {
                                media: "text/csv",
                                schema: None,
                            },
                            PDF,
                        ],
                        headers: &[],
                    },
                    reply(400, "A path or query parameter is wrong.", &[PROBLEM]),
                    UNAUTHORIZED,
                    FORBIDDEN,
                    NO_REGISTER,
                    INTERNAL,
                    BUSY,
                ]
            },
        },
        Route {
            method: "post",
            path: "/v1/register/{agency}/{year}/{number}/cancel",
            operation_id: "cancelNumber",
            summary: "Cancel a number with a reason; it stays in the register and is never issued again.",
            description: AGENCY_YEAR,
            handler: |_| post(register::cancel),
            body: &[Content {
                media: "application/json",
                schema: Some(schema::<register::CancelRequest>),
            }],
            params: &[],
            headers: &[],
            auth: Auth::Required,
            replies: const {
                &[
                    reply(
                        200,
                        "The cancelled register row.",
                        &[Content {
                            media: "application/json",
                            schema: None,
                        }],
                    ),
                    reply(
                        400,
                        "A path parameter is wrong, or the body is not JSON.",
                        &[PROBLEM],
                    ),
                    UNAUTHORIZED,
                    FORBIDDEN,
                    reply(404, "The number was never issued.", &[PROBLEM]),
                    CONFLICT,
                    INVALID,
                    NO_REGISTER,
                    INTERNAL,
                    BUSY,
                ]
            },
        },
        Route {
            method: "post",
            path: "/v1/batches/preview",
            operation_id: "previewBatchLetter",
            summary: "One letter of a batch as a PNG page, before the batch is sent.",
            description: "Takes what `/v1/batches` takes as JSON and fills letter `letter` as the batch would. Takes no number: a letter whose reference is `\"auto\"` shows the reference with the number left blank, as a draft.",
            handler: |c| post(preview::batch).layer(DefaultBodyLimit::max(c.limits.batch_bytes)),
            body: &[Content {
                media: "application/json",
                schema: Some(schema::<batch::BatchRequest>),
            }],
            params: preview::PreviewParams::PARAMS,
            headers: &[],
            auth: Auth::None,
            replies: const {
                &[
                    Reply {
                        status: 200,
                        description: "The page.",
                        content: &[PNG],
                        headers: &[
                            int_header("X-Pages", "Pages of this letter."),
                            int_header("X-Letters", "Letters in the batch."),
                        ],
                    },
                    reply(
                        400,
                        "A query parameter is wrong (a letter or page past the end).",
                        &[PROBLEM],
                    ),
                    BAD_JSON,
                    TOO_LARGE,
                    INVALID,
                    INTERNAL,
                    BUSY,
                ]
            },
        },
        Route {
            method: "post",
            path: "/v1/recipients",
            operation_id: "readRecipients",
            summary: "Read a recipients' spreadsheet (XLSX, XLS, ODS or CSV) as a batch would.",
            description: "A form with the file in the part `recipients` (and `sheet`, `encoding` as `/v1/batches` takes them). Answers its columns, each a `{{recipient.<column>}}` placeholder, and its rows, ready for a JSON batch request.",
            handler: |c| {
                post(preview::recipients).layer(DefaultBodyLimit::max(c.limits.batch_bytes))
            },
            body: &[Content {
                media: "multipart/form-data",
                schema: Some(schema::<batch::BatchForm>),
            }],
            params: &[],
            headers: &[],
            auth: Auth::None,
            replies: const {
                &[
                    reply(
                        200,
                        "The columns and rows.",
                        &[Content {
                            media: "application/json",
                            schema: Some(schema::<preview::RecipientsRead>),
                        }],
                    ),
                    reply(400, "The form is malformed.", &[PROBLEM]),
                    reply(415, "The body is not a form.", &[PROBLEM]),
                    TOO_LARGE,
                    INVALID,
                ]
            },
        },
        Route {
            method: "get",
            path: "/v1/agencies",
            operation_id: "listAgencies",
            summary: "The agency profiles this service knows (built in and `--agencies`).",
            description: "",
            handler: |_| get(catalog::agencies),
            body: &[],
            params: &[],
            headers: &[],
            auth: Auth::None,
            replies: const {
                &[reply(
                    200,
                    "The profiles' ids, names and codes.",
                    &[Content {
                        media: "application/json",
                        schema: Some(schema::<catalog::AgencyList>),
                    }],
                )]
            },
        },
        Route {
            method: "get",
            path: "/v1/examples",
            operation_id: "listExamples",
            summary: "The example letters shipped with saraban.",
            description: "",
            handler: |_| get(catalog::examples),
            body: &[],
            params: &[],
            headers: &[],
            auth: Auth::None,
            replies: const {
                &[reply(
                    200,
                    "Every example: name, kind, subject.",
                    &[Content {
                        media: "application/json",
                        schema: Some(schema::<catalog::ExampleList>),
                    }],
                )]
            },
        },
        Route {
            method: "get",
            path: "/v1/examples/{name}",
            operation_id: "getExample",
            summary: "One example: a document, or a batch request (`document` with `recipients`).",
            description: "",
            handler: |_| get(catalog::example),
            body: &[],
            params: &[],
            headers: &[],
            auth: Auth::None,
            replies: const {
                &[
                    reply(
                        200,
                        "The example's JSON.",
                        &[Content {
                            media: "application/json",
                            schema: None,
                        }],
                    ),
                    reply(404, "No example of that name.", &[PROBLEM]),
                ]
            },
        },
        Route {
            method: "get",
            path: "/v1/kinds",
            operation_id: "listKinds",
            summary: "The document kinds and their templates.",
            description: "",
            handler: |_| get(info::kinds),
            body: &[],
            params: &[],
            headers: &[],
            auth: Auth::None,
            replies: const {
                &[reply(
                    200,
                    "The kinds.",
                    &[Content {
                        media: "application/json",
                        schema: Some(schema::<info::Kinds>),
                    }],
                )]
            },
        },
        Route {
            method: "get",
            path: "/v1/schema",
            operation_id: "documentSchema",
            summary: "The JSON Schema of a document.",
            description: "",
            handler: |_| get(info::schema),
            body: &[],
            params: &[],
            headers: &[],
            auth: Auth::None,
            replies: const {
                &[reply(
                    200,
                    "JSON Schema (draft 2020-12).",
                    &[Content {
                        media: "application/schema+json",
                        schema: None,
                    }],
                )]
            },
        },
        Route {
            method: "get",
            path: "/openapi.json",
            operation_id: "openapi",
            summary: "This OpenAPI 3.1 document.",
            description: "",
            handler: |_| get(info::openapi),
            body: &[],
            params: &[],
            headers: &[],
            auth: Auth::None,
            replies: const {
                &[reply(
                    200,
                    "OpenAPI 3.1.",
                    &[Content {
                        media: "application/json",
                        schema: None,
                    }],
                )]
            },
        },
        Route {
            method: "get",
            path: "/healthz",
            operation_id: "health",
            summary: "Liveness, with the pool's state.",
            description: "",
            handler: |_| get(info::healthz),
            body: &[],
            params: &[],
            headers: &[],
            auth: Auth::None,
            replies: const {
                &[reply(
                    200,
                    "The service is up.",
                    &[Content {
                        media: "application/json",
                        schema: Some(schema::<info::Health>),
                    }],
                )]
            },
        },
        Route {
            method: "get",
            path: "/readyz",
            operation_id: "ready",
            summary: "Readiness: the register answers and the pool has room.",
            description: "For a load balancer in front of several instances: 503 while the register's database does not answer within two seconds or every render slot is taken, with the reasons.",
            handler: |_| get(info::readyz),
            body: &[],
            params: &[],
            headers: &[],
            auth: Auth::None,
            replies: const {
                &[
                    reply(
                        200,
                        "Ready for requests.",
                        &[Content {
                            media: "application/json",
                            schema: Some(schema::<info::Readiness>),
                        }],
                    ),
                    reply(
                        503,
                        "Not ready; `reasons` says why.",
                        &[Content {
                            media: "application/json",
                            schema: Some(schema::<info::Readiness>),
                        }],
                    ),
                ]
            },
        },
        Route {
            method: "get",
            path: "/metrics",
            operation_id: "metrics",
            summary: "Prometheus (OpenMetrics) metrics.",
            description: "Requests by route and status, latency and render-time histograms, letters rendered, queue depth.",
            handler: |_| get(info::metrics),
            body: &[],
            params: &[],
            headers: &[],
            auth: Auth::None,
            replies: const {
                &[reply(
                    200,
                    "OpenMetrics text (Prometheus reads it).",
                    &[Content {
                        media: "application/openmetrics-text",
                        schema: None,
                    }],
                )]
            },
        },
    ]
}
