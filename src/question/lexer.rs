//! Question text → tokens: words (lower-cased, split at any punctuation), numbers (with
//! thousands separators, `$`, `%`, `k`/`m`/`b` and "thousand/million/billion"), quoted
//! text, and comparison symbols. Never fails: anything else is skipped.

#[derive(Debug, Clone, PartialEq)]
pub enum TokKind {
    Word,
    Number(f64),
    /// Text between quotes, as written.
    Quoted(String),
    /// `>`, `<`, `>=`, `<=`, `=`, `!=`, `%`, `,`, `;`
    Sym(&'static str),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// As written.
    pub raw: String,
    /// Lower case (numbers: digits without separators).
    pub norm: String,
    pub kind: TokKind,
}

impl Token {
    pub fn is_word(&self) -> bool {
        self.kind == TokKind::Word
    }
    pub fn number(&self) -> Option<f64> {
        match self.kind {
            TokKind::Number(n) => Some(n),
            _ => None,
        }
    }
}

const MAX_TOKENS: usize = 200;

fn is_quote(c: char) -> Option<char> {
    match c {
        '\'' => Some('\''),
        '"' => Some('"'),
        '‘' => Some('’'),
        '“' => Some('”'),
        _ => None,
    }
}

/// Splits a question into tokens (at most 200).
pub fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<Token> = Vec::new();
    let mut i = 0;
    while i < chars.len() && out.len() < MAX_TOKENS {
        let c = chars[i];
        // Quoted text: an opening quote at a word boundary with a closing one before a boundary.
        if let Some(close) = is_quote(c) {
            let at_boundary = i == 0 || !chars[i - 1].is_alphanumeric();
            if at_boundary {
                let mut j = i + 1;
                let mut found = None;
                while j < chars.len() {
                    if chars[j] == close && (j + 1 == chars.len() || !chars[j + 1].is_alphanumeric()) {
                        found = Some(j);
                        break;
                    }
                    j += 1;
                }
                if let Some(j) = found {
                    let inner: String = chars[i + 1..j].iter().collect();
                    if !inner.trim().is_empty() {
                        let raw: String = chars[i..=j].iter().collect();
                        out.push(Token { norm: inner.to_lowercase(), raw, kind: TokKind::Quoted(inner) });
                    }
                    i = j + 1;
                    continue;
                }
            }
            i += 1;
            continue;
        }
        // Numbers: optional $, optional minus (at a boundary), digits with , separators, decimals.
        let starts_number = c.is_ascii_digit()
            || (c == '$' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
            || (c == '-' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()) && (i == 0 || chars[i - 1].is_whitespace()))
            || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()) && (i == 0 || !chars[i - 1].is_alphanumeric()));
        if starts_number {
            let start = i;
            let mut negative = false;
            if chars[i] == '$' {
                i += 1;
            }
            if chars.get(i) == Some(&'-') {
                negative = true;
                i += 1;
            }
            let mut digits = String::new();
            while i < chars.len() {
                let d = chars[i];
                if d.is_ascii_digit() {
                    digits.push(d);
                } else if d == ',' && chars.get(i + 1).is_some_and(|x| x.is_ascii_digit()) && chars.get(i + 2).is_some_and(|x| x.is_ascii_digit()) && chars.get(i + 3).is_some_and(|x| x.is_ascii_digit()) {
                    // thousands separator
                } else if d == '.' && chars.get(i + 1).is_some_and(|x| x.is_ascii_digit()) && !digits.contains('.') {
                    digits.push('.');
                } else {
                    break;
                }
                i += 1;
            }
            // Letters glued to digits: k / m / b / bn suffixes, ordinals; other letters make a word.
            let mut word_end = i;
            while word_end < chars.len() && chars[word_end].is_alphabetic() {
                word_end += 1;
            }
            let suffix: String = chars[i..word_end].iter().collect::<String>().to_lowercase();
            let mult = match suffix.as_str() {
                "" => Some(1.0),
                "k" => Some(1e3),
                "m" | "mn" | "mm" => Some(1e6),
                "b" | "bn" => Some(1e9),
                "st" | "nd" | "rd" | "th" => Some(1.0),
                _ => None,
            };
            match (digits.parse::<f64>(), mult) {
                (Ok(mut n), Some(m)) => {
                    i = word_end;
                    n *= m;
                    if negative {
                        n = -n;
                    }
                    let mut raw: String = chars[start..i].iter().collect();
                    if chars.get(i) == Some(&'%') {
                        raw.push('%');
                        i += 1;
                    }
                    out.push(Token { norm: trim_float(n), raw, kind: TokKind::Number(n) });
                }
                _ => {
                    // e.g. "4cyl", "2nd-hand": a word
                    let raw: String = chars[start..word_end.max(start + 1)].iter().collect();
                    i = word_end.max(start + 1);
                    let norm: String = raw.chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_lowercase();
                    if !norm.is_empty() {
                        out.push(Token { norm, raw, kind: TokKind::Word });
                    }
                }
            }
            continue;
        }
        if c.is_alphanumeric() {
            let start = i;
            while i < chars.len() && chars[i].is_alphanumeric() {
                i += 1;
            }
            let raw: String = chars[start..i].iter().collect();
            out.push(Token { norm: raw.to_lowercase(), raw, kind: TokKind::Word });
            continue;
        }
        let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
        let sym = match two.as_str() {
            ">=" => Some((">=", 2)),
            "<=" => Some(("<=", 2)),
            "!=" | "<>" => Some(("!=", 2)),
            _ => match c {
                '>' => Some((">", 1)),
                '<' => Some(("<", 1)),
                '=' => Some(("=", 1)),
                '%' => Some(("%", 1)),
                ',' => Some((",", 1)),
                ';' => Some((";", 1)),
                _ => None,
            },
        };
        match sym {
            Some((s, n)) => {
                out.push(Token { raw: s.to_string(), norm: s.to_string(), kind: TokKind::Sym(s) });
                i += n;
            }
            None => i += 1,
        }
    }
    merge_scale_words(out)
}

