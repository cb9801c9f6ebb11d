//! One entry decoded as Go's `encoding/json` decodes it into the authenticator's structs: field
//! names matched case-insensitively in Go's order, a value of the wrong type left empty and
//! recorded as an issue.

use super::*;

/// Reads one entry as `encoding/json` decodes it: a value of the wrong type is left empty
/// (and recorded as an issue); the entry itself is never a reason to drop the key.
/// The entry's pairs move into its fields; `item` keeps only its own position and style.
pub(super) fn read_entry(key: DataKey, item: &mut Node) -> (EntryValue, Vec<Field>, Vec<Issue>) {
    let mut issues = Vec::new();
    if key == DataKey::MapAccounts {
        return match &item.kind {
            // go-yaml decodes straight into a string: every scalar keeps its literal text.
            NodeKind::Scalar { value, style } => {
                let plain = *style == ScalarStyle::Plain && !item.tag.forces_string();
                let literal = if plain && resolve_plain(value) == Resolved::Null {
                    String::new()
                } else {
                    value.clone()
                };
                if plain && matches!(resolve_plain(value), Resolved::Int | Resolved::Float) {
                    issues.push(issue(
                        Code::UnquotedAccountId,
                        item,
                        format!(
                            "account {value} is not quoted; YAML 1.1 tools read it as a number"
                        ),
                    ));
                }
                (EntryValue::Account(literal), Vec::new(), issues)
            }
            _ => {
                issues.push(issue(
                    Code::WrongType,
                    item,
                    format!(
                        "account must be a string, found {}; it is dropped",
                        describe(item)
                    ),
                ));
                (EntryValue::Account(String::new()), Vec::new(), issues)
            }
        };
    }
    let empty = |issues| {
        let value = if key == DataKey::MapRoles {
            EntryValue::Role(RoleMapping::default())
        } else {
            EntryValue::User(UserMapping::default())
        };
        (value, Vec::new(), issues)
    };
    let NodeKind::Map { pairs, .. } = &mut item.kind else {
        let item = &*item;
        if !matches!(resolve_node(item), Some(Value::Null)) {
            issues.push(issue(
                Code::WrongType,
                item,
                format!(
                    "{key} entry must be a mapping, found {}; it is dropped",
                    describe(item)
                ),
            ));
        }
        return empty(issues);
    };
    let fields: Vec<Field> = std::mem::take(pairs)
        .into_iter()
        .map(|(k, v)| {
            let field = Field::new(Known::Other, k, v);
            Field {
                name: known_field(key, field.key_text()),
                ..field
            }
        })
        .collect();
    let sso = if key == DataKey::MapRoles {
        decode_sso(&decode_order(&fields, Known::Sso), &mut issues)
    } else {
        None
    };
    // A role with `sso` needs no `rolearn`: one of the wrong type is left empty, and the
    // entry is kept.
    let (code, consequence) = match sso {
        Some(_) => (Code::IgnoredValue, "the authenticator ignores it"),
        None => (Code::WrongType, "the entry is dropped"),
    };
    let arn = decode_string(
        &decode_order(&fields, Known::Arn),
        &mut issues,
        code,
        consequence,
    );
    let username = decode_string(
        &decode_order(&fields, Known::Username),
        &mut issues,
        Code::IgnoredValue,
        "the authenticator uses an empty username",
    );
    let userid = decode_string(
        &decode_order(&fields, Known::Userid),
        &mut issues,
        Code::IgnoredValue,
        "the authenticator ignores it",
    );
    let groups = decode_groups(&decode_order(&fields, Known::Groups), &mut issues);
    // One insert at a time: collecting would pull a sort into the wasm build.
    let mut extra = Map::new();
    for f in fields.iter().filter(|f| f.name == Known::Other) {
        extra.insert(
            f.key_text().to_string(),
            resolve_node(&f.value).unwrap_or(Value::Null),
        );
    }
    let value = if key == DataKey::MapRoles {
        EntryValue::Role(RoleMapping {
            rolearn: arn,
            sso,
            username,
            groups,
            userid,
            extra,
        })
    } else {
        EntryValue::User(UserMapping {
            userarn: arn,
            username,
            groups,
            userid,
            extra,
        })
    };
    (value, fields, issues)
}

