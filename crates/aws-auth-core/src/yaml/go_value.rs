//! Values as go-yaml v2 and `sigs.k8s.io/yaml` make them: the YAML-to-JSON step the
//! authenticator's decoding goes through, with Go's rules for booleans, numbers (`strconv`'s
//! syntax and range) and mapping keys. Kept apart from the list reader, which asks it what a
//! node is worth.

use serde_json::{Map, Value};

use super::scalar::{Resolved, resolve_plain};
use super::tree::{Node, NodeKind, ScalarStyle};

/// The text a scalar mapping key becomes in JSON.
pub(crate) fn scalar_text(n: &Node) -> String {
    match resolve_node(n) {
        Some(Value::String(s)) => s,
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(x)) => x.to_string(),
        _ => n.as_str().unwrap_or_default().to_string(),
    }
}

/// Whether two mapping keys name the same JSON field: equal text, after YAML 1.1 resolution
/// where a key is not a plain string.
pub(crate) fn same_key(a: &Node, b: &Node) -> bool {
    let (Some(x), Some(y)) = (a.as_str(), b.as_str()) else {
        return false;
    };
    let plain_string = |n: &Node, v: &str| {
        !n.tag.forces_string()
            && (n.scalar_style() != Some(ScalarStyle::Plain) || resolve_plain(v) == Resolved::Str)
    };
    if plain_string(a, x) && plain_string(b, y) {
        return x == y;
    }
    scalar_text(a) == scalar_text(b)
}

/// `~`, `null`, an empty value: a plain null.
pub(crate) fn is_plain_null(n: &Node) -> bool {
    matches!(&n.kind, NodeKind::Scalar { value, style: ScalarStyle::Plain } if !n.tag.forces_string() && resolve_plain(value) == Resolved::Null)
}

/// Whether go-yaml v2 really makes a number of a plain scalar that looks like one: it tries
/// `strconv.ParseInt`/`ParseUint` (64 bits) and then `ParseFloat`, and keeps the text as a
/// string when all of them fail, so `0x1FFFFFFFFFFFFFFFF` and `1e400` (out of range) are strings.
fn go_number(value: &str) -> bool {
    let plain = value.replace('_', "");
    let (negative, body) = match plain.as_bytes().first() {
        Some(b'-') => (true, &plain[1..]),
        Some(b'+') => (false, &plain[1..]),
        _ => (false, plain.as_str()),
    };
    let radix = |prefix_len: usize, radix: u32| {
        u64::from_str_radix(&body[prefix_len..], radix).is_ok_and(|m| !negative || m <= 1u64 << 63)
    };
    match body.get(..2) {
        Some("0x" | "0X") => radix(2, 16),
        Some("0o" | "0O") => radix(2, 8),
        Some("0b" | "0B") => radix(2, 2),
        _ => decimal_is_finite(body),
    }
}

/// The number go-yaml v2 makes of a plain scalar that [`go_number`] accepts: Go's integer
/// syntax (`0x1F`, `0o17`, `0b101`, `017` octal, `1_000`); a float reads as 0 (see below).
fn number_value(value: &str) -> serde_json::Number {
    let plain = value.replace('_', "");
    let (negative, body) = match plain.as_bytes().first() {
        Some(b'-') => (true, &plain[1..]),
        Some(b'+') => (false, &plain[1..]),
        _ => (false, plain.as_str()),
    };
    let (digits, radix) = match body.get(..2) {
        Some("0x" | "0X") => (&body[2..], 16),
        Some("0o" | "0O") => (&body[2..], 8),
        Some("0b" | "0B") => (&body[2..], 2),
        _ if body.len() > 1
            && body.starts_with('0')
            && body.bytes().all(|b| b.is_ascii_digit()) =>
        {
            (&body[1..], 8)
        }
        _ => (body, 10),
    };
    match u64::from_str_radix(digits, radix) {
        Ok(m) if !negative => serde_json::Number::from(m),
        // Down to i64::MIN (go_number rejects anything below).
        Ok(m) => serde_json::Number::from(0i64.checked_sub_unsigned(m).unwrap_or(0)),
        // A float: parsing one would put a float parser (~20 KB) into the size-limited wasm
        // build, for fields the authenticator ignores. Any number fails a string field alike.
        Err(_) => serde_json::Number::from(0),
    }
}

