//! Batch jobs: `POST /v1/jobs` takes what `/v1/batches` takes, checks it,
//! stores it in the register's database and answers `202` at once; a runner
//! in every instance claims queued jobs one at a time, renders them to a file
//! in the jobs directory and records the outcome. A job outlives the
//! connection that asked and the instance that ran it: a runner renews its
//! lease as it goes, and when it dies the lease runs out and any instance
//! takes the job over from the start. A numbered job takes its numbers under
//! its own id as the idempotency key, so a second run gets the same numbers.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::batch::{Batch, BatchRequest, Numbering};
use super::extract::{BatchSize, Body, Param, Params, QueryParams};
use super::issuing::Issue;
use super::metrics::JobEnd;
use super::problem::ApiError;
use super::register::{self as reg, blocking};
use super::{AppState, body};
use crate::error::Problem;
use crate::model::AgencyRef;
use crate::register::jobs::{Claimed, Job, JobState, NewJob, Outcome};
use crate::register::{RegisterError, RegisterStore, request_hash};

/// How often an idle runner looks for work.
const POLL: Duration = Duration::from_millis(500);

/// The parameters of `POST /v1/jobs`.
pub enum JobParams {}
impl QueryParams for JobParams {
    const PARAMS: &'static [Param] = &[
        Param {
            name: "merge",
            description: "`true` for one PDF of all letters instead of a ZIP.",
            schema: r#"{"type": "boolean", "default": false}"#,
        },
        Param {
            name: "webhook",
            description: "An http(s) URL called (POST, the job's JSON) when the job ends.",
            schema: r#"{"type": "string", "format": "uri"}"#,
        },
    ];
}

/// `POST /v1/jobs`: checks the batch as `/v1/batches` would, then queues it.
pub async fn submit(
    State(state): State<AppState>,
    Params(query, _): Params<JobParams>,
    headers: HeaderMap,
    Body(bytes, _): Body<BatchSize>,
) -> Result<Response, ApiError> {
    let merged = query.flag("merge", false)?;
    let webhook = query.text("webhook").map(str::to_string);
    if let Some(problem) = webhook.as_deref().and_then(super::webhook::url_problem) {
        return Err(ApiError::bad_parameter("webhook", problem));
    }
    let register = state.register()?;
    let req: BatchRequest = body::parse(&bytes)?;
    let batch = Batch::plan_within(req, &state.config.limits, merged)?;
    // A job belongs to the agency its letters name, and only that agency's
    // keys may submit, watch or fetch it.
    let agency = job_agency(&batch)?;
    let key = reg::authorize(&register, &headers, &agency).await?;
    let ticket = state.admit_stream()?;
    let (engine, agencies, any_year) = (
        state.engine.clone(),
        state.agencies.clone(),
        state.config.any_year,
    );
    let (batch, checked) = state
        .pool
        .run(&ticket, move || {
            let mut batch = batch;
            let checked = batch.validate(&engine, &agencies, any_year);
            (batch, checked)
        })
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?;
    drop(ticket);
    checked.map_err(ApiError::invalid)?;
    let new = NewJob {
        agency,
        api_key_id: Some(key.id),
        request: bytes.to_vec(),
        merge: merged,
        total: u32::try_from(batch.len()).unwrap_or(u32::MAX),
        webhook,
    };
    let job = blocking(&register, move |r| r.submit_job(&new)).await?;
    tracing::info!(job = %job.id, letters = job.total, merged, "job queued");
    let location = format!("/v1/jobs/{}", job.id);
    let mut res = (StatusCode::ACCEPTED, axum::Json(job)).into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    Ok(res)
}

/// The agency of a batch's letters: a stored profile, named by id.
fn job_agency(batch: &Batch) -> Result<String, ApiError> {
    let first = batch.document(0).map_err(ApiError::invalid)?;
    match first.agency {
        AgencyRef::Id(id) => Ok(id),
        AgencyRef::Inline(_) => Err(ApiError::invalid(vec![Problem::new(
            "agency",
            "a job's letters name a stored agency profile by its id (its keys own the job)",
        )])),
    }
}

/// The job, once the caller's key is shown to be its agency's.
async fn owned(state: &AppState, headers: &HeaderMap, id: String) -> Result<Job, ApiError> {
    let register = state.register()?;
    let job = blocking(&register, move |r| r.job(&id)).await?;
    reg::authorize(&register, headers, &job.agency).await?;
    Ok(job)
}

