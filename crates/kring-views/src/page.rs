//! Pages of a list, newest first, with a cursor that stays put while the list
//! grows: an item's cursor is its place in the list it was appended to.

/// Where a page starts and how many items it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageAt {
    /// Only items before this cursor (the `next` of the page before); `None`: the newest.
    pub before: Option<u64>,
    pub limit: usize,
}

impl PageAt {
    /// The newest `limit` items.
    pub fn newest(limit: usize) -> PageAt {
        PageAt {
            before: None,
            limit,
        }
    }
}

/// One page, newest first, and the cursor of the next (older) page when there
/// is one that holds anything.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<u64>,
}

/// The page of `items` (oldest first, as appended) at `at`, of those `visible`.
/// Costs the page, not the list: it walks back from the cursor and stops at the
/// first visible item beyond the page.
pub fn newest_first<'a, T>(
    items: &'a [T],
    at: PageAt,
    visible: impl Fn(&T) -> bool,
) -> Page<&'a T> {
    let end = at.before.map_or(items.len(), |b| {
        usize::try_from(b).unwrap_or(usize::MAX).min(items.len())
    });
    let mut page = vec![];
    let mut oldest = None;
    for index in (0..end).rev() {
        let item = &items[index];
        if !visible(item) {
            continue;
        }
        if page.len() == at.limit {
            return Page {
                items: page,
                next: oldest.map(|i: usize| i as u64),
            };
        }
        page.push(item);
        oldest = Some(index);
    }
    Page {
        items: page,
        next: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_walk_back_through_the_visible_items_and_end_without_an_empty_page() {
        let items: Vec<u32> = (0..10).collect();
        let even = |n: &u32| n % 2 == 0;
        let first = newest_first(&items, PageAt::newest(2), even);
        assert_eq!(first.items, vec![&8, &6]);
        let second = newest_first(
            &items,
            PageAt {
                before: first.next,
                limit: 2,
            },
            even,
        );
        assert_eq!(second.items, vec![&4, &2]);
        let last = newest_first(
            &items,
            PageAt {
                before: second.next,
                limit: 2,
            },
            even,
        );
        assert_eq!((last.items, last.next), (vec![&0], None));
        // Exactly a page left: no cursor to an empty page.
        let exact = newest_first(
            &items,
            PageAt {
                before: Some(4),
                limit: 2,
            },
            even,
        );
        assert_eq!((exact.items, exact.next), (vec![&2, &0], None));
        // A cursor past the end is the newest page; 0 is the end.
        assert_eq!(
            newest_first(
                &items,
                PageAt {
                    before: Some(99),
                    limit: 1
                },
                even
            )
            .items,
            vec![&8]
        );
        assert!(newest_first(
            &items,
            PageAt {
                before: Some(0),
                limit: 5
            },
            even
        )
        .items
        .is_empty());
    }
}