/// Whether Go's `ParseFloat` reads a decimal (`123`, `1.5e3`, `08`) without overflowing, i.e.
/// it is at most the largest double plus half a unit in the last place. Decided on the digits,
/// so the wasm build carries no float parser.
fn decimal_is_finite(s: &str) -> bool {
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, "0"),
    };
    let exponent: i64 = match exponent.strip_prefix('+').unwrap_or(exponent).parse() {
        Ok(e) => e,
        // An exponent too long for i64: huge unless it is negative.
        Err(_) => return exponent.starts_with('-'),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits: String = int_part.chars().chain(frac_part.chars()).collect();
    let Some(first) = digits.find(|c: char| c != '0') else {
        return true;
    };
    // The value is 0.d1d2... x 10^magnitude.
    let magnitude = int_part.len() as i64 - first as i64 + exponent;
    let significant = digits[first..].trim_end_matches('0');
    // Halfway between the largest double and the next power: 1.797693134862315807937...e308.
    const LIMIT: &str =
        "17976931348623158079372897140530341507993413271003782693617377898044496829276475094664736";
    match magnitude {
        m if m < 309 => true,
        309 => {
            significant.len() <= LIMIT.len() && significant < LIMIT
                || significant.len() > LIMIT.len() && &significant[..LIMIT.len()] < LIMIT
        }
        _ => false,
    }
}

/// The JSON value go-yaml v2 and `sigs.k8s.io/yaml` make of a node; `None` for aliases.
pub(crate) fn resolve_node(n: &Node) -> Option<Value> {
    to_json(n)
}

fn to_json(n: &Node) -> Option<Value> {
    Some(match &n.kind {
        NodeKind::Scalar { value, style } => {
            if *style != ScalarStyle::Plain || n.tag.forces_string() {
                return Some(Value::String(value.clone()));
            }
            match resolve_plain(value) {
                Resolved::Null => Value::Null,
                Resolved::Bool => Value::Bool(matches!(
                    value.as_str(),
                    "y" | "Y"
                        | "yes"
                        | "Yes"
                        | "YES"
                        | "true"
                        | "True"
                        | "TRUE"
                        | "on"
                        | "On"
                        | "ON"
                )),
                Resolved::Int | Resolved::Float if !go_number(value) => {
                    Value::String(value.clone())
                }
                Resolved::Int | Resolved::Float => Value::Number(number_value(value)),
                Resolved::Timestamp | Resolved::Merge | Resolved::Str => {
                    Value::String(value.clone())
                }
            }
        }
        NodeKind::Seq { items, .. } => Value::Array(
            items
                .iter()
                .map(|i| to_json(i).unwrap_or(Value::Null))
                .collect(),
        ),
        NodeKind::Map { pairs, .. } => {
            let mut m = Map::new();
            for (k, v) in pairs {
                m.insert(scalar_text(k), to_json(v).unwrap_or(Value::Null));
            }
            Value::Object(m)
        }
        NodeKind::Alias => return None,
    })
}

#[cfg(test)]
mod number_tests {
    use super::decimal_is_finite;

    #[test]
    fn decimal_overflow_matches_go_parse_float() {
        for (s, finite) in [
            ("0", true),
            ("123", true),
            ("1.5e3", true),
            ("08", true),
            ("1e308", true),
            ("1.7976931348623157e308", true),
            ("1.7976931348623159e308", false),
            ("1.8e308", false),
            ("1e309", false),
            ("1e400", false),
            ("0.0000001e315", true),
            ("1e-400", true),
            ("99999999999999999999999", true),
            ("1e99999999999999999999", false),
            ("1e-99999999999999999999", true),
        ] {
            assert_eq!(decimal_is_finite(s), finite, "{s}");
            let std = s.parse::<f64>().is_ok_and(f64::is_finite);
            assert_eq!(std, finite, "{s} (std)");
        }
    }
}