/// `GET /v1/jobs/{id}`: state and progress.
pub async fn status(
    State(state): State<AppState>,
    UrlPath(id): UrlPath<String>,
    headers: HeaderMap,
) -> Result<axum::Json<Job>, ApiError> {
    Ok(axum::Json(owned(&state, &headers, id).await?))
}

/// `GET /v1/jobs/{id}/result`: the ZIP or merged PDF of a finished job.
pub async fn result(
    State(state): State<AppState>,
    UrlPath(id): UrlPath<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let job = owned(&state, &headers, id).await?;
    match job.state {
        JobState::Done => {}
        JobState::Failed => {
            return Err(ApiError::from(RegisterError::conflict(format!(
                "job {} failed: {}",
                job.id,
                job.error.unwrap_or_default()
            ))));
        }
        _ => {
            return Err(ApiError::from(RegisterError::conflict(format!(
                "job {} is {}: {} of {} letters; ask again later",
                job.id, job.state, job.done, job.total
            ))));
        }
    }
    let file = state
        .config
        .jobs_dir
        .join(job.result.as_deref().unwrap_or_default());
    // Streamed from the file: a 30,000-letter ZIP is gigabytes.
    let opened = match tokio::fs::File::open(&file).await {
        Ok(f) => f.metadata().await.map(|m| (f, m.len())),
        Err(e) => Err(e),
    };
    let (result, length) = opened.map_err(|_| {
        ApiError::from(RegisterError::NotFound(format!(
            "the result of job {} (kept {} hours after it finished)",
            job.id,
            state.config.job_ttl.as_secs() / 3600
        )))
    })?;
    let (media, ext) = if job.merge {
        ("application/pdf", "pdf")
    } else {
        ("application/zip", "zip")
    };
    let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(result));
    let mut res = body.into_response();
    let headers = res.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}.{ext}\"", job.id)) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

/// The runner: claims jobs one at a time and runs them, for as long as the
/// service runs; removes results older than the configured time.
pub async fn run(state: AppState, owner: String) {
    let Some(register) = state.register.clone() else {
        return;
    };
    if let Err(e) = tokio::fs::create_dir_all(&state.config.jobs_dir).await {
        tracing::error!(dir = %state.config.jobs_dir.display(), error = %e, "no jobs directory; jobs are not run");
        return;
    }
    let lease = state.config.job_lease;
    loop {
        let who = owner.clone();
        let claimed = blocking(&register, move |r| r.claim_job(&who, lease)).await;
        match claimed {
            Ok(Some(claimed)) => {
                let (state2, owner2) = (state.clone(), owner.clone());
                let id = claimed.job.id.clone();
                tracing::info!(job = %id, attempt = claimed.job.attempts, "job started");
                let metrics = state.metrics.register.clone();
                metrics.job_started();
                let ended =
                    tokio::task::spawn_blocking(move || execute(&state2, &owner2, claimed)).await;
                metrics.job_ended(match &ended {
                    Ok(Some(job)) if job.state == JobState::Done => JobEnd::Done,
                    Ok(None) => JobEnd::Lost,
                    _ => JobEnd::Failed,
                });
                match ended {
                    Ok(Some(job)) => {
                        tracing::info!(job = %job.id, state = %job.state, "job ended");
                        if let Some(url) = job.webhook.clone() {
                            super::webhook::notify(&state, &url, &job).await;
                        }
                    }
                    Ok(None) => tracing::warn!(job = %id, "job taken over by another instance"),
                    Err(e) => tracing::error!(job = %id, error = %e, "job runner panicked"),
                }
            }
            Ok(None) => {
                sweep(&state.config.jobs_dir, state.config.job_ttl).await;
                tokio::time::sleep(POLL).await;
            }
            Err(e) => {
                tracing::warn!(error = %e.details().detail, "cannot claim jobs");
                tokio::time::sleep(POLL * 4).await;
            }
        }
    }
}

