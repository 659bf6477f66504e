//! Default names for unaliased result columns, the way DuckDB names them
//! (`avg(temp_max)`, `count_star()`, `(a + 1)`, `CAST(a AS VARCHAR)`), so results compare
//! equal to DuckDB's and two unaliased expressions over the same column never collide.

use sqlparser::ast::{
    BinaryOperator, CastKind, DataType, DateTimeField, Expr, Function, FunctionArguments, UnaryOperator, Value, WindowType,
};

use super::ast::{fargs, fname, is_distinct_call, is_star_call};

/// The name DuckDB gives the result column of `e`.
pub(crate) fn default_name(e: &Expr) -> String {
    match e {
        Expr::Identifier(i) => i.value.clone(),
        Expr::CompoundIdentifier(v) => v.last().map(|i| i.value.clone()).unwrap_or_default(),
        Expr::Nested(inner) => default_name(inner),
        other => render(other),
    }
}

/// An identifier inside a name: quoted when DuckDB would (keywords, unusual characters).
fn ident_text(value: &str) -> String {
    let plain = value.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && value.chars().all(|c| c.is_alphanumeric() || c == '_')
        && DUCKDB_KEYWORDS.binary_search(&value.to_lowercase().as_str()).is_err();
    if plain {
        value.to_string()
    } else {
        format!("\"{}\"", value.replace('"', "\"\""))
    }
}

