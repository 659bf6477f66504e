//! The narration: two to four plain sentences. The answer comes first (the single value, the
//! change over the period, the leader of a ranking, or the relationship between two
//! measures), then the strongest other insights in score order, then the question's stated
//! assumptions when there is room. Only insight texts (each backed by its statistic) and
//! counts of the result are used, so nothing is claimed that the numbers do not show.

use super::Insight;
use crate::chart::format::fmt_exact;
use crate::error::Result;
use crate::question::Intent;
use crate::table::RowTable;

/// Kinds that answer the question directly, in order of preference.
const ANSWERS: [&str; 4] = ["value", "change", "ranking", "correlation"];
/// Kinds that repeat the answer in other words.
fn redundant(answer: &str, kind: &str) -> bool {
    matches!((answer, kind), ("ranking", "extremes") | ("ranking", "top_contributor") | ("change", "extremes"))
}

/// Sentences in a text (". " separated; numbers such as "1.2M" do not split).
fn sentences(text: &str) -> usize {
    text.matches(". ").count() + 1
}

/// Two to four plain sentences: the answer first, then the strongest insights.
pub fn narrate(t: &RowTable, insights: &[Insight], intent: Option<&Intent>) -> Result<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut count = 0usize;
    let answer = ANSWERS.iter().find_map(|k| insights.iter().find(|i| i.kind == *k));
    if let Some(a) = answer {
        parts.push(a.text.clone());
        count += sentences(&a.text);
    } else {
        let rows = t.row_count;
        let cols = t.columns.len();
        parts.push(format!(
            "The result has {} row{} and {} column{}.",
            fmt_exact(rows as f64),
            if rows == 1 { "" } else { "s" },
            cols,
            if cols == 1 { "" } else { "s" }
        ));
        count += 1;
        if !t.columns.iter().any(|c| matches!(c.kind, "integer" | "number" | "decimal")) {
            parts.push("None of its columns holds numbers, so there is nothing to add up or compare.".into());
            count += 1;
        }
    }
    let answer_kind = answer.map(|a| a.kind).unwrap_or("");
    for i in insights {
        if count >= 4 {
            break;
        }
        if answer.is_some_and(|a| std::ptr::eq(a, i)) || redundant(answer_kind, i.kind) {
            continue;
        }
        let n = sentences(&i.text);
        if count + n > 4 {
            continue;
        }
        parts.push(i.text.clone());
        count += n;
    }
    // the assumptions the question parser stated, when there is room
    let notes: Vec<String> = crate::chart::fields::intent_json(intent)
        .get("notes")
        .and_then(|n| n.as_array())
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    for note in notes {
        if count >= 4 {
            break;
        }
        let note = note.trim().to_string();
        if note.is_empty() {
            continue;
        }
        parts.push(if note.ends_with('.') { note } else { format!("{note}.") });
        count += 1;
    }
    if count < 2 {
        let rows = t.row_count;
        parts.push(if rows == 1 {
            "The result is a single row.".to_string()
        } else {
            format!("This is based on {} rows.", fmt_exact(rows as f64))
        });
    }
    Ok(parts.join(" "))
}
