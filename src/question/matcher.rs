//! Words of a question → columns and values of the source, each with a score.
//!
//! Column names are split into words (case, spacing, underscores, camelCase, digits), put in
//! singular, and compared with the question's words through a small synonym list, acronyms
//! ("mpg" → Miles_per_Gallon) and edit distance. Values are looked up among the distinct values
//! of text columns ([`super::profile::Profile`]), exactly or by one distinctive word.

use super::lexer::{norm_text, singular, stem};
use super::lexicon::{canonical, COLUMN_STOP, COLUMN_UNITS, SYNONYMS};
use super::profile::{Kind, Profile};

/// How a column's name reads.
#[derive(Debug, Clone)]
pub struct ColVocab {
    /// Words of the name, lower case, singular.
    pub words: Vec<String>,
    /// Identifying words: without stop words and units, canonical synonyms.
    pub sig: Vec<String>,
    /// Unit words ("lbs", "mm").
    pub units: Vec<String>,
    /// Letters and digits only, lower case ("milespergallon").
    pub compact: String,
    /// Initials of all words when there are 3 or more ("mpg").
    pub acronym: Option<String>,
    /// Stems of the identifying words (for verb forms: "directed" → Director).
    pub stems: Vec<String>,
}

/// Splits a column name into lower-case words: "Miles_per_Gallon" → miles, per, gallon;
/// "releaseDate" → release, date; "Beak Length (mm)" → beak, length, mm; "temp2m" → temp, 2, m.
pub fn split_name(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if let Some(&p) = cur.chars().last().as_ref() {
            let camel = p.is_lowercase() && c.is_uppercase();
            let acronym_end = p.is_uppercase() && c.is_uppercase() && chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let digit_edge = p.is_ascii_digit() != c.is_ascii_digit();
            if camel || acronym_end || digit_edge {
                words.push(std::mem::take(&mut cur));
            }
        }
        cur.push(c);
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words.into_iter().map(|w| w.to_lowercase()).collect()
}

pub fn vocab(profile: &Profile) -> Vec<ColVocab> {
    profile
        .columns
        .iter()
        .map(|c| {
            let raw = split_name(&c.name);
            let words: Vec<String> = raw.iter().map(|w| singular(w)).collect();
            let mut sig = Vec::new();
            let mut units = Vec::new();
            for w in &words {
                if COLUMN_STOP.contains(&w.as_str()) {
                    continue;
                }
                if COLUMN_UNITS.contains(&w.as_str()) && words.len() > 1 {
                    units.push(canonical(w).to_string());
                    continue;
                }
                sig.push(canonical(w).to_string());
            }
            if sig.is_empty() {
                sig = words.iter().map(|w| canonical(w).to_string()).collect();
            }
            let compact: String = c.name.chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_lowercase();
            let acronym = (raw.len() >= 3).then(|| raw.iter().filter_map(|w| w.chars().next()).collect::<String>());
            let stems = words.iter().filter(|w| !COLUMN_STOP.contains(&w.as_str())).map(|w| stem(w)).collect();
            ColVocab { words, sig, units, compact, acronym, stems }
        })
        .collect()
}

/// One column a phrase may name.
#[derive(Debug, Clone, PartialEq)]
pub struct ColCand {
    pub col: usize,
    pub score: f64,
    /// exact | words | synonym | fuzzy | partial | acronym | unit | verb
    pub how: &'static str,
}

fn fuzzy_eq(a: &str, b: &str) -> bool {
    let (la, lb) = (a.chars().count(), b.chars().count());
    if la.min(lb) < 5 {
        return false;
    }
    // "released" / "release": a verb form, not a typo (see match_verb)
    let inflected = |w: &str| w.ends_with("ed") || w.ends_with("ing");
    if (inflected(a) || inflected(b)) && stem(a) == stem(b) {
        return false;
    }
    let d = typo_distance(a, b);
    d <= 1 || (d <= 2 && la.min(lb) >= 8)
}

/// Edit distance where swapping two neighbouring letters counts once ("amuont" → amount).
pub fn typo_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for j in 0..=m {
        d[0][j] = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[n][m]
}

fn is_synonym(a: &str, b: &str) -> bool {
    SYNONYMS.iter().any(|g| g.contains(&a) && g.contains(&b))
}

