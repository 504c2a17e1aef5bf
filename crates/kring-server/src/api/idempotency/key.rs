//! The `Idempotency-Key` header as a request carries it.

use axum::http::HeaderMap;

use super::HEADER;
use crate::error::Code;
use crate::ApiError;

/// Most characters of a key.
pub const MAX_CHARS: usize = 255;

/// The key, if the request carries one: 1 to 255 printable ASCII characters,
/// bare or as the draft's quoted structured-field string (`"..."`).
pub(super) fn from_headers(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let mut values = headers.get_all(HEADER).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(malformed("send one Idempotency-Key header, not several"));
    }
    let text = value
        .to_str()
        .map_err(|_| malformed("the Idempotency-Key is not ASCII"))?;
    let text = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text);
    if text.is_empty() || text.len() > MAX_CHARS {
        return Err(malformed("an Idempotency-Key has 1 to 255 characters"));
    }
    if !text.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
        return Err(malformed(
            "an Idempotency-Key has printable ASCII characters only",
        ));
    }
    Ok(Some(text.to_owned()))
}

fn malformed(detail: &str) -> ApiError {
    ApiError::BadRequest(Code::IdempotencyKeyMalformed, detail.to_owned())
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn key(values: &[&[u8]]) -> Result<Option<String>, ApiError> {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(HEADER, HeaderValue::from_bytes(value).unwrap());
        }
        from_headers(&headers)
    }

    #[test]
    fn a_key_is_one_to_255_printable_ascii_characters() {
        assert_eq!(key(&[]).unwrap(), None);
        assert_eq!(key(&[&b"abc-1"[..]]).unwrap().as_deref(), Some("abc-1"));
        assert_eq!(key(&[&b"\"abc-1\""[..]]).unwrap().as_deref(), Some("abc-1"));
        assert_eq!(
            key(&[&[b'x'; 255][..]]).unwrap().map(|k| k.len()),
            Some(255)
        );
        let bad: [&[u8]; 5] = [
            b"",
            b"\"\"",
            &[b'x'; 256],
            b"tab\there",
            "caf\u{e9}".as_bytes(),
        ];
        for bad in bad {
            let e = key(&[bad]).unwrap_err();
            assert!(
                matches!(e, ApiError::BadRequest(Code::IdempotencyKeyMalformed, _)),
                "{bad:?}: {e:?}"
            );
        }
        assert!(key(&[&b"a"[..], &b"b"[..]]).is_err());
    }
}
