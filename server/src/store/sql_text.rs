//! A statement assembled piece by piece with its arguments numbered as
//! they are pushed (`$1`, `$2`, …): what sqlx's `QueryBuilder` does, but
//! usable in code generic over the database (a `QueryBuilder`'s query
//! cannot outlive the builder's drop there).

use super::dialect::{Dialect, Value};
use sqlx::query::QueryAs;
use sqlx::{Database, FromRow};

/// A value a statement binds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Arg {
    Int(i64),
    Text(String),
}

impl From<i64> for Arg {
    fn from(value: i64) -> Self {
        Self::Int(value)
    }
}

impl From<String> for Arg {
    fn from(value: String) -> Self {
        Self::Text(value)
    }
}

impl From<&str> for Arg {
    fn from(value: &str) -> Self {
        Self::Text(value.to_owned())
    }
}

#[derive(Debug, Default)]
pub(super) struct SqlText {
    sql: String,
    args: Vec<Arg>,
}

impl SqlText {
    pub(super) fn new(start: impl Into<String>) -> Self {
        Self {
            sql: start.into(),
            args: Vec::new(),
        }
    }

    pub(super) fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    /// Appends the next placeholder and remembers what it stands for.
    pub(super) fn push_bind(&mut self, arg: impl Into<Arg>) -> &mut Self {
        self.args.push(arg.into());
        self.sql.push('$');
        self.sql.push_str(&self.args.len().to_string());
        self
    }

    pub(super) fn query_scalar<DB, O>(
        &self,
    ) -> sqlx::query::QueryScalar<'_, DB, O, <DB as Database>::Arguments<'_>>
    where
        DB: Dialect,
        O: Value<DB>,
        usize: sqlx::ColumnIndex<DB::Row>,
        i64: Value<DB>,
        String: Value<DB>,
    {
        let mut query = sqlx::query_scalar(&self.sql);
        for arg in &self.args {
            query = match arg {
                Arg::Int(value) => query.bind(*value),
                Arg::Text(value) => query.bind(value.clone()),
            };
        }
        query
    }

    pub(super) fn query_as<DB, O>(&self) -> QueryAs<'_, DB, O, <DB as Database>::Arguments<'_>>
    where
        DB: Dialect,
        O: for<'r> FromRow<'r, DB::Row>,
        i64: Value<DB>,
        String: Value<DB>,
    {
        let mut query = sqlx::query_as(&self.sql);
        for arg in &self.args {
            query = match arg {
                Arg::Int(value) => query.bind(*value),
                Arg::Text(value) => query.bind(value.clone()),
            };
        }
        query
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_follow_the_pushes() {
        let mut sql = SqlText::new("select 1 where a = ");
        sql.push_bind(7).push(" and b = ").push_bind("x");
        assert_eq!(sql.sql, "select 1 where a = $1 and b = $2");
        assert_eq!(sql.args, [Arg::Int(7), Arg::Text("x".into())]);
    }
}
