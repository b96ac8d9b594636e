//! Characters that show nothing: they let two names look alike (a file
//! `invoice.pdf` beside `invoice\u{200B}.pdf`) or hide text, so they are
//! dropped from names and search words.

use super::person::is_bidi_control;

/// Bidi controls plus Unicode's default-ignorable code points that fonts
/// draw as nothing: zero-width spaces and joiners, the word joiner and
/// invisible operators, the byte-order mark, soft hyphen, Mongolian vowel
/// separator, Hangul fillers, variation selectors and tag characters.
pub fn is_invisible(c: char) -> bool {
    is_bidi_control(c)
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200D}'
                | '\u{2060}'..='\u{2064}'
                | '\u{206A}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{1BCA0}'..='\u{1BCA3}'
                | '\u{1D173}'..='\u{1D17A}'
                | '\u{E0000}'..='\u{E0FFF}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_width_and_format_characters_are_invisible() {
        for c in [
            '\u{200B}',
            '\u{200D}',
            '\u{2060}',
            '\u{FEFF}',
            '\u{00AD}',
            '\u{202E}',
            '\u{E0041}',
        ] {
            assert!(is_invisible(c), "{:?}", c);
        }
        for c in ['a', 'é', ' ', '日', '-', '.'] {
            assert!(!is_invisible(c), "{c:?}");
        }
    }
}
