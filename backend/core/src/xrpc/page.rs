//! Pages of a list: a query asks for one row more than the page holds, and
//! the last row kept names where the next page starts.

use super::{Error, XrpcResult};

/// Keeps the first `limit` of `rows` (read with a limit of `limit + 1`), and
/// the next page's cursor, made from the last row kept, when there was one more.
pub fn page<T>(
    mut rows: Vec<T>,
    limit: i64,
    cursor_of: impl FnOnce(&T) -> String,
) -> (Vec<T>, Option<String>) {
    let keep = usize::try_from(limit).unwrap_or(0);
    let more = rows.len() > keep;
    rows.truncate(keep);
    let cursor = if more { rows.last().map(cursor_of) } else { None };
    (rows, cursor)
}

fn foreign() -> Error {
    Error::invalid_request("cursor: not a cursor from this server")
}

/// The two parts of a `<time>~<key>` cursor.
pub fn split_cursor(cursor: Option<&str>) -> XrpcResult<Option<(String, String)>> {
    let Some(cursor) = cursor else { return Ok(None) };
    let (at, key) = cursor.rsplit_once('~').ok_or_else(foreign)?;
    Ok(Some((at.to_owned(), key.to_owned())))
}

/// The two parts of a `<time>~<id>` cursor whose key is a row id.
pub fn split_id_cursor(cursor: Option<&str>) -> XrpcResult<Option<(String, i64)>> {
    split_cursor(cursor)?.map(|(at, id)| Ok((at, id.parse().map_err(|_| foreign())?))).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_keeps_the_limit_and_names_the_next_one() {
        assert_eq!(page(vec![1, 2, 3], 2, |n| format!("c{n}")), (vec![1, 2], Some("c2".into())));
        assert_eq!(page(vec![1, 2], 2, |n| format!("c{n}")), (vec![1, 2], None));
        assert_eq!(page(Vec::<i32>::new(), 2, |n| format!("c{n}")), (vec![], None));
    }

    #[test]
    fn cursors_split_and_refuse_what_is_not_theirs() -> XrpcResult<()> {
        assert_eq!(split_cursor(Some("2026-01-01~a~b"))?, Some(("2026-01-01~a".into(), "b".into())));
        assert_eq!(split_id_cursor(Some("2026-01-01~7"))?, Some(("2026-01-01".into(), 7)));
        assert_eq!(split_cursor(None)?, None);
        assert!(split_cursor(Some("no tilde")).is_err());
        assert!(split_id_cursor(Some("2026~x")).is_err());
        Ok(())
    }
}
