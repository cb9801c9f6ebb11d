//! How a manifest breaks its lines.
//!
//! Manifests checked out on Windows (git `core.autocrlf`) end every line with CRLF. YAML reads
//! CRLF as a line break like LF, so such a manifest is read and edited as LF text and written
//! back with CRLF: every byte outside an edit is kept, and new lines match the file. A manifest
//! that mixes the two (or has a carriage return elsewhere) is read, but not edited: there is no
//! single style for new lines, and a lone CR is itself a line break to YAML.

use std::borrow::Cow;
use std::fmt;

/// The line breaks of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineBreaks {
    /// LF only (or no line break at all).
    Lf,
    /// CRLF at the end of every line, and no other CR.
    Crlf,
    /// Both, or a CR that does not end a line: the 1-based line of the first break unlike
    /// the first one.
    Mixed { line: usize },
}

impl LineBreaks {
    /// Finds the line breaks of `text`.
    pub fn of(text: &str) -> LineBreaks {
        let b = text.as_bytes();
        if !b.contains(&b'\r') {
            return LineBreaks::Lf;
        }
        // The kind of each line's break (`true`: CRLF), compared with the first line's.
        let mut first_is_crlf = None;
        let mut line = 1;
        let mut i = 0;
        while i < b.len() {
            let crlf = match b[i] {
                b'\n' => false,
                b'\r' if b.get(i + 1) == Some(&b'\n') => {
                    i += 1;
                    true
                }
                // A CR on its own: a line break to YAML, and one no editor writes.
                b'\r' => return LineBreaks::Mixed { line },
                _ => {
                    i += 1;
                    continue;
                }
            };
            if *first_is_crlf.get_or_insert(crlf) != crlf {
                return LineBreaks::Mixed { line };
            }
            line += 1;
            i += 1;
        }
        // The text has a CR, and every CR began a CRLF like the first break: all CRLF.
        LineBreaks::Crlf
    }

    /// The text as it is read and edited: with LF line breaks when they were CRLF.
    pub fn to_lf(self, text: &str) -> Cow<'_, str> {
        match self {
            LineBreaks::Crlf => Cow::Owned(text.replace("\r\n", "\n")),
            LineBreaks::Lf | LineBreaks::Mixed { .. } => Cow::Borrowed(text),
        }
    }

    /// Writes `text` (as read and edited) with the line breaks of the original.
    pub fn write(self, text: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self != LineBreaks::Crlf {
            return f.write_str(text);
        }
        let mut lines = text.split('\n');
        if let Some(first) = lines.next() {
            f.write_str(first)?;
        }
        for line in lines {
            f.write_str("\r\n")?;
            f.write_str(line)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::LineBreaks;

    #[test]
    fn tells_lf_crlf_and_mixed_apart() {
        assert_eq!(LineBreaks::of("a: b\nc: d\n"), LineBreaks::Lf);
        assert_eq!(LineBreaks::of("a: b"), LineBreaks::Lf);
        assert_eq!(LineBreaks::of("a: b\r\nc: d\r\n"), LineBreaks::Crlf);
        assert_eq!(LineBreaks::of("a: b\r\nc: d"), LineBreaks::Crlf);
        assert_eq!(
            LineBreaks::of("a: b\r\nc: d\ne: f\r\n"),
            LineBreaks::Mixed { line: 2 }
        );
        assert_eq!(
            LineBreaks::of("a: b\nc: d\r\n"),
            LineBreaks::Mixed { line: 2 }
        );
        assert_eq!(
            LineBreaks::of("a: b\r\nc: d\re: f\r\n"),
            LineBreaks::Mixed { line: 2 }
        );
        assert_eq!(LineBreaks::of("a: b\r"), LineBreaks::Mixed { line: 1 });
    }

    #[test]
    fn crlf_round_trips_through_lf() {
        struct Shown<'a>(LineBreaks, &'a str);
        impl std::fmt::Display for Shown<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.write(self.1, f)
            }
        }
        for text in ["a: b\r\nc: |\r\n  x\r\n\r\n", "a: b\r\nc: d", "\r\n"] {
            let breaks = LineBreaks::of(text);
            assert_eq!(breaks, LineBreaks::Crlf, "{text:?}");
            let lf = breaks.to_lf(text);
            assert!(!lf.contains('\r'));
            assert_eq!(Shown(breaks, &lf).to_string(), text);
        }
    }
}
