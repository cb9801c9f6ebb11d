//! How go-yaml v2 (YAML 1.1, what aws-iam-authenticator uses) reads a plain scalar, and how to
//! write a string so that it reads back as that same string in every YAML reader.

/// The type go-yaml v2 gives a plain (unquoted) scalar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Resolved {
    Null,
    Bool,
    Int,
    Float,
    /// A date or date-time. go-yaml v2 hands these to `interface{}` as strings, but other readers
    /// (YAML 1.1 in Python, Ruby) do not, so the emitter quotes them all the same.
    Timestamp,
    Merge,
    Str,
}

/// Resolves a plain scalar as go-yaml v2 does (`resolve.go`): a table of literal words, then
/// timestamps, then Go's `strconv` number syntax with underscores removed.
pub(crate) fn resolve_plain(s: &str) -> Resolved {
    // Only these first characters start anything but a string (most values start with a
    // letter such as `a` of `arn:` or `s` of `system:`): skip the table for the rest.
    match s.as_bytes().first() {
        None => return Resolved::Null,
        Some(
            b'~' | b'n' | b'N' | b'y' | b'Y' | b't' | b'T' | b'o' | b'O' | b'f' | b'F' | b'.'
            | b'+' | b'-' | b'<',
        ) => {}
        Some(b) if b.is_ascii_digit() => {}
        Some(_) => return Resolved::Str,
    }
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" | "n"
        | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Resolved::Bool;
        }
        ".nan" | ".NaN" | ".NAN" | ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF"
        | "-.inf" | "-.Inf" | "-.INF" => return Resolved::Float,
        "<<" => return Resolved::Merge,
        _ => {}
    }
    let first = s.as_bytes()[0];
    match first {
        b'.' if is_go_float(s) => {
            return Resolved::Float;
        }
        b'0'..=b'9' | b'+' | b'-' => {
            if is_timestamp(s) {
                return Resolved::Timestamp;
            }
            let plain: String = s.chars().filter(|&c| c != '_').collect();
            if is_go_int(&plain) {
                return Resolved::Int;
            }
            if is_yaml_style_float(&plain) {
                return Resolved::Float;
            }
            if let Some(bits) = plain
                .strip_prefix("0b")
                .or_else(|| plain.strip_prefix("-0b"))
                && !bits.is_empty()
                && bits.bytes().all(|b| b == b'0' || b == b'1')
            {
                return Resolved::Int;
            }
        }
        _ => {}
    }
    Resolved::Str
}

/// `strconv.ParseInt(s, 0, 64)` syntax (also `ParseUint`): sign, then `0x`, `0o`, `0b`, a leading
/// `0` for octal, or decimal digits.
fn is_go_int(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (digits, radix) =
        if let Some(r) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
            (r, 16)
        } else if let Some(r) = body.strip_prefix("0o").or_else(|| body.strip_prefix("0O")) {
            (r, 8)
        } else if let Some(r) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
            (r, 2)
        } else if body.len() > 1 && body.starts_with('0') {
            (&body[1..], 8)
        } else {
            (body, 10)
        };
    !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix))
}

/// go-yaml v2's `yamlStyleFloat`: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let from = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - from
    };
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// What `strconv.ParseFloat` accepts for a scalar starting with `.` (go-yaml v2 tries it there).
fn is_go_float(s: &str) -> bool {
    is_yaml_style_float(s)
}

/// go-yaml v2's `parseTimestamp` shape: `YYYY-M-D`, one or two digits each for month and day,
/// optionally followed by a time. The emitter only needs to know when to quote, so any such
/// prefix counts.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 8 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let month = b[5..].iter().take_while(|c| c.is_ascii_digit()).count();
    let after_month = 5 + month;
    if !(1..=2).contains(&month) || b.get(after_month) != Some(&b'-') {
        return false;
    }
    let day = b[after_month + 1..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    (1..=2).contains(&day)
}

/// Where a scalar is going to be written: flow context (`[..]`, `{..}`) forbids more characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Context {
    Block,
    Flow,
}

/// Whether `s` must be quoted to read back as exactly this string in go-yaml v2 and in YAML 1.2.
pub(crate) fn needs_quotes(s: &str, context: Context) -> bool {
    if s.is_empty() || resolve_plain(s) != Resolved::Str || resolve_yaml12_core(s) {
        return true;
    }
    let first = s.chars().next().unwrap_or(' ');
    let last = s.chars().last().unwrap_or(' ');
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) || first.is_whitespace() || last.is_whitespace() {
        return true;
    }
    if s.starts_with("...") || last == ':' || s.contains(": ") || s.contains(" #") {
        return true;
    }
    if s.chars().any(|c| {
        c.is_control() || c == '\u{feff}' || c == '\u{85}' || c == '\u{2028}' || c == '\u{2029}'
    }) {
        return true;
    }
    context == Context::Flow && s.contains([',', '[', ']', '{', '}'])
}

