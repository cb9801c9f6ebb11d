//! Values quoted in messages, on one line whatever they hold.

use std::fmt;

/// `"value"` with quotes, backslashes and control characters escaped, so a message that names a
/// value stays one line. Unlike `{:?}` it keeps other characters as they are (and carries no
/// Unicode tables into the wasm build).
pub(crate) struct Quoted<'a>(pub &'a str);

/// Quotes `s` for a message.
pub(crate) fn quoted(s: &str) -> Quoted<'_> {
    Quoted(s)
}

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        for c in self.0.chars() {
            match c {
                '"' => f.write_str("\\\"")?,
                '\\' => f.write_str("\\\\")?,
                '\n' => f.write_str("\\n")?,
                '\t' => f.write_str("\\t")?,
                c if c.is_control() => write!(f, "\\u{{{:x}}}", c as u32)?,
                c => write!(f, "{c}")?,
            }
        }
        f.write_str("\"")
    }
}

#[cfg(test)]
mod tests {
    use super::quoted;

    #[test]
    fn one_line_and_readable() {
        assert_eq!(
            quoted("a\"b\\c\nd\u{1}é").to_string(),
            "\"a\\\"b\\\\c\\nd\\u{1}é\""
        );
    }
}
