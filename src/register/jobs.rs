//! Batch jobs as the register keeps them: a batch request that outlives the
//! connection that asked for it. Any instance may claim a queued job (or one
//! whose runner stopped renewing its lease) and run it; the register's
//! database is where they meet.

use std::str::FromStr;
use std::time::Duration;

use schemars::JsonSchema;
use serde::Serialize;

use super::RegisterError;

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    /// Waiting for an instance.
    Queued,
    /// An instance is rendering it.
    Running,
    /// Its result can be fetched.
    Done,
    /// It failed; `error` says why.
    Failed,
}

impl JobState {
    /// The name stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Failed => "failed",
        }
    }
}

impl FromStr for JobState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "queued" => Ok(JobState::Queued),
            "running" => Ok(JobState::Running),
            "done" => Ok(JobState::Done),
            "failed" => Ok(JobState::Failed),
            other => Err(format!("unknown job state '{other}'")),
        }
    }
}

impl std::fmt::Display for JobState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A job as submitted.
#[derive(Debug, Clone)]
pub struct NewJob {
    /// The agency whose key submitted it; only its keys may read it.
    pub agency: String,
    /// That key's id.
    pub api_key_id: Option<String>,
    /// The batch request, as `POST /v1/batches` takes it.
    pub request: Vec<u8>,
    /// One merged PDF instead of a ZIP.
    pub merge: bool,
    /// Letters in the batch.
    pub total: u32,
    /// Called (POST) when the job ends.
    pub webhook: Option<String>,
}

/// A job as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Job {
    /// `job_<hex>`.
    pub id: String,
    /// The agency it belongs to.
    pub agency: String,
    /// Where it is.
    pub state: JobState,
    /// A merged PDF rather than a ZIP.
    pub merge: bool,
    /// Letters in the batch.
    pub total: u32,
    /// Letters rendered so far (by the current attempt).
    pub done: u32,
    /// How many times an instance started it (more than one after a crash).
    pub attempts: u32,
    /// Why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// When it was submitted, started and finished (UTC).
    pub created_at: String,
    /// When an instance first started it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    /// When it finished.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<String>,
    /// The result file, on the instances' shared result directory.
    #[serde(skip)]
    pub result: Option<String>,
    /// The webhook to call when it ends.
    #[serde(skip)]
    pub webhook: Option<String>,
}

/// A claimed job with its request.
#[derive(Debug, Clone)]
pub struct Claimed {
    /// The job.
    pub job: Job,
    /// Its batch request.
    pub request: Vec<u8>,
}

/// How a run ended.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The result file's name.
    Done(String),
    /// Why not.
    Failed(String),
}

impl Outcome {
    /// The job's state, result file and error as stored.
    pub(crate) fn columns(&self) -> (&'static str, Option<&str>, Option<&str>) {
        match self {
            Outcome::Done(file) => (JobState::Done.as_str(), Some(file.as_str()), None),
            Outcome::Failed(why) => (JobState::Failed.as_str(), None, Some(why.as_str())),
        }
    }
}

/// The refusal of a runner that no longer holds job `id`.
pub(crate) fn not_owner(id: &str, owner: &str) -> RegisterError {
    RegisterError::conflict(format!("job {id} is no longer run by {owner}"))
}

/// A new job id.
pub(crate) fn new_job_id() -> Result<String, RegisterError> {
    Ok(format!("job_{}", super::keys::random_hex(12)?))
}

/// How long a runner's claim lasts without renewal: `lease` from now.
pub(crate) fn lease_end(lease: Duration) -> String {
    super::clock::after(lease)
}
