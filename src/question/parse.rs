//! Question → [`Intent`], or a clarification when the question is ambiguous or names
//! something the source does not have.
//!
//! Two steps. Segmentation turns tokens into items (lexicon words, columns, values, numbers,
//! quoted text, the table's own noun, unknown words), longest match first. Then passes over
//! the items fill the intent: chart words, sort words, ranking, time filters, value filters,
//! numeric filters, shares/distributions/relationships, grouping, measures, leftovers. Every
//! word has to be accounted for: an unknown word, a value found in two columns, a word that
//! fits two columns equally, or a number with no column is asked about, never guessed.

use chrono::{Datelike, Duration, NaiveDate};
use serde_json::{json, Value};

use super::intent::{Aggregate, Calc, ChartHint, Dimension, Filter, FilterOp, Intent, Measure, Sort, TimeUnit};
use super::lexer::{singular, tokenize, TokKind, Token};
use super::lexicon::{self, Lex, ENTITY_SYNONYMS, PHRASES};
use super::matcher::{self, is_identifier, match_columns, match_value_word, match_values, match_verb, ColCand, ColVocab, ValCand};
use super::profile::{ColumnProfile, Kind, Profile};

/// Candidates within this much of the best score are "equally good".
const TIE: f64 = 0.04;

/// Which word mapped to what, with its score (the result's metadata).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Mapping {
    pub words: String,
    /// column | value | aggregate | time | filter | ...
    pub kind: &'static str,
    pub target: String,
    pub score: f64,
}

/// Asked instead of guessing.
#[derive(Debug, Clone, PartialEq)]
pub struct Clarify {
    pub question: String,
    pub options: Vec<Value>,
}

#[derive(Debug, Clone)]
pub enum Parsed {
    Intent { intent: Intent, mapping: Vec<Mapping> },
    Clarify { clarify: Clarify, mapping: Vec<Mapping> },
}

#[derive(Debug, Clone)]
enum IK {
    Lex(Lex),
    /// Column candidates; `verb`: a verb form ("directed"), a hint only.
    Col { cands: Vec<ColCand>, verb: bool },
    Val(Vec<ValCand>),
    Num(f64),
    Quoted(String),
    /// The table's own noun ("cars"), or rows/records.
    Entity,
    Unknown,
}

#[derive(Debug, Clone)]
struct Item {
    kind: IK,
    /// The words as written.
    text: String,
    /// Temporal column named like a time unit ("Year"): the unit's column.
    col_hint: Option<usize>,
    /// Plural noun as written (for "top directors" vs "top director").
    plural: bool,
    /// A column name that took in an aggregate word ("max temp" → temp_max).
    absorbed: Option<Aggregate>,
    used: bool,
}

impl Item {
    fn lex(&self) -> Option<Lex> {
        match self.kind {
            IK::Lex(l) => Some(l),
            _ => None,
        }
    }
    fn is_lex(&self, l: Lex) -> bool {
        self.lex() == Some(l)
    }
    fn num(&self) -> Option<f64> {
        match self.kind {
            IK::Num(n) => Some(n),
            _ => None,
        }
    }
    fn col(&self) -> Option<usize> {
        match &self.kind {
            IK::Col { cands, verb: false } if !cands.is_empty() => Some(cands[0].col),
            _ => None,
        }
    }
    fn cands(&self) -> &[ColCand] {
        match &self.kind {
            IK::Col { cands, .. } => cands,
            _ => &[],
        }
    }
    fn is_verb(&self) -> bool {
        matches!(self.kind, IK::Col { verb: true, .. })
    }
}

struct Parser<'a> {
    profile: &'a Profile,
    vocab: Vec<ColVocab>,
    answers: &'a [Value],
    items: Vec<Item>,
    intent: Intent,
    mapping: Vec<Mapping>,
    /// First thing to ask (position in items, clarification).
    pending: Option<(usize, Clarify)>,
    /// Ranking: direction and limit, subject item, measure decided.
    rank: Option<Rank>,
    /// Measures with a share calc waiting for their numerator filter.
    share: bool,
    distribution: bool,
    /// Items consumed as "numerator" candidates for a conditional share: (position, filter index).
    filter_pos: Vec<(usize, usize)>,
    /// Row listing columns ("titles of ...").
    projection: Vec<usize>,
    entity_seen: bool,
    count_seen: bool,
    /// A growth / year-over-year word was seen.
    pending_change: bool,
    /// Position of the distribution word ("distribution of", "histogram").
    dist_at: Option<usize>,
    /// An aggregate word with no column after it ("total by origin").
    dangling_agg: Option<(usize, Aggregate)>,
    /// "sorted by X": the item of X.
    sort_by: Option<usize>,
    sort_desc: Option<bool>,
}

#[derive(Debug, Clone)]
struct Rank {
    desc: bool,
    limit: Option<usize>,
    /// Position of the ranked subject item (a column, the entity, or a time unit).
    subject: Option<usize>,
    /// Position of the direction word.
    at: usize,
    /// The measure was given explicitly (not just counted).
    best_worst: bool,
    hint: Option<&'static str>,
    /// A verb form naming the ranked measure ("highest grossing").
    verb: Option<usize>,
}

/// Parses `question` against `profile`. `answers`: choices made for earlier clarifications.
pub fn parse(question: &str, profile: &Profile, answers: &[Value]) -> Parsed {
    let tokens = tokenize(question);
    let vocab = matcher::vocab(profile);
    let mut p = Parser {
        profile,
        vocab,
        answers,
        items: Vec::new(),
        intent: Intent::default(),
        mapping: Vec::new(),
        pending: None,
        rank: None,
        share: false,
        distribution: false,
        filter_pos: Vec::new(),
        projection: Vec::new(),
        entity_seen: false,
        count_seen: false,
        pending_change: false,
        dist_at: None,
        dangling_agg: None,
        sort_by: None,
        sort_desc: None,
    };
    p.items = p.segment(&tokens);
    p.run();
    match p.pending.take() {
        Some((_, clarify)) => Parsed::Clarify { clarify, mapping: p.mapping },
        None => Parsed::Intent { intent: p.intent, mapping: p.mapping },
    }
}

fn lookup_phrase(tokens: &[Token], i: usize) -> Option<(usize, Lex)> {
    let mut best: Option<(usize, Lex)> = None;
    for (phrase, lex) in PHRASES {
        let words: Vec<&str> = phrase.split(' ').collect();
        if i + words.len() > tokens.len() {
            continue;
        }
        let ok = words.iter().enumerate().all(|(k, w)| {
            let t = &tokens[i + k];
            match &t.kind {
                TokKind::Word | TokKind::Sym(_) => t.norm == *w,
                _ => false,
            }
        });
        if ok && best.is_none_or(|(n, _)| words.len() > n) {
            best = Some((words.len(), *lex));
        }
    }
    best
}

fn agg_word(a: Aggregate) -> &'static str {
    match a {
        Aggregate::Max => "highest",
        Aggregate::Min => "lowest",
        Aggregate::Sum => "total",
        Aggregate::Avg => "average",
        Aggregate::Median => "median",
        _ => "",
    }
}

fn aggregate_name(a: Aggregate) -> &'static str {
    match a {
        Aggregate::Sum => "sum",
        Aggregate::Avg => "avg",
        Aggregate::Median => "median",
        Aggregate::Count => "count",
        Aggregate::CountDistinct => "count_distinct",
        Aggregate::Min => "min",
        Aggregate::Max => "max",
        Aggregate::None => "none",
    }
}

/// Output name of a measure: avg_horsepower, count, share_pct, ...
pub fn measure_alias(m: &Measure) -> String {
    let base = if m.field == "*" {
        "count".to_string()
    } else {
        let f = snake(&m.field);
        match m.aggregate {
            Aggregate::None => m.field.clone(),
            Aggregate::Count => format!("count_{f}"),
            Aggregate::CountDistinct => format!("distinct_{f}"),
            a => format!("{}_{f}", aggregate_name(a)),
        }
    };
    match m.calc {
        Some(Calc::Share) => format!("{base}_share_pct").replace("count_share_pct", "share_pct"),
        Some(Calc::Change) => format!("{base}_change_pct"),
        None => base,
    }
}

/// Output name of a dimension: the column, or column_unit / column_bin.
pub fn dimension_alias(d: &Dimension) -> String {
    match (d.time_unit, d.bin) {
        (Some(u), _) => format!("{}_{}", snake(&d.field), u.as_str()),
        (None, Some(_)) => format!("{}_bin", snake(&d.field)),
        (None, None) => d.field.clone(),
    }
}

pub fn snake(s: &str) -> String {
    let words = matcher::split_name(s);
    let out = words.join("_");
    if out.is_empty() {
        "value".into()
    } else {
        out
    }
}

fn month_start(y: i32, m: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, 1)
}

fn add_months(d: NaiveDate, months: i32) -> Option<NaiveDate> {
    let total = d.year() * 12 + d.month0() as i32 + months;
    NaiveDate::from_ymd_opt(total.div_euclid(12), total.rem_euclid(12) as u32 + 1, 1)
}

/// Start of the unit containing `d`.
pub fn truncate(d: NaiveDate, unit: TimeUnit) -> Option<NaiveDate> {
    match unit {
        TimeUnit::Year => NaiveDate::from_ymd_opt(d.year(), 1, 1),
        TimeUnit::Quarter => NaiveDate::from_ymd_opt(d.year(), (d.month0() / 3) * 3 + 1, 1),
        TimeUnit::Month => month_start(d.year(), d.month()),
        TimeUnit::Week => Some(d - Duration::days(d.weekday().num_days_from_monday() as i64)),
        _ => Some(d),
    }
}

/// `n` units before `d` (a unit start).
fn step_back(d: NaiveDate, unit: TimeUnit, n: i64) -> Option<NaiveDate> {
    match unit {
        TimeUnit::Year => add_months(d, -(12 * n as i32)),
        TimeUnit::Quarter => add_months(d, -(3 * n as i32)),
        TimeUnit::Month => add_months(d, -(n as i32)),
        TimeUnit::Week => Some(d - Duration::days(7 * n)),
        _ => Some(d - Duration::days(n)),
    }
}

/// Number of `unit` periods between two dates (inclusive).
fn periods(a: NaiveDate, b: NaiveDate, unit: TimeUnit) -> i64 {
    let months = |d: NaiveDate| d.year() as i64 * 12 + d.month0() as i64;
    match unit {
        TimeUnit::Year => (b.year() - a.year()) as i64 + 1,
        TimeUnit::Quarter => (months(b) / 3 - months(a) / 3) + 1,
        TimeUnit::Month => months(b) - months(a) + 1,
        TimeUnit::Week => (b - a).num_days() / 7 + 1,
        _ => (b - a).num_days() + 1,
    }
}

/// "over time": the finest of day, week, month, quarter, year with at most 200 periods.
pub fn auto_unit(c: &ColumnProfile) -> TimeUnit {
    let (Some(a), Some(b)) = (c.min_time, c.max_time) else { return TimeUnit::Month };
    for u in [TimeUnit::Day, TimeUnit::Week, TimeUnit::Month, TimeUnit::Quarter, TimeUnit::Year] {
        if periods(a.date(), b.date(), u) <= 200 {
            return u;
        }
    }
    TimeUnit::Year
}

/// Bin width for a distribution: the smallest 1/2/5 × 10^k giving at most 20 bins.
pub fn nice_step(min: f64, max: f64) -> f64 {
    let span = max - min;
    if !(span > 0.0) || !span.is_finite() {
        return 1.0;
    }
    let k = (span / 20.0).log10().floor() as i32;
    for e in [k - 1, k, k + 1] {
        for m in [1.0, 2.0, 5.0] {
            let step = m * 10f64.powi(e);
            if span / step <= 20.0 + 1e-9 {
                // Round away float noise (0.30000000000000004).
                return format!("{:.10}", step).parse().unwrap_or(step);
            }
        }
    }
    10f64.powi(k + 2)
}

fn has_word(name_words: &[String], list: &[&str]) -> bool {
    name_words.iter().any(|w| list.contains(&w.as_str()))
}

