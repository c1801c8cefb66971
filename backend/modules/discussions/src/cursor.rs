//! Thread list sorts and page cursors.

use exosphere_core::xrpc::{Error, XrpcResult};

use crate::store::ThreadRow;

/// How listThreads orders threads (after the pinned ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// Latest reply (or creation) first.
    Active,
    /// Newest first.
    New,
    /// Most reactions first.
    Top,
}

impl Sort {
    /// The sort named by the `sort` parameter.
    pub fn parse(name: &str) -> XrpcResult<Self> {
        match name {
            "active" => Ok(Self::Active),
            "new" => Ok(Self::New),
            "top" => Ok(Self::Top),
            other => Err(Error::invalid_request(format!("sort: must be active, new or top, got {other:?}"))),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::New => "new",
            Self::Top => "top",
        }
    }

    /// The index that walks a Sphere's threads in this order.
    pub fn index(self) -> &'static str {
        match self {
            Self::Active => "disc_threads_active",
            Self::New => "disc_threads_new",
            Self::Top => "disc_threads_top",
        }
    }

    /// The column threads are ordered by.
    pub fn column(self) -> &'static str {
        match self {
            Self::Active => "t.active_at",
            Self::New => "t.created_at",
            Self::Top => "t.reaction_count",
        }
    }
}

/// Where a page ended: in the pinned part or the rest, at which sort key and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub sort: Sort,
    pub pinned: bool,
    pub key: String,
    pub id: i64,
}

impl Cursor {
    /// The cursor after `row`.
    pub fn after(sort: Sort, row: &ThreadRow) -> Self {
        let key = match sort {
            Sort::Active => row.active_at.clone(),
            Sort::New => row.created_at.clone(),
            Sort::Top => row.reaction_count.to_string(),
        };
        Self { sort, pinned: row.pinned, key, id: row.id }
    }

    /// `sort~p|r~id~key` (keys are datetimes or numbers: no `~` in the way of the id).
    pub fn encode(&self) -> String {
        format!("{}~{}~{}~{}", self.sort.name(), if self.pinned { "p" } else { "r" }, self.id, self.key)
    }

    /// A cursor of this list for `sort`, or 400.
    pub fn decode(text: &str, sort: Sort) -> XrpcResult<Self> {
        let bad = || Error::invalid_request("cursor: not a cursor of this list");
        let mut parts = text.splitn(4, '~');
        let (Some(name), Some(part), Some(id), Some(key)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        if name != sort.name() || !matches!(part, "p" | "r") {
            return Err(bad());
        }
        let id = id.parse().map_err(|_| bad())?;
        if sort == Sort::Top && key.parse::<i64>().is_err() {
            return Err(bad());
        }
        Ok(Self { sort, pinned: part == "p", key: key.to_owned(), id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_belong_to_their_sort() -> XrpcResult<()> {
        let cursor =
            Cursor { sort: Sort::Active, pinned: true, key: "2026-01-01T00:00:00.000Z".into(), id: 7 };
        assert_eq!(Cursor::decode(&cursor.encode(), Sort::Active)?, cursor);
        assert!(Cursor::decode(&cursor.encode(), Sort::New).is_err(), "a cursor of another sort");
        assert!(Cursor::decode("top~r~3~many", Sort::Top).is_err());
        assert!(Cursor::decode("junk", Sort::Active).is_err());
        Ok(())
    }
}
