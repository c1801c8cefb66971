//! Raw SQL whose prepared statements are cached per connection.
//!
//! diesel's `sql_query` marks itself unsafe to cache, so every call would
//! prepare its statement again — and preparing an insert or update compiles
//! the table's triggers and foreign-key checks, which cost more than running
//! it. [`sql`] is a drop-in replacement (`.bind::<Text, _>(value)`, `load`,
//! `get_result`, `execute`) that diesel caches by its SQL text, so the
//! indexer and the hot read paths prepare each statement once per connection.

use std::marker::PhantomData;

use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{BigInt, Double, HasSqlType, Text, Untyped};
use diesel::sqlite::Sqlite;
use diesel::{QueryResult, RunQueryDsl};

/// One bound value of a known SQL type.
trait BindValue {
    fn push<'b>(&'b self, out: &mut AstPass<'_, 'b, Sqlite>) -> QueryResult<()>;
}

struct Bound<V, ST>(V, PhantomData<ST>);

impl<V, ST> BindValue for Bound<V, ST>
where
    Sqlite: HasSqlType<ST>,
    V: ToSql<ST, Sqlite>,
{
    fn push<'b>(&'b self, out: &mut AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        out.push_bind_param::<ST, V>(&self.0)
    }
}

/// Writes `text` with each `?` replaced by the next bind (diesel writes the placeholder itself).
fn walk<'b>(
    text: &'b str,
    binds: impl ExactSizeIterator<Item = &'b dyn BindValue>,
    mut out: AstPass<'_, 'b, Sqlite>,
) -> QueryResult<()> {
    let mut parts = text.split('?');
    let expected = text.matches('?').count();
    if expected != binds.len() {
        return Err(diesel::result::Error::QueryBuilderError(
            format!("{expected} placeholders but {} values in: {text}", binds.len()).into(),
        ));
    }
    out.push_sql(parts.next().unwrap_or_default());
    for (bind, part) in binds.zip(parts) {
        bind.push(&mut out)?;
        out.push_sql(part);
    }
    Ok(())
}

/// A SQL statement (positional `?` only) with its bind values, cached by its text.
pub struct Sql<'a> {
    text: String,
    binds: Vec<Box<dyn BindValue + 'a>>,
}

/// Starts a statement.
pub fn sql<'a>(text: impl Into<String>) -> Sql<'a> {
    Sql { text: text.into(), binds: Vec::new() }
}

impl<'a> Sql<'a> {
    /// Binds the next `?`.
    pub fn bind<ST, V>(mut self, value: V) -> Self
    where
        Sqlite: HasSqlType<ST>,
        V: ToSql<ST, Sqlite> + 'a,
        ST: 'a,
    {
        self.binds.push(Box::new(Bound::<V, ST>(value, PhantomData)));
        self
    }
}

impl QueryFragment<Sqlite> for Sql<'_> {
    fn walk_ast<'b>(&'b self, out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        walk(&self.text, self.binds.iter().map(|b| b.as_ref() as &dyn BindValue), out)
    }
}

impl QueryId for Sql<'_> {
    type QueryId = ();
    // No static id: diesel keys the cached statement by the SQL text and bind types.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for Sql<'_> {
    type SqlType = Untyped;
}

impl<Conn> RunQueryDsl<Conn> for Sql<'_> {}

/// A statement assembled at run time: text and values appended together so
/// they can't drift apart. Cached by text like [`Sql`].
#[derive(Default)]
pub struct DynSql {
    text: String,
    binds: Vec<Box<dyn BindValue + Send>>,
}

impl DynSql {
    /// Appends SQL text.
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }
    /// Binds a text value to the next `?`.
    pub fn text(&mut self, value: impl Into<String>) -> &mut Self {
        self.binds.push(Box::new(Bound::<String, Text>(value.into(), PhantomData)));
        self
    }
    /// Binds an integer to the next `?`.
    pub fn int(&mut self, value: i64) -> &mut Self {
        self.binds.push(Box::new(Bound::<i64, BigInt>(value, PhantomData)));
        self
    }
    /// Binds a float to the next `?`.
    pub fn real(&mut self, value: f64) -> &mut Self {
        self.binds.push(Box::new(Bound::<f64, Double>(value, PhantomData)));
        self
    }
}