/// The text DuckDB uses for an expression inside a generated name.
fn render(e: &Expr) -> String {
    let default_name = render;
    match e {
        Expr::Identifier(i) => ident_text(&i.value),
        Expr::CompoundIdentifier(v) => v.iter().map(|i| ident_text(&i.value)).collect::<Vec<_>>().join("."),
        Expr::Nested(inner) => default_name(inner),
        Expr::Value(v) => match v {
            Value::Number(n, _) => n.clone(),
            Value::SingleQuotedString(s) => format!("'{}'", s.replace('\'', "''")),
            Value::Boolean(b) => b.to_string(),
            Value::Null => "NULL".into(),
            other => other.to_string(),
        },
        Expr::Function(f) => function_name(f),
        Expr::BinaryOp { left, op, right } => format!("({} {} {})", default_name(left), op_text(op), default_name(right)),
        Expr::UnaryOp { op: UnaryOperator::Minus, expr } => match expr.as_ref() {
            Expr::Value(Value::Number(n, _)) => format!("-{n}"),
            inner => format!("(-({}))", default_name(inner)),
        },
        Expr::UnaryOp { op: UnaryOperator::Not, expr } => format!("(NOT {})", paren(expr)),
        Expr::UnaryOp { op: UnaryOperator::Plus, expr } => default_name(expr),
        Expr::Cast { kind: CastKind::Cast | CastKind::DoubleColon, expr, data_type, .. } => {
            format!("CAST({} AS {})", default_name(expr), type_name(data_type))
        }
        Expr::IsNull(x) => format!("({} IS NULL)", default_name(x)),
        Expr::IsNotNull(x) => format!("({} IS NOT NULL)", default_name(x)),
        Expr::IsDistinctFrom(a, b) => format!("({} IS DISTINCT FROM {})", default_name(a), default_name(b)),
        Expr::IsNotDistinctFrom(a, b) => format!("({} IS NOT DISTINCT FROM {})", default_name(a), default_name(b)),
        Expr::Between { expr, negated, low, high } => {
            let s = format!("({} BETWEEN {} AND {})", default_name(expr), default_name(low), default_name(high));
            if *negated {
                format!("(NOT {s})")
            } else {
                s
            }
        }
        Expr::InList { expr, list, negated } => {
            let items: Vec<String> = list.iter().map(default_name).collect();
            let s = format!("({} IN ({}))", default_name(expr), items.join(", "));
            if *negated {
                format!("(NOT {s})")
            } else {
                s
            }
        }
        Expr::Like { negated, expr, pattern, .. } => {
            format!("({} {} {})", default_name(expr), if *negated { "!~~" } else { "~~" }, default_name(pattern))
        }
        Expr::ILike { negated, expr, pattern, .. } => {
            format!("({} {} {})", default_name(expr), if *negated { "!~~*" } else { "~~*" }, default_name(pattern))
        }
        Expr::Case { operand, conditions, results, else_result } => {
            let mut s = String::from("CASE ");
            for (c, r) in conditions.iter().zip(results.iter()) {
                let cond = match operand {
                    Some(op) => format!("({} = {})", default_name(op), default_name(c)),
                    None => default_name(c),
                };
                s.push_str(&format!(" WHEN ({cond}) THEN ({})", default_name(r)));
            }
            s.push_str(&format!(" ELSE {} END", else_result.as_deref().map(default_name).unwrap_or_else(|| "NULL".into())));
            s
        }
        Expr::Extract { field, expr, .. } => format!("date_part('{}', {})", field_name(field), default_name(expr)),
        Expr::Substring { expr, substring_from, substring_for, .. } => {
            let mut args = vec![default_name(expr)];
            if let Some(f) = substring_from {
                args.push(default_name(f));
            }
            if let Some(f) = substring_for {
                args.push(default_name(f));
            }
            format!("\"substring\"({})", args.join(", "))
        }
        Expr::Trim { expr, trim_where: None, trim_what: None, .. } => format!("\"trim\"({})", default_name(expr)),
        Expr::Position { expr, r#in } => format!("\"position\"({}, {})", default_name(r#in), default_name(expr)),
        Expr::TypedString { data_type, value } => format!("CAST('{value}' AS {})", type_name(data_type)),
        other => other.to_string(),
    }
}

fn paren(e: &Expr) -> String {
    let n = render(e);
    if n.starts_with('(') {
        n
    } else {
        format!("({n})")
    }
}

fn field_name(f: &DateTimeField) -> String {
    match f {
        DateTimeField::Custom(i) => i.value.to_ascii_uppercase(),
        other => other.to_string().to_ascii_uppercase(),
    }
}

fn op_text(op: &BinaryOperator) -> String {
    match op {
        BinaryOperator::NotEq => "!=".into(),
        BinaryOperator::DuckIntegerDivide => "//".into(),
        other => other.to_string(),
    }
}

fn type_name(t: &DataType) -> String {
    match t {
        DataType::Int(_) | DataType::Integer(_) | DataType::Int4(_) => "INTEGER".into(),
        DataType::BigInt(_) | DataType::Int8(_) | DataType::Int64 => "BIGINT".into(),
        DataType::SmallInt(_) | DataType::Int2(_) => "SMALLINT".into(),
        DataType::Varchar(_) | DataType::Text | DataType::String(_) | DataType::CharVarying(_) | DataType::Char(_) => "VARCHAR".into(),
        DataType::Double | DataType::DoublePrecision | DataType::Float8 | DataType::Float64 => "DOUBLE".into(),
        DataType::Real | DataType::Float4 | DataType::Float32 => "FLOAT".into(),
        DataType::Float(_) => "FLOAT".into(),
        DataType::Boolean | DataType::Bool => "BOOLEAN".into(),
        DataType::Date => "DATE".into(),
        DataType::Timestamp(_, _) | DataType::Datetime(_) => "TIMESTAMP".into(),
        DataType::Decimal(info) | DataType::Numeric(info) => match info {
            sqlparser::ast::ExactNumberInfo::PrecisionAndScale(p, s) => format!("DECIMAL({p}, {s})"),
            sqlparser::ast::ExactNumberInfo::Precision(p) => format!("DECIMAL({p}, 0)"),
            sqlparser::ast::ExactNumberInfo::None => "DECIMAL(18, 3)".into(),
        },
        other => other.to_string(),
    }
}

fn function_name(f: &Function) -> String {
    let default_name = render;
    let name = fname(f);
    let mut args: Vec<String> = fargs(f).into_iter().map(default_name).collect();
    let star = is_star_call(f) && args.is_empty();
    let base = match name.as_str() {
        "count" if star && f.over.is_none() => "count_star()".to_string(),
        "count" if star => "count()".to_string(),
        "coalesce" | "ifnull" | "nvl" => format!("COALESCE({})", args.join(", ")),
        "nullif" | "substring" | "trim" | "position" => format!("\"{name}\"({})", args.join(", ")),
        "current_date" if matches!(f.args, FunctionArguments::None) => "CURRENT_DATE".to_string(),
        _ => {
            if is_distinct_call(f) {
                if let Some(first) = args.first_mut() {
                    *first = format!("DISTINCT {first}");
                }
            }
            format!("{name}({})", args.join(", "))
        }
    };
    let mut s = base;
    if let Some(filter) = &f.filter {
        s.push_str(&format!(" FILTER (WHERE {})", default_name(filter)));
    }
    if let Some(WindowType::WindowSpec(w)) = &f.over {
        let mut parts: Vec<String> = Vec::new();
        if !w.partition_by.is_empty() {
            let p: Vec<String> = w.partition_by.iter().map(default_name).collect();
            parts.push(format!("PARTITION BY {}", p.join(", ")));
        }
        if !w.order_by.is_empty() {
            let o: Vec<String> = w
                .order_by
                .iter()
                .map(|o| {
                    let mut t = default_name(&o.expr);
                    if o.asc == Some(false) {
                        t.push_str(" DESC");
                    }
                    match o.nulls_first {
                        Some(true) => t.push_str(" NULLS FIRST"),
                        Some(false) => t.push_str(" NULLS LAST"),
                        None => {}
                    }
                    t
                })
                .collect();
            parts.push(format!("ORDER BY {}", o.join(", ")));
        }
        if let Some(frame) = &w.window_frame {
            let end = frame.end_bound.as_ref().map(|b| format!(" AND {b}")).unwrap_or_default();
            let between = if frame.end_bound.is_some() { "BETWEEN " } else { "" };
            parts.push(format!("{} {between}{}{end}", frame.units, frame.start_bound));
        }
        s.push_str(&format!(" OVER ({})", parts.join(" ")));
    }
    s
}

/// DuckDB keywords (any category, from duckdb_keywords() of DuckDB 2.0): quoted in names.
const DUCKDB_KEYWORDS: [&str; 502] = [
    "abort", "absolute", "access", "action", "add", "admin", "after", "aggregate", "all", "also", "alter",
    "always", "analyse", "analyze", "and", "anti", "any", "approx", "array", "as", "asc", "asof", "assertion",
    "assignment", "asymmetric", "at", "attach", "attribute", "authorization", "backward", "before", "begin",
    "between", "bigint", "binary", "bit", "boolean", "both", "by", "cache", "call", "called", "cascade",
    "cascaded", "case", "cast", "catalog", "centuries", "century", "chain", "char", "character",
    "characteristics", "check", "checkpoint", "class", "close", "cluster", "coalesce", "collate", "collation",
    "column", "columns", "comment", "comments", "commit", "committed", "compression", "concurrently",
    "configuration", "conflict", "connect", "connection", "constraint", "constraints", "content", "continue",
    "conversion", "copy", "cost", "create", "cross", "csv", "cube", "current", "cursor", "cycle", "data",
    "database", "day", "days", "deallocate", "dec", "decade", "decades", "decimal", "declare", "default",
    "defaults", "deferrable", "deferred", "definer", "delete", "delimiter", "delimiters", "depends", "desc",
    "describe", "destroy", "detach", "dictionary", "disable", "discard", "disconnect", "distance", "distinct",
    "do", "document", "domain", "double", "drop", "each", "else", "enable", "encoding", "encrypted", "end",
    "enum", "error", "escape", "event", "exact", "except", "exclude", "excluding", "exclusive", "execute",
    "exists", "explain", "export", "export_state", "extension", "extensions", "external", "extract", "false",
    "family", "fetch", "filter", "first", "float", "following", "for", "force", "foreign", "forward",
    "freeze", "from", "full", "function", "functions", "generated", "glob", "global", "grant", "granted",
    "group", "grouping", "grouping_id", "groups", "handler", "having", "header", "hold", "hour", "hours",
    "identity", "if", "ignore", "ilike", "immediate", "immutable", "implicit", "import", "in", "include",
    "including", "increment", "index", "indexes", "inherit", "inherits", "initially", "inline", "inner",
    "inout", "input", "insensitive", "insert", "install", "instead", "int", "integer", "intersect",
    "interval", "into", "invoker", "is", "isnull", "isolation", "join", "json", "key", "label", "lambda",
    "language", "large", "last", "lateral", "leading", "leakproof", "left", "level", "like", "limit",
    "listen", "load", "local", "location", "lock", "locked", "logged", "macro", "map", "mapping", "match",
    "matched", "materialized", "maxvalue", "merge", "method", "microsecond", "microseconds", "millennia",
    "millennium", "millisecond", "milliseconds", "minute", "minutes", "minvalue", "mode", "month", "months",
    "move", "name", "names", "national", "natural", "nchar", "nearest", "new", "next", "no", "none", "not",
    "nothing", "notify", "notnull", "nowait", "null", "nullif", "nulls", "numeric", "object", "of", "off",
    "offset", "oids", "old", "on", "only", "operator", "option", "options", "or", "order", "ordinality",
    "others", "out", "outer", "over", "overlaps", "overlay", "overriding", "owned", "owner", "parallel",
    "parser", "partial", "partition", "partitioned", "passing", "password", "percent", "persistent", "pivot",
    "pivot_longer", "pivot_wider", "placing", "plans", "policy", "position", "positional", "pragma",
    "preceding", "precision", "prepare", "prepared", "preserve", "primary", "prior", "privileges",
    "procedural", "procedure", "program", "publication", "qualify", "quarter", "quarters", "quote", "range",
    "read", "real", "reassign", "recheck", "recursive", "ref", "references", "referencing", "refresh",
    "register", "reindex", "relative", "release", "rename", "repeatable", "replace", "replica", "reset",
    "resource", "resources", "respect", "restart", "restrict", "returning", "returns", "revoke", "right",
    "role", "rollback", "rollup", "row", "rows", "rule", "sample", "savepoint", "schema", "schemas", "scope",
    "scroll", "search", "second", "seconds", "secret", "secure", "security", "select", "semi", "sequence",
    "sequences", "serializable", "server", "session", "set", "setof", "sets", "share", "show", "similar",
    "similarity", "simple", "skip", "smallint", "snapshot", "some", "sorted", "source", "sql", "stable",
    "standalone", "start", "statement", "statistics", "stdin", "stdout", "storage", "stored", "strict",
    "strip", "struct", "subscription", "substring", "summarize", "symmetric", "sysid", "system", "table",
    "tables", "tablesample", "tablespace", "target", "temp", "template", "temporary", "text", "then", "ties",
    "time", "timestamp", "to", "trailing", "transaction", "transform", "treat", "trigger", "trim", "true",
    "truncate", "trusted", "try_cast", "tuple", "type", "types", "unbounded", "uncommitted", "unencrypted",
    "union", "unique", "unknown", "unlisten", "unlogged", "unpack", "unpivot", "until", "update", "use",
    "user", "using", "vacuum", "valid", "validate", "validator", "value", "values", "varchar", "variable",
    "variadic", "varying", "verbose", "version", "view", "views", "virtual", "volatile", "week", "weeks",
    "when", "where", "whitespace", "window", "with", "within", "without", "work", "wrapper", "write", "xml",
    "xmlattributes", "xmlconcat", "xmlelement", "xmlexists", "xmlforest", "xmlnamespaces", "xmlparse",
    "xmlpi", "xmlroot", "xmlserialize", "xmltable", "year", "years", "yes", "zone",
];

#[cfg(test)]
mod tests {
    use super::super::ast::parse_expr;
    use super::*;

    fn n(sql: &str) -> String {
        default_name(&parse_expr(sql).unwrap())
    }

    #[test]
    fn names_follow_duckdb() {
        assert_eq!(n("AVG(temp_max)"), "avg(temp_max)");
        assert_eq!(n("COUNT(*)"), "count_star()");
        assert_eq!(n("count(DISTINCT a)"), "count(DISTINCT a)");
        assert_eq!(n("SUM(a + 1)"), "sum((a + 1))");
        assert_eq!(n("t.a"), "a");
        assert_eq!(n("CAST(a AS VARCHAR)"), "CAST(a AS VARCHAR)");
        assert_eq!(n("-a"), "(-(a))");
        assert_eq!(n("coalesce(f, 0)"), "COALESCE(f, 0)");
        assert_eq!(n("EXTRACT(year FROM d)"), "date_part('YEAR', d)");
        assert_eq!(n("CASE WHEN a > 1 THEN 1 ELSE 0 END"), "CASE  WHEN ((a > 1)) THEN (1) ELSE 0 END");
        assert_eq!(n("row_number() OVER (ORDER BY a)"), "row_number() OVER (ORDER BY a)");
        assert_eq!(n("rank() OVER (PARTITION BY s ORDER BY a DESC)"), "rank() OVER (PARTITION BY s ORDER BY a DESC)");
        assert_eq!(n("a <> 1"), "(a != 1)");
        assert_eq!(n("'x'"), "'x'");
        assert_eq!(n("s NOT LIKE 'x'"), "(s !~~ 'x')");
        assert_eq!(n("min(distance)"), "min(\"distance\")");
        assert_eq!(n("avg(\"IMDB Rating\")"), "avg(\"IMDB Rating\")");
        assert_eq!(n("avg(Miles_per_Gallon)"), "avg(Miles_per_Gallon)");
        assert!(DUCKDB_KEYWORDS.windows(2).all(|w| w[0] < w[1]));
    }
}
