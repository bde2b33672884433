//! The rules of taking, completing and cancelling numbers, written once for
//! every store: each store gives a [`NumberTx`] (its SQL, inside one
//! transaction that holds the locks the rules need) and commits when a rule
//! returns `Ok`. Dropping the transaction on `Err` rolls everything back, so
//! a refused request changes nothing.

use super::allocation::MAX_STORED_BODY;
use super::entry::{check_cancel_reason, describe_number};
use super::{
    Allocated, Allocation, Completion, Entry, EntryStatus, LetterDetails, RegisterError, Series,
    StoredResponse, check_year_be, clock,
};

/// What the register remembers of an idempotency key.
pub(crate) struct PriorRequest {
    pub(crate) request_hash: String,
    pub(crate) year: i32,
    pub(crate) series: Series,
    pub(crate) first: u32,
    pub(crate) last: u32,
    pub(crate) response: Option<StoredResponse>,
    pub(crate) completed: bool,
}

/// One store's statements, run inside the transaction of one operation.
pub(crate) trait NumberTx {
    /// Waits for every other transaction under this agency's idempotency
    /// key (a store whose transactions are serial already does nothing).
    fn lock_key(&mut self, agency: &str, key: &str) -> Result<(), RegisterError>;
    /// What the key got before, if anything.
    fn prior_request(
        &mut self,
        agency: &str,
        key: &str,
    ) -> Result<Option<PriorRequest>, RegisterError>;
    /// Adds `count` to the series (creating it) and returns its new last
    /// number, holding the series until the transaction ends.
    fn bump(&mut self, req: &Allocation, count: u32) -> Result<i64, RegisterError>;
    /// Writes a pending row.
    fn insert_entry(
        &mut self,
        req: &Allocation,
        number: u32,
        letter: &LetterDetails,
        reference: &str,
        now: &str,
    ) -> Result<(), RegisterError>;
    /// Remembers what the key got.
    fn insert_request(
        &mut self,
        req: &Allocation,
        key: &str,
        first: u32,
        last: u32,
        now: &str,
    ) -> Result<(), RegisterError>;
    /// The references and hashes of numbers `first..=last`, in order.
    fn replay_rows(
        &mut self,
        agency: &str,
        prior: &PriorRequest,
    ) -> Result<Vec<(String, Option<String>)>, RegisterError>;
    /// Marks a pending number issued with its PDF's hash; the rows changed.
    fn issue(&mut self, done: &Completion, number: u32, hash: &str) -> Result<u64, RegisterError>;
    /// One row, or `NotFound`; `lock` holds it until the transaction ends.
    fn entry(
        &mut self,
        agency: &str,
        year_be: i32,
        series: Series,
        number: u32,
        lock: bool,
    ) -> Result<Entry, RegisterError>;
    /// Keeps the response of a completed key (or none, when too large).
    fn keep_response(
        &mut self,
        agency: &str,
        key: &str,
        kept: Option<&StoredResponse>,
        now: &str,
    ) -> Result<(), RegisterError>;
    /// Cancels the pending numbers of an allocation with `reason`.
    fn cancel_pending(
        &mut self,
        allocated: &Allocated,
        reason: &str,
        now: &str,
    ) -> Result<(), RegisterError>;
    /// Forgets an unfinished key.
    fn forget_request(&mut self, agency: &str, key: &str) -> Result<(), RegisterError>;
    /// Cancels one number.
    fn cancel_number(
        &mut self,
        agency: &str,
        year_be: i32,
        series: Series,
        number: u32,
        reason: &str,
        now: &str,
    ) -> Result<(), RegisterError>;
}

/// Takes the next `req.letters.len()` numbers, or replays a key's.
pub(crate) fn allocate(
    tx: &mut impl NumberTx,
    req: &Allocation,
) -> Result<Allocated, RegisterError> {
    req.validate()?;
    if let Some(key) = &req.idempotency_key {
        tx.lock_key(&req.agency, key)?;
        if let Some(prior) = tx.prior_request(&req.agency, key)? {
            if prior.request_hash != req.request_hash {
                return Err(RegisterError::conflict(format!(
                    "Idempotency-Key '{key}' was already used with a different request body; \
                     use a new key for a new request"
                )));
            }
            return replay(tx, &req.agency, key, prior);
        }
    }
    let count = u32::try_from(req.letters.len()).expect("validated: at most MAX_BATCH letters");
    let last = tx.bump(req, count)?;
    let last = u32::try_from(last).map_err(|_| {
        RegisterError::conflict(format!(
            "the {} series of {} for {} has run out of numbers",
            req.series, req.agency, req.year_be
        ))
    })?;
    let first = last - (count - 1);
    let now = clock::now();
    let mut references = Vec::with_capacity(req.letters.len());
    for (number, letter) in (first..=last).zip(&req.letters) {
        let reference = req.reference_text(number);
        tx.insert_entry(req, number, letter, &reference, &now)?;
        references.push(reference);
    }
    if let Some(key) = &req.idempotency_key {
        tx.insert_request(req, key, first, last, &now)?;
    }
    Ok(Allocated {
        agency: req.agency.clone(),
        year: req.year_be,
        series: req.series,
        first,
        last,
        pdf_sha256: vec![None; references.len()],
        references,
        replay: false,
        response: None,
        idempotency_key: req.idempotency_key.clone(),
    })
}