impl QueryFragment<Sqlite> for DynSql {
    fn walk_ast<'b>(&'b self, out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        walk(&self.text, self.binds.iter().map(|b| b.as_ref() as &dyn BindValue), out)
    }
}

impl QueryId for DynSql {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for DynSql {
    type SqlType = Untyped;
}

impl<Conn> RunQueryDsl<Conn> for DynSql {}

impl DynSql {
    /// The statement with its columns' SQL types (see [`TypedSql`]).
    pub fn typed<ST>(self) -> TypedSql<Self, ST> {
        TypedSql { sql: self, columns: PhantomData }
    }
}

impl<'a> Sql<'a> {
    /// The statement with its columns' SQL types (see [`TypedSql`]).
    pub fn typed<ST>(self) -> TypedSql<Self, ST> {
        TypedSql { sql: self, columns: PhantomData }
    }
}

/// A statement ([`Sql`], [`DynSql`]) with its columns' SQL types `ST`, in
/// order (a tuple): rows deriving `Queryable` are read by position, where
/// `QueryableByName` looks each column up by its name on every row.
pub struct TypedSql<Q, ST> {
    sql: Q,
    columns: PhantomData<fn() -> ST>,
}

impl<Q: QueryFragment<Sqlite>, ST> QueryFragment<Sqlite> for TypedSql<Q, ST> {
    fn walk_ast<'b>(&'b self, out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        self.sql.walk_ast(out)
    }
}

impl<Q, ST> QueryId for TypedSql<Q, ST> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q, ST: 'static> Query for TypedSql<Q, ST> {
    type SqlType = ST;
}

impl<Q, ST, Conn> RunQueryDsl<Conn> for TypedSql<Q, ST> {}

#[cfg(test)]
mod tests {
    use diesel::connection::SimpleConnection;
    use diesel::sql_types::{BigInt, Text};
    use diesel::{Connection, OptionalExtension, QueryableByName, RunQueryDsl, SqliteConnection};

    use super::*;

    #[derive(QueryableByName, Debug, PartialEq)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        n: i64,
        #[diesel(sql_type = Text)]
        s: String,
    }

    #[test]
    fn binds_run_in_order_and_statements_are_reused() -> anyhow::Result<()> {
        let mut conn = SqliteConnection::establish(":memory:")?;
        conn.batch_execute("CREATE TABLE t (n INTEGER, s TEXT)")?;
        for i in 0..3 {
            sql("INSERT INTO t (n, s) VALUES (?, ?)")
                .bind::<BigInt, _>(i)
                .bind::<Text, _>(format!("v{i}"))
                .execute(&mut conn)?;
        }
        let rows: Vec<Row> =
            sql("SELECT n, s FROM t WHERE n >= ? ORDER BY n").bind::<BigInt, _>(1).load(&mut conn)?;
        assert_eq!(rows, vec![Row { n: 1, s: "v1".into() }, Row { n: 2, s: "v2".into() }]);
        let none: Option<Row> =
            sql("SELECT n, s FROM t WHERE s = ?").bind::<Text, _>("nope").get_result(&mut conn).optional()?;
        assert_eq!(none, None);
        let mut dynamic = DynSql::default();
        dynamic.push("SELECT n, s FROM t WHERE n = ? AND s = ?").int(2).text("v2");
        assert_eq!(dynamic.load::<Row>(&mut conn)?.len(), 1);
        let mut typed = DynSql::default();
        typed.push("SELECT s, n FROM t WHERE n >= ? ORDER BY n").int(1);
        let rows: Vec<(String, i64)> = typed.typed::<(Text, BigInt)>().load(&mut conn)?;
        assert_eq!(rows, vec![("v1".to_owned(), 1), ("v2".to_owned(), 2)]);
        let one: (i64, String) = sql("SELECT n, s FROM t WHERE n = ?")
            .bind::<BigInt, _>(0)
            .typed::<(BigInt, Text)>()
            .get_result(&mut conn)?;
        assert_eq!(one, (0, "v0".to_owned()));
        Ok(())
    }
}
