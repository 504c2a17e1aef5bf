//! Stream names: `<aggregate type>-<id>`, one stream per aggregate instance.
//! The store knows no aggregate, only the kinds of stream the log holds
//! and how their names are spelled, so that no other crate spells them.

use std::fmt;
use std::ops::Deref;

use uuid::Uuid;

/// The kinds of stream the log holds. Each is named after the aggregate type
/// whose events it holds (cqrs-es's `Aggregate::TYPE`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StreamKind {
    Circle,
    Organisation,
    Account,
    /// A person's volunteering for one organisation.
    Volunteer,
}

impl StreamKind {
    pub const ALL: [StreamKind; 4] = [
        StreamKind::Circle,
        StreamKind::Organisation,
        StreamKind::Account,
        StreamKind::Volunteer,
    ];

    /// The aggregate type, as in the stream name.
    pub const fn aggregate_type(self) -> &'static str {
        match self {
            StreamKind::Circle => "circle",
            StreamKind::Organisation => "organisation",
            StreamKind::Account => "account",
            StreamKind::Volunteer => "volunteer",
        }
    }

    /// What every stream name of this kind starts with (`circle-`).
    pub fn prefix(self) -> String {
        format!("{}-", self.aggregate_type())
    }
}

/// The name of one stream.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StreamName(String);

impl StreamName {
    /// The stream of one aggregate instance: `<aggregate type>-<id>`.
    pub fn of(aggregate_type: &str, aggregate_id: &str) -> StreamName {
        StreamName(format!("{aggregate_type}-{aggregate_id}"))
    }

    pub fn new(kind: StreamKind, id: Uuid) -> StreamName {
        StreamName::of(kind.aggregate_type(), &id.to_string())
    }

    pub fn circle(id: Uuid) -> StreamName {
        StreamName::new(StreamKind::Circle, id)
    }

    pub fn organisation(id: Uuid) -> StreamName {
        StreamName::new(StreamKind::Organisation, id)
    }

    pub fn account(id: Uuid) -> StreamName {
        StreamName::new(StreamKind::Account, id)
    }

    /// The kind and id a stored stream name holds; `None` for another name.
    pub fn parse(stream: &str) -> Option<(StreamKind, Uuid)> {
        StreamKind::ALL.into_iter().find_map(|kind| {
            let id = stream
                .strip_prefix(kind.aggregate_type())?
                .strip_prefix('-')?;
            Some((kind, id.parse().ok()?))
        })
    }

    /// The id, when `stream` is a stream of `kind`.
    pub fn id_of(kind: StreamKind, stream: &str) -> Option<Uuid> {
        match StreamName::parse(stream)? {
            (found, id) if found == kind => Some(id),
            _ => None,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for StreamName {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for StreamName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StreamName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<StreamName> for String {
    fn from(name: StreamName) -> String {
        name.0
    }
}

impl PartialEq<str> for StreamName {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for StreamName {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_back_into_kind_and_id() {
        let id = Uuid::new_v4();
        for kind in StreamKind::ALL {
            let name = StreamName::new(kind, id);
            assert_eq!(name.as_str(), format!("{}{id}", kind.prefix()));
            assert_eq!(StreamName::parse(&name), Some((kind, id)));
            assert_eq!(StreamName::id_of(kind, &name), Some(id));
        }
        assert_eq!(
            StreamName::circle(id),
            StreamName::of("circle", &id.to_string())
        );
        assert_eq!(
            StreamName::id_of(StreamKind::Account, &StreamName::circle(id)),
            None
        );
        assert_eq!(StreamName::parse("circle-not-a-uuid"), None);
        assert_eq!(StreamName::parse("tally-t1"), None);
        assert_eq!(
            StreamName::parse("circles-00000000-0000-0000-0000-000000000000"),
            None
        );
    }
}
