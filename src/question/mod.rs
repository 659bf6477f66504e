//! Questions in plain language → a small semantic query ([`Intent`]) → SQL.
//!
//! The intent is the contract between the question parser, the SQL compiler (one per engine
//! dialect), and the chart/insight stages (which read `intent.chart`, time units and bins).
//! Offline: only the source's schema and values ([`profile::Profile`]) are used; no network,
//! no model. When a question is ambiguous or names nothing the source has, the answer is a
//! clarification (a question and options), never a guess. A host may plug in its own SQL
//! generator ([`generator::SqlGenerator`]); its SQL is checked like any other.
//!
//! Never panics on user text; every failure is an [`crate::error::Error`].

pub mod compile;
pub mod generator;
pub mod intent;
pub mod lexer;
pub mod lexicon;
pub mod matcher;
pub mod parse;
pub mod profile;

#[cfg(test)]
mod tests;

use serde_json::{json, Value};

pub use generator::{GeneratorMode, SqlGenerator};
pub use intent::{Aggregate, Calc, ChartHint, Dimension, Filter, FilterOp, Intent, Measure, Sort, TimeUnit};
pub use parse::Clarify;
pub use profile::Profile;

use crate::error::{Error, ErrorCode, Result};

/// Longest question accepted, in characters.
pub const MAX_QUESTION_CHARS: usize = 1000;

/// The outcome of planning a question: SQL with its intent, or a clarification.
#[derive(Debug, Clone)]
pub struct Planned {
    pub sql: Option<String>,
    pub intent: Option<Intent>,
    pub clarification: Option<Clarify>,
    /// Which words mapped to what, with scores.
    pub detail: Value,
}

/// The follow-up answers of a request (`answer`: one choice or a list of them).
pub fn answers_of(answer: Option<&Value>) -> Vec<Value> {
    match answer {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.clone(),
        Some(v) => vec![v.clone()],
    }
}

/// Parses `question` against `profile` and compiles it to Polars SQL.
pub fn plan(question: &str, profile: &Profile, answers: &[Value]) -> Result<Planned> {
    if question.chars().count() > MAX_QUESTION_CHARS {
        return Err(Error::new(
            ErrorCode::InvalidArgument,
            format!("The question is longer than {MAX_QUESTION_CHARS} characters."),
            "Ask a shorter question, one thing at a time.",
        ));
    }
    match parse::parse(question, profile, answers) {
        parse::Parsed::Clarify { clarify, mapping } => Ok(Planned {
            sql: None,
            intent: None,
            detail: json!({"parser": "built-in", "mapping": mapping, "clarification": clarify.question}),
            clarification: Some(clarify),
        }),
        parse::Parsed::Intent { intent, mapping } => {
            let sql = compile::compile(&intent, profile)?;
            Ok(Planned { sql: Some(sql), detail: json!({"parser": "built-in", "mapping": mapping}), intent: Some(intent), clarification: None })
        }
    }
}

impl crate::runtime::Runtime {
    /// Sets (or removes) the host's SQL generator for questions.
    pub fn set_sql_generator(&self, generator: Option<std::rc::Rc<dyn SqlGenerator>>) {
        *self.sql_generator.borrow_mut() = generator;
    }

    /// The question profile of a table (distinct values, ranges, text date formats), from the
    /// cache when fresh. Keyed and invalidated like the schema cache.
    pub fn profile_cached(&self, schema: &crate::engine::TableSchema) -> Result<std::rc::Rc<Profile>> {
        let key = (self.tenant().clone(), schema.name.clone());
        let now = self.now_ms();
        if let Some(hit) = self.profile_cache.borrow_mut().get(&key, now) {
            return Ok(hit);
        }
        let run = |sql: &str| -> Result<crate::table::RowTable> {
            let checked = crate::sql::check(sql)?;
            let executed = self.engine.borrow().query(&checked, self.memory_left())?;
            crate::table::RowTable::from_frame(&executed.frame)
        };
        let profile = std::rc::Rc::new(Profile::build(schema, &run)?);
        self.profile_cache.borrow_mut().put(key, profile.clone(), 0, now);
        Ok(profile)
    }
}
