//! The one error type of the core.
//!
//! Every failure a user can cause becomes an [`Error`] with a stable machine-readable
//! [`ErrorCode`], a `message` a non-engineer understands, and a `hint` that says what to do.
//! Engine internals (Polars, sqlparser) never reach the message verbatim: they are mapped
//! here or in the module that knows their meaning. This module must never panic.

use std::fmt;

use serde::Serialize;

/// Stable error codes: the contract with JS callers (`err.code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    /// An argument had the wrong shape (bad table name, unknown option value, ...).
    InvalidArgument,
    /// The SQL text could not be parsed.
    SqlSyntax,
    /// The SQL parsed but would change data or reach outside the registered tables.
    SqlForbidden,
    /// The SQL is valid but uses something the engine cannot run.
    SqlUnsupported,
    /// A table name that is not registered.
    UnknownTable,
    /// A column name that is not in the table.
    UnknownColumn,
    /// The file's bytes could not be read as the format it claims (or was sniffed as).
    BadFile,
    /// The bytes are in a format insightflow does not read.
    UnsupportedFormat,
    /// The input is empty.
    EmptyInput,
    /// Data or a result exceeds a configured limit.
    TooLarge,
    /// The query was valid but failed while running (type mismatch, division by zero, ...).
    QueryFailed,
    /// The caller may not use this source.
    AccessDenied,
    /// The request was cancelled through its AbortSignal.
    Aborted,
    /// The request ran past its `timeoutMs`.
    Timeout,
    /// The question could not be turned into a query.
    QuestionUnsupported,
    /// A remote engine could not be reached (refused, DNS, CORS, TLS).
    RemoteUnreachable,
    /// A remote engine answered with an error (HTTP 4xx/5xx, a query error it reported).
    RemoteError,
    /// A remote engine did not answer within the time limit.
    RemoteTimeout,
    /// A remote engine's answer could not be read (malformed, truncated, wrong content type).
    RemoteBadResponse,
    /// A bug in insightflow: should never be seen.
    Internal,
}

impl ErrorCode {
    /// The code as JS sees it, e.g. `"SQL_SYNTAX"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidArgument => "INVALID_ARGUMENT",
            ErrorCode::SqlSyntax => "SQL_SYNTAX",
            ErrorCode::SqlForbidden => "SQL_FORBIDDEN",
            ErrorCode::SqlUnsupported => "SQL_UNSUPPORTED",
            ErrorCode::UnknownTable => "UNKNOWN_TABLE",
            ErrorCode::UnknownColumn => "UNKNOWN_COLUMN",
            ErrorCode::BadFile => "BAD_FILE",
            ErrorCode::UnsupportedFormat => "UNSUPPORTED_FORMAT",
            ErrorCode::EmptyInput => "EMPTY_INPUT",
            ErrorCode::TooLarge => "TOO_LARGE",
            ErrorCode::QueryFailed => "QUERY_FAILED",
            ErrorCode::AccessDenied => "ACCESS_DENIED",
            ErrorCode::Aborted => "ABORTED",
            ErrorCode::Timeout => "TIMEOUT",
            ErrorCode::QuestionUnsupported => "QUESTION_UNSUPPORTED",
            ErrorCode::RemoteUnreachable => "REMOTE_UNREACHABLE",
            ErrorCode::RemoteError => "REMOTE_ERROR",
            ErrorCode::RemoteTimeout => "REMOTE_TIMEOUT",
            ErrorCode::RemoteBadResponse => "REMOTE_BAD_RESPONSE",
            ErrorCode::Internal => "INTERNAL",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failure with a stable code, a plain-language message and a hint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Error {
    pub code: ErrorCode,
    pub message: String,
    pub hint: String,
}

/// Result alias used across the core.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Error { code, message: message.into(), hint: hint.into() }
    }

    pub fn invalid(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidArgument, message, hint)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)?;
        if !self.hint.is_empty() {
            write!(f, " ({})", self.hint)?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// The first line of an engine message, trimmed and shortened, for use inside a hint.
/// Engine messages can be long and multi-line (query plans); users get one short line.
pub(crate) fn short_detail(detail: &str) -> String {
    let line = detail.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    let mut out: String = line.chars().take(200).collect();
    if line.chars().count() > 200 {
        out.push('…');
    }
    out
}

/// Levenshtein distance on chars, case-insensitive; used for "did you mean" suggestions.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0usize; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The candidates closest to `name` (at most `max`), best first; only reasonable matches.
pub(crate) fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>, max: usize) -> Vec<String> {
    let lower = name.to_lowercase();
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .map(|c| {
            let cl = c.to_lowercase();
            let shorter = cl.chars().count().min(lower.chars().count());
            let d = if cl == lower {
                0
            } else if shorter >= 3 && (cl.contains(&lower) || lower.contains(&cl)) {
                1
            } else {
                edit_distance(&lower, &cl) + 1
            };
            (d, c)
        })
        .filter(|(d, c)| *d <= 1 + (c.chars().count().max(name.chars().count()) / 3).max(1))
        .collect();
    scored.sort_by(|x, y| x.0.cmp(&y.0).then_with(|| x.1.cmp(y.1)));
    scored.into_iter().take(max).map(|(_, c)| c.to_string()).collect()
}

/// "Did you mean 'x'?" plus the list of what exists, for unknown-name errors.
pub(crate) fn suggestion_hint(kind: &str, name: &str, existing: &[String]) -> String {
    let near = closest(name, existing.iter().map(String::as_str), 3);
    let list: Vec<String> = existing.iter().take(20).map(|s| format!("'{s}'")).collect();
    let more = if existing.len() > 20 { format!(" and {} more", existing.len() - 20) } else { String::new() };
    let available = if existing.is_empty() {
        format!("There are no {kind}s yet.")
    } else {
        format!("Available {kind}s: {}{more}.", list.join(", "))
    };
    match near.as_slice() {
        [] => available,
        [one] => format!("Did you mean '{one}'? {available}"),
        many => {
            let q: Vec<String> = many.iter().map(|s| format!("'{s}'")).collect();
            format!("Did you mean one of {}? {available}", q.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_and_closest() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        let c = closest("Horsepwer", ["Horsepower", "Name", "Miles_per_Gallon"], 3);
        assert_eq!(c, vec!["Horsepower".to_string()]);
        assert!(closest("zzzzzz", ["Name", "Year"], 3).is_empty());
        // a one-letter name inside the typo is not a good match
        assert_eq!(closest("weathr", ["t", "weather"], 3), vec!["weather".to_string()]);
        assert_eq!(closest("sale", ["sales", "s"], 3), vec!["sales".to_string()]);
    }

    #[test]
    fn hint_names_the_closest() {
        let h = suggestion_hint("table", "car", &["cars".into(), "weather".into()]);
        assert!(h.starts_with("Did you mean 'cars'?"), "{h}");
        assert!(h.contains("'weather'"));
        let h = suggestion_hint("table", "x", &[]);
        assert_eq!(h, "There are no tables yet.");
    }

    #[test]
    fn short_detail_is_one_line() {
        assert_eq!(short_detail("\n  first line \nsecond"), "first line");
        assert_eq!(short_detail(&"a".repeat(300)).chars().count(), 201);
    }
}