/// Columns the words `phrase` (lower case) may name, best first (score ≥ 0.6).
pub fn match_columns(phrase: &[&str], vocab: &[ColVocab]) -> Vec<ColCand> {
    let mut out = Vec::new();
    if phrase.is_empty() {
        return out;
    }
    // A phrase neither starts nor ends with a stop word ("by origin" is not a column name).
    let first = phrase[0];
    let last = phrase[phrase.len() - 1];
    if COLUMN_STOP.contains(&first) || COLUMN_STOP.contains(&last) {
        return out;
    }
    let compact: String = phrase.concat();
    let compact_singular: String = phrase.iter().map(|w| singular(w)).collect::<Vec<_>>().concat();
    let words: Vec<String> = phrase.iter().filter(|w| !COLUMN_STOP.contains(w)).map(|w| singular(w)).collect();
    for (ci, v) in vocab.iter().enumerate() {
        if compact == v.compact || compact_singular == singular(&v.compact) {
            out.push(ColCand { col: ci, score: 1.0, how: "exact" });
            continue;
        }
        if phrase.len() == 1 && v.acronym.as_deref() == Some(first) && first.len() >= 3 {
            out.push(ColCand { col: ci, score: 0.9, how: "acronym" });
            continue;
        }
        // Every phrase word must name a word of the column (or one of its units).
        let mut covered = vec![false; v.sig.len()];
        let mut factor: f64 = 1.0;
        let mut how = "words";
        let mut unit_only = true;
        let mut ok = true;
        for w in &words {
            let c = canonical(w);
            if let Some(i) = v.sig.iter().position(|s| s == c) {
                covered[i] = true;
                unit_only = false;
                if !v.words.contains(w) {
                    factor = factor.min(0.92);
                    how = "synonym";
                }
                continue;
            }
            if let Some(i) = v.sig.iter().position(|s| fuzzy_eq(s, w) || v.words.iter().any(|x| fuzzy_eq(x, w) && canonical(x) == s.as_str())) {
                covered[i] = true;
                unit_only = false;
                factor = factor.min(0.85);
                how = "fuzzy";
                continue;
            }
            if v.units.iter().any(|u| u == c || is_synonym(u, w)) {
                continue;
            }
            ok = false;
            break;
        }
        if !ok || words.is_empty() {
            continue;
        }
        if unit_only {
            out.push(ColCand { col: ci, score: 0.6, how: "unit" });
            continue;
        }
        let n = covered.iter().filter(|c| **c).count();
        if n == v.sig.len() {
            out.push(ColCand { col: ci, score: 0.97 * factor, how });
        } else {
            let ratio = n as f64 / v.sig.len() as f64;
            out.push(ColCand { col: ci, score: (0.6 + 0.1 * ratio) * factor, how: "partial" });
        }
    }
    out.retain(|c| c.score >= 0.55);
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.col.cmp(&b.col)));
    out
}

/// Columns a verb form points to ("directed" → Director, "released" → Release Date).
pub fn match_verb(word: &str, vocab: &[ColVocab]) -> Vec<ColCand> {
    let s = stem(word);
    if s.chars().count() < 4 {
        return Vec::new();
    }
    vocab
        .iter()
        .enumerate()
        .filter(|(_, v)| v.stems.iter().any(|x| *x == s))
        .map(|(ci, _)| ColCand { col: ci, score: 0.6, how: "verb" })
        .collect()
}

/// A value a phrase may be.
#[derive(Debug, Clone, PartialEq)]
pub struct ValCand {
    pub col: usize,
    pub value: String,
    pub score: f64,
    /// exact | form | partial
    pub how: &'static str,
    pub rows: u64,
}

/// Adjective and plural forms of a word: "rainy" → rain, "sunny" → sun, "comedies" → comedy.
pub fn word_forms(w: &str) -> Vec<String> {
    let mut out = vec![w.to_string()];
    let s = singular(w);
    if s != w {
        out.push(s);
    }
    if let Some(stem) = w.strip_suffix('y') {
        if stem.chars().count() >= 3 {
            out.push(stem.to_string());
            let chars: Vec<char> = stem.chars().collect();
            let n = chars.len();
            if n >= 2 && chars[n - 1] == chars[n - 2] {
                out.push(chars[..n - 1].iter().collect());
            }
            out.push(format!("{stem}e"));
        }
    }
    out
}

/// Values equal to the words `raw` (as written) / `norm` (lower case).
/// `lexical`: the phrase is also a known word (lexicon or filler), so short values must match
/// with the same letter case.
pub fn match_values(raw: &[&str], norm: &[&str], profile: &Profile, lexical: bool, first_word: bool) -> Vec<ValCand> {
    let mut out: Vec<ValCand> = Vec::new();
    if norm.is_empty() || norm.iter().all(|w| w.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '-')) {
        return out;
    }
    let text = norm.join(" ");
    let mut keys: Vec<(String, &'static str)> = vec![(text.clone(), "exact")];
    if let Some((last, head)) = norm.split_last() {
        for f in word_forms(last).into_iter().skip(1) {
            let mut k: Vec<&str> = head.to_vec();
            k.push(&f);
            keys.push((k.join(" "), "form"));
        }
    }
    if norm.len() == 1 {
        for (adj, targets) in super::lexicon::DEMONYMS {
            if *adj == norm[0] || format!("{adj}s") == norm[0] {
                for t in *targets {
                    keys.push((t.to_string(), "form"));
                }
            }
        }
    }
    let raw_text = raw.join(" ");
    for (k, how) in keys {
        let Some(hits) = profile.value_index.get(&k) else { continue };
        for &(ci, vi) in hits {
            let Some(col) = profile.columns.get(ci) else { continue };
            let Some((value, rows)) = col.values.get(vi) else { continue };
            let len = value.chars().count();
            let same_case = norm_text(value) == norm_text(&raw_text) && value.split_whitespace().collect::<Vec<_>>().join(" ") == raw_text;
            if len <= 2 && !same_case {
                continue;
            }
            if lexical && len <= 4 && !same_case {
                continue;
            }
            // Names and titles (mostly distinct values): one lower-case word is not enough.
            let identifier = col.distinct.unwrap_or(0) > 50 && col.distinct.unwrap_or(0) * 2 > profile.row_count;
            if identifier && norm.len() == 1 && (first_word || !raw_text.chars().next().is_some_and(char::is_uppercase)) {
                continue;
            }
            let score = if how == "exact" { 1.0 } else { 0.9 };
            if !out.iter().any(|o| o.col == ci && o.value == *value) {
                out.push(ValCand { col: ci, value: value.clone(), score, how, rows: *rows });
            }
        }
        if !out.is_empty() && how == "exact" {
            break;
        }
    }
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(b.rows.cmp(&a.rows)));
    out
}

