//! For tests that hold a statement to the indexes it must use: a migrated
//! board database, and the steps of `EXPLAIN QUERY PLAN`.

use std::sync::Arc;

use exosphere_core::Db;
use exosphere_core::module::Registry;

/// A step of a query plan (`EXPLAIN QUERY PLAN`'s `detail` column).
#[derive(diesel::QueryableByName)]
pub struct Step {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub detail: String,
}

/// A fresh database with the board's tables (its directory goes with it).
pub fn board_db() -> anyhow::Result<(tempfile::TempDir, Db)> {
    let dir = tempfile::tempdir()?;
    let db = Db::open(&dir.path().join("x.sqlite"))?;
    Registry::new(vec![Arc::new(crate::FeatureRequests)])?.migrate(&mut *db.conn()?)?;
    Ok((dir, db))
}

/// The plan's steps, in order.
pub fn details(plan: &[Step]) -> Vec<&str> {
    plan.iter().map(|s| s.detail.as_str()).collect()
}