impl Parser<'_> {
    fn col(&self, ci: usize) -> &ColumnProfile {
        &self.profile.columns[ci]
    }

    fn name(&self, ci: usize) -> String {
        self.profile.columns[ci].name.clone()
    }

    fn map(&mut self, words: &str, kind: &'static str, target: String, score: f64) {
        self.mapping.push(Mapping { words: words.to_string(), kind, target, score: (score * 100.0).round() / 100.0 });
    }

    fn ask(&mut self, at: usize, question: String, options: Vec<Value>) {
        if self.pending.as_ref().is_none_or(|(p, _)| at < *p) {
            self.pending = Some((at, Clarify { question, options }));
        }
    }

    // ------------------------------------------------------------------ segmentation

    fn entity_words(&self) -> Vec<String> {
        let table = self.profile.table.to_lowercase();
        let mut out: Vec<String> = matcher::split_name(&table).iter().map(|w| singular(w)).collect();
        let base = singular(&table);
        out.push(base.clone());
        for group in ENTITY_SYNONYMS {
            if group.iter().any(|g| out.iter().any(|o| o == g)) {
                out.extend(group.iter().map(|g| g.to_string()));
            }
        }
        out
    }

    fn segment(&self, tokens: &[Token]) -> Vec<Item> {
        let mut items = Vec::new();
        let entity = self.entity_words();
        let n = tokens.len();
        let mut i = 0;
        while i < n {
            let t = &tokens[i];
            let mk = |kind: IK, text: String| Item { kind, text, col_hint: None, plural: false, absorbed: None, used: false };
            match &t.kind {
                TokKind::Number(v) => {
                    items.push(mk(IK::Num(*v), t.raw.clone()));
                    i += 1;
                    continue;
                }
                TokKind::Quoted(q) => {
                    let vals = match_values(&[q.as_str()], &[super::lexer::norm_text(q).as_str()], self.profile, false, false);
                    let kind = if vals.is_empty() { IK::Quoted(q.clone()) } else { IK::Val(vals) };
                    items.push(mk(kind, t.raw.clone()));
                    i += 1;
                    continue;
                }
                TokKind::Sym(";") => {
                    items.push(mk(IK::Unknown, ";".into()));
                    i += 1;
                    continue;
                }
                _ => {}
            }
            // Candidates at i: (length, priority, item)
            let mut best: Option<(usize, u8, Item)> = None;
            let consider = |len: usize, prio: u8, item: Item, best: &mut Option<(usize, u8, Item)>| {
                if best.as_ref().is_none_or(|(l, p, _)| len > *l || (len == *l && prio > *p)) {
                    *best = Some((len, prio, item));
                }
            };
            let span_text = |a: usize, b: usize| tokens[a..b].iter().map(|t| t.raw.as_str()).collect::<Vec<_>>().join(" ");
            let lexical_word = |w: &str| lexicon::is_filler(w) || PHRASES.iter().any(|(p, _)| *p == w);
            // lexicon
            let phrase = lookup_phrase(tokens, i);
            if let Some((len, lex)) = phrase {
                // rows / records / the data: the table's rows, like its own noun
                let kind = if lex == Lex::Entity { IK::Entity } else { IK::Lex(lex) };
                consider(len, 4, mk(kind, span_text(i, i + len)), &mut best);
            }
            // columns: longest span of words
            let words_end = (i..n).take_while(|&k| matches!(tokens[k].kind, TokKind::Word | TokKind::Number(_))).last().map(|k| k + 1).unwrap_or(i);
            for len in (1..=5.min(words_end.saturating_sub(i))).rev() {
                let w: Vec<&str> = tokens[i..i + len].iter().map(|t| t.norm.as_str()).collect();
                if !tokens[i].is_word() {
                    break;
                }
                let cands = match_columns(&w, &self.vocab);
                if cands.is_empty() {
                    continue;
                }
                let top = cands[0].score;
                let cands: Vec<ColCand> = cands.into_iter().filter(|c| c.score >= top - TIE).collect();
                let strong = top >= 0.85;
                // A lexicon word only loses to a full column name.
                let prio = if strong { 6 } else { 3 };
                if len == 1 && !strong && phrase.is_some() {
                    break;
                }
                // "orders" half-naming "order_date": a hint at the date, not a mention of it
                let weak_date = !strong && cands.iter().all(|c| self.col(c.col).is_temporal());
                let mut item = mk(IK::Col { cands, verb: weak_date }, span_text(i, i + len));
                item.plural = tokens[i + len - 1].norm != singular(&tokens[i + len - 1].norm);
                if len > 1 {
                    item.absorbed = tokens[i..i + len].iter().find_map(|t| match lookup_phrase(std::slice::from_ref(t), 0) {
                        Some((1, Lex::Agg(a))) if matches!(a, Aggregate::Max | Aggregate::Min | Aggregate::Avg | Aggregate::Sum | Aggregate::Median) => Some(a),
                        _ => None,
                    });
                }
                // "year" naming a date column "Year": a time unit of that column
                if let (Some((1, Lex::Unit(u))), true) = (phrase, len == 1) {
                    let ci = item.cands()[0].col;
                    if self.col(ci).is_temporal() {
                        let mut it = mk(IK::Lex(Lex::Unit(u)), span_text(i, i + 1));
                        it.col_hint = Some(ci);
                        consider(1, 7, it, &mut best);
                        break;
                    }
                }
                consider(len, prio, item, &mut best);
                break;
            }
            // values
            for len in (1..=6.min(words_end.saturating_sub(i))).rev() {
                let raw: Vec<&str> = tokens[i..i + len].iter().map(|t| t.raw.as_str()).collect();
                let norm: Vec<&str> = tokens[i..i + len].iter().map(|t| t.norm.as_str()).collect();
                if !tokens[i].is_word() {
                    break;
                }
                let lexical = len == 1 && lexical_word(norm[0]);
                let vals = match_values(&raw, &norm, self.profile, lexical, i == 0);
                if vals.is_empty() {
                    continue;
                }
                let mut item = mk(IK::Val(vals), span_text(i, i + len));
                item.plural = tokens[i + len - 1].norm != singular(&tokens[i + len - 1].norm);
                consider(len, 5, item, &mut best);
                break;
            }
            if best.is_none() && t.is_word() {
                let w = t.norm.as_str();
                let sw = singular(w);
                if entity.iter().any(|e| *e == sw || *e == w) {
                    let mut it = mk(IK::Entity, t.raw.clone());
                    it.plural = sw != w;
                    best = Some((1, 2, it));
                } else if let Some(v) = lexicon::number_word(w) {
                    best = Some((1, 2, mk(IK::Num(v), t.raw.clone())));
                } else {
                    let verb = match_verb(w, &self.vocab);
                    if !verb.is_empty() {
                        best = Some((1, 1, mk(IK::Col { cands: verb, verb: true }, t.raw.clone())));
                    } else if lexicon::is_filler(w) {
                        best = Some((1, 0, mk(IK::Lex(Lex::Filler), t.raw.clone())));
                    } else {
                        let partial = match_value_word(w, self.profile);
                        if !partial.is_empty() {
                            best = Some((1, 2, mk(IK::Val(partial), t.raw.clone())));
                        }
                    }
                }
            }
            match best {
                Some((len, _, item)) => {
                    if !item.is_lex(Lex::Filler) {
                        items.push(item);
                    }
                    i += len.max(1);
                }
                None => {
                    if t.is_word() {
                        // a typo of a lexicon word ("averge", "distrbution")
                        let typo = (t.norm.chars().count() >= 6)
                            .then(|| PHRASES.iter().find(|(p, _)| !p.contains(' ') && p.chars().count() >= 6 && p.chars().next() == t.norm.chars().next() && matcher::typo_distance(p, &t.norm) == 1))
                            .flatten();
                        match typo {
                            Some((_, lex)) => items.push(mk(IK::Lex(*lex), t.raw.clone())),
                            None => items.push(mk(IK::Unknown, t.raw.clone())),
                        }
                    }
                    i += 1;
                }
            }
        }
        items
    }

    // ------------------------------------------------------------------ helpers

    fn next_idx(&self, from: usize, skip: &[Lex]) -> Option<usize> {
        let mut j = from;
        while j < self.items.len() {
            match self.items[j].lex() {
                Some(l) if skip.contains(&l) => j += 1,
                _ => return Some(j),
            }
        }
        None
    }

    fn prev_idx(&self, from: usize, skip: &[Lex]) -> Option<usize> {
        let mut j = from;
        loop {
            if j == 0 {
                return None;
            }
            j -= 1;
            match self.items[j].lex() {
                Some(l) if skip.contains(&l) => continue,
                _ => return Some(j),
            }
        }
    }

    /// Resolves a column choice among `cands` using the answers; None when still open.
    fn answered_column(&self, word: &str, cands: &[usize]) -> Option<usize> {
        for a in self.answers {
            let (col, w) = match a {
                Value::String(s) => (Some(s.as_str()), None),
                Value::Object(o) => (o.get("column").and_then(Value::as_str), o.get("word").and_then(Value::as_str)),
                _ => (None, None),
            };
            if let Some(w) = w {
                if !w.eq_ignore_ascii_case(word) {
                    continue;
                }
            }
            let Some(col) = col else { continue };
            if let Some(&ci) = cands.iter().find(|&&ci| self.profile.columns[ci].name.eq_ignore_ascii_case(col)) {
                return Some(ci);
            }
            // "origin = SAN" style labels
            if let Some(&ci) = cands.iter().find(|&&ci| col.to_lowercase().starts_with(&format!("{} =", self.profile.columns[ci].name.to_lowercase()))) {
                return Some(ci);
            }
        }
        None
    }

    fn ignored(&self, word: &str) -> bool {
        self.answers.iter().any(|a| match a {
            Value::Object(o) => o.get("ignore").and_then(Value::as_str).is_some_and(|w| w.eq_ignore_ascii_case(word)),
            Value::String(s) => s.eq_ignore_ascii_case(&format!("ignore '{word}'")) || s.eq_ignore_ascii_case(&format!("ignore {word}")),
            _ => false,
        })
    }

    /// An answer mapping an unknown word to a column.
    fn answered_unknown(&self, word: &str) -> Option<usize> {
        for a in self.answers {
            if let Value::Object(o) = a {
                if o.get("word").and_then(Value::as_str).is_some_and(|w| w.eq_ignore_ascii_case(word)) {
                    if let Some(c) = o.get("column").and_then(Value::as_str) {
                        if o.get("value").is_none() {
                            return self.profile.index_of(c);
                        }
                    }
                }
            }
        }
        None
    }

    fn col_options(&self, word: &str, cols: &[usize]) -> Vec<Value> {
        cols.iter().map(|&ci| json!({"label": self.name(ci), "column": self.name(ci), "word": word})).collect()
    }

    /// Picks one column among equally good candidates, asking when it cannot.
    /// `want`: keep only columns of this sort (numeric for an average, ...).
    fn choose(&mut self, at: usize, want: Want) -> Option<usize> {
        let item = self.items.get(at)?;
        let text = item.text.clone();
        let cands: Vec<usize> = item.cands().iter().map(|c| c.col).collect();
        let score = item.cands().first().map(|c| c.score).unwrap_or(0.0);
        let typed: Vec<usize> = cands.iter().copied().filter(|&ci| want.fits(self.col(ci))).collect();
        let pool = if typed.is_empty() { cands.clone() } else { typed };
        let pick = match pool.as_slice() {
            [] => None,
            [one] => Some(*one),
            many => match self.answered_column(&text, many).or_else(|| self.named_elsewhere(at, many)) {
                Some(ci) => Some(ci),
                None => {
                    let names: Vec<String> = many.iter().map(|&ci| format!("'{}'", self.name(ci))).collect();
                    let q = format!("Which column do you mean by '{text}': {}?", names.join(" or "));
                    let opts = self.col_options(&text, many);
                    self.ask(at, q, opts);
                    None
                }
            },
        };
        if let Some(ci) = pick {
            let n = self.name(ci);
            self.map(&text, "column", n, score);
        }
        pick
    }

    /// Another word of the question naming exactly one of `pool` settles the choice
    /// ("highest grossing ... worldwide" → Worldwide Gross); that word is then used up.
    fn named_elsewhere(&mut self, at: usize, pool: &[usize]) -> Option<usize> {
        let k = (0..self.items.len()).find(|&k| {
            let it = &self.items[k];
            k != at && !it.used && !it.is_verb() && matches!(it.cands(), [only] if pool.contains(&only.col))
        })?;
        self.items[k].used = true;
        self.items[k].cands().first().map(|c| c.col)
    }

    fn temporal_columns(&self) -> Vec<usize> {
        (0..self.profile.columns.len()).filter(|&ci| self.col(ci).is_temporal()).collect()
    }

    /// The date column a time expression at `at` is about.
    fn time_column(&mut self, at: usize, words: &str) -> Option<usize> {
        if let Some(ci) = self.items.get(at).and_then(|i| i.col_hint) {
            return Some(ci);
        }
        // a column or verb nearby that is a date ("released in 2000")
        for it in self.items.iter() {
            if let Some(c) = it.cands().iter().find(|c| self.col(c.col).is_temporal()) {
                if it.is_verb() || it.col().is_some() {
                    return Some(c.col);
                }
            }
            if let Some(ci) = it.col_hint {
                return Some(ci);
            }
        }
        let all = self.temporal_columns();
        match all.as_slice() {
            [] => None,
            [one] => Some(*one),
            many => match self.answered_column(words, many) {
                Some(ci) => Some(ci),
                None => {
                    let names: Vec<String> = many.iter().map(|&ci| format!("'{}'", self.name(ci))).collect();
                    let q = format!("Which date do you mean for '{words}': {}?", names.join(" or "));
                    let opts = self.col_options(words, many);
                    self.ask(at, q, opts);
                    None
                }
            },
        }
    }

    fn year_column(&self) -> Option<usize> {
        self.profile.columns.iter().position(|c| c.is_integer() && matcher::split_name(&c.name).iter().any(|w| singular(w) == "year"))
    }

    fn default_aggregate(&self, ci: usize) -> Aggregate {
        let words: Vec<String> = matcher::split_name(&self.col(ci).name).iter().map(|w| singular(w)).collect();
        if has_word(&words, lexicon::ADDITIVE_WORDS) || words.iter().any(|w| lexicon::ADDITIVE_WORDS.contains(&format!("{w}s").as_str())) {
            Aggregate::Sum
        } else {
            Aggregate::Avg
        }
    }

    fn add_measure(&mut self, field: String, agg: Aggregate) -> usize {
        if let Some(i) = self.intent.measures.iter().position(|m| m.field == field && m.aggregate == agg) {
            return i;
        }
        let mut m = Measure::new(field, agg);
        m.alias = Some(measure_alias(&m));
        self.intent.measures.push(m);
        self.intent.measures.len() - 1
    }

    fn add_dim(&mut self, d: Dimension) {
        if !self.intent.dimensions.iter().any(|x| x.field == d.field && x.time_unit == d.time_unit && x.bin == d.bin) {
            self.intent.dimensions.push(d);
        }
    }

    fn add_filter(&mut self, at: usize, f: Filter) {
        self.filter_pos.push((at, self.intent.filters.len()));
        self.intent.filters.push(f);
    }

    fn hour_unit(&self, ci: usize) -> TimeUnit {
        let c = self.col(ci);
        match (c.min_time, c.max_time) {
            (Some(a), Some(b)) if (b - a).num_days() <= 2 => TimeUnit::Hour,
            _ => TimeUnit::HourOfDay,
        }
    }

    fn time_dim(&mut self, at: usize, unit: Option<TimeUnit>, words: &str) -> bool {
        let Some(ci) = self.time_column(at, words) else { return false };
        let mut unit = unit.unwrap_or_else(|| auto_unit(self.col(ci)));
        if unit == TimeUnit::Hour {
            unit = self.hour_unit(ci);
        }
        if matches!(unit, TimeUnit::Hour | TimeUnit::HourOfDay) && !self.col(ci).has_time() {
            self.ask(at, format!("'{}' holds dates without a time of day, so it cannot be grouped by hour. Which grouping do you want?", self.name(ci)), vec![json!({"label": "by day", "word": words}), json!({"label": "by month", "word": words})]);
            return false;
        }
        let n = self.name(ci);
        self.map(words, "time", format!("{n} by {}", unit.as_str()), 0.9);
        self.add_dim(Dimension { field: n, time_unit: Some(unit), bin: None });
        true
    }

    // ------------------------------------------------------------------ passes

    fn run(&mut self) {
        self.pass_chart_and_sort();
        self.pass_unknown_words();
        self.pass_ranking_setup();
        self.pass_relative_time();
        self.pass_numeric_filters();
        self.pass_time_filters();
        self.pass_value_filters();
        self.pass_structures();
        self.pass_dimensions();
        self.pass_ranking_finish();
        self.pass_measures();
        self.pass_leftovers();
        self.assemble();
    }

    fn pass_chart_and_sort(&mut self) {
        for i in 0..self.items.len() {
            if let Some(Lex::Chart(c)) = self.items[i].lex() {
                self.intent.chart = Some(c);
                self.items[i].used = true;
                let text = self.items[i].text.clone();
                self.map(&text, "chart", format!("{c:?}").to_lowercase(), 1.0);
                if c == ChartHint::Histogram {
                    self.distribution = true;
                    self.dist_at = Some(i);
                }
            }
            match self.items[i].lex() {
                Some(Lex::SortBy) => {
                    self.items[i].used = true;
                    self.sort_by = Some(i + 1);
                }
                Some(Lex::Asc) => {
                    self.items[i].used = true;
                    self.sort_desc = Some(false);
                }
                Some(Lex::Desc) => {
                    self.items[i].used = true;
                    self.sort_desc = Some(true);
                }
                _ => {}
            }
        }
    }

    /// Unknown words: ask about them (or take the answer: ignore, or a column).
    fn pass_unknown_words(&mut self) {
        for i in 0..self.items.len() {
            let IK::Unknown = self.items[i].kind else { continue };
            let word = self.items[i].text.clone();
            if word == ";" || self.ignored(&word) {
                self.items[i].used = true;
                if word == ";" {
                    self.ask(i, "The question contains a ';'. Please ask one plain question, without SQL.".into(), vec![]);
                }
                continue;
            }
            if let Some(ci) = self.answered_unknown(&word) {
                self.items[i].kind = IK::Col { cands: vec![ColCand { col: ci, score: 1.0, how: "answer" }], verb: false };
                continue;
            }
            // Suggestions: the closest column names and values.
            let lower = word.to_lowercase();
            let names: Vec<String> = self.profile.columns.iter().map(|c| c.name.clone()).collect();
            let mut options: Vec<Value> = crate::error::closest(&lower, names.iter().map(String::as_str), 3)
                .into_iter()
                .map(|n| json!({"label": n, "column": n, "word": word}))
                .collect();
            let mut q = format!("I could not find '{word}' in '{}'.", self.profile.table);
            if options.is_empty() {
                q.push_str(" What does it refer to?");
                options = self.profile.columns.iter().take(8).map(|c| json!({"label": c.name, "column": c.name, "word": word})).collect();
            } else {
                q.push_str(" Did you mean one of these columns?");
            }
            options.push(json!({"label": format!("Ignore '{word}'"), "ignore": word, "word": word}));
            self.ask(i, q, options);
            self.items[i].used = true;
        }
    }

    /// Finds the ranking words and the ranked subject; marks the limit number.
    fn pass_ranking_setup(&mut self) {
        let n = self.items.len();
        let mut i = 0;
        while i < n {
            let lex = self.items[i].lex();
            let (desc, kind) = match lex {
                Some(Lex::Top) => (true, "top"),
                Some(Lex::Bottom) => (false, "bottom"),
                Some(Lex::Most) => (true, "most"),
                Some(Lex::Least) => (false, "least"),
                Some(Lex::Best) => (true, "best"),
                Some(Lex::Worst) => (false, "worst"),
                Some(Lex::Common) => (true, "common"),
                Some(Lex::Superlative { desc, .. }) => (desc, "superlative"),
                _ => {
                    i += 1;
                    continue;
                }
            };
            if self.rank.is_some() {
                break;
            }
            let hint = match lex {
                Some(Lex::Superlative { hint, .. }) => Some(hint),
                _ => None,
            };
            let mut rank = Rank { desc, limit: None, subject: None, at: i, best_worst: matches!(kind, "best" | "worst"), hint, verb: None };
            let subject_ok = |it: &Item, p: &Parser| -> bool {
                match &it.kind {
                    IK::Entity => true,
                    IK::Lex(Lex::Unit(_)) => true,
                    IK::Col { cands, verb: false } => cands.first().is_some_and(|c| !p.col(c.col).is_numeric() || p.col(c.col).is_integer() && p.small_integer(c.col)),
                    _ => false,
                }
            };
            match kind {
                "top" | "bottom" => {
                    // top [N] [superlative] subject
                    let mut j = i + 1;
                    if let Some(v) = self.items.get(j).and_then(Item::num) {
                        if v >= 1.0 && v.fract() == 0.0 {
                            rank.limit = Some(v as usize);
                            self.items[j].used = true;
                            j += 1;
                        }
                    }
                    if let Some(Lex::Superlative { desc, hint }) = self.items.get(j).and_then(Item::lex) {
                        rank.desc = desc;
                        rank.hint = Some(hint);
                        self.items[j].used = true;
                        j += 1;
                    }
                    if let Some(Lex::Most | Lex::Least | Lex::Common) = self.items.get(j).and_then(Item::lex) {
                        self.items[j].used = true;
                        j += 1;
                    }
                    // "top 10 highest grossing movies": the verb form says what is ranked
                    if self.items.get(j).is_some_and(Item::is_verb) && self.items.get(j + 1).is_some_and(|it| subject_ok(it, self)) {
                        rank.verb = Some(j);
                        j += 1;
                    }
                    if self.items.get(j).is_some_and(|it| subject_ok(it, self)) {
                        rank.subject = Some(j);
                    }
                }
                _ => {
                    // "most common X": X is the subject
                    if kind == "common" || (kind == "most" && self.items.get(i + 1).is_some_and(|it| it.is_lex(Lex::Common))) {
                        let j = if kind == "common" { i + 1 } else { i + 2 };
                        if self.items.get(j).is_some_and(|it| subject_ok(it, self)) {
                            rank.subject = Some(j);
                        }
                        if kind == "most" {
                            self.items[i + 1].used = true;
                        }
                    }
                    // [which|the] [N] subject [has|with|...] the most ...
                    if rank.subject.is_none() {
                        let mut j = i;
                        let mut seen_subject = None;
                        while j > 0 {
                            j -= 1;
                            let it = &self.items[j];
                            if it.used && it.num().is_none() {
                                continue;
                            }
                            match it.lex() {
                                Some(Lex::With | Lex::Is | Lex::Of | Lex::In | Lex::Filler) => continue,
                                Some(Lex::Which) => break,
                                _ => {}
                            }
                            if seen_subject.is_none() && subject_ok(it, self) {
                                seen_subject = Some(j);
                                continue;
                            }
                            if it.is_verb() {
                                continue;
                            }
                            if it.num().is_some() && seen_subject.is_some() {
                                continue;
                            }
                            break;
                        }
                        // the superlative right before its subject: "the windiest day", "best movies"
                        if seen_subject.is_none() {
                            let after = self.next_idx(i + 1, &[Lex::Of, Lex::Filler]);
                            if let Some(a) = after {
                                let it = &self.items[a];
                                let ok = match &it.kind {
                                    IK::Entity | IK::Lex(Lex::Unit(_)) => true,
                                    IK::Col { .. } => matches!(kind, "best" | "worst") && subject_ok(it, self),
                                    _ => false,
                                };
                                if ok && (kind != "most" && kind != "least") {
                                    rank.subject = Some(a);
                                }
                            }
                        } else {
                            rank.subject = seen_subject;
                        }
                    }
                    // limit: a number just before the subject or the ranking word
                    for k in [rank.subject.map(|s| s.wrapping_sub(1)), Some(i.wrapping_sub(1))].into_iter().flatten() {
                        if let Some(v) = self.items.get(k).and_then(Item::num) {
                            if v >= 1.0 && v.fract() == 0.0 && v <= 1000.0 && !self.items[k].used {
                                rank.limit = Some(v as usize);
                                self.items[k].used = true;
                                break;
                            }
                        }
                    }
                }
            }
            // "highest X" with nothing ranked is an aggregate (max), not a ranking
            if rank.subject.is_none() && matches!(kind, "most" | "least" | "superlative") {
                i += 1;
                continue;
            }
            self.items[i].used = true;
            self.rank = Some(rank);
            break;
        }
    }

    /// An integer column with few values that is not an amount (cylinders, a rating 1-5):
    /// usable as a category.
    fn small_integer(&self, ci: usize) -> bool {
        let c = self.col(ci);
        c.is_integer() && matches!((c.min, c.max), (Some(a), Some(b)) if b - a <= 30.0) && self.default_aggregate(ci) != Aggregate::Sum
    }

    /// last/past N units, this year
    fn pass_relative_time(&mut self) {
        for i in 0..self.items.len() {
            let Some(Lex::Last | Lex::This) = self.items[i].lex() else { continue };
            let mut j = i + 1;
            let mut count = 1i64;
            if let Some(v) = self.items.get(j).and_then(Item::num) {
                if v >= 1.0 && v.fract() == 0.0 && v <= 10_000.0 {
                    count = v as i64;
                    j += 1;
                }
            }
            let Some(Lex::Unit(unit)) = self.items.get(j).and_then(Item::lex) else { continue };
            if !unit.is_truncation() || unit == TimeUnit::Hour {
                continue;
            }
            let words: String = self.items[i..=j].iter().map(|it| it.text.as_str()).collect::<Vec<_>>().join(" ");
            for k in i..=j {
                self.items[k].used = true;
            }
            let Some(ci) = self.time_column(j, &words) else { continue };
            let Some(max) = self.col(ci).max_time else { continue };
            let Some(start) = truncate(max.date(), unit).and_then(|d| step_back(d, unit, count - 1)) else { continue };
            let name = self.name(ci);
            let note = format!(
                "'{words}' is taken relative to the latest date in the data ({}): from {} on.",
                max.date().format("%Y-%m-%d"),
                start.format("%Y-%m-%d")
            );
            self.intent.notes.push(note);
            self.map(&words, "filter", format!("{name} >= {}", start.format("%Y-%m-%d")), 0.9);
            self.add_filter(i, Filter { field: name, op: FilterOp::Gte, values: vec![json!(start.format("%Y-%m-%d").to_string())], time_unit: None });
        }
    }

    /// Column a comparison at `at` is about: one right after the number, or one before the
    /// comparison word.
    fn comparison_column(&self, cmp_at: usize, num_at: usize) -> Option<usize> {
        let numeric = |it: &Item| it.cands().iter().any(|c| self.col(c.col).is_numeric());
        // after: "more than 6 cylinders", "over 4000 lbs"
        if let Some(a) = self.next_idx(num_at + 1, &[Lex::UnitWord, Lex::Of]) {
            let it = &self.items[a];
            if !it.used && numeric(it) && !it.is_verb() {
                return Some(a);
            }
        }
        // before: "horsepower over 150", "delayed by more than 60", "rating of at least 8"
        if let Some(b) = self.prev_idx(cmp_at, &[Lex::Is, Lex::Of, Lex::With, Lex::By, Lex::Filler, Lex::In, Lex::Not]) {
            let it = &self.items[b];
            if numeric(it) && (!it.used || it.is_verb()) {
                return Some(b);
            }
        }
        None
    }

    fn numeric_choice(&mut self, at: usize) -> Option<usize> {
        let it = &self.items[at];
        if it.is_verb() {
            let cands: Vec<usize> = it.cands().iter().map(|c| c.col).filter(|&c| self.col(c).is_numeric()).collect();
            if cands.len() == 1 {
                let text = it.text.clone();
                let n = self.name(cands[0]);
                self.map(&text, "column", n, 0.6);
                return Some(cands[0]);
            }
            let text = it.text.clone();
            return match self.answered_column(&text, &cands).or_else(|| self.named_elsewhere(at, &cands)) {
                Some(c) => Some(c),
                None => {
                    let opts = self.col_options(&text, &cands);
                    self.ask(at, format!("Which column do you mean by '{text}'?"), opts);
                    None
                }
            };
        }
        self.choose(at, Want::Numeric)
    }

    fn pass_numeric_filters(&mut self) {
        let n = self.items.len();
        let mut i = 0;
        while i < n {
            if self.items[i].used {
                i += 1;
                continue;
            }
            let lex = self.items[i].lex();
            match lex {
                Some(Lex::Not) if self.items.get(i + 1).is_some_and(|it| !it.used && it.cands().iter().any(|c| self.col(c.col).is_numeric())) && !self.items.get(i + 2).is_some_and(|it| matches!(it.lex(), Some(Lex::Cmp(_) | Lex::Between))) => {
                    // "no delay": = 0, or 0 and less?
                    let c = i + 1;
                    let Some(ci) = self.numeric_choice(c) else {
                        i += 2;
                        continue;
                    };
                    self.items[i].used = true;
                    self.items[c].used = true;
                    let name = self.name(ci);
                    let word = format!("{} {}", self.items[i].text, self.items[c].text);
                    let eq = format!("{name} = 0");
                    let le = format!("{name} <= 0");
                    let empty = format!("{name} is empty");
                    let nullable = self.col(ci).non_null.is_some_and(|nn| nn < self.profile.row_count);
                    let chosen = self.answers.iter().find_map(|a| match a {
                        Value::String(x) => Some(x.clone()),
                        Value::Object(o) => o.get("label").and_then(Value::as_str).map(String::from),
                        _ => None,
                    });
                    match chosen.as_deref() {
                        Some(x) if x == eq => self.add_filter(i, Filter { field: name, op: FilterOp::Eq, values: vec![json!(0)], time_unit: None }),
                        Some(x) if x == le => self.add_filter(i, Filter { field: name, op: FilterOp::Lte, values: vec![json!(0)], time_unit: None }),
                        Some(x) if x == empty => self.add_filter(i, Filter { field: name, op: FilterOp::Eq, values: vec![Value::Null], time_unit: None }),
                        _ => {
                            let mut opts = vec![json!({"label": eq, "word": word}), json!({"label": le, "word": word})];
                            if nullable {
                                opts.insert(0, json!({"label": empty, "word": word}));
                            }
                            self.ask(i, format!("What does '{word}' mean here?"), opts);
                        }
                    }
                    i += 2;
                }
                Some(Lex::Between) => {
                    let (Some(a), Some(b)) = (self.items.get(i + 1).and_then(Item::num), self.items.get(i + 3).and_then(Item::num)) else {
                        i += 1;
                        continue;
                    };
                    if !self.items.get(i + 2).is_some_and(|it| it.is_lex(Lex::And) || it.is_lex(Lex::To)) {
                        i += 1;
                        continue;
                    }
                    let Some(c) = self.comparison_column(i, i + 3) else {
                        i += 1;
                        continue;
                    };
                    let Some(ci) = self.numeric_choice(c) else {
                        for k in i..=i + 3 {
                            self.items[k].used = true;
                        }
                        i += 4;
                        continue;
                    };
                    self.items[c].used = true;
                    for k in i..=i + 3 {
                        self.items[k].used = true;
                    }
                    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
                    let name = self.name(ci);
                    self.map(&format!("between {a} and {b}"), "filter", format!("{name} between {lo} and {hi}"), 1.0);
                    self.add_filter(i, Filter { field: name, op: FilterOp::Between, values: vec![num_json(lo), num_json(hi)], time_unit: None });
                    i += 4;
                }
                Some(Lex::Cmp(op)) | Some(Lex::Comparative { op, .. }) => {
                    // "6 cylinders or more": the comparison after the number
                    let trailing = matches!(self.items[i].text.to_lowercase().as_str(), t if t.starts_with("or ") || t.starts_with("and "));
                    let num_at = if trailing { i.checked_sub(1).filter(|&k| self.items[k].num().is_some()) } else { Some(i + 1).filter(|&k| self.items.get(k).and_then(Item::num).is_some()) };
                    let Some(num_at) = num_at else {
                        i += 1;
                        continue;
                    };
                    if self.items[num_at].used {
                        i += 1;
                        continue;
                    }
                    let v = self.items[num_at].num().unwrap_or(0.0);
                    let hint = match lex {
                        Some(Lex::Comparative { hint, .. }) => Some(hint),
                        _ => None,
                    };
                    let numeric_at = |k: usize| self.items.get(k).is_some_and(|it| !it.used && !it.is_verb() && it.cands().iter().any(|c| self.col(c.col).is_numeric()));
                    let col_at = if trailing {
                        // "6 or more cylinders", "6 cylinders or more", "horsepower of 200 or more"
                        self.next_idx(i + 1, &[Lex::UnitWord, Lex::Of]).filter(|&k| numeric_at(k))
                            .or_else(|| (num_at + 1..i).find(|&k| numeric_at(k)))
                            .or_else(|| self.comparison_column(num_at, num_at))
                    } else {
                        self.comparison_column(i, num_at)
                    };
                    let ci = match (col_at, hint) {
                        (Some(c), _) => {
                            let r = self.numeric_choice(c);
                            self.items[c].used = true;
                            r
                        }
                        (None, Some(h)) => {
                            let r = self.hint_column(h, i);
                            if r.is_none() && self.pending.is_none() {
                                let text = self.items[i].text.clone();
                                let numeric: Vec<usize> = (0..self.profile.columns.len()).filter(|&c| self.col(c).is_numeric()).collect();
                                let opts = self.col_options(&text, &numeric);
                                self.ask(i, format!("'{text}' compares which column?"), opts);
                            }
                            r
                        }
                        (None, None) => {
                            // A year after a comparison on a date: "after 2013" is handled as time
                            i += 1;
                            continue;
                        }
                    };
                    self.items[i].used = true;
                    self.items[num_at].used = true;
                    let mut v = v;
                    if let (Some(ci), Some(Lex::Unit(TimeUnit::Hour))) = (ci, self.items.get(num_at + 1).and_then(Item::lex)) {
                        // "longer than 2 hours" on a column in minutes
                        if has_word(&matcher::split_name(&self.name(ci)), &["min", "mins", "minute", "minutes"]) {
                            v *= 60.0;
                            self.items[num_at + 1].used = true;
                        }
                    }
                    // "not above 100", "horsepower not over 150": the opposite comparison
                    let op = if self.negated(i) {
                        match op {
                            FilterOp::Gt => FilterOp::Lte,
                            FilterOp::Gte => FilterOp::Lt,
                            FilterOp::Lt => FilterOp::Gte,
                            FilterOp::Lte => FilterOp::Gt,
                            FilterOp::Eq => FilterOp::Ne,
                            FilterOp::Ne => FilterOp::Eq,
                            other => other,
                        }
                    } else {
                        op
                    };
                    if let Some(ci) = ci {
                        // "weigh less than 2000 pounds": the word before names the same column
                        if let Some(b) = self.prev_idx(i, &[Lex::Is, Lex::Of, Lex::With, Lex::By, Lex::In]) {
                            if self.items[b].cands().iter().any(|c| c.col == ci) {
                                self.items[b].used = true;
                            }
                        }
                        let name = self.name(ci);
                        let text = self.items[i].text.clone();
                        self.map(&format!("{text} {v}"), "filter", format!("{name} {} {v}", op_symbol(op)), 1.0);
                        self.add_filter(i, Filter { field: name, op, values: vec![num_json(v)], time_unit: None });
                    }
                    i += 1;
                }
                _ if self.items[i].num().is_some()
                    && i >= 2
                    && matches!(self.items[i - 1].lex(), Some(Lex::Of | Lex::Is))
                    && self.items[i - 2].col().is_some_and(|c| self.col(c).is_numeric())
                    && !self.items[i - 2].used
                    && !self.items.get(i + 1).is_some_and(|n| n.cands().iter().any(|c| self.col(c.col).is_integer())) =>
                {
                    // "a rating of 100", "cylinders is 4"
                    let v = self.items[i].num().unwrap_or(0.0);
                    let c = i - 2;
                    if let Some(ci) = self.numeric_choice(c) {
                        let name = self.name(ci);
                        self.map(&format!("{} {v}", self.items[c].text.clone()), "filter", format!("{name} = {v}"), 0.9);
                        self.add_filter(i, Filter { field: name, op: FilterOp::Eq, values: vec![num_json(v)], time_unit: None });
                    }
                    self.items[c].used = true;
                    self.items[i - 1].used = true;
                    self.items[i].used = true;
                    i += 1;
                }
                _ => {
                    // "4 cylinder cars", "8 cylinders": a whole number before an integer column
                    if let (Some(v), Some(next)) = (self.items[i].num(), self.items.get(i + 1).cloned()) {
                        let int_col = next.cands().iter().find(|c| self.col(c.col).is_integer()).map(|c| c.col);
                        let limit_number = self.rank.as_ref().is_some_and(|r| r.limit == Some(v as usize) && r.subject == Some(i + 1));
                        if let (Some(ci), false, true) = (int_col, next.used || next.is_verb() || limit_number, v.fract() == 0.0) {
                            self.items[i].used = true;
                            self.items[i + 1].used = true;
                            let name = self.name(ci);
                            // "excluding 8 cylinder cars"
                            let op = if self.negated(i) { FilterOp::Ne } else { FilterOp::Eq };
                            self.map(&format!("{v} {}", next.text), "filter", format!("{name} {} {v}", op_symbol(op)), 0.9);
                            self.add_filter(i, Filter { field: name, op, values: vec![num_json(v)], time_unit: None });
                            i += 2;
                            continue;
                        }
                    }
                    i += 1;
                }
            }
        }
    }

    /// The column a hint word names ("weight" for "heavier"), if exactly one.
    fn hint_column(&mut self, hint: &str, at: usize) -> Option<usize> {
        // "length|distance|duration": the first alternative naming a column wins
        let mut cands = Vec::new();
        for alt in hint.split('|') {
            let words: Vec<&str> = alt.split(' ').collect();
            cands = match_columns(&words, &self.vocab);
            if cands.is_empty() && words.len() > 1 {
                cands = match_columns(&words[words.len() - 1..], &self.vocab);
            }
            cands.retain(|c| self.col(c.col).is_numeric() || self.col(c.col).is_temporal());
            if !cands.is_empty() {
                break;
            }
        }
        let top = cands.first().map(|c| c.score)?;
        let cols: Vec<usize> = cands.iter().filter(|c| c.score >= top - TIE && self.col(c.col).is_numeric() || self.col(c.col).is_temporal() && c.score >= top - TIE).map(|c| c.col).collect();
        match cols.as_slice() {
            [] => None,
            [one] => {
                let n = self.name(*one);
                let text = self.items[at].text.clone();
                self.map(&text, "column", n, top);
                Some(*one)
            }
            many => {
                let text = self.items[at].text.clone();
                match self.answered_column(&text, many) {
                    Some(c) => Some(c),
                    None => {
                        let opts = self.col_options(&text, many);
                        self.ask(at, format!("Which column do you mean by '{text}'?"), opts);
                        None
                    }
                }
            }
        }
    }

    fn year_of(&self, at: usize) -> Option<i32> {
        let v = self.items.get(at)?.num()?;
        (v.fract() == 0.0 && (1800.0..=2200.0).contains(&v) && !self.items[at].used).then_some(v as i32)
    }

    fn month_of(&self, at: usize) -> Option<u32> {
        match self.items.get(at)?.lex() {
            Some(Lex::Month(m)) if !self.items[at].used => Some(m),
            _ => None,
        }
    }

    fn range_filter(&mut self, at: usize, words: &str, from: Option<NaiveDate>, to_excl: Option<NaiveDate>) {
        if let Some(ci) = self.time_column(at, words) {
            let name = self.name(ci);
            if let Some(f) = from {
                self.add_filter(at, Filter { field: name.clone(), op: FilterOp::Gte, values: vec![json!(f.format("%Y-%m-%d").to_string())], time_unit: None });
            }
            if let Some(t) = to_excl {
                self.add_filter(at, Filter { field: name.clone(), op: FilterOp::Lt, values: vec![json!(t.format("%Y-%m-%d").to_string())], time_unit: None });
            }
            let desc = match (from, to_excl) {
                (Some(f), Some(t)) => format!("{name} from {f} to before {t}"),
                (Some(f), None) => format!("{name} from {f}"),
                (None, Some(t)) => format!("{name} before {t}"),
                _ => name,
            };
            self.map(words, "filter", desc, 0.95);
        }
    }

    fn year_range_on_integer(&mut self, at: usize, words: &str, lo: i32, hi: i32) -> bool {
        if !self.temporal_columns().is_empty() {
            return false;
        }
        let Some(ci) = self.year_column() else { return false };
        let name = self.name(ci);
        let f = if lo == hi {
            Filter { field: name.clone(), op: FilterOp::Eq, values: vec![json!(lo)], time_unit: None }
        } else {
            Filter { field: name.clone(), op: FilterOp::Between, values: vec![json!(lo), json!(hi)], time_unit: None }
        };
        self.map(words, "filter", format!("{name} {lo}..{hi}"), 0.95);
        self.add_filter(at, f);
        true
    }

    fn pass_time_filters(&mut self) {
        let has_time = !self.temporal_columns().is_empty() || self.year_column().is_some();
        if !has_time {
            return;
        }
        let n = self.items.len();
        let mut i = 0;
        while i < n {
            if self.items[i].used {
                i += 1;
                continue;
            }
            let lex = self.items[i].lex();
            // [between|from] [month] year (and|to|until) [month] year
            if matches!(lex, Some(Lex::Between | Lex::From)) || self.month_of(i).is_some() || self.year_of(i).is_some() {
                let start = if matches!(lex, Some(Lex::Between | Lex::From)) { i + 1 } else { i };
                let (m1, y1_at) = match self.month_of(start) {
                    Some(m) => (Some(m), start + 1),
                    None => (None, start),
                };
                let y1 = self.year_of(y1_at);
                let sep = if y1.is_some() { y1_at + 1 } else { y1_at };
                let is_sep = self.items.get(sep).is_some_and(|it| matches!(it.lex(), Some(Lex::And | Lex::To | Lex::Until)));
                if is_sep && (m1.is_some() || y1.is_some()) && (matches!(lex, Some(Lex::Between | Lex::From)) || m1.is_some() || y1.is_some()) {
                    let (m2, y2_at) = match self.month_of(sep + 1) {
                        Some(m) => (Some(m), sep + 2),
                        None => (None, sep + 1),
                    };
                    let y2 = self.year_of(y2_at);
                    let end = if y2.is_some() { y2_at } else { y2_at - 1 };
                    let range = match (m1, y1, m2, y2) {
                        (None, Some(a), None, Some(b)) => Some((month_start(a, 1), month_start(b + 1, 1), a, b)),
                        (Some(ma), ya, Some(mb), Some(b)) => {
                            let a = ya.unwrap_or(if ma <= mb { b } else { b - 1 });
                            month_start(b, mb).and_then(|e| add_months(e, 1)).map(|e| (month_start(a, ma), Some(e), a, b))
                        }
                        (Some(ma), Some(a), Some(mb), None) => month_start(a, mb).and_then(|e| add_months(e, 1)).map(|e| (month_start(a, ma), Some(e), a, a)),
                        _ => None,
                    };
                    if let Some((from, to, lo, hi)) = range {
                        let words: String = self.items[i..=end.min(n - 1)].iter().map(|it| it.text.as_str()).collect::<Vec<_>>().join(" ");
                        for k in i..=end.min(n - 1) {
                            self.items[k].used = true;
                        }
                        if m1.is_none() && self.year_range_on_integer(i, &words, lo, hi) {
                            i = end + 1;
                            continue;
                        }
                        self.range_filter(i, &words, from, to);
                        i = end + 1;
                        continue;
                    }
                }
            }
            // since / after / before / until year
            if let Some(l @ (Lex::Since | Lex::After | Lex::Before | Lex::Until)) = lex {
                let (m, y_at) = match self.month_of(i + 1) {
                    Some(m) => (Some(m), i + 2),
                    None => (None, i + 1),
                };
                if let Some(y) = self.year_of(y_at) {
                    let words: String = self.items[i..=y_at].iter().map(|it| it.text.as_str()).collect::<Vec<_>>().join(" ");
                    for k in i..=y_at {
                        self.items[k].used = true;
                    }
                    let start = month_start(y, m.unwrap_or(1));
                    let next = match m {
                        Some(mm) => month_start(y, mm).and_then(|d| add_months(d, 1)),
                        None => month_start(y + 1, 1),
                    };
                    match l {
                        Lex::Since => self.range_filter(i, &words, start, None),
                        Lex::After => self.range_filter(i, &words, next, None),
                        Lex::Before => self.range_filter(i, &words, None, start),
                        _ => self.range_filter(i, &words, None, next),
                    }
                    i = y_at + 1;
                    continue;
                }
            }
            // quarter [of] year
            if let Some(Lex::Quarter(q)) = lex {
                let y_at = if self.items.get(i + 1).is_some_and(|it| it.is_lex(Lex::Of)) { i + 2 } else { i + 1 };
                if let Some(y) = self.year_of(y_at) {
                    let words: String = self.items[i..=y_at].iter().map(|it| it.text.as_str()).collect::<Vec<_>>().join(" ");
                    for k in i..=y_at {
                        self.items[k].used = true;
                    }
                    let from = month_start(y, (q - 1) * 3 + 1);
                    let to = from.and_then(|d| add_months(d, 3));
                    self.range_filter(i, &words, from, to);
                    i = y_at + 1;
                    continue;
                }
            }
            // [in] month year / [in] month
            if let Some(m) = self.month_of(i) {
                let text = self.items[i].text.to_lowercase();
                let prev_in = i > 0 && matches!(self.items[i - 1].lex(), Some(Lex::In | Lex::Of | Lex::From | Lex::Since));
                if let Some(y) = self.year_of(i + 1) {
                    let words = format!("{} {}", self.items[i].text, self.items[i + 1].text);
                    self.items[i].used = true;
                    self.items[i + 1].used = true;
                    let from = month_start(y, m);
                    let to = from.and_then(|d| add_months(d, 1));
                    self.range_filter(i, &words, from, to);
                    i += 2;
                    continue;
                }
                if text == "may" && !prev_in {
                    self.items[i].used = true;
                    i += 1;
                    continue;
                }
                let words = self.items[i].text.clone();
                self.items[i].used = true;
                if let Some(ci) = self.time_column(i, &words) {
                    let name = self.name(ci);
                    self.map(&words, "filter", format!("month of {name} = {m}"), 0.9);
                    self.add_filter(i, Filter { field: name, op: FilterOp::Eq, values: vec![json!(m)], time_unit: Some(TimeUnit::MonthOfYear) });
                }
                i += 1;
                continue;
            }
            // [in|during|of|from|for] year
            if let Some(y) = self.year_of(i) {
                let prev_ok = i == 0 || !matches!(self.items[i - 1].lex(), Some(Lex::Cmp(_) | Lex::Top | Lex::Bottom));
                if prev_ok {
                    let words = self.items[i].text.clone();
                    self.items[i].used = true;
                    if !self.year_range_on_integer(i, &words, y, y) {
                        self.range_filter(i, &words, month_start(y, 1), month_start(y + 1, 1));
                    }
                }
            }
            i += 1;
        }
    }

    fn pass_value_filters(&mut self) {
        let n = self.items.len();
        let mut i = 0;
        while i < n {
            if self.items[i].used {
                i += 1;
                continue;
            }
            if let IK::Quoted(q) = self.items[i].kind.clone() {
                // 'x' in the title / title containing 'x'
                let col_at = self.prev_idx(i, &[Lex::Contains, Lex::Is, Lex::With, Lex::Filler]).filter(|&k| self.items[k].cands().iter().any(|c| self.col(c.col).is_text()))
                    .or_else(|| self.next_idx(i + 1, &[Lex::In, Lex::Of, Lex::Filler]).filter(|&k| self.items[k].cands().iter().any(|c| self.col(c.col).is_text())));
                let contains_word = self.items.iter().any(|it| it.is_lex(Lex::Contains)) || col_at.is_some();
                match (col_at, contains_word) {
                    (Some(c), true) => {
                        self.items[i].used = true;
                        if let Some(ci) = self.choose(c, Want::Text) {
                            self.items[c].used = true;
                            let name = self.name(ci);
                            self.map(&format!("'{q}'"), "filter", format!("{name} contains '{q}'"), 0.9);
                            self.add_filter(i, Filter { field: name, op: FilterOp::Contains, values: vec![json!(q)], time_unit: None });
                        }
                    }
                    _ => {
                        self.items[i].used = true;
                        let text_cols: Vec<Value> = self.profile.columns.iter().filter(|c| c.is_text()).take(8).map(|c| json!({"label": format!("{} contains '{q}'", c.name), "column": c.name, "word": q})).collect();
                        self.ask(i, format!("No value '{q}' was found in '{}'. Where should it be looked for?", self.profile.table), text_cols);
                    }
                }
                i += 1;
                continue;
            }
            let IK::Val(vals) = self.items[i].kind.clone() else {
                i += 1;
                continue;
            };
            let word = self.items[i].text.clone();
            let Some((ci, value)) = self.resolve_value(i, &vals) else {
                self.items[i].used = true;
                i += 1;
                continue;
            };
            self.items[i].used = true;
            let score = vals.iter().find(|v| v.col == ci).map(|v| v.score).unwrap_or(0.8);
            let mut values = vec![json!(value)];
            let mut words = word.clone();
            // negation before: "not from Japan", "excluding USA", "no rain", "non-USA",
            // "not directed by Steven Spielberg"
            let negated = self.negated(i);
            // lists: "USA or Japan", "comedies and dramas"
            let mut j = i + 1;
            let mut compared = false;
            while j + 1 < n && matches!(self.items[j].lex(), Some(Lex::And | Lex::Or | Lex::Comma | Lex::Versus)) {
                let IK::Val(next) = self.items[j + 1].kind.clone() else { break };
                let Some(v) = next.iter().find(|v| v.col == ci) else { break };
                if self.items[j + 1].used {
                    break;
                }
                // "AAPL vs MSFT": both, side by side
                compared |= self.items[j].is_lex(Lex::Versus);
                values.push(json!(v.value));
                words = format!("{words} {} {}", self.items[j].text, self.items[j + 1].text);
                self.items[j].used = true;
                self.items[j + 1].used = true;
                j += 2;
            }
            let op = match (negated, values.len()) {
                (false, 1) => FilterOp::Eq,
                (true, 1) => FilterOp::Ne,
                (false, _) => FilterOp::In,
                (true, _) => FilterOp::NotIn,
            };
            let name = self.name(ci);
            if compared {
                self.add_dim(Dimension { field: name.clone(), time_unit: None, bin: None });
            }
            let shown: Vec<String> = values.iter().filter_map(Value::as_str).map(|s| format!("'{s}'")).collect();
            self.map(&words, "value", format!("{name} {} {}", op_symbol(op), shown.join(", ")), score);
            self.add_filter(i, Filter { field: name, op, values, time_unit: None });
            i = j;
        }
    }

    /// Whether a "not" word stands just before item `i` (over prepositions, verb forms and the
    /// table's noun); uses it up.
    fn negated(&mut self, i: usize) -> bool {
        let mut k = i;
        for _ in 0..4 {
            if k == 0 {
                return false;
            }
            k -= 1;
            match self.items[k].lex() {
                Some(Lex::Not) if !self.items[k].used => {
                    self.items[k].used = true;
                    return true;
                }
                Some(Lex::From | Lex::In | Lex::At | Lex::Is | Lex::Of | Lex::With | Lex::To | Lex::By | Lex::Filler) => continue,
                _ if self.items[k].is_verb() || matches!(self.items[k].kind, IK::Entity) => continue,
                _ => return false,
            }
        }
        false
    }

    /// Picks the column (and value) of a value item; asks when two columns hold it.
    fn resolve_value(&mut self, at: usize, vals: &[ValCand]) -> Option<(usize, String)> {
        let word = self.items[at].text.clone();
        let mut cols: Vec<usize> = Vec::new();
        for v in vals {
            if !cols.contains(&v.col) {
                cols.push(v.col);
            }
        }
        // partial matches naming several values: ask which
        let partial = vals.iter().all(|v| v.how == "partial");
        if partial && vals.len() > 1 {
            if let Some(a) = self.answered_value(&word, vals) {
                return Some(a);
            }
            let opts: Vec<Value> = vals.iter().take(8).map(|v| json!({"label": format!("{} = {}", self.name(v.col), v.value), "column": self.name(v.col), "value": v.value, "word": word})).collect();
            self.ask(at, format!("Which one do you mean by '{word}'?"), opts);
            return None;
        }
        if cols.len() == 1 {
            let v = &vals[0];
            // "an origin of Europe", "Europe origin": the column named beside it is this filter's
            for k in [self.prev_idx(at, &[Lex::Is, Lex::Of, Lex::Filler]), self.next_idx(at + 1, &[Lex::Filler])].into_iter().flatten() {
                if !self.items[k].used && self.items[k].cands().iter().any(|c| c.col == v.col) {
                    self.items[k].used = true;
                }
            }
            return Some((v.col, v.value.clone()));
        }
        // a column named next to it: "origin SAN", "with destination LAX"
        let near: Vec<usize> = [self.prev_idx(at, &[Lex::Is, Lex::Of, Lex::With, Lex::Filler]), self.next_idx(at + 1, &[Lex::Filler])]
            .into_iter()
            .flatten()
            .collect();
        for k in near {
            if let Some(c) = self.items[k].cands().iter().find(|c| cols.contains(&c.col)) {
                let ci = c.col;
                if !self.items[k].used {
                    self.items[k].used = true;
                }
                return vals.iter().find(|v| v.col == ci).map(|v| (ci, v.value.clone()));
            }
        }
        // "from SAN" → origin, "to SAN" → destination
        if let Some(p) = self.prev_idx(at, &[Lex::Filler]) {
            let list = match self.items[p].lex() {
                Some(Lex::From) => Some(lexicon::FROM_COLUMNS),
                Some(Lex::To) => Some(lexicon::TO_COLUMNS),
                _ => None,
            };
            if let Some(list) = list {
                let hits: Vec<usize> = cols.iter().copied().filter(|&ci| has_word(&matcher::split_name(&self.name(ci)), list)).collect();
                if hits.len() == 1 {
                    let ci = hits[0];
                    return vals.iter().find(|v| v.col == ci).map(|v| (ci, v.value.clone()));
                }
            }
        }
        if let Some(a) = self.answered_value(&word, vals) {
            return Some(a);
        }
        let opts: Vec<Value> = vals.iter().take(8).map(|v| json!({"label": format!("{} = {}", self.name(v.col), v.value), "column": self.name(v.col), "value": v.value, "word": word})).collect();
        let names: Vec<String> = cols.iter().map(|&c| format!("'{}'", self.name(c))).collect();
        self.ask(at, format!("'{word}' appears in {}. Which one do you mean?", names.join(" and ")), opts);
        None
    }

    fn answered_value(&self, word: &str, vals: &[ValCand]) -> Option<(usize, String)> {
        let cols: Vec<usize> = vals.iter().map(|v| v.col).collect();
        for a in self.answers {
            if let Value::Object(o) = a {
                if o.get("word").and_then(Value::as_str).is_some_and(|w| !w.eq_ignore_ascii_case(word)) {
                    continue;
                }
                if let (Some(c), Some(v)) = (o.get("column").and_then(Value::as_str), o.get("value").and_then(Value::as_str)) {
                    if let Some(x) = vals.iter().find(|x| self.name(x.col) == c && x.value == v) {
                        return Some((x.col, x.value.clone()));
                    }
                }
            }
        }
        let ci = self.answered_column(word, &cols)?;
        vals.iter().find(|v| v.col == ci).map(|v| (ci, v.value.clone()))
    }

    /// share of / percentage of, distribution of, X vs Y
    fn pass_structures(&mut self) {
        let n = self.items.len();
        for i in 0..n {
            if let Some(Lex::Chart(ChartHint::Scatter)) = self.items[i].lex() {
                // scatter of A and B
                if let Some(a) = self.next_idx(i + 1, &[Lex::Of, Lex::Filler]) {
                    if self.items.get(a + 1).is_some_and(|it| it.is_lex(Lex::And)) && self.items.get(a + 2).and_then(Item::col).is_some() && self.items[a].col().is_some() && !self.items[a].used {
                        self.items[a + 1].used = true;
                        self.pair(a, a + 2, false);
                    }
                }
                continue;
            }
            if self.items[i].used {
                continue;
            }
            match self.items[i].lex() {
                Some(Lex::Share) => {
                    self.items[i].used = true;
                    self.share = true;
                    let mut j = i + 1;
                    let mut agg = None;
                    while j < n && matches!(self.items[j].lex(), Some(Lex::Of | Lex::Filler | Lex::Agg(_) | Lex::Count)) {
                        if let Some(Lex::Agg(a)) = self.items[j].lex() {
                            agg = Some(a);
                        }
                        self.items[j].used = true;
                        j += 1;
                    }
                    let numeric = self.items.get(j).filter(|it| !it.used && it.col().is_some_and(|c| self.col(c).is_numeric())).is_some();
                    let idx = if numeric {
                        let Some(ci) = self.choose(j, Want::Numeric) else { continue };
                        self.items[j].used = true;
                        let _ = agg;
                        self.add_measure(self.name(ci), Aggregate::Sum)
                    } else {
                        self.count_seen = true;
                        self.add_measure("*".into(), Aggregate::Count)
                    };
                    self.intent.measures[idx].calc = Some(Calc::Share);
                    let m = self.intent.measures[idx].clone();
                    self.intent.measures[idx].alias = Some(measure_alias(&m));
                    let t = self.items[i].text.clone();
                    self.map(&t, "calc", "share".into(), 1.0);
                }
                Some(Lex::Distribution) => {
                    self.items[i].used = true;
                    self.distribution = true;
                    self.dist_at = Some(i);
                }
                Some(Lex::Versus) => {
                    self.items[i].used = true;
                    let text = self.items[i].text.to_lowercase();
                    let between = text.contains("between") || text.starts_with("relation") || text.starts_with("correlat");
                    let (a, b) = if between {
                        let a = self.next_idx(i + 1, &[Lex::Of, Lex::Filler]);
                        let b = a.and_then(|a| self.items.get(a + 1).filter(|it| it.is_lex(Lex::And)).map(|_| a + 2));
                        (a, b)
                    } else {
                        let a = self.prev_idx(i, &[Lex::Filler, Lex::Of]);
                        let b = self.next_idx(i + 1, &[Lex::Filler, Lex::Of]);
                        (a, b)
                    };
                    let (Some(a), Some(b)) = (a, b) else { continue };
                    if self.items.get(a).and_then(|x| x.col()).is_none() || self.items.get(b).and_then(|x| x.col()).is_none() {
                        continue;
                    }
                    self.pair(a, b, !between);
                    if between {
                        self.items[a + 1].used = true;
                    }
                }
                _ => {}
            }
        }
    }

    /// Two columns compared: two numbers → their pairs (x first); a number and a category →
    /// the number by the category; a number and a date → over time.
    fn pair(&mut self, a: usize, b: usize, b_is_x: bool) {
        let (Some(ca), Some(cb)) = (self.choose(a, Want::Any), self.choose(b, Want::Any)) else { return };
        self.items[a].used = true;
        self.items[b].used = true;
        let (x, y) = if b_is_x { (cb, ca) } else { (ca, cb) };
        let (px, py) = (self.col(x).clone(), self.col(y).clone());
        match (px.is_numeric() && !self.small_integer(x), py.is_numeric() && !self.small_integer(y)) {
            (true, true) => {
                self.add_measure(px.name.clone(), Aggregate::None);
                self.add_measure(py.name.clone(), Aggregate::None);
                if self.intent.chart.is_none() {
                    self.intent.chart = Some(ChartHint::Scatter);
                }
            }
            (true, false) | (false, true) => {
                let (num, other) = if px.is_numeric() && !self.small_integer(x) { (x, y) } else { (y, x) };
                let agg = self.default_aggregate(num);
                self.add_measure(self.name(num), agg);
                if self.col(other).is_temporal() {
                    let unit = auto_unit(self.col(other));
                    self.add_dim(Dimension { field: self.name(other), time_unit: Some(unit), bin: None });
                } else {
                    self.add_dim(Dimension { field: self.name(other), time_unit: None, bin: None });
                }
            }
            (false, false) => {
                self.add_dim(Dimension { field: px.name.clone(), time_unit: None, bin: None });
                self.add_dim(Dimension { field: py.name.clone(), time_unit: None, bin: None });
            }
        }
    }

    fn pass_dimensions(&mut self) {
        let n = self.items.len();
        let mut i = 0;
        while i < n {
            if self.items[i].used {
                i += 1;
                continue;
            }
            let lex = self.items[i].lex();
            match lex {
                Some(Lex::By) | Some(Lex::Breakdown) => {
                    let mut j = self.next_idx(i + 1, &[Lex::Of, Lex::Filler, Lex::Count, Lex::Which]).unwrap_or(n);
                    if lex == Some(Lex::Breakdown) && j < n && self.items[j].col().is_some() && !self.items.get(j + 1).is_some_and(|it| it.is_lex(Lex::By)) {
                        // "breakdown of weather" / "weather breakdown"
                    } else if lex == Some(Lex::Breakdown) {
                        self.items[i].used = true;
                        i += 1;
                        continue;
                    }
                    let mut any = false;
                    loop {
                        if j >= n || self.items[j].used {
                            break;
                        }
                        let ok = match self.items[j].kind.clone() {
                            IK::Lex(Lex::Unit(u)) => {
                                let t = self.items[j].text.clone();
                                self.time_dim(j, Some(u), &t)
                            }
                            IK::Lex(Lex::Adverb(u)) => {
                                let t = self.items[j].text.clone();
                                self.time_dim(j, Some(u), &t)
                            }
                            IK::Col { .. } if self.items.get(j + 1).is_some_and(|x| matches!(x.lex(), Some(Lex::Unit(_))) && !x.used) && self.items[j].cands().iter().any(|c| self.col(c.col).is_temporal()) => {
                                // "by release year": the date column by that unit
                                let Some(Lex::Unit(u)) = self.items[j + 1].lex() else { break };
                                let ci = self.items[j].cands().iter().find(|c| self.col(c.col).is_temporal()).map(|c| c.col).unwrap_or(0);
                                self.items[j + 1].col_hint = Some(ci);
                                self.items[j + 1].used = true;
                                let t = format!("{} {}", self.items[j].text, self.items[j + 1].text);
                                self.time_dim(j + 1, Some(u), &t)
                            }
                            IK::Entity if lex == Some(Lex::By) && !(i + 1..j).any(|k| self.items[k].is_lex(Lex::Count)) && self.rank.is_none() => {
                                // "each stock": the column that names the things counted
                                let keys: Vec<usize> = (0..self.profile.columns.len()).filter(|&c| self.col(c).is_text() && !is_identifier(self.profile, c)).collect();
                                let word = self.items[j].text.clone();
                                let pick = match keys.as_slice() {
                                    [one] => Some(*one),
                                    many => self.answered_column(&word, many).or_else(|| {
                                        let opts = self.col_options(&word, many);
                                        self.ask(j, format!("Group by which column for '{word}'?"), opts);
                                        None
                                    }),
                                };
                                if let Some(ci) = pick {
                                    let n = self.name(ci);
                                    self.map(&word, "column", n.clone(), 0.7);
                                    self.add_dim(Dimension { field: n, time_unit: None, bin: None });
                                }
                                true
                            }
                            IK::Col { verb: false, .. } => {
                                // in a ranking, "by <number column>" is what is ranked
                                let numeric_only = self.items[j].cands().iter().all(|c| self.col(c.col).is_numeric() && !self.small_integer(c.col));
                                if numeric_only && (self.rank.is_some() || !self.intent.dimensions.is_empty() && self.intent.measures.is_empty()) {
                                    false
                                } else {
                                    match self.choose(j, Want::Groupable) {
                                        Some(ci) => {
                                            let c = self.col(ci);
                                            let d = Dimension { field: c.name.clone(), time_unit: None, bin: None };
                                            self.add_dim(d);
                                            true
                                        }
                                        None => true,
                                    }
                                }
                            }
                            _ => false,
                        };
                        if !ok {
                            break;
                        }
                        any = true;
                        self.items[j].used = true;
                        // "by origin and cylinders"
                        if j + 2 < n && matches!(self.items[j + 1].lex(), Some(Lex::And | Lex::Comma)) && !self.items[j + 2].used && (self.items[j + 2].col().is_some() || matches!(self.items[j + 2].lex(), Some(Lex::Unit(_)))) {
                            self.items[j + 1].used = true;
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    if any {
                        self.items[i].used = true;
                        // skipped "number of" between by and the column
                        for k in i + 1..j {
                            if matches!(self.items[k].lex(), Some(Lex::Count | Lex::Of)) {
                                self.items[k].used = true;
                            }
                        }
                    }
                    i += 1;
                }
                Some(Lex::Adverb(u)) => {
                    self.items[i].used = true;
                    // "average daily high": the adverb says what is averaged, not a grouping
                    let describes = self.prev_idx(i, &[Lex::Filler, Lex::Of]).is_some_and(|p| matches!(self.items[p].lex(), Some(Lex::Agg(Aggregate::Avg | Aggregate::Median))));
                    if !self.distribution && !describes {
                        let t = self.items[i].text.clone();
                        self.time_dim(i, Some(u), &t);
                    }
                    i += 1;
                }
                Some(Lex::OverTime) => {
                    self.items[i].used = true;
                    if !self.intent.dimensions.iter().any(|d| d.time_unit.is_some()) {
                        let t = self.items[i].text.clone();
                        self.time_dim(i, None, &t);
                    }
                    i += 1;
                }
                Some(Lex::Change(u)) => {
                    self.items[i].used = true;
                    let t = self.items[i].text.clone();
                    if let Some(d) = self.intent.dimensions.iter().find(|d| d.time_unit.is_some()) {
                        let _ = d;
                    } else {
                        let unit = u.unwrap_or(TimeUnit::Year);
                        if !self.time_dim(i, Some(unit), &t) {
                            i += 1;
                            continue;
                        }
                    }
                    self.map(&t, "calc", "change".into(), 1.0);
                    let note = "Growth is the percent change from the previous period.".to_string();
                    if !self.intent.notes.contains(&note) {
                        self.intent.notes.push(note);
                    }
                    self.pending_change = true;
                    i += 1;
                }
                _ => i += 1,
            }
        }
    }
}

impl Parser<'_> {
    fn pass_measures(&mut self) {
        // distribution of X: bins of a number, or counts of a category
        if let Some(d) = self.dist_at {
            let adverbs = [Lex::Of, Lex::Filler, Lex::Adverb(TimeUnit::Day), Lex::Adverb(TimeUnit::Week), Lex::Adverb(TimeUnit::Month), Lex::Adverb(TimeUnit::Year), Lex::Adverb(TimeUnit::Hour), Lex::Adverb(TimeUnit::Quarter)];
            let after = self.next_idx(d + 1, &adverbs).filter(|&j| !self.items[j].used && self.items[j].col().is_some());
            // "how is acceleration distributed"
            let before = self.prev_idx(d, &[Lex::Is, Lex::Filler, Lex::Of]).filter(|&j| !self.items[j].used && self.items[j].col().is_some());
            if let Some(j) = after.or(before) {
                {
                    if let Some(ci) = self.choose(j, Want::Any) {
                        self.items[j].used = true;
                        let c = self.col(ci).clone();
                        if c.is_numeric() && !self.small_integer(ci) {
                            let step = nice_step(c.min.unwrap_or(0.0), c.max.unwrap_or(0.0));
                            self.map(&self.items[j].text.clone(), "bin", format!("{} in bins of {step}", c.name), 1.0);
                            self.intent.dimensions.insert(0, Dimension { field: c.name.clone(), time_unit: None, bin: Some(step) });
                        } else if c.is_temporal() {
                            let unit = auto_unit(&c);
                            self.intent.dimensions.insert(0, Dimension { field: c.name.clone(), time_unit: Some(unit), bin: None });
                        } else {
                            self.intent.dimensions.insert(0, Dimension { field: c.name.clone(), time_unit: None, bin: None });
                        }
                        self.add_measure("*".into(), Aggregate::Count);
                    }
                }
            }
        }
        let n = self.items.len();
        for i in 0..n {
            if self.items[i].used {
                continue;
            }
            let lex = self.items[i].lex();
            let agg = match lex {
                Some(Lex::Agg(a)) => Some(a),
                Some(Lex::Most) => Some(Aggregate::Max),
                Some(Lex::Least) => Some(Aggregate::Min),
                _ => None,
            };
            if let Some(a) = agg {
                self.items[i].used = true;
                let Some(j) = self.next_idx(i + 1, &[Lex::Of, Lex::Filler, Lex::Is]) else {
                    self.dangling_agg.get_or_insert((i, a));
                    continue;
                };
                if self.items[j].used || self.items[j].col().is_none() {
                    // "average delay" where delay was a verb form; "total by origin"
                    if self.items[j].is_verb() && !self.items[j].used {
                        if let Some(ci) = self.numeric_choice(j) {
                            self.items[j].used = true;
                            self.add_measure(self.name(ci), a);
                            continue;
                        }
                    }
                    self.dangling_agg.get_or_insert((i, a));
                    continue;
                }
                let want = if matches!(a, Aggregate::Min | Aggregate::Max | Aggregate::Count | Aggregate::CountDistinct) { Want::Any } else { Want::Numeric };
                if let Some(ci) = self.choose(j, want) {
                    self.items[j].used = true;
                    let t = self.items[i].text.clone();
                    self.map(&t, "aggregate", aggregate_name(a).into(), 1.0);
                    self.add_measure(self.name(ci), a);
                } else {
                    self.items[j].used = true;
                }
                // "average horsepower and weight"
                let mut k = j + 1;
                while k + 1 < n && self.items[k].is_lex(Lex::And) && !self.items[k + 1].used && self.items[k + 1].col().is_some() && self.items[k + 1].cands().iter().any(|c| self.col(c.col).is_numeric()) {
                    if let Some(ci) = self.choose(k + 1, Want::Numeric) {
                        self.add_measure(self.name(ci), a);
                    }
                    self.items[k].used = true;
                    self.items[k + 1].used = true;
                    k += 2;
                }
                continue;
            }
            match lex {
                Some(Lex::Count) => {
                    self.items[i].used = true;
                    self.count_seen = true;
                    let mut j = self.next_idx(i + 1, &[Lex::Of, Lex::Filler]);
                    let distinct = j.is_some_and(|j| self.items[j].is_lex(Lex::Distinct));
                    if distinct {
                        if let Some(d) = j {
                            self.items[d].used = true;
                            j = self.next_idx(d + 1, &[Lex::Of, Lex::Filler]);
                            // "unique car names": skip the entity noun
                            if let Some(e) = j.filter(|&e| matches!(self.items[e].kind, IK::Entity) && self.items.get(e + 1).is_some_and(|x| x.col().is_some())) {
                                self.items[e].used = true;
                                j = Some(e + 1);
                            }
                        }
                    }
                    let t = self.items[i].text.clone();
                    match j.map(|j| (j, self.items[j].kind.clone())) {
                        Some((j, IK::Col { verb: false, .. })) if !self.items[j].used => {
                            let is_text = self.items[j].cands().iter().any(|c| !self.col(c.col).is_numeric() || self.small_integer(c.col));
                            if distinct || is_text {
                                if let Some(ci) = self.choose(j, Want::Any) {
                                    self.items[j].used = true;
                                    self.map(&t, "aggregate", "count_distinct".into(), 1.0);
                                    self.add_measure(self.name(ci), Aggregate::CountDistinct);
                                    continue;
                                }
                            }
                            self.add_measure("*".into(), Aggregate::Count);
                        }
                        Some((j, IK::Lex(Lex::Unit(_)))) => {
                            self.items[j].used = true;
                            self.add_measure("*".into(), Aggregate::Count);
                        }
                        _ => {
                            self.map(&t, "aggregate", "count".into(), 1.0);
                            self.add_measure("*".into(), Aggregate::Count);
                        }
                    }
                }
                Some(Lex::Distinct) => {
                    self.items[i].used = true;
                    if let Some(j) = self.next_idx(i + 1, &[Lex::Of, Lex::Filler]) {
                        if !self.items[j].used && self.items[j].col().is_some() {
                            if let Some(ci) = self.choose(j, Want::Any) {
                                self.items[j].used = true;
                                self.add_dim(Dimension { field: self.name(ci), time_unit: None, bin: None });
                            }
                        }
                    }
                }
                Some(Lex::Superlative { desc, hint }) => {
                    self.items[i].used = true;
                    if let Some(ci) = self.hint_column(hint, i) {
                        self.add_measure(self.name(ci), if desc { Aggregate::Max } else { Aggregate::Min });
                    }
                }
                _ => {}
            }
        }
    }

    fn pass_ranking_finish(&mut self) {
        let Some(rank) = self.rank.clone() else { return };
        let n = self.items.len();
        let start = rank.subject.map_or(rank.at, |s| s.max(rank.at)) + 1;
        let mut agg: Option<Aggregate> = None;
        let mut measure: Option<usize> = None;
        let mut count = false;
        let superlative = rank.hint.is_some();
        let mut j = start;
        // explicit measure after the ranking word (or after the subject): [by] [agg] column
        while j < n {
            let it = &self.items[j];
            match &it.kind {
                IK::Lex(Lex::Of | Lex::Filler | Lex::Is | Lex::By | Lex::With | Lex::In) => j += 1,
                IK::Lex(Lex::Most | Lex::Least) if j == start => {
                    self.items[j].used = true;
                    j += 1
                }
                IK::Lex(Lex::Agg(a)) if !it.used || agg.is_none() => {
                    agg = Some(*a);
                    self.items[j].used = true;
                    j += 1;
                }
                IK::Lex(Lex::Count) => {
                    count = true;
                    self.items[j].used = true;
                    j += 1;
                }
                IK::Entity if superlative => {
                    self.items[j].used = true;
                    j += 1
                }
                IK::Entity | IK::Lex(Lex::Unit(_)) => {
                    if rank.subject != Some(j) {
                        count = true;
                        self.items[j].used = true;
                    }
                    break;
                }
                IK::Col { verb: false, .. } if !it.used => {
                    measure = Some(j);
                    break;
                }
                _ => break,
            }
        }
        // "on average" after the subject
        if agg.is_none() {
            for it in self.items.iter_mut().skip(start) {
                if let (false, Some(Lex::Agg(a))) = (it.used, it.lex()) {
                    agg = Some(a);
                    it.used = true;
                }
            }
        }
        let at = rank.at;
        if measure.is_none() && !count {
            measure = rank.verb;
        }
        let ci = match measure {
            Some(m) => {
                let want = if matches!(agg, Some(Aggregate::Min | Aggregate::Max) | None) && count { Want::Any } else { Want::Numeric };
                let r = if self.items[m].is_verb() { self.numeric_choice(m) } else { self.choose(m, want) };
                self.items[m].used = true;
                match r {
                    Some(c) => Some(c),
                    None => return,
                }
            }
            None if count => None,
            None => match rank.hint {
                Some(h) => match self.hint_column(h, at) {
                    Some(c) => Some(c),
                    None if self.pending.is_some() => return,
                    None => None,
                },
                None if rank.best_worst => {
                    let quality: Vec<usize> = (0..self.profile.columns.len())
                        .filter(|&c| self.col(c).is_numeric() && has_word(&matcher::split_name(&self.name(c)).iter().map(|w| singular(w)).collect::<Vec<_>>(), lexicon::QUALITY_WORDS))
                        .collect();
                    let word = self.items[at].text.clone();
                    match quality.as_slice() {
                        [one] => Some(*one),
                        many => match self.answered_column(&word, many) {
                            Some(c) => Some(c),
                            None => {
                                let pool: Vec<usize> = if many.is_empty() { (0..self.profile.columns.len()).filter(|&c| self.col(c).is_numeric()).collect() } else { many.to_vec() };
                                if let Some(c) = self.answered_column(&word, &pool) {
                                    Some(c)
                                } else {
                                    let opts = self.col_options(&word, &pool);
                                    self.ask(at, format!("'{word}' by which measure?"), opts);
                                    return;
                                }
                            }
                        },
                    }
                }
                None => None,
            },
        };
        let mut desc = rank.desc;
        if let (true, Some(c)) = (rank.best_worst, ci) {
            let words: Vec<String> = matcher::split_name(&self.name(c)).iter().map(|w| singular(w)).collect();
            if has_word(&words, lexicon::LOWER_IS_BETTER) {
                desc = !desc;
            }
        }
        // the ranked subject
        let subject = rank.subject.map(|s| (s, self.items[s].kind.clone()));
        let singular_subject = rank.subject.map(|s| !self.items[s].plural).unwrap_or(true);
        let which = (0..rank.at).any(|k| self.items[k].is_lex(Lex::Which));
        let limit = rank.limit.unwrap_or(if which || singular_subject && !matches!(self.items[rank.at].lex(), Some(Lex::Top | Lex::Bottom)) { 1 } else if singular_subject { 1 } else { 10 });
        let mut row_level = false;
        match subject {
            Some((s, IK::Entity)) => {
                self.items[s].used = true;
                self.entity_seen = true;
                if agg.is_none() && ci.is_some() && self.intent.dimensions.is_empty() {
                    row_level = true;
                }
            }
            Some((s, IK::Lex(Lex::Unit(u)))) => {
                self.items[s].used = true;
                let t = self.items[s].text.clone();
                self.time_dim(s, Some(u), &t);
            }
            Some((s, IK::Col { .. })) => {
                self.items[s].used = true;
                if let Some(c) = self.choose(s, Want::Groupable) {
                    if is_identifier(self.profile, c) && agg.is_none() {
                        row_level = true;
                        self.add_dim(Dimension { field: self.name(c), time_unit: None, bin: None });
                    } else {
                        self.add_dim(Dimension { field: self.name(c), time_unit: None, bin: None });
                    }
                }
            }
            _ => {
                if self.intent.dimensions.is_empty() && agg.is_none() && ci.is_some() {
                    row_level = true;
                }
            }
        }
        let idx = if row_level {
            let Some(c) = ci else { return };
            if self.intent.dimensions.is_empty() {
                for id in self.identifier_columns() {
                    if id != c {
                        self.add_dim(Dimension { field: self.name(id), time_unit: None, bin: None });
                    }
                }
            }
            self.add_measure(self.name(c), Aggregate::None)
        } else {
            match ci {
                Some(c) => {
                    let a = agg.unwrap_or_else(|| self.default_aggregate(c));
                    self.add_measure(self.name(c), a)
                }
                None => self.add_measure("*".into(), Aggregate::Count),
            }
        };
        let alias = self.intent.measures[idx].alias.clone().unwrap_or_default();
        self.intent.sort = Some(Sort { field: alias, descending: desc });
        self.intent.limit = Some(limit.max(1));
        let t = self.items[at].text.clone();
        self.map(&t, "rank", format!("{} {}", if desc { "top" } else { "bottom" }, limit), 1.0);
    }

    /// The columns that tell ranked rows apart: a name or title column, else the text and
    /// date columns (at most four: "longest flight" → date, origin, destination).
    fn identifier_columns(&self) -> Vec<usize> {
        let n = self.profile.columns.len();
        let named = (0..n).find(|&c| is_identifier(self.profile, c) && has_word(&matcher::split_name(&self.name(c)), &["name", "title", "id", "label"]));
        if let Some(c) = named.or_else(|| (0..n).filter(|&c| is_identifier(self.profile, c)).max_by_key(|&c| self.col(c).distinct.unwrap_or(0))) {
            return vec![c];
        }
        (0..n).filter(|&c| self.col(c).is_temporal() || self.col(c).is_text()).take(4).collect()
    }

    fn pass_leftovers(&mut self) {
        let n = self.items.len();
        for i in 0..n {
            if self.items[i].used {
                continue;
            }
            match self.items[i].kind.clone() {
                IK::Col { verb: true, .. } => self.items[i].used = true,
                IK::Col { verb: false, .. } => {
                    if self.sort_by == Some(i) {
                        continue;
                    }
                    let any_numeric = self.items[i].cands().iter().any(|c| self.col(c.col).is_numeric() && !self.small_integer(c.col));
                    let want = if any_numeric && self.intent.measures.iter().all(|m| m.field == "*") && self.intent.measures.is_empty() { Want::Numeric } else { Want::Any };
                    let Some(ci) = self.choose(i, want) else {
                        self.items[i].used = true;
                        continue;
                    };
                    self.items[i].used = true;
                    let c = self.col(ci).clone();
                    if let (Some(a), true, true) = (self.items[i].absorbed, c.is_numeric(), self.intent.dimensions.is_empty() && self.dangling_agg.is_none()) {
                        // "max temp in July": the highest temp_max, or the average of temp_max?
                        let word = self.items[i].text.clone();
                        let chosen = self.answers.iter().find_map(|ans| match ans {
                            Value::Object(o) if o.get("word").and_then(Value::as_str).is_none_or(|w| w.eq_ignore_ascii_case(&word)) => o.get("aggregate").and_then(Value::as_str).map(String::from),
                            Value::String(s) => Some(s.to_lowercase()),
                            _ => None,
                        });
                        let pick = match chosen.as_deref() {
                            Some(x) if x == aggregate_name(a) || x.starts_with(agg_word(a)) => Some(a),
                            Some(x) if x == "avg" || x.starts_with("average") => Some(Aggregate::Avg),
                            _ => None,
                        };
                        match pick {
                            Some(agg) => {
                                self.add_measure(c.name.clone(), agg);
                            }
                            None => {
                                let opts = vec![
                                    json!({"label": format!("{} {}", agg_word(a), c.name), "column": c.name, "aggregate": aggregate_name(a), "word": word}),
                                    json!({"label": format!("average {}", c.name), "column": c.name, "aggregate": "avg", "word": word}),
                                ];
                                self.ask(i, format!("By '{word}', do you mean the {} value of '{}' or its average?", agg_word(a), c.name), opts);
                            }
                        }
                        continue;
                    }
                    if c.is_numeric() && !self.small_integer(ci) {
                        if self.dangling_agg.is_some() {
                            let (_, a) = self.dangling_agg.take().unwrap_or((0, Aggregate::Sum));
                            self.add_measure(c.name.clone(), a);
                        } else if self.intent.measures.iter().any(|m| m.aggregate == Aggregate::None) || (self.intent.measures.is_empty() && self.intent.dimensions.is_empty() && !self.count_seen && self.listing_context()) {
                            self.projection.push(ci);
                        } else {
                            let a = self.default_aggregate(ci);
                            self.map(&c.name, "aggregate", format!("{} (no aggregate named)", aggregate_name(a)), 0.8);
                            self.add_measure(c.name.clone(), a);
                        }
                    } else if is_identifier(self.profile, ci) {
                        self.projection.push(ci);
                    } else if c.is_temporal() {
                        if self.intent.measures.is_empty() && self.intent.dimensions.is_empty() {
                            self.projection.push(ci);
                        } else if !self.intent.dimensions.iter().any(|d| d.field == c.name) {
                            self.add_dim(Dimension { field: c.name.clone(), time_unit: Some(auto_unit(&c)), bin: None });
                        }
                    } else {
                        self.add_dim(Dimension { field: c.name.clone(), time_unit: None, bin: None });
                    }
                }
                IK::Entity => {
                    self.entity_seen = true;
                    self.items[i].used = true;
                }
                IK::Num(v) => {
                    self.items[i].used = true;
                    let opts: Vec<Value> = self.profile.columns.iter().filter(|c| c.is_numeric()).take(8).map(|c| json!({"label": c.name, "column": c.name, "word": self.items[i].text})).collect();
                    let t = self.items[i].text.clone();
                    self.ask(i, format!("What does {t} refer to? Name the column it is compared with (e.g. '{} over {}').", opts.first().and_then(|o| o["label"].as_str()).unwrap_or("price"), super::lexer::trim_float(v)), opts);
                }
                _ => {}
            }
        }
    }

    /// "show cars from Japan": rows, not a number.
    fn listing_context(&self) -> bool {
        !self.intent.filters.is_empty() || self.entity_seen || self.items.iter().any(|it| matches!(it.kind, IK::Entity))
    }

    fn assemble(&mut self) {
        if self.pending.is_some() {
            return;
        }
        // Two values of one column are both wanted ("from USA ... from Japan"), never an
        // impossible AND: merge them into one list.
        let mut merged: Vec<Filter> = Vec::new();
        // where each filter went: `filter_pos` indexes them
        let mut moved_to: Vec<usize> = Vec::new();
        for f in std::mem::take(&mut self.intent.filters) {
            let kind = |op: FilterOp| match op {
                FilterOp::Eq | FilterOp::In => Some(true),
                FilterOp::Ne | FilterOp::NotIn => Some(false),
                _ => None,
            };
            let slot = merged.iter_mut().enumerate().find(|(_, m)| m.field == f.field && m.time_unit.is_none() && f.time_unit.is_none() && kind(m.op).is_some() && kind(m.op) == kind(f.op));
            match slot {
                Some((at, m)) if f.values.iter().all(Value::is_string) && m.values.iter().all(Value::is_string) => {
                    moved_to.push(at);
                    for v in f.values {
                        if !m.values.contains(&v) {
                            m.values.push(v);
                        }
                    }
                    m.op = if kind(m.op) == Some(true) { FilterOp::In } else { FilterOp::NotIn };
                }
                _ => {
                    moved_to.push(merged.len());
                    merged.push(f);
                }
            }
        }
        self.intent.filters = merged;
        self.filter_pos = self.filter_pos.iter().filter_map(|&(at, fi)| moved_to.get(fi).map(|&to| (at, to))).collect();
        // Several values over time ("GOOG and AAPL by year") or compared: one group each.
        let compare = self.items.iter().any(|it| it.is_lex(Lex::Compare));
        if compare || self.intent.dimensions.iter().any(|d| d.time_unit.is_some()) {
            let lists: Vec<String> = self.intent.filters.iter().filter(|f| f.op == FilterOp::In && f.time_unit.is_none()).map(|f| f.field.clone()).collect();
            for field in lists {
                self.add_dim(Dimension { field, time_unit: None, bin: None });
            }
        }
        if let Some((at, a)) = self.dangling_agg {
            let has_real = self.intent.measures.iter().any(|m| m.field != "*" || m.calc.is_some());
            if !has_real && !(a == Aggregate::Sum && self.count_seen) {
                let numeric: Vec<usize> = (0..self.profile.columns.len()).filter(|&c| self.col(c).is_numeric() && !self.small_integer(c)).collect();
                let word = self.items[at].text.clone();
                let only = if numeric.len() == 1 { Some(numeric[0]) } else { None };
                match self.answered_column(&word, &numeric).or(only) {
                    Some(c) => {
                        let n = self.name(c);
                        self.map(&word, "column", format!("{n} (the only number column)"), 0.8);
                        self.add_measure(n, a);
                    }
                    None => {
                        let opts = self.col_options(&word, &numeric);
                        self.ask(at, format!("'{word}' of which column?"), opts);
                        return;
                    }
                }
            }
        }
        if self.pending_change {
            let time = self.intent.dimensions.iter().any(|d| d.time_unit.is_some_and(TimeUnit::is_truncation));
            if !time {
                self.ask(0, "Growth is measured from one period to the next: by year, quarter, month, week or day?".into(), vec![json!({"label": "by year", "word": "growth"}), json!({"label": "by month", "word": "growth"})]);
                return;
            }
            if self.intent.measures.is_empty() {
                self.add_measure("*".into(), Aggregate::Count);
            }
            let profile = self.profile;
            let numeric = |m: &Measure| m.aggregate != Aggregate::None && (m.field == "*" || matches!(m.aggregate, Aggregate::Count | Aggregate::CountDistinct) || profile.column(&m.field).is_some_and(ColumnProfile::is_numeric));
            match self.intent.measures.iter_mut().find(|m| numeric(m)) {
                Some(m) => {
                    m.calc = Some(Calc::Change);
                    let alias = measure_alias(m);
                    m.alias = Some(alias);
                }
                None => {
                    self.ask(0, "Growth of which number?".into(), self.profile.columns.iter().filter(|c| c.is_numeric()).take(8).map(|c| json!({"label": c.name, "column": c.name, "word": "growth"})).collect());
                    return;
                }
            }
        }
        if self.intent.measures.is_empty() && !self.intent.dimensions.is_empty() {
            // values named beside a grouping are aggregated per group
            for ci in std::mem::take(&mut self.projection) {
                if self.col(ci).is_numeric() {
                    let a = self.default_aggregate(ci);
                    self.add_measure(self.name(ci), a);
                }
            }
            if self.intent.measures.is_empty() {
                self.add_measure("*".into(), Aggregate::Count);
            }
        }
        if self.intent.measures.is_empty() && self.intent.dimensions.is_empty() {
            if !self.projection.is_empty() {
                for ci in self.projection.clone() {
                    self.add_measure(self.name(ci), Aggregate::None);
                }
            } else if self.intent.filters.is_empty() && !self.entity_seen {
                let q = format!(
                    "I could not match this question to the columns of '{}'. Which column is it about?",
                    self.profile.table
                );
                let opts: Vec<Value> = self.profile.columns.iter().take(10).map(|c| json!({"label": c.name, "column": c.name, "word": ""})).collect();
                self.ask(0, q, opts);
                return;
            }
        } else if !self.projection.is_empty() && self.intent.measures.iter().all(|m| m.aggregate == Aggregate::None) && self.intent.dimensions.is_empty() {
            for ci in self.projection.clone() {
                self.add_measure(self.name(ci), Aggregate::None);
            }
        }
        // shares without groups: the condition is the numerator
        if let Some(mi) = self.intent.measures.iter().position(|m| m.calc == Some(Calc::Share)) {
            if self.intent.dimensions.is_empty() {
                let temporal: Vec<String> = self.temporal_columns().iter().map(|&c| self.name(c)).collect();
                let candidates: Vec<(usize, usize)> = self.filter_pos.iter().copied().filter(|(_, fi)| self.intent.filters.get(*fi).is_some_and(|f| !temporal.contains(&f.field))).collect();
                let Some(&(pos, _)) = candidates.iter().max_by_key(|(p, _)| *p) else {
                    self.ask(0, "A share of what? Add a condition (e.g. 'percentage of rows where ...') or a grouping ('share ... by ...').".into(), vec![]);
                    return;
                };
                let moving: Vec<usize> = candidates.iter().filter(|(p, _)| *p == pos).map(|(_, fi)| *fi).collect();
                let mut kept = Vec::new();
                let mut numerator = Vec::new();
                for (fi, f) in self.intent.filters.drain(..).enumerate() {
                    if moving.contains(&fi) {
                        numerator.push(f);
                    } else {
                        kept.push(f);
                    }
                }
                self.intent.filters = kept;
                self.intent.measures[mi].filter = numerator;
            }
        }
        // explicit sort
        if let Some(s) = self.sort_by {
            if let Some(ci) = self.items.get(s).and_then(Item::col) {
                let name = self.name(ci);
                let alias = self
                    .intent
                    .measures
                    .iter()
                    .find(|m| m.field == name)
                    .and_then(|m| m.alias.clone())
                    .or_else(|| self.intent.dimensions.iter().find(|d| d.field == name).map(dimension_alias));
                let listing = self.intent.measures.is_empty() && self.intent.dimensions.is_empty();
                if let Some(a) = alias.or_else(|| listing.then_some(name)) {
                    self.intent.sort = Some(Sort { field: a, descending: self.sort_desc.unwrap_or(false) });
                }
            }
        } else if let (Some(d), None) = (self.sort_desc, &self.intent.sort) {
            if let Some(m) = self.intent.measures.first() {
                self.intent.sort = Some(Sort { field: m.alias.clone().unwrap_or_default(), descending: d });
            }
        }
    }
}

/// Sort of column a word must name in its place.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Want {
    Any,
    Numeric,
    Text,
    Groupable,
}

impl Want {
    fn fits(self, c: &ColumnProfile) -> bool {
        match self {
            Want::Any => true,
            Want::Numeric => c.is_numeric(),
            Want::Text => c.is_text(),
            Want::Groupable => !matches!(c.kind, Kind::Number { integer: false }),
        }
    }
}

pub fn op_symbol(op: FilterOp) -> &'static str {
    match op {
        FilterOp::Eq => "=",
        FilterOp::Ne => "!=",
        FilterOp::Gt => ">",
        FilterOp::Gte => ">=",
        FilterOp::Lt => "<",
        FilterOp::Lte => "<=",
        FilterOp::Between => "between",
        FilterOp::In => "in",
        FilterOp::NotIn => "not in",
        FilterOp::Contains => "contains",
    }
}

fn num_json(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9e15 {
        json!(v as i64)
    } else {
        json!(v)
    }
}