/// YAML 1.2 core-schema words and numbers, so that the output also reads right in YAML 1.2 tools.
fn resolve_yaml12_core(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "true" | "false" | "null" | "~" | ".inf" | "-.inf" | "+.inf" | ".nan"
    ) || is_go_int(s)
        || is_yaml_style_float(s)
}

/// `s` as a double-quoted scalar that is also a valid JSON string.
pub(crate) fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || matches!(c, '\u{feff}' | '\u{2028}' | '\u{2029}') => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// How the neighbours quote their values: the new scalar follows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Quoting {
    /// Quote only where a reader would otherwise see something other than the string.
    #[default]
    WhenNeeded,
    /// Always double-quote (Terraform's `yamlencode`, JSON).
    Always,
}

/// Writes `s` as a scalar in the given context, plain where that is safe.
pub(crate) fn render(s: &str, context: Context, quoting: Quoting) -> String {
    if quoting == Quoting::Always || needs_quotes(s, context) {
        double_quoted(s)
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml11_words_resolve_like_go_yaml_v2() {
        for w in ["yes", "No", "ON", "off", "y", "N", "true", "FALSE"] {
            assert_eq!(resolve_plain(w), Resolved::Bool, "{w}");
        }
        for w in ["~", "null", "NULL", ""] {
            assert_eq!(resolve_plain(w), Resolved::Null, "{w}");
        }
        assert_eq!(
            resolve_plain("YeS"),
            Resolved::Str,
            "go-yaml v2 only knows three spellings"
        );
    }

    #[test]
    fn numbers_resolve_like_go_strconv() {
        for w in [
            "0123",
            "1_000",
            "0x1F",
            "-12",
            "+7",
            "111122223333",
            "0o17",
            "0b101",
        ] {
            assert_eq!(resolve_plain(w), Resolved::Int, "{w}");
        }
        for w in ["1e3", "1.5", ".5", "-1.", ".inf", "-.INF", ".NaN"] {
            assert_eq!(resolve_plain(w), Resolved::Float, "{w}");
        }
        for w in ["1.2.3", "0x", "12abc", "-", "+", "0b2", "1e", "inf", "nan"] {
            assert_eq!(resolve_plain(w), Resolved::Str, "{w}");
        }
    }

    #[test]
    fn dates_resolve_as_timestamps() {
        assert_eq!(resolve_plain("2001-01-01"), Resolved::Timestamp);
        assert_eq!(resolve_plain("2001-1-2T10:00:00Z"), Resolved::Timestamp);
        assert_eq!(resolve_plain("2001-01"), Resolved::Str);
        assert_eq!(
            resolve_plain("arn:aws:iam::1:role/2001-01-01"),
            Resolved::Str
        );
    }

    #[test]
    fn tricky_scalars_get_quoted() {
        for s in [
            "yes",
            "on",
            "0123",
            "1_000",
            "2001-01-01",
            "~",
            "null",
            "",
            "{{SessionName}}",
            "a: b",
            "a #b",
            " lead",
            "trail ",
            "-dash",
            "*star",
            "&amp",
            "!tag",
            "%pct",
            "@at",
            "`tick",
            "x:",
            "...",
            "<<",
            "line\nbreak",
            "123456789012",
            "1e3",
        ] {
            assert!(needs_quotes(s, Context::Block), "{s:?} must be quoted");
        }
    }

    #[test]
    fn ordinary_values_stay_plain() {
        for s in [
            "arn:aws:iam::111122223333:role/node",
            "system:node:{{EC2PrivateDNSName}}",
            "system:masters",
            "ops-user",
            "a#b",
            "YeS",
        ] {
            assert!(!needs_quotes(s, Context::Block), "{s:?} must stay plain");
        }
    }

    #[test]
    fn flow_context_quotes_flow_indicators() {
        assert!(needs_quotes(
            "system:node:{{EC2PrivateDNSName}}",
            Context::Flow
        ));
        assert!(needs_quotes("a,b", Context::Flow));
        assert!(!needs_quotes("a,b", Context::Block));
    }

    #[test]
    fn double_quoted_is_json() {
        let s = "q\"b\\s\n\t\u{1}é";
        let quoted = double_quoted(s);
        let back: String = serde_json::from_str(&quoted).unwrap();
        assert_eq!(back, s);
    }
}
