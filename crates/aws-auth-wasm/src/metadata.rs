//! `metadata.name` and `metadata.namespace` of the aws-auth ConfigMap, for `toManifest()`.
//!
//! The core does not expose the manifest's metadata, so this walks the parser events once more
//! (the text is known to be valid YAML by then: the core parsed it first).

use saphyr_parser::{Event, Parser};

/// The metadata of the ConfigMap that was parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Metadata {
    pub(crate) name: String,
    pub(crate) namespace: Option<String>,
}

#[derive(Default)]
struct Doc {
    kind: Option<String>,
    name: Option<String>,
    namespace: Option<String>,
}

enum Frame {
    Mapping { key: Option<String> },
    Sequence,
}

impl Metadata {
    /// Finds the aws-auth ConfigMap's metadata; `aws-auth` and no namespace when the text has
    /// none (a bare `data` map).
    pub(crate) fn find(text: &str) -> Metadata {
        let docs = documents(text);
        let chosen = docs
            .iter()
            .find(|d| {
                d.kind.as_deref() == Some("ConfigMap") && d.name.as_deref() == Some("aws-auth")
            })
            .or_else(|| docs.iter().find(|d| d.kind.as_deref() == Some("ConfigMap")));
        Metadata {
            name: chosen
                .and_then(|d| d.name.clone())
                .unwrap_or_else(|| "aws-auth".to_owned()),
            namespace: chosen.and_then(|d| d.namespace.clone()),
        }
    }
}

fn documents(text: &str) -> Vec<Doc> {
    let mut docs = Vec::new();
    let mut doc = Doc::default();
    let mut stack: Vec<Frame> = Vec::new();
    for item in Parser::new_from_str(text) {
        let Ok((event, _)) = item else { break };
        match event {
            Event::DocumentStart(_) => {
                doc = Doc::default();
                stack.clear();
            }
            Event::DocumentEnd => docs.push(std::mem::take(&mut doc)),
            Event::MappingStart(..) => stack.push(Frame::Mapping { key: None }),
            Event::SequenceStart(..) => stack.push(Frame::Sequence),
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
                value_done(&mut stack);
            }
            Event::Scalar(value, ..) => {
                if let Some(Frame::Mapping { key: key @ None }) = stack.last_mut() {
                    *key = Some(value.into_owned());
                    continue;
                }
                record(&stack, &value, &mut doc);
                value_done(&mut stack);
            }
            Event::Alias(_) => value_done(&mut stack),
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
    }
    docs
}

/// After a value, the enclosing mapping expects a key again.
fn value_done(stack: &mut [Frame]) {
    if let Some(Frame::Mapping { key }) = stack.last_mut() {
        *key = None;
    }
}

fn record(stack: &[Frame], value: &str, doc: &mut Doc) {
    let mut path = Vec::with_capacity(stack.len());
    for frame in stack {
        match frame {
            Frame::Mapping { key: Some(key) } => path.push(key.as_str()),
            _ => return,
        }
    }
    let slot = match path.as_slice() {
        ["kind"] => &mut doc.kind,
        ["metadata", "name"] => &mut doc.name,
        ["metadata", "namespace"] => &mut doc.namespace,
        _ => return,
    };
    *slot = Some(value.to_owned());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_configmap_in_a_stream() {
        let text = "kind: Secret\nmetadata:\n  name: x\n  namespace: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: aws-auth, namespace: kube-system}\ndata:\n  mapRoles: |\n    []\n";
        let m = Metadata::find(text);
        assert_eq!(
            m,
            Metadata {
                name: "aws-auth".into(),
                namespace: Some("kube-system".into())
            }
        );
    }

    #[test]
    fn json_and_bare_data() {
        let m = Metadata::find(
            r#"{"kind":"ConfigMap","metadata":{"labels":{"a":"b"},"name":"aws-auth","namespace":"ns"},"data":{}}"#,
        );
        assert_eq!(m.namespace.as_deref(), Some("ns"));
        let m = Metadata::find("mapAccounts: |\n  - \"111122223333\"\n");
        assert_eq!(
            m,
            Metadata {
                name: "aws-auth".into(),
                namespace: None
            }
        );
    }
}