/// Values holding the distinctive word `w` (4+ letters): "spielberg" → "Steven Spielberg".
pub fn match_value_word(w: &str, profile: &Profile) -> Vec<ValCand> {
    if w.chars().count() < 4 {
        return Vec::new();
    }
    let Some(hits) = profile.word_index.get(w) else { return Vec::new() };
    if hits.len() > 12 {
        return Vec::new();
    }
    let mut out: Vec<ValCand> = hits
        .iter()
        .filter_map(|&(ci, vi)| {
            let col = profile.columns.get(ci)?;
            let (value, rows) = col.values.get(vi)?;
            Some(ValCand { col: ci, value: value.clone(), score: 0.75, how: "partial", rows: *rows })
        })
        .collect();
    out.sort_by(|a, b| b.rows.cmp(&a.rows).then(a.value.cmp(&b.value)));
    out
}

/// Whether a column holds mostly distinct text (names, titles): it labels rows, it does not
/// group them.
pub fn is_identifier(profile: &Profile, ci: usize) -> bool {
    let Some(c) = profile.columns.get(ci) else { return false };
    if c.kind != Kind::Text {
        return false;
    }
    let d = c.distinct.unwrap_or(0);
    d > 50 && d * 2 > profile.row_count
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::question::profile::ColumnProfile;

    fn col(name: &str, kind: Kind) -> ColumnProfile {
        ColumnProfile { name: name.into(), type_name: "number", kind, distinct: None, values: vec![], min: None, max: None, min_time: None, max_time: None, non_null: None }
    }

    fn names(cands: &[ColCand], p: &Profile) -> Vec<String> {
        cands.iter().map(|c| format!("{}:{:.2}", p.columns[c.col].name, c.score)).collect()
    }

    #[test]
    fn split() {
        assert_eq!(split_name("Miles_per_Gallon"), ["miles", "per", "gallon"]);
        assert_eq!(split_name("releaseDate"), ["release", "date"]);
        assert_eq!(split_name("Beak Length (mm)"), ["beak", "length", "mm"]);
        assert_eq!(split_name("IMDBRating"), ["imdb", "rating"]);
        assert_eq!(split_name("temp2m"), ["temp", "2", "m"]);
    }

    #[test]
    fn columns() {
        let num = Kind::Number { integer: false };
        let p = Profile::from_parts("t", 10, vec![
            col("Miles_per_Gallon", num.clone()), col("Weight_in_lbs", num.clone()), col("temp_max", num.clone()),
            col("temp_min", num.clone()), col("US Gross", num.clone()), col("Worldwide Gross", num.clone()), col("Horsepower", num.clone()),
            col("Release Date", Kind::Text),
        ]);
        let v = vocab(&p);
        let m = |s: &str| {
            let w: Vec<&str> = s.split(' ').collect();
            names(&match_columns(&w, &v), &p)
        };
        assert_eq!(m("miles per gallon"), ["Miles_per_Gallon:1.00"]);
        assert_eq!(m("mpg"), ["Miles_per_Gallon:0.90"]);
        assert_eq!(m("weight"), ["Weight_in_lbs:0.97"]);
        assert_eq!(m("lbs"), ["Weight_in_lbs:0.60"]);
        assert_eq!(m("max temperature"), ["temp_max:0.89"]);
        assert_eq!(m("temperature").len(), 2);
        assert_eq!(m("gross").len(), 2);
        assert_eq!(m("worldwide gross"), ["Worldwide Gross:1.00"]);
        assert_eq!(m("horsepwer"), ["Horsepower:0.82"]);
        assert_eq!(m("hp"), ["Horsepower:0.89"]);
        assert_eq!(m("horsepowers"), ["Horsepower:1.00"]);
        assert!(m("by origin").is_empty());
        assert!(names(&match_verb("released", &v), &p).contains(&"Release Date:0.60".to_string()));
    }
}
