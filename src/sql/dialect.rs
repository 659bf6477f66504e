//! The SQL dialect user text is parsed with: sqlparser's GenericDialect (the one polars-sql
//! uses, so checked SQL means what the engine reads), plus the aggregate `FILTER (WHERE ...)`
//! clause, which the rewrite layer turns into `CASE` before the engine sees the query.

use std::any::TypeId;

use sqlparser::dialect::{Dialect, GenericDialect};

/// GenericDialect with `FILTER (WHERE ...)` on aggregates.
#[derive(Debug, Default)]
pub struct QueryDialect;

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