/// The fields called `name`, in the order `encoding/json` decodes them: go-yaml keeps only the
/// last of identical spellings, and the JSON object is re-marshalled from a Go map, which sorts
/// the spellings in byte order.
pub(super) fn decode_order(fields: &[Field], name: Known) -> DecodeOrder<'_> {
    let mut named = fields.iter().filter(|f| f.name == name);
    let Some(first) = named.next() else {
        return DecodeOrder::One(None);
    };
    let Some(second) = named.next() else {
        return DecodeOrder::One(Some(first));
    };
    let mut order: Vec<&Field> = vec![first];
    for f in std::iter::once(second).chain(named) {
        order.retain(|g| g.key_text() != f.key_text());
        order.push(f);
    }
    sort_small_by_key(&mut order, |f| f.key_text().as_bytes());
    DecodeOrder::Many(order)
}

/// The fields [`decode_order`] found. A field is nearly always spelled once (or not at all):
/// that case needs no vector, which matters on a list of thousands of entries.
pub(super) enum DecodeOrder<'a> {
    One(Option<&'a Field>),
    Many(Vec<&'a Field>),
}

impl<'a> std::ops::Deref for DecodeOrder<'a> {
    type Target = [&'a Field];

    fn deref(&self) -> &[&'a Field] {
        match self {
            DecodeOrder::One(one) => one.as_slice(),
            DecodeOrder::Many(many) => many,
        }
    }
}

/// Whether decoding `v` into the field sets it (rather than leaving the earlier value).
pub(super) fn applies(name: Known, v: &Node) -> bool {
    let value = resolve_node(v);
    match name {
        Known::Groups => matches!(v.kind, NodeKind::Seq { .. }) || value == Some(Value::Null),
        // Any value sets the pointer: null to nil, anything else to a struct.
        Known::Sso => value.is_some(),
        _ => matches!(value, Some(Value::String(_))),
    }
}
fn issue(code: Code, n: &Node, message: String) -> Issue {
    Issue {
        code,
        line: n.line,
        column: n.col + 1,
        message,
    }
}

/// `encoding/json` name matching: exact or case-insensitive match to the tag, with Unicode
/// simple folding (`ſ` is `s`, the Kelvin sign `K` is `k`).
fn fold(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            '\u{17f}' => 's',
            '\u{212a}' => 'k',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

fn known_field(key: DataKey, name: &str) -> Known {
    // The usual spellings need no folding (and no allocation).
    let folded;
    let name = if name.bytes().all(|b| b.is_ascii_lowercase()) {
        name
    } else {
        folded = fold(name);
        folded.as_str()
    };
    match (key, name) {
        (DataKey::MapRoles, "rolearn") | (DataKey::MapUsers, "userarn") => Known::Arn,
        (DataKey::MapRoles, "sso") => Known::Sso,
        (_, "username") => Known::Username,
        (_, "groups") => Known::Groups,
        (_, "userid") => Known::Userid,
        _ => Known::Other,
    }
}

/// A string field as `encoding/json` fills it from its spellings in decode order: a string sets
/// it, null leaves it, another type leaves it and is reported (with `code` when no spelling
/// sets it, as a warning otherwise).
fn decode_string(
    order: &[&Field],
    issues: &mut Vec<Issue>,
    code: Code,
    consequence: &str,
) -> Option<String> {
    let mut value = None;
    let mut wrong = Vec::new();
    for f in order {
        match resolve_node(&f.value) {
            Some(Value::String(s)) => value = Some(s),
            Some(Value::Null) | None => {}
            Some(_) => wrong.push(*f),
        }
    }
    for f in wrong {
        let (code, consequence) = match &value {
            None => (code, consequence),
            Some(_) => (
                Code::IgnoredValue,
                "the authenticator uses another spelling of the field",
            ),
        };
        let message = format!(
            "{} must be a string, found {}; {consequence}",
            f.key_text(),
            describe(&f.value)
        );
        issues.push(issue(code, &f.value, message));
    }
    value
}

/// `groups` as `encoding/json` fills a `[]string` from its spellings in decode order: a list
/// is decoded into the slice that is already there (an item that is null or not a string
/// keeps what that slot held, `""` in a new slot), `[]` makes it empty, null makes it nil,
/// another type leaves it.
fn decode_groups(order: &[&Field], issues: &mut Vec<Issue>) -> Option<Vec<String>> {
    let mut backing: Vec<String> = Vec::new();
    let mut value = None;
    for f in order {
        let name = f.key_text();
        match &f.value.kind {
            NodeKind::Seq { items, .. } => {
                if items.is_empty() {
                    backing.clear();
                }
                for (i, item) in items.iter().enumerate() {
                    if i >= backing.len() {
                        backing.push(String::new());
                    }
                    match resolve_node(item) {
                        Some(Value::String(s)) => backing[i] = s,
                        Some(Value::Null) | None => {}
                        Some(_) => {
                            let msg = format!(
                                "{name} item must be a string, found {}; the authenticator uses an empty group",
                                describe(item)
                            );
                            issues.push(issue(Code::IgnoredValue, item, msg));
                        }
                    }
                }
                value = Some(backing[..items.len()].to_vec());
            }
            _ if matches!(resolve_node(&f.value), Some(Value::Null)) => {
                backing.clear();
                value = None;
            }
            _ => {
                let msg = format!(
                    "{name} must be a list of strings, found {}; the entry gets no groups",
                    describe(&f.value)
                );
                issues.push(issue(Code::IgnoredValue, &f.value, msg));
            }
        }
    }
    value
}

/// `sso` (a pointer in Go): null makes it nil, a mapping is decoded into the struct already
/// there, any other value allocates an empty one (which fails validation).
fn decode_sso(order: &[&Field], issues: &mut Vec<Issue>) -> Option<SsoSpec> {
    let mut sso: Option<SsoSpec> = None;
    for f in order {
        let v = &f.value;
        match &v.kind {
            NodeKind::Map { pairs, .. } => {
                let spec = sso.get_or_insert_with(SsoSpec::default);
                let fields: Vec<Field> = pairs
                    .iter()
                    .map(|(k, val)| {
                        let field = Field::new(Known::Other, k.clone(), val.clone());
                        let name = match fold(field.key_text()).as_str() {
                            "permissionsetname" => Known::Username,
                            "accountid" => Known::Arn,
                            "partition" => Known::Userid,
                            _ => Known::Other,
                        };
                        Field { name, ..field }
                    })
                    .collect();
                let consequence = "the entry is dropped";
                let mut set = |name: Known, target: &mut Option<String>| {
                    let order = decode_order(&fields, name);
                    if let Some(s) = decode_string(&order, issues, Code::InvalidSso, consequence) {
                        *target = Some(s);
                    }
                };
                let mut psn = Some(std::mem::take(&mut spec.permission_set_name));
                set(Known::Username, &mut psn);
                spec.permission_set_name = psn.unwrap_or_default();
                let mut account = Some(std::mem::take(&mut spec.account_id));
                set(Known::Arn, &mut account);
                spec.account_id = account.unwrap_or_default();
                // A wrong-typed partition stays empty, which is valid: not a reason to drop.
                let order = decode_order(&fields, Known::Userid);
                let partition = decode_string(&order, issues, Code::IgnoredValue, "it is ignored");
                if partition.is_some() {
                    spec.partition = partition;
                }
            }
            _ if matches!(resolve_node(v), Some(Value::Null)) => sso = None,
            _ => {
                issues.push(issue(
                    Code::InvalidSso,
                    v,
                    format!(
                        "sso must be a mapping, found {}; the entry is dropped",
                        describe(v)
                    ),
                ));
                sso.get_or_insert_with(SsoSpec::default);
            }
        }
    }
    sso
}

/// The findings about an entry's fields: a field given twice, a plain value folded over
/// several lines, a field the authenticator ignores. They depend on the entry alone, so they
/// are worked out once when the list is read rather than on every validate (which runs on
/// every edit, over lists of thousands of entries). `text` is the text node positions are in.
pub(super) fn field_notes(fields: &[Field], text: &str) -> Vec<(Code, String)> {
    let mut notes = Vec::new();
    for (j, f) in fields.iter().enumerate() {
        if let Some(later) = fields[j + 1..]
            .iter()
            // The name is a function of the key's text, and comparing it reads no string.
            .find(|g| g.name == f.name && g.key_text() == f.key_text())
        {
            notes.push((
                Code::DuplicateField,
                format!(
                    "field {} is given twice (lines {} and {}); the authenticator uses the last",
                    quoted(f.key_text()),
                    f.key.line,
                    later.key.line
                ),
            ));
        }
        let values = match &f.value.kind {
            NodeKind::Seq { items, .. } => items.as_slice(),
            _ => std::slice::from_ref(&f.value),
        };
        for v in values {
            let plain = v.scalar_style() == Some(ScalarStyle::Plain);
            let spans_lines = || {
                text.get(v.start..v.end)
                    .is_some_and(|raw| raw.contains('\n'))
            };
            if plain && spans_lines() {
                notes.push((
                    Code::FoldedValue,
                    format!(
                        "{} goes on over several lines and is read as one: {}; is a `key:` or `- ` missing?",
                        quoted(f.key_text()),
                        quoted(v.as_str().unwrap_or_default())
                    ),
                ));
            }
        }
        if f.name == Known::Other {
            let name = f.key.as_str().unwrap_or_default();
            notes.push((
                Code::UnknownField,
                format!("field {} is ignored by the authenticator", quoted(name)),
            ));
        }
    }
    notes
}