/// The numbers a key got the first time, read back from their rows.
fn replay(
    tx: &mut impl NumberTx,
    agency: &str,
    key: &str,
    prior: PriorRequest,
) -> Result<Allocated, RegisterError> {
    let rows = tx.replay_rows(agency, &prior)?;
    let expected = (prior.last - prior.first + 1) as usize;
    if rows.len() != expected {
        return Err(RegisterError::Internal(format!(
            "idempotency key '{key}' holds numbers {}..={} but {} of them have rows",
            prior.first,
            prior.last,
            rows.len()
        )));
    }
    let (references, pdf_sha256) = rows.into_iter().unzip();
    Ok(Allocated {
        agency: agency.to_string(),
        year: prior.year,
        series: prior.series,
        first: prior.first,
        last: prior.last,
        references,
        pdf_sha256,
        replay: true,
        response: prior.response,
        idempotency_key: Some(key.to_string()),
    })
}

/// Records the PDFs of numbers taken; another attempt's response when it
/// completed first.
pub(crate) fn complete(
    tx: &mut impl NumberTx,
    done: &Completion,
) -> Result<Option<StoredResponse>, RegisterError> {
    let last = done.checked_last()?;
    let mut prior_completed = false;
    if let Some(key) = &done.idempotency_key {
        tx.lock_key(&done.agency, key)?;
        let prior = tx.prior_request(&done.agency, key)?.ok_or_else(|| {
            RegisterError::NotFound(format!("Idempotency-Key '{key}' of {}", done.agency))
        })?;
        if let Some(response) = prior.response {
            // Another attempt finished first: its bytes are the answer.
            return Ok(Some(response));
        }
        if (prior.year, prior.series, prior.first, prior.last)
            != (done.year, done.series, done.first, last)
        {
            return Err(RegisterError::conflict(format!(
                "Idempotency-Key '{key}' holds numbers {}..={}, not {}..={last}",
                prior.first, prior.last, done.first
            )));
        }
        prior_completed = prior.completed;
    }
    for (number, hash) in (done.first..=last).zip(&done.pdf_sha256) {
        if tx.issue(done, number, hash)? == 1 {
            continue;
        }
        let entry = tx.entry(&done.agency, done.year, done.series, number, false)?;
        let named = describe_number(&done.agency, done.year, done.series, number);
        match entry.status {
            EntryStatus::Issued if entry.pdf_sha256.as_deref() == Some(hash.as_str()) => {}
            EntryStatus::Issued => {
                return Err(RegisterError::conflict(format!(
                    "{named} was already issued with another PDF"
                )));
            }
            EntryStatus::Cancelled => {
                return Err(RegisterError::conflict(format!(
                    "{named} was cancelled ({}); it cannot be issued",
                    entry.cancel_reason.unwrap_or_default()
                )));
            }
            EntryStatus::Pending => {
                return Err(RegisterError::Internal(format!(
                    "{named} stayed pending after its update"
                )));
            }
        }
    }
    if let Some(key) = &done.idempotency_key
        && !prior_completed
    {
        // A body too large to keep is dropped: the numbers and hashes still
        // make a replay give the same numbers, and re-rendering is
        // deterministic.
        let kept = done
            .response
            .as_ref()
            .filter(|r| r.body.len() <= MAX_STORED_BODY);
        tx.keep_response(&done.agency, key, kept, &clock::now())?;
    }
    Ok(None)
}

/// Cancels an allocation whose render failed and frees its key.
pub(crate) fn abandon(
    tx: &mut impl NumberTx,
    allocated: &Allocated,
    reason: &str,
) -> Result<(), RegisterError> {
    let reason = check_cancel_reason(reason)?;
    if let Some(key) = &allocated.idempotency_key {
        tx.lock_key(&allocated.agency, key)?;
    }
    tx.cancel_pending(
        allocated,
        &format!("render failed: {reason}"),
        &clock::now(),
    )?;
    if let Some(key) = &allocated.idempotency_key {
        // Only an unfinished request is forgotten: if another attempt
        // completed meanwhile, its response stands.
        tx.forget_request(&allocated.agency, key)?;
    }
    Ok(())
}

/// Cancels one number, by a clerk.
pub(crate) fn cancel(
    tx: &mut impl NumberTx,
    agency: &str,
    year_be: i32,
    series: Series,
    number: u32,
    reason: &str,
) -> Result<Entry, RegisterError> {
    check_year_be(year_be)?;
    let reason = check_cancel_reason(reason)?;
    let entry = tx.entry(agency, year_be, series, number, true)?;
    if entry.status == EntryStatus::Cancelled {
        return Err(RegisterError::conflict(format!(
            "{} was already cancelled on {} ({})",
            describe_number(agency, year_be, series, number),
            entry.cancelled_at.unwrap_or_default(),
            entry.cancel_reason.unwrap_or_default()
        )));
    }
    tx.cancel_number(agency, year_be, series, number, reason, &clock::now())?;
    tx.entry(agency, year_be, series, number, false)
}
