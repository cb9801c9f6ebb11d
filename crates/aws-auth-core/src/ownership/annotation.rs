//! Writes the ownership record into a manifest's `metadata.annotations`, touching nothing
//! else: the one value when the annotation is there, one new line (or one flow pair) when it
//! is not.

use crate::error::Error;
use crate::manifest::splice_line;
use crate::ownership::record::OWNERSHIP_ANNOTATION;
use crate::section::line_end;
use crate::yaml::scalar::double_quoted;
use crate::yaml::tree::{Node, NodeKind, ScalarStyle};

/// The annotation as the manifest holds it: its value's text, if it is a string.
pub(crate) fn read_record(metadata: Option<&(Node, Node)>) -> Option<String> {
    let (_, annotations) = find(&metadata?.1, "annotations")?;
    let (_, value) = find(annotations, OWNERSHIP_ANNOTATION)?;
    // A value that is not a string is not a record: read it as an unreadable one.
    Some(value.as_str().unwrap_or_default().to_string())
}

/// The last pair of a mapping with this key (the one readers keep).
fn find<'n>(map: &'n Node, key: &str) -> Option<&'n (Node, Node)> {
    match &map.kind {
        NodeKind::Map { pairs, .. } => pairs.iter().rev().find(|(k, _)| k.as_str() == Some(key)),
        _ => None,
    }
}

/// A one-line scalar for the record: single-quoted in block YAML (the JSON inside reads as
/// written), a JSON string in flow or JSON.
fn scalar(value: &str, flow: bool) -> String {
    if flow || value.chars().any(char::is_control) {
        double_quoted(value)
    } else {
        format!("'{}'", value.replace('\'', "''"))
    }
}

/// `text` with the record annotation set to `value` (or removed, with `None`).
///
/// # Errors
/// [`Error::RecordNotWritable`] when the ConfigMap has no `metadata` mapping, or its
/// `annotations` is neither a mapping nor empty.
pub(crate) fn write_record(
    text: &str,
    metadata: Option<&(Node, Node)>,
    value: Option<&str>,
) -> Result<String, Error> {
    let Some((meta_key, meta)) = metadata else {
        return match value {
            None => Ok(text.to_string()),
            Some(_) => Err(Error::RecordNotWritable(
                "the manifest has no metadata to keep the ownership record in (it holds only data); \
                 give it the ConfigMap's apiVersion, kind and metadata"
                    .into(),
            )),
        };
    };
    let NodeKind::Map { pairs, flow } = &meta.kind else {
        return Err(Error::RecordNotWritable(format!(
            "metadata at line {} is not a mapping: nowhere to keep the ownership record",
            meta_key.line
        )));
    };
    let Some((ann_key, annotations)) = find(meta, "annotations") else {
        let Some(value) = value else {
            return Ok(text.to_string());
        };
        let flow_pair = format!(
            "\"annotations\": {{{}: {}}}",
            double_quoted(OWNERSHIP_ANNOTATION),
            scalar(value, true)
        );
        return Ok(match pairs.last() {
            Some((_, last)) if *flow => splice(
                text,
                last.end,
                &format!("{}{flow_pair}", separator(text, pairs)),
            ),
            None if *flow => splice(text, meta.start + 1, &flow_pair),
            Some((first_key, _)) => {
                let col = first_key.col;
                let at = line_end(text, pairs.last().map_or(meta.end, |(_, v)| v.end));
                let line = format!(
                    "{pad}annotations:\n{pad}  {}: {}\n",
                    OWNERSHIP_ANNOTATION,
                    scalar(value, false),
                    pad = " ".repeat(col)
                );
                splice_line(text, at, &line)
            }
            None => {
                return Err(Error::RecordNotWritable(format!(
                    "metadata at line {} is empty: nowhere to keep the ownership record",
                    meta_key.line
                )));
            }
        });
    };
    match &annotations.kind {
        NodeKind::Map { pairs, flow } => match (find(annotations, OWNERSHIP_ANNOTATION), value) {
            (Some((k, v)), Some(value)) => {
                let span = value_span(text, k, v);
                Ok(format!(
                    "{}{}{}",
                    &text[..span.start],
                    scalar(value, *flow),
                    &text[span.end..]
                ))
            }
            (Some((k, v)), None) => Ok(remove_pair(text, ann_key, pairs, k, v, *flow)),
            (None, None) => Ok(text.to_string()),
            (None, Some(value)) => {
                let name = if *flow {
                    double_quoted(OWNERSHIP_ANNOTATION)
                } else {
                    OWNERSHIP_ANNOTATION.to_string()
                };
                let pair = format!("{name}: {}", scalar(value, *flow));
                Ok(match pairs.last() {
                    Some((_, last)) if *flow => {
                        splice(text, last.end, &format!("{}{pair}", separator(text, pairs)))
                    }
                    None if *flow => splice(text, annotations.start + 1, &pair),
                    Some((first_key, _)) => {
                        let at = line_end(text, pairs.last().map_or(0, |(_, v)| v.end));
                        splice_line(text, at, &format!("{}{pair}\n", " ".repeat(first_key.col)))
                    }
                    None => unreachable!("a block mapping has a pair"),
                })
            }
        },
        // `annotations:` with nothing (or null) after it: a flow mapping in its place reads
        // the same in YAML and needs no new indentation.
        NodeKind::Scalar {
            value: v,
            style: ScalarStyle::Plain,
        } if v.is_empty() || v == "~" || v == "null" => {
            let Some(value) = value else {
                return Ok(text.to_string());
            };
            let pair = format!(
                "{{{}: {}}}",
                double_quoted(OWNERSHIP_ANNOTATION),
                scalar(value, true)
            );
            if v.is_empty() {
                let colon = ann_key.end + text[ann_key.end..].find(':').unwrap_or(0);
                Ok(splice(text, colon + 1, &format!(" {pair}")))
            } else {
                Ok(format!(
                    "{}{pair}{}",
                    &text[..annotations.start],
                    &text[annotations.end..]
                ))
            }
        }
        _ => Err(Error::RecordNotWritable(format!(
            "metadata.annotations at line {} is not a mapping: nowhere to keep the ownership record",
            ann_key.line
        ))),
    }
}