/// Runs one claimed job to its end; the job as recorded, or `None` when
/// another instance took it over meanwhile.
fn execute(state: &AppState, owner: &str, claimed: Claimed) -> Option<Job> {
    let register = state.register.clone()?;
    let job = claimed.job;
    let outcome = match render(state, &register, owner, &job, &claimed.request) {
        Ok(file) => Outcome::Done(file),
        Err(Failure::TakenOver) => return None,
        Err(Failure::Failed(why)) => {
            tracing::warn!(job = %job.id, error = %why, "job failed");
            Outcome::Failed(why)
        }
    };
    match register.finish_job(&job.id, owner, &outcome) {
        Ok(job) => Some(job),
        Err(RegisterError::Conflict { .. }) => None,
        Err(e) => {
            tracing::error!(job = %job.id, error = %e, "cannot record the job's end");
            None
        }
    }
}

/// Why a run stopped.
enum Failure {
    /// Another instance holds the job now.
    TakenOver,
    /// The job failed; the reason is recorded.
    Failed(String),
}

/// The error that stops a run whose lease another instance took.
#[derive(Debug)]
struct TakenOver;

impl std::fmt::Display for TakenOver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the job was taken over by another instance")
    }
}

impl std::error::Error for TakenOver {}

/// Renders the job's batch into the jobs directory; the result's file name.
fn render(
    state: &AppState,
    register: &Arc<dyn RegisterStore>,
    owner: &str,
    job: &Job,
    request: &[u8],
) -> Result<String, Failure> {
    let failed = |e: String| Failure::Failed(e);
    let req: BatchRequest = serde_json::from_slice(request).map_err(|e| failed(e.to_string()))?;
    let mut batch = Batch::plan(req, usize::MAX).map_err(|e| failed(e.details().detail))?;
    batch
        .validate(&state.engine, &state.agencies, state.config.any_year)
        .map_err(|p| failed(crate::Problems(p).to_string()))?;
    // Numbers under the job's id: a second run replays the first's.
    let issue = match batch.numbering_plan().cloned() {
        Some(plan) => {
            let per_letter = batch.numbering() == Some(Numbering::Each);
            let details = batch.take_details();
            let issue = Issue::take_here(
                register.clone(),
                &plan,
                details,
                Some(job.id.clone()),
                request_hash(request),
                per_letter,
            )
            .map_err(|e| failed(e.to_string()))?;
            batch.set_references(issue.references());
            Some(issue)
        }
        None => None,
    };
    let name = format!("{}.{}", job.id, if job.merge { "pdf" } else { "zip" });
    let target = state.config.jobs_dir.join(&name);
    let partial = crate::batch_file::partial_path(&target);
    let lease = state.config.job_lease;
    let progress = |done: usize| -> anyhow::Result<()> {
        match register.renew_job(&job.id, owner, done as u32, lease) {
            Err(RegisterError::Conflict { .. }) => Err(TakenOver.into()),
            _ => Ok(()),
        }
    };
    let written = crate::batch_file::write_with(
        &batch,
        &state.engine,
        &state.agencies,
        &partial,
        job.merge,
        None,
        &progress,
    )
    .and_then(|w| {
        std::fs::rename(&partial, &target)
            .map(|()| w)
            .map_err(Into::into)
    });
    let written = match written {
        Ok(w) => w,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            if e.is::<TakenOver>() {
                return Err(Failure::TakenOver);
            }
            if let Some(issue) = issue {
                issue.abandon_here(&e.to_string());
            }
            return Err(failed(e.to_string()));
        }
    };
    if let Some(issue) = issue {
        issue
            .complete_file(written.hashes, &target, job.merge)
            .map_err(|e| failed(e.to_string()))?;
    }
    Ok(name)
}

/// Removes results older than `ttl`.
async fn sweep(dir: &Path, ttl: Duration) {
    let Ok(mut entries) = tokio::fs::read_dir(dir).await else {
        return;
    };
    while let Ok(Some(entry)) = entries.next_entry().await {
        let old = entry
            .metadata()
            .await
            .ok()
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > ttl);
        if old {
            let _ = tokio::fs::remove_file(entry.path()).await;
        }
    }
}

/// The jobs directory by default: beside the system's temporary files.
pub fn default_jobs_dir() -> PathBuf {
    std::env::temp_dir().join("saraban-jobs")
}

/// An id for this instance's runner, unique among instances.
pub fn runner_id() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_default();
    let mut bytes = [0u8; 6];
    let _ = getrandom::fill(&mut bytes);
    format!("{host}-{}-{}", std::process::id(), hex::encode(bytes))
}
