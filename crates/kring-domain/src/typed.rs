//! Text a person typed: what it may not contain.
//!
//! Control characters and Unicode's invisible format characters (category
//! Cf) can make a text show something other than what it says: U+202E turns
//! "Jan Mol" into a name that reads backwards from some point, zero-width
//! characters make two names that look the same differ, and a line break in a
//! name breaks the line it is shown in. Every text a person types is refused
//! when it holds one, with a clear error, rather than cleaned silently.

use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// The first character of `text` that may not be in typed text, if any.
/// `multiline` texts (logbook entries, notes) may hold line breaks and tabs.
///
/// Two format characters stay allowed: the zero-width joiner and non-joiner
/// (U+200D, U+200C), which emoji such as a family or a flag and several
/// scripts (Persian, Hindi) need and which cannot reorder text; so do the tag
/// characters (U+E0020 to U+E007F) that only appear inside flag emoji.
pub fn hidden_character(text: &str, multiline: bool) -> Option<char> {
    text.chars().find(|&c| {
        if multiline && matches!(c, '\n' | '\r' | '\t') {
            return false;
        }
        if matches!(c, '\u{200C}' | '\u{200D}' | '\u{E0020}'..='\u{E007F}') {
            return false;
        }
        c.is_control() || c.general_category() == GeneralCategory::Format
    })
}

#[cfg(test)]
mod tests {
    use super::hidden_character;

    #[test]
    fn direction_overrides_and_invisible_characters_are_found() {
        for text in [
            "Jan \u{202E}loM",
            "Ann\u{200B}a",
            "\u{2066}Piet\u{2069}",
            "\u{FEFF}Mam",
            "soft\u{00AD}hyphen",
            "Tom\u{0007}",
            "two\nlines",
        ] {
            assert!(hidden_character(text, false).is_some(), "{text:?}");
        }
        assert_eq!(hidden_character("a\u{202E}b", true), Some('\u{202E}'));
        assert_eq!(hidden_character("a\u{0000}b", true), Some('\u{0000}'));
    }

    #[test]
    fn ordinary_text_names_and_emoji_pass() {
        for text in [
            "Anna de Vries-van \u{2019}t Hoff",
            "Zoë Ørsted",
            "مریم",
            "नमस्ते\u{200D}",
            "👨\u{200D}👩\u{200D}👧",
            "🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}",
            "❤\u{FE0F}",
        ] {
            assert_eq!(hidden_character(text, false), None, "{text:?}");
        }
        assert_eq!(hidden_character("line one\nline two\tend", true), None);
    }
}