/// The separator between the last two pairs of a flow mapping, to follow its style.
fn separator(text: &str, pairs: &[(Node, Node)]) -> String {
    match pairs.len() {
        n if n >= 2 => text[pairs[n - 2].1.end..pairs[n - 1].0.start].to_string(),
        _ => ", ".to_string(),
    }
}

fn splice(text: &str, at: usize, insert: &str) -> String {
    format!("{}{insert}{}", &text[..at], &text[at..])
}

/// The bytes of a value, with a block scalar's header and lines.
fn value_span(text: &str, key: &Node, value: &Node) -> std::ops::Range<usize> {
    if let Some(span) = crate::yaml::raw_value::block_scalar_span(text, key.end, value) {
        // Keep the final line break of the block: the value becomes one line.
        let end = if text[..span.end].ends_with('\n') {
            span.end - 1
        } else {
            span.end
        };
        return span.start..end;
    }
    if value.is_empty_plain() {
        let colon = key.end + text[key.end..].find(':').unwrap_or(0);
        // `key:` alone: the value goes after the colon, with a space.
        return colon + 1..colon + 1;
    }
    value.start..value.end
}

/// `text` without the pair `k: v` of a mapping.
fn remove_pair(
    text: &str,
    ann_key: &Node,
    pairs: &[(Node, Node)],
    k: &Node,
    v: &Node,
    flow: bool,
) -> String {
    let index = pairs
        .iter()
        .position(|(pk, _)| pk.start == k.start)
        .unwrap_or(0);
    if flow {
        // With its separator: the one before it, or for the first pair the one after it.
        let span = if index > 0 {
            pairs[index - 1].1.end..v.end
        } else if let Some((next, _)) = pairs.get(1) {
            k.start..next.start
        } else {
            k.start..v.end
        };
        return format!("{}{}", &text[..span.start], &text[span.end..]);
    }
    // The whole lines of the pair: from its line's start to past the value's last line; for
    // the only annotation, from the `annotations:` line, so that a manifest that had none
    // before an apply has none after the release.
    let first = if pairs.len() == 1 { ann_key } else { k };
    let start = text[..first.start].rfind('\n').map_or(0, |i| i + 1);
    let end = match crate::yaml::raw_value::block_scalar_span(text, k.end, v) {
        Some(span) => line_end(text, span.end),
        None => line_end(text, v.end.max(k.end)),
    };
    let end = end.min(text.len());
    format!("{}{}", &text[..start], &text[end..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::tree::parse_stream;

    /// Sets the record in the first document's metadata and returns the new text.
    fn set(text: &str, value: Option<&str>) -> String {
        let docs = parse_stream(text).unwrap();
        let root = docs[0].root.as_ref().unwrap();
        let metadata = find(root, "metadata");
        let out = write_record(text, metadata, value).unwrap();
        // It must read back as written, in a manifest that still parses.
        let docs = parse_stream(&out).unwrap_or_else(|e| panic!("{e:?}\n{out}"));
        let root = docs[0].root.as_ref().unwrap();
        assert_eq!(
            read_record(find(root, "metadata")),
            value.map(str::to_string),
            "{out}"
        );
        out
    }

    const RECORD: &str = r#"{"v":1,"managers":{"it's":{"account:111122223333":"created:"}}}"#;

    #[test]
    fn block_metadata_gets_an_annotations_block() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  mapAccounts: |\n    - \"111122223333\"\n";
        let out = set(text, Some(RECORD));
        assert_eq!(
            out,
            format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\n  annotations:\n    aws-auth/managers: '{}'\ndata:\n  mapAccounts: |\n    - \"111122223333\"\n",
                RECORD.replace('\'', "''")
            )
        );
        // Set again: only the value changes; removed: the line goes.
        let again = set(&out, Some("{}"));
        assert!(
            again.contains("  annotations:\n    aws-auth/managers: '{}'\ndata:"),
            "{again}"
        );
        assert_eq!(set(&again, None), text);
    }

    #[test]
    fn existing_annotations_get_one_more_line() {
        let text = "metadata:\n  annotations:\n    a: b # keep\n  name: aws-auth\ndata: {}\n";
        let out = set(text, Some(RECORD));
        assert!(
            out.starts_with("metadata:\n  annotations:\n    a: b # keep\n    aws-auth/managers: '"),
            "{out}"
        );
        assert_eq!(set(&out, None), text);
    }

    #[test]
    fn json_manifests_stay_json() {
        let text = "{\"apiVersion\": \"v1\", \"metadata\": {\"name\": \"aws-auth\"}, \"data\": {}}";
        let out = set(text, Some(RECORD));
        assert!(
            out.contains(
                "{\"name\": \"aws-auth\", \"annotations\": {\"aws-auth/managers\": \"{\\\"v\\\":1"
            ),
            "{out}"
        );
        let out2 = set(&out, Some("x"));
        assert!(
            out2.contains("\"annotations\": {\"aws-auth/managers\": \"x\"}"),
            "{out2}"
        );
        let with_other = out2.replace(
            "{\"aws-auth/managers\"",
            "{\"a\": \"b\", \"aws-auth/managers\"",
        );
        assert_eq!(
            set(&with_other, None),
            out2.replace("{\"aws-auth/managers\": \"x\"}", "{\"a\": \"b\"}")
        );
    }

    #[test]
    fn empty_and_null_annotations_take_a_flow_mapping() {
        for ann in [
            "annotations:",
            "annotations: null",
            "annotations: ~",
            "annotations: {}",
        ] {
            let text = format!("metadata:\n  name: aws-auth\n  {ann}\ndata: {{}}\n");
            let out = set(&text, Some(RECORD));
            assert!(out.contains("aws-auth/managers"), "{out}");
        }
    }

    #[test]
    fn block_scalar_values_are_replaced_whole() {
        let text = "metadata:\n  annotations:\n    aws-auth/managers: |\n      old\n      lines\n    z: y\n  name: n\n";
        let out = set(text, Some("new"));
        assert_eq!(
            out,
            "metadata:\n  annotations:\n    aws-auth/managers: 'new'\n    z: y\n  name: n\n"
        );
        let gone = set(text, None);
        assert_eq!(gone, "metadata:\n  annotations:\n    z: y\n  name: n\n");
    }

    #[test]
    fn no_metadata_is_an_error_only_when_writing() {
        assert!(write_record("data: {}\n", None, Some("x")).is_err());
        assert_eq!(
            write_record("data: {}\n", None, None).unwrap(),
            "data: {}\n"
        );
    }
}
