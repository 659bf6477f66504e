//! Name resolution: the relations a SELECT reads (tables, CTEs, derived tables, with their
//! columns and kinds) and which relation an identifier refers to.

use sqlparser::ast::{Expr, Ident};

use super::Kind;

/// A column of a relation in a FROM clause.
#[derive(Debug, Clone)]
pub(crate) struct Col {
    pub name: String,
    pub kind: Kind,
    /// The column's name in the engine's joined frame (the engine renames right-hand
    /// columns that clash with earlier ones to `name:alias`).
    pub actual: String,
}

/// A relation of a FROM clause.
#[derive(Debug, Clone)]
pub(crate) struct Rel {
    /// The name it is referred to by (alias, else table name).
    pub name: String,
    pub cols: Vec<Col>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Scope {
    pub rels: Vec<Rel>,
}

impl Scope {
    pub fn from_rels(rels: Vec<Rel>) -> Self {
        Scope { rels }
    }

    fn find_rel(&self, name: &Ident) -> Option<usize> {
        if let Some(i) = self.rels.iter().position(|r| r.name == name.value) {
            return Some(i);
        }
        if name.quote_style.is_none() {
            let mut it = self.rels.iter().enumerate().filter(|(_, r)| r.name.eq_ignore_ascii_case(&name.value));
            if let (Some((i, _)), None) = (it.next(), it.next()) {
                return Some(i);
            }
        }
        None
    }

    fn find_col(rel: &Rel, name: &Ident) -> Option<usize> {
        if let Some(i) = rel.cols.iter().position(|c| c.name == name.value) {
            return Some(i);
        }
        if name.quote_style.is_none() {
            let mut it = rel.cols.iter().enumerate().filter(|(_, c)| c.name.eq_ignore_ascii_case(&name.value));
            if let (Some((i, _)), None) = (it.next(), it.next()) {
                return Some(i);
            }
        }
        None
    }

    /// Resolves `col` or `rel.col` in this scope: `(rel, col)`; the first relation wins
    /// when a bare name is in several (as the engine does).
    pub fn resolve(&self, idents: &[Ident]) -> Option<(usize, usize)> {
        match idents {
            [c] => {
                // exact matches first, then a case-insensitive one
                for (ri, r) in self.rels.iter().enumerate() {
                    if let Some(ci) = r.cols.iter().position(|x| x.name == c.value) {
                        return Some((ri, ci));
                    }
                }
                if c.quote_style.is_none() {
                    for (ri, r) in self.rels.iter().enumerate() {
                        if let Some(ci) = Self::find_col(r, c) {
                            return Some((ri, ci));
                        }
                    }
                }
                None
            }
            [t, c] => {
                let ri = self.find_rel(t)?;
                let ci = Self::find_col(self.rels.get(ri)?, c)?;
                Some((ri, ci))
            }
            _ => None,
        }
    }

    pub fn col(&self, rel: usize, col: usize) -> Option<&Col> {
        self.rels.get(rel).and_then(|r| r.cols.get(col))
    }
}

/// The identifier parts of a column reference expression.
pub(crate) fn idents_of(e: &Expr) -> Option<&[Ident]> {
    match e {
        Expr::Identifier(i) => Some(std::slice::from_ref(i)),
        Expr::CompoundIdentifier(v) => Some(v.as_slice()),
        _ => None,
    }
}
