//! What a person types into a search box, made safe to hand to any full-text
//! engine: control characters (a NUL breaks both FTS5 and PostgreSQL),
//! invisible characters and runs of space are gone, and the words are
//! bounded in number and length. Quotes and operators stay as typed; the
//! stores quote every word so none of it is read as query syntax.

pub const SEARCH_TOO_LONG: &str = "Search for at most 500 characters.";
const MAX_CHARS: usize = 500;
/// More words than this narrow nothing further and slow the query.
const MAX_WORDS: usize = 12;
const MAX_WORD_CHARS: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchText(String);

impl SearchText {
    /// `None` when nothing searchable is left (blank or only controls).
    pub fn parse(input: &str) -> Result<Option<Self>, &'static str> {
        if input.chars().count() > MAX_CHARS {
            return Err(SEARCH_TOO_LONG);
        }
        let cleaned: String = input
            .chars()
            .filter(|c| !super::text::is_invisible(*c))
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let words: Vec<String> = cleaned
            .split_whitespace()
            .take(MAX_WORDS)
            .map(|w| w.chars().take(MAX_WORD_CHARS).collect())
            .collect();
        Ok((!words.is_empty()).then(|| Self(words.join(" "))))
    }

    /// The words, separated by single spaces.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn controls_become_spaces_and_blank_is_nothing() {
        assert_eq!(SearchText::parse("\0").unwrap(), None);
        assert_eq!(SearchText::parse("  \t\r\n ").unwrap(), None);
        assert_eq!(
            SearchText::parse("vpn\0down\u{200B}now")
                .unwrap()
                .unwrap()
                .as_str(),
            "vpn downnow"
        );
    }

    #[test]
    fn quotes_and_operators_are_kept_for_the_store_to_quote() {
        let text = SearchText::parse("\"vpn OR NEAR(x*) -y").unwrap().unwrap();
        assert_eq!(text.as_str(), "\"vpn OR NEAR(x*) -y");
    }

    #[test]
    fn long_input_is_refused_and_words_are_bounded() {
        assert_eq!(SearchText::parse(&"a".repeat(501)), Err(SEARCH_TOO_LONG));
        let many = SearchText::parse(&"word ".repeat(30)).unwrap().unwrap();
        assert_eq!(many.as_str().split(' ').count(), MAX_WORDS);
        let long = SearchText::parse(&"x".repeat(300)).unwrap().unwrap();
        assert_eq!(long.as_str().chars().count(), MAX_WORD_CHARS);
    }

    proptest! {
        #[test]
        fn never_holds_controls_or_invisibles(input in "\\PC{0,80}|[\\x00-\\x1f\"*()^:+-]{0,40}") {
            if let Ok(Some(text)) = SearchText::parse(&input) {
                prop_assert!(!text.as_str().chars().any(|c| c.is_control() || super::super::text::is_invisible(c)));
                prop_assert!(!text.as_str().starts_with(' ') && !text.as_str().ends_with(' '));
                prop_assert!(!text.as_str().contains("  "));
            }
        }
    }
}
