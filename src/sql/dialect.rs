//! The SQL dialect user text is parsed with: sqlparser's GenericDialect (the one polars-sql
//! uses, so checked SQL means what the engine reads), plus the aggregate `FILTER (WHERE ...)`
//! clause, which the rewrite layer turns into `CASE` before the engine sees the query, and
//! PostgreSQL's (and DuckDB's) precedence for `->` / `->>`: `p ->> 'city' = 'Lima'` compares the
//! field (GenericDialect read it as `p ->> ('city' = 'Lima')`); the rewrite layer parenthesizes
//! field access for the engine.

use std::any::TypeId;
use std::cell::Cell;

use sqlparser::ast::Expr;
use sqlparser::dialect::{Dialect, GenericDialect, Precedence};
use sqlparser::parser::{Parser, ParserError};

/// GenericDialect with `FILTER (WHERE ...)` on aggregates, and a bound on parsing work.
///
/// sqlparser backtracks: a word such as CASE or CAST is first parsed as its special form and,
/// when that fails, again as an identifier, so each unclosed level doubles the work (300 bytes
/// of `CASE +CASE WHEN CASE ...` took 11 s natively; found by fuzzing the guard). Every
/// expression prefix the parser starts costs one unit of fuel; when it runs out, parsing stops
/// with `RecursionLimitExceeded`, which sqlparser's backtracking passes up instead of retrying.
#[derive(Debug)]
pub struct QueryDialect {
    fuel: Cell<u64>,
}

impl Default for QueryDialect {
    /// No bound: for SQL the rewrite layer writes itself.
    fn default() -> Self {
        QueryDialect { fuel: Cell::new(u64::MAX) }
    }
}

impl QueryDialect {
    /// Bounded for `sql` from a user: ample for any query written or generated (a linear parse
    /// starts a handful of prefixes per token), far below what backtracking blows up to.
    pub fn for_text(sql: &str) -> Self {
        QueryDialect { fuel: Cell::new(20_000 + 50 * sql.len() as u64) }
    }

    /// Whether parsing stopped because the fuel ran out.
    pub fn exhausted(&self) -> bool {
        self.fuel.get() == 0
    }
}

macro_rules! generic {
    ($($name:ident),* $(,)?) => {
        $(fn $name(&self) -> bool { GenericDialect.$name() })*
    };
}

impl Dialect for QueryDialect {
    /// Parser checks of the form "is this GenericDialect" keep answering yes.
    fn dialect(&self) -> TypeId {
        TypeId::of::<GenericDialect>()
    }
    fn is_delimited_identifier_start(&self, ch: char) -> bool {
        GenericDialect.is_delimited_identifier_start(ch)
    }
    fn is_identifier_start(&self, ch: char) -> bool {
        GenericDialect.is_identifier_start(ch)
    }
    fn is_identifier_part(&self, ch: char) -> bool {
        GenericDialect.is_identifier_part(ch)
    }
    fn supports_filter_during_aggregation(&self) -> bool {
        true
    }
    /// `->`, `->>`, `#>`, `#>>` and PostgreSQL's other operators bind tighter than comparisons
    /// and looser than arithmetic, as in PostgreSQL and DuckDB (GenericDialect: looser than `=`).
    fn prec_value(&self, prec: Precedence) -> u8 {
        match prec {
            Precedence::PgOther => 25,
            other => GenericDialect.prec_value(other),
        }
    }
    /// Not an override of the parsing itself (None: the parser goes on as usual); the fuel gauge.
    fn parse_prefix(&self, _parser: &mut Parser) -> Option<Result<Expr, ParserError>> {
        match self.fuel.get() {
            0 => Some(Err(ParserError::RecursionLimitExceeded)),
            n => {
                self.fuel.set(n - 1);
                None
            }
        }
    }
    generic!(
        supports_unicode_string_literal,
        supports_group_by_expr,
        supports_connect_by,
        supports_match_recognize,
        supports_start_transaction_modifier,
        supports_window_function_null_treatment_arg,
        supports_dictionary_syntax,
        supports_window_clause_named_window_reference,
        supports_parenthesized_set_variables,
        supports_select_wildcard_except,
        support_map_literal_syntax,
        allow_extract_custom,
        allow_extract_single_quotes,
        supports_create_index_with_clause,
        supports_explain_with_utility_options,
        supports_limit_comma,
        supports_asc_desc_in_column_definition,
        supports_try_convert,
        supports_comment_on,
        supports_load_extension,
        supports_named_fn_args_with_assignment_operator,
        supports_struct_literal,
    );
}