/// "2 million" → 2000000; "100 thousand" → 100000.
fn merge_scale_words(tokens: Vec<Token>) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    for t in tokens {
        let scale = match t.norm.as_str() {
            "thousand" => Some(1e3),
            "million" | "millions" => Some(1e6),
            "billion" | "billions" => Some(1e9),
            _ => None,
        };
        if let (Some(s), Some(prev)) = (scale, out.last_mut()) {
            if let TokKind::Number(n) = prev.kind {
                let v = n * s;
                prev.kind = TokKind::Number(v);
                prev.norm = trim_float(v);
                prev.raw = format!("{} {}", prev.raw, t.raw);
                continue;
            }
        }
        out.push(t);
    }
    out
}

/// A number as short text: 150, 8.5, 100000000.
pub fn trim_float(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        let s = format!("{n}");
        s
    }
}

/// Lower case, every run of non-alphanumeric characters becomes one space (for matching
/// values: "PG-13" → "pg 13").
pub fn norm_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(c.to_lowercase());
        } else {
            space = true;
        }
    }
    out
}

/// English singular of a lower-case word (good enough for column names and values).
pub fn singular(w: &str) -> String {
    let irregular = [("people", "person"), ("men", "man"), ("women", "woman"), ("children", "child"), ("mice", "mouse"), ("feet", "foot"), ("data", "data"), ("series", "series"), ("species", "species"), ("news", "news")];
    if let Some((_, s)) = irregular.iter().find(|(p, _)| *p == w) {
        return s.to_string();
    }
    let n = w.chars().count();
    if n <= 3 || !w.chars().all(|c| c.is_alphabetic()) {
        return w.to_string();
    }
    if let Some(stem) = w.strip_suffix("ies") {
        const IE: [&str; 14] = ["mov", "cook", "zomb", "rook", "calor", "self", "goal", "hipp", "prair", "brown", "smooth", "freeb", "new", "boog"];
        if IE.contains(&stem) {
            return format!("{stem}ie");
        }
        return format!("{stem}y");
    }
    for suf in ["sses", "xes", "ches", "shes", "zzes"] {
        if w.ends_with(suf) {
            return w[..w.len() - 2].to_string();
        }
    }
    if w.ends_with("ss") || w.ends_with("us") || w.ends_with("is") || w.ends_with("ous") {
        return w.to_string();
    }
    match w.strip_suffix('s') {
        Some(stem) => stem.to_string(),
        None => w.to_string(),
    }
}

/// A crude stem for matching verb forms to column words: "directed"/"director" → "direct",
/// "released"/"release" → "releas", "rated"/"rating" → "rat".
pub fn stem(w: &str) -> String {
    let w = singular(w);
    for suf in ["ings", "ing", "ers", "ors", "ed", "er", "or", "es", "e"] {
        if let Some(s) = w.strip_suffix(suf) {
            if s.chars().count() >= 3 {
                return s.to_string();
            }
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<String> {
        tokenize(s)
            .iter()
            .map(|t| match &t.kind {
                TokKind::Word => t.norm.clone(),
                TokKind::Number(n) => format!("#{n}"),
                TokKind::Quoted(q) => format!("'{q}'"),
                TokKind::Sym(s) => format!("<{s}>"),
            })
            .collect()
    }

    #[test]
    fn tokens() {
        assert_eq!(kinds("Average horsepower of cars from 'Japan'"), ["average", "horsepower", "of", "cars", "from", "'Japan'"]);
        assert_eq!(kinds("price over $1,000.50 and under 2k"), ["price", "over", "#1000.5", "and", "under", "#2000"]);
        assert_eq!(kinds("gross > 100 million"), ["gross", "<>>", "#100000000"]);
        assert_eq!(kinds("PG-13 movies"), ["pg", "#13", "movies"]);
        assert_eq!(kinds("delay under -5"), ["delay", "under", "#-5"]);
        assert_eq!(kinds("women's shoes"), ["women", "s", "shoes"]);
        assert_eq!(kinds("year-over-year"), ["year", "over", "year"]);
        assert_eq!(kinds("x >= 3; DROP"), ["x", "<>=>", "#3", "<;>", "drop"]);
        assert_eq!(kinds("it's 'unclosed"), ["it", "s", "unclosed"]);
        assert_eq!(kinds("4cyl 10%"), ["4cyl", "#10"]);
        assert!(tokenize(&"a ".repeat(1000)).len() <= 200);
        assert!(tokenize("").is_empty());
    }

    #[test]
    fn words() {
        assert_eq!(singular("comedies"), "comedy");
        assert_eq!(singular("movies"), "movie");
        assert_eq!(singular("origins"), "origin");
        assert_eq!(singular("class"), "class");
        assert_eq!(singular("species"), "species");
        assert_eq!(norm_text("Thriller/Suspense"), "thriller suspense");
        assert_eq!(stem("directed"), stem("director"));
        assert_eq!(stem("released"), stem("release"));
        assert_eq!(stem("rated"), stem("rating"));
        assert_eq!(stem("delayed"), stem("delay"));
    }
}
