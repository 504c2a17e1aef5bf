//! The fields of a posted HTML form, in order, repeated names kept (a group
//! of checkboxes sends one pair per ticked box).

use axum::extract::{FromRequest, Request};
use axum::Form;

use crate::ctx::local_path;

#[derive(Clone, Debug, Default)]
pub struct Fields(Vec<(String, String)>);

impl<S: Send + Sync> FromRequest<S> for Fields {
    type Rejection = <Form<Vec<(String, String)>> as FromRequest<S>>::Rejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        // A form of buttons only may come without a body or its type (curl
        // does that; browsers send the type anyway).
        if !request.headers().contains_key(http::header::CONTENT_TYPE) {
            return Ok(Fields::default());
        }
        let Form(pairs) = Form::<Vec<(String, String)>>::from_request(request, state).await?;
        Ok(Fields(pairs))
    }
}

impl Fields {
    #[cfg(test)]
    pub fn of(pairs: &[(&str, &str)]) -> Fields {
        Fields(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    /// The first value of `name`, trimmed; `None` when absent or blank.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.trim())
            .filter(|value| !value.is_empty())
    }

    /// The value as typed (a text area keeps its line breaks and spaces).
    pub fn text(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.replace("\r\n", "\n"))
            .unwrap_or_default()
    }

    /// Every value of `name`.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .collect()
    }

    /// A ticked checkbox.
    pub fn checked(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// A field parsed as `T`.
    pub fn parse<T: std::str::FromStr>(&self, name: &str) -> Option<T> {
        self.get(name)?.parse().ok()
    }

    /// A snake_case word read as one of the API's enums (`"warm"` → `Ring::Warm`).
    pub fn word<T: serde::de::DeserializeOwned>(&self, name: &str) -> Option<T> {
        word(self.get(name)?)
    }

    /// Where to go back to: the `back` field when it is one of our paths.
    pub fn back_or(&self, default: &str) -> String {
        self.get("back")
            .and_then(local_path)
            .unwrap_or(default)
            .to_owned()
    }
}

/// A snake_case word read as one of the API's enums.
pub fn word<T: serde::de::DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).ok()
}

/// An enum of the API as its word (`Ring::Warm` → `"warm"`).
pub fn word_of<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(word)) => word,
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use kring_protocol::v1::{Category, Ring};

    use super::*;

    #[test]
    fn fields_are_read_as_typed() {
        let fields = Fields::of(&[
            ("rings", "warm"),
            ("rings", "lukewarm"),
            ("text", " line one\r\nline two "),
            ("empty", "  "),
            ("back", "//evil.test"),
            ("category", "odd_jobs"),
        ]);
        assert_eq!(fields.all("rings"), ["warm", "lukewarm"]);
        assert_eq!(fields.text("text"), " line one\nline two ");
        assert_eq!(fields.get("empty"), None);
        assert!(!fields.checked("missing"));
        assert_eq!(fields.back_or("/"), "/");
        assert_eq!(fields.word::<Category>("category"), Some(Category::OddJobs));
        assert_eq!(fields.word::<Ring>("rings"), Some(Ring::Warm));
        assert_eq!(word::<Ring>("hot"), None);
        assert_eq!(word_of(&Ring::Lukewarm), "lukewarm");
    }
}
