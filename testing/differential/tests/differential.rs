//! Differential test: aws-auth-core against aws-iam-authenticator v0.7.13's own `ParseMap`
//! (`testing/authcheck`, see its README and FINDINGS.md).
//!
//! Inputs: every golden fixture, the corpus manifests, the checker's hand-made
//! `cases.ndjson`, the minimal inputs of past disagreements (`tests/regressions.ndjson`, whose
//! expected reading is the checker's), and generated data maps (proptest strategy, fixed
//! seed; YAML 1.1 corners included, see `Corners`). Plus, for a sample of them, the result of
//! each of our edits. All go through the checker in one
//! `--batch --labelled` run; then, per data key:
//! (a) our model (`mappings`) equals what the authenticator keeps;
//! (b) what it drops (an entry, or the whole key) is an `Error` diagnostic of ours at that key
//!     (and entry), and none of our errors is on something it keeps;
//! (c) after an edit, the authenticator reads the edited key without a new error and sees
//!     exactly the edit, and every other key exactly as before.

use std::collections::BTreeMap;
mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use aws_auth_core::{AwsAuth, Diagnostic, Edit, Options, Remove, Severity, Upsert};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Value, json};

use common::{corpus_dir, repo_root, run_checker};

const GENERATED: usize = 20_000;
/// Every n-th generated input also gets the edits of `edits_for`.
const EDIT_SAMPLE: usize = 8;

/// One data map to compare.
struct Input {
    label: String,
    data: Vec<(String, String)>,
    /// Set for the result of an edit: the index of the input it was made from, and the edit.
    edit: Option<(usize, Edit)>,
}

fn data_json(data: &[(String, String)]) -> Value {
    Value::Object(
        data.iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

// ---------------------------------------------------------------------------------------------
// Inputs

fn fixtures(inputs: &mut Vec<Input>, skipped: &mut Vec<String>) {
    let dir = repo_root().join("testing/fixtures/manifests");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files.push(repo_root().join("examples/aws-auth.yaml"));
    manifests("fixture", &files, inputs, skipped);
}

fn corpus(inputs: &mut Vec<Input>, skipped: &mut Vec<String>) -> usize {
    let Some(dir) = corpus_dir() else {
        return 0;
    };
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("corpus at {}: {e} (set AWS_AUTH_CORPUS)", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|x| x.to_str()),
                Some("yaml" | "json")
            )
        })
        .collect();
    files.sort();
    manifests("corpus", &files, inputs, skipped);
    files.len()
}

fn manifests(kind: &str, files: &[PathBuf], inputs: &mut Vec<Input>, skipped: &mut Vec<String>) {
    for p in files {
        let name = p.file_name().unwrap().to_string_lossy();
        let text = std::fs::read_to_string(p).unwrap();
        match AwsAuth::parse(&text) {
            Ok(auth) => inputs.push(Input {
                label: format!("{kind} {name}"),
                data: auth.data(),
                edit: None,
            }),
            Err(e) => skipped.push(format!("{kind} {name}: {e}")),
        }
    }
}

/// Labelled data maps, one JSON line each: the checker's hand-made cases, and the regressions.
fn cases(inputs: &mut Vec<Input>, kind: &str, path: &Path) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line).unwrap();
        let data = v["data"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
            .collect();
        inputs.push(Input {
            label: format!("{kind} {}", v["label"].as_str().unwrap()),
            data,
            edit: None,
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Generated data maps

#[derive(Debug, Clone, Copy)]
enum Quote {
    Plain,
    Single,
    Double,
    /// A tag before the plain text: `!foo 5`, `! yes`, `!<tag:yaml.org,2002:str> 5`.
    Tagged(&'static str),
    /// A block scalar with this header (`|`, `|-`, `>`); double-quoted in a flow collection.
    Block(&'static str),
    /// Single-quoted, with a comment right after the closing quote (`'a'#c`); plain
    /// single-quoted in a flow collection, where the comment would end the line.
    Glued,
    /// Double-quoted over two lines, the second starting at this column (at or left of its
    /// key's column too).
    TwoLines(usize),
}

/// How a key's text is framed: what YAML 1.1 corners go around and into its list.
#[derive(Debug, Clone)]
struct Corners {
    /// Before the list: document markers, a byte order mark, a directive, blank lines.
    prefix: &'static str,
    /// After the list: a later document, text after a document end, dedented text, tabs.
    suffix: &'static str,
    /// Column of a block list's `-`.
    indent: usize,
    final_newline: bool,
    /// `key:\t` instead of `key: `.
    tab_after_colon: bool,
    /// Groups of a block entry as a flow list over lines: the column its lines start at, a
    /// tab before them, `]` on a line of its own.
    flow_groups: Option<(usize, bool, bool)>,
}

const TAGS: &[&str] = &["!", "!foo", "!<tag:yaml.org,2002:str>", "!!str", "!<!bar>"];

fn corners() -> impl Strategy<Value = Corners> {
    let prefix = proptest::prop_oneof![
        12 => proptest::strategy::Just(""),
        1 => proptest::sample::select(
            &["---\n", "---\t\n", "--- \n", "...\n", "\u{feff}", "# head\n", "%YAML 1.1\n---\n", "\n\t\n"][..]
        ),
    ];
    let suffix = proptest::prop_oneof![
        10 => proptest::strategy::Just(""),
        1 => proptest::sample::select(
            &[
                "---\n- rolearn: arn:aws:iam::111122223333:role/later\n",
                "--- :\n",
                "... u\n",
                "...\n",
                "b\n",
                "   \t\n",
                "\t\n",
                "  \t",
                "# tail",
            ][..]
        ),
    ];
    let indent = proptest::prop_oneof![8 => proptest::strategy::Just(0usize), 1 => proptest::strategy::Just(1usize)];
    let flow_groups = proptest::option::weighted(
        0.08,
        (
            proptest::sample::select(&[0usize, 2, 3, 8, 12][..]),
            proptest::bool::weighted(0.2),
            any_bool(),
        ),
    );
    (
        prefix,
        suffix,
        indent,
        proptest::bool::weighted(0.85),
        proptest::bool::weighted(0.04),
        flow_groups,
    )
        .prop_map(
            |(prefix, suffix, indent, final_newline, tab_after_colon, flow_groups)| Corners {
                prefix,
                suffix,
                indent,
                final_newline,
                tab_after_colon,
                flow_groups,
            },
        )
}

/// Corners that change nothing: the plain layout.
fn no_corners() -> Corners {
    Corners {
        prefix: "",
        suffix: "",
        indent: 0,
        final_newline: true,
        tab_after_colon: false,
        flow_groups: None,
    }
}

#[derive(Debug, Clone)]
enum GenValue {
    Scalar(String, Quote),
    List(Vec<(String, Quote)>),
    /// `sso:` with its sub-fields.
    Map(Vec<(String, String, Quote)>),
    /// Nothing after the colon.
    Empty,
}

type GenEntry = Vec<(String, GenValue)>;

#[derive(Debug, Clone)]
struct GenKey {
    flow: bool,
    entries: Vec<GenEntry>,
    corners: Corners,
}

/// `mapAccounts`: flow or block, the accounts, the corners.
type GenAccounts = (bool, Vec<(String, Quote)>, Corners);

#[derive(Debug, Clone)]
struct GenData {
    roles: Option<GenKey>,
    users: Option<GenKey>,
    accounts: Option<GenAccounts>,
    extra_key: Option<String>,
}

const TRICKY: &[&str] = &[
    "yes",
    "on",
    "No",
    "0123",
    "1_000",
    "2001-01-01",
    "~",
    "null",
    ".inf",
    "{{EC2PrivateDNSName}}",
    "system:node:{{EC2PrivateDNSName}}",
    "a: b",
    "x #y",
    "1e3",
    "yES",
    "",
    "ops",
    "system:masters",
    "{{SessionName}}",
    "-",
    "a:",
    ":p",
    "!",
    "|",
    "x:y",
];

const ROLE_ARNS: &[&str] = &[
    "arn:aws:iam::111122223333:role/nodes",
    "arn:aws:iam::111122223333:role/Admin",
    "arn:aws:iam::111122223333:role/admin",
    "arn:aws:iam::111122223333:role/team/dev",
    "arn:aws:sts::111122223333:assumed-role/dev/s",
    "arn:aws:iam::111122223333:user/ada",
];

const USER_ARNS: &[&str] = &[
    "arn:aws:iam::111122223333:user/ada",
    "arn:aws:iam::111122223333:user/Ada",
    "arn:aws:iam::111122223333:user/dev/bob",
    "arn:aws:iam::444455556666:user/carol",
];

const ACCOUNTS: &[&str] = &["111122223333", "444455556666", "0123", "yes", "~", "12"];

fn quote() -> impl Strategy<Value = Quote> {
    proptest::prop_oneof![
        30 => proptest::strategy::Just(Quote::Plain),
        10 => proptest::strategy::Just(Quote::Single),
        10 => proptest::strategy::Just(Quote::Double),
        1 => proptest::sample::select(TAGS).prop_map(Quote::Tagged),
        1 => proptest::sample::select(&["|", "|-", "|+", ">", ">-"][..]).prop_map(Quote::Block),
        1 => proptest::strategy::Just(Quote::Glued),
        1 => proptest::sample::select(&[0usize, 2, 3, 4, 6][..]).prop_map(Quote::TwoLines),
    ]
}

fn pick(pool: &'static [&'static str]) -> impl Strategy<Value = String> {
    proptest::sample::select(pool).prop_map(str::to_string)
}

fn scalar(pool: &'static [&'static str]) -> impl Strategy<Value = (String, Quote)> {
    (pick(pool), quote())
}

/// A field name in one of its spellings.
fn spelled(name: &'static str) -> impl Strategy<Value = String> {
    (0..6u8).prop_map(move |v| match v {
        0..=2 => name.to_string(),
        3 => name.to_ascii_uppercase(),
        4 => {
            let mut c = name.chars();
            let first = c.next().unwrap().to_ascii_uppercase();
            std::iter::once(first).chain(c).collect()
        }
        _ => name
            .char_indices()
            .map(|(i, ch)| {
                if i % 2 == 1 {
                    ch.to_ascii_uppercase()
                } else {
                    ch
                }
            })
            .collect(),
    })
}

fn groups_value() -> impl Strategy<Value = GenValue> {
    proptest::prop_oneof![
        6 => proptest::collection::vec(scalar(TRICKY), 0..4).prop_map(GenValue::List),
        1 => proptest::strategy::Just(GenValue::Empty),
        1 => scalar(TRICKY).prop_map(|(s, q)| GenValue::Scalar(s, q)),
    ]
}

fn sso_value() -> impl Strategy<Value = GenValue> {
    let name = proptest::sample::select(&["Admin", "Read Only", "", "a@b"][..]);
    let account = proptest::sample::select(&["111122223333", "1234", ""][..]);
    let partition = proptest::sample::select(&["", "aws", "AWS", "mars"][..]);
    (name, quote(), account, quote(), partition, any_bool()).prop_map(
        |(name, qn, account, qa, partition, sub_case)| {
            let mut fields = Vec::new();
            if !name.is_empty() {
                let f = if sub_case {
                    "PermissionSetName"
                } else {
                    "permissionSetName"
                };
                fields.push((f.to_string(), name.to_string(), qn));
            }
            if !account.is_empty() {
                let f = if sub_case { "accountId" } else { "accountID" };
                fields.push((f.to_string(), account.to_string(), qa));
            }
            if !partition.is_empty() {
                fields.push(("partition".to_string(), partition.to_string(), Quote::Plain));
            }
            GenValue::Map(fields)
        },
    )
}

fn any_bool() -> impl Strategy<Value = bool> {
    proptest::bool::ANY
}

fn entry(role: bool) -> impl Strategy<Value = GenEntry> {
    let arn_name = spelled(if role { "rolearn" } else { "userarn" });
    let arn_value = proptest::prop_oneof![
        8 => scalar(if role { ROLE_ARNS } else { USER_ARNS }),
        1 => scalar(TRICKY),
    ];
    // 0: arn, 1: sso (roles), 2: both, 3: neither
    let which = proptest::prop_oneof![12 => proptest::strategy::Just(0u8), 2 => proptest::strategy::Just(1u8), 1 => proptest::strategy::Just(2u8), 1 => proptest::strategy::Just(3u8)];
    let username = proptest::option::weighted(0.85, (spelled("username"), scalar(TRICKY)));
    let groups = proptest::option::weighted(0.8, (spelled("groups"), groups_value()));
    let userid = proptest::option::weighted(0.1, scalar(TRICKY));
    let unknown = proptest::option::weighted(
        0.1,
        (
            proptest::sample::select(&["role_arn", "userarn", "rolearn", "extra", "1", "yes"][..]),
            scalar(TRICKY),
        ),
    );
    let dup = proptest::option::weighted(0.08, scalar(TRICKY));
    (
        arn_name,
        arn_value,
        which,
        sso_value(),
        username,
        groups,
        userid,
        unknown,
        dup,
        any_bool(),
    )
        .prop_map(
            move |(
                arn_name,
                arn,
                which,
                sso,
                username,
                groups,
                userid,
                unknown,
                dup,
                groups_first,
            )| {
                let mut e: GenEntry = Vec::new();
                let which = if role { which } else { which % 2 * 3 };
                if let Some((n, v)) = groups.clone().filter(|_| groups_first) {
                    e.push((n, v));
                }
                if which == 0 || which == 2 {
                    e.push((arn_name, GenValue::Scalar(arn.0, arn.1)));
                }
                if which == 1 || which == 2 {
                    e.push(("sso".to_string(), sso));
                }
                if let Some((n, (s, q))) = username {
                    e.push((n, GenValue::Scalar(s, q)));
                    if let Some((s, q)) = dup {
                        e.push(("username".to_string(), GenValue::Scalar(s, q)));
                    }
                }
                if let Some((n, v)) = groups.filter(|_| !groups_first) {
                    e.push((n, v));
                }
                if let Some((s, q)) = userid {
                    e.push(("userid".to_string(), GenValue::Scalar(s, q)));
                }
                if let Some((n, (s, q))) = unknown {
                    e.push((n.to_string(), GenValue::Scalar(s, q)));
                }
                e
            },
        )
}

fn key(role: bool) -> impl Strategy<Value = GenKey> {
    (
        proptest::bool::weighted(0.25),
        proptest::collection::vec(entry(role), 0..5),
        proptest::option::weighted(0.4, corners()),
    )
        .prop_map(|(flow, entries, corners)| GenKey {
            flow,
            entries,
            corners: corners.unwrap_or_else(no_corners),
        })
}

fn gen_data() -> impl Strategy<Value = GenData> {
    (
        proptest::option::weighted(0.9, key(true)),
        proptest::option::weighted(0.6, key(false)),
        proptest::option::weighted(
            0.4,
            (
                any_bool(),
                proptest::collection::vec(scalar(ACCOUNTS), 0..4),
                proptest::option::weighted(0.3, corners())
                    .prop_map(|c| c.unwrap_or_else(no_corners)),
            ),
        ),
        proptest::option::weighted(0.05, pick(&["maproles", "MapUsers", "other"])),
    )
        .prop_map(|(roles, users, accounts, extra_key)| GenData {
            roles,
            users,
            accounts,
            extra_key,
        })
}

/// A scalar as written in a flow collection (`flow`) or a block one, where lines after the
/// first start at column `indent`.
fn render_scalar(s: &str, q: Quote, flow: bool, indent: usize) -> String {
    let json = |s: &str| serde_json::to_string(s).unwrap();
    match q {
        // JSON (CDK) style writes every string double-quoted.
        Quote::Double => json(s),
        Quote::Single => format!("'{}'", s.replace('\'', "''")),
        Quote::Plain if flow && s.is_empty() => "\"\"".to_string(),
        Quote::Plain => s.to_string(),
        Quote::Tagged(tag) => format!("{tag} {s}"),
        Quote::Glued if flow => render_scalar(s, Quote::Single, flow, indent),
        Quote::Glued => format!("'{}'#c", s.replace('\'', "''")),
        Quote::Block(_) if flow => json(s),
        Quote::Block(header) => format!("{header}\n{}{s}", " ".repeat(indent)),
        Quote::TwoLines(col) => {
            let mid = (0..=s.len() / 2)
                .rev()
                .find(|&i| s.is_char_boundary(i))
                .unwrap_or(0);
            let (a, b) = s.split_at(mid);
            let (a, b) = (json(a), json(b));
            format!("{}\n{}{}", &a[..a.len() - 1], " ".repeat(col), &b[1..])
        }
    }
}

/// Indents every line of a block text by `n` columns.
fn indented(text: &str, n: usize) -> String {
    if n == 0 {
        return text.to_string();
    }
    let pad = " ".repeat(n);
    text.split_inclusive('\n')
        .map(|l| format!("{pad}{l}"))
        .collect()
}

/// A key's text with its corners around it.
fn framed(body: String, c: &Corners) -> String {
    let mut body = body;
    if !c.final_newline && body.ends_with('\n') {
        body.pop();
        if !c.suffix.is_empty() {
            body.push('\n');
        }
    }
    format!("{}{body}{}", c.prefix, c.suffix)
}

fn render_key(k: &GenKey) -> String {
    let mut out = String::new();
    if k.flow {
        out.push('[');
        for (i, e) in k.entries.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push('{');
            for (j, (name, v)) in e.iter().enumerate() {
                if j > 0 {
                    out.push_str(", ");
                }
                out.push_str(&serde_json::to_string(name).unwrap());
                out.push_str(": ");
                match v {
                    GenValue::Scalar(s, q) => out.push_str(&render_scalar(s, *q, true, 2)),
                    GenValue::List(items) => {
                        let items: Vec<_> = items
                            .iter()
                            .map(|(s, q)| render_scalar(s, *q, true, 2))
                            .collect();
                        out.push_str(&format!("[{}]", items.join(", ")));
                    }
                    GenValue::Map(fields) => {
                        let fields: Vec<_> = fields
                            .iter()
                            .map(|(n, s, q)| format!("{n:?}: {}", render_scalar(s, *q, true, 2)))
                            .collect();
                        out.push_str(&format!("{{{}}}", fields.join(", ")));
                    }
                    GenValue::Empty => out.push_str("null"),
                }
            }
            out.push('}');
        }
        out.push_str("]\n");
        return framed(out, &k.corners);
    }
    let c = &k.corners;
    let colon = if c.tab_after_colon { ":\t" } else { ": " };
    for e in &k.entries {
        for (j, (name, v)) in e.iter().enumerate() {
            out.push_str(if j == 0 { "- " } else { "  " });
            out.push_str(name);
            out.push(':');
            match v {
                GenValue::Scalar(s, q) => {
                    let r = render_scalar(s, *q, false, 4);
                    if !r.is_empty() {
                        out.push_str(&colon[1..]);
                        out.push_str(&r);
                    }
                    out.push('\n');
                }
                GenValue::List(items) if items.is_empty() => out.push_str(" []\n"),
                GenValue::List(items) if c.flow_groups.is_some() => {
                    let (col, tab, close_alone) = c.flow_groups.unwrap_or_default();
                    let lead = format!("{}{}", if tab { "\t" } else { "" }, " ".repeat(col));
                    let items: Vec<_> = items
                        .iter()
                        .map(|(s, q)| render_scalar(s, *q, true, col + 1))
                        .collect();
                    let close = if close_alone {
                        format!("\n{lead}]")
                    } else {
                        "]".to_string()
                    };
                    out.push_str(&format!(
                        "{}[{}{close}\n",
                        &colon[1..],
                        items.join(&format!(",\n{lead}"))
                    ));
                }
                GenValue::List(items) => {
                    out.push('\n');
                    for (s, q) in items {
                        let r = render_scalar(s, *q, false, 6);
                        out.push_str(&format!(
                            "    -{}{r}\n",
                            if r.is_empty() { "" } else { " " }
                        ));
                    }
                }
                GenValue::Map(fields) => {
                    out.push('\n');
                    for (n, s, q) in fields {
                        out.push_str(&format!(
                            "    {n}{colon}{}\n",
                            render_scalar(s, *q, false, 6)
                        ));
                    }
                }
                GenValue::Empty => out.push('\n'),
            }
        }
        if e.is_empty() {
            out.push_str("- {}\n");
        }
    }
    framed(indented(&out, c.indent), c)
}

fn render(d: &GenData) -> Vec<(String, String)> {
    let mut data = Vec::new();
    if let Some(k) = &d.roles {
        data.push(("mapRoles".to_string(), render_key(k)));
    }
    if let Some(k) = &d.users {
        data.push(("mapUsers".to_string(), render_key(k)));
    }
    if let Some((flow, items, corners)) = &d.accounts {
        let text = if *flow {
            let items: Vec<_> = items
                .iter()
                .map(|(s, q)| render_scalar(s, *q, true, 1))
                .collect();
            format!("[{}]\n", items.join(", "))
        } else {
            let list: String = items
                .iter()
                .map(|(s, q)| format!("- {}\n", render_scalar(s, *q, false, 2)))
                .collect();
            indented(&list, corners.indent)
        };
        data.push(("mapAccounts".to_string(), framed(text, corners)));
    }
    if let Some(k) = &d.extra_key {
        data.push((
            k.clone(),
            "- rolearn: arn:aws:iam::111122223333:role/x\n".to_string(),
        ));
    }
    data
}

fn generated(inputs: &mut Vec<Input>) {
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    let strategy = gen_data();
    for i in 0..GENERATED {
        let d = strategy.new_tree(&mut runner).unwrap().current();
        inputs.push(Input {
            label: format!("generated {i}"),
            data: render(&d),
            edit: None,
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Edits

/// The edits tried on an input: a new role, an update of an existing role (tricky values), an
/// append, a remove, the same for users, remove by username, accounts.
fn edits_for(auth: &AwsAuth) -> Vec<Edit> {
    let m = auth.mappings();
    let errors: Vec<Diagnostic> = auth
        .validate()
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    let ok = |key: &str, i: usize| {
        !errors
            .iter()
            .any(|d| d.key.as_deref() == Some(key) && d.entry.is_none_or(|e| e == i))
    };
    // An ARN with blanks around it (a block scalar's line break) is not one a user would
    // pass: edit arguments are trimmed.
    let plain = |a: &str| !a.is_empty() && a.trim() == a;
    let role = m
        .roles
        .iter()
        .enumerate()
        .find(|(i, r)| ok("mapRoles", *i) && r.rolearn.as_deref().is_some_and(plain));
    let user = m
        .users
        .iter()
        .enumerate()
        .find(|(i, u)| ok("mapUsers", *i) && u.userarn.as_deref().is_some_and(plain));
    let mut edits = vec![
        Edit::UpsertRole(Upsert::new(
            "arn:aws:iam::999999999999:role/difftest/nodes",
            "system:node:{{EC2PrivateDNSName}}",
            ["system:bootstrappers", "system:nodes"],
        )),
        Edit::UpsertUser(Upsert::new(
            "arn:aws:iam::999999999999:user/difftest",
            "yes",
            ["0123", "system:masters"],
        )),
        Edit::AddAccount {
            account: "999999999999".into(),
        },
    ];
    if let Some((_, r)) = role {
        let arn = r.rolearn.clone().unwrap();
        edits.push(Edit::UpsertRole(Upsert::new(
            arn.clone(),
            "on",
            ["~", "a: b", "x #y"],
        )));
        edits.push(Edit::UpsertRole(Upsert {
            append: true,
            update_username: false,
            ..Upsert::new(arn.clone(), "", ["2001-01-01", "system:masters"])
        }));
        edits.push(Edit::RemoveRole(Remove {
            arn,
            ..Remove::default()
        }));
        if let Some(u) = r.username.clone().filter(|u| !u.is_empty()) {
            edits.push(Edit::RemoveByUsername { username: u });
        }
    }
    if let Some((_, u)) = user {
        let arn = u.userarn.clone().unwrap();
        edits.push(Edit::UpsertUser(Upsert {
            append: true,
            ..Upsert::new(arn.clone(), "1_000", ["null", "{{SessionName}}"])
        }));
        edits.push(Edit::RemoveUser(Remove {
            arn,
            ..Remove::default()
        }));
    }
    if let Some(a) = m.accounts.iter().find(|a| plain(a)) {
        edits.push(Edit::RemoveAccount { account: a.clone() });
    }
    edits
}

// ---------------------------------------------------------------------------------------------
// Comparison

/// An entry as the authenticator keeps it, in its normalisation: an empty or wrong-typed
/// field is `""`, absent groups are `null`.
fn kept_entry(v: &Value, role: bool) -> Value {
    let arn = if role { &v["rolearn"] } else { &v["userarn"] };
    json!({
        "arn": arn,
        "sso": v["sso"],
        "username": v["username"],
        "groups": v["groups"],
        "userid": v["userid"],
    })
}

/// Our entry in the authenticator's normalisation.
fn our_entry(v: &Value, role: bool) -> Value {
    let s = |f: &str| Value::String(v[f].as_str().unwrap_or_default().to_string());
    let sso = match &v["sso"] {
        Value::Object(o) => json!({
            "permissionSetName": o.get("permissionSetName").and_then(Value::as_str).unwrap_or_default(),
            "accountID": o.get("accountID").and_then(Value::as_str).unwrap_or_default(),
            "partition": o.get("partition").and_then(Value::as_str).unwrap_or_default(),
        }),
        _ => Value::Null,
    };
    json!({
        "arn": s(if role { "rolearn" } else { "userarn" }),
        "sso": sso,
        "username": s("username"),
        "groups": v.get("groups").cloned().unwrap_or(Value::Null),
        "userid": s("userid"),
    })
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 300 {
        format!("{}…", &s[..300])
    } else {
        s
    }
}

/// (a) and (b) for one input. Returns the disagreements.
fn compare(auth: &AwsAuth, result: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let ours = serde_json::to_value(auth.mappings()).unwrap();
    let diags = auth.validate();
    let errors: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    for key in ["mapRoles", "mapUsers"] {
        let role = key == "mapRoles";
        let r = &result[key];
        let key_errors: Vec<&&Diagnostic> = errors
            .iter()
            .filter(|d| d.key.as_deref() == Some(key))
            .collect();
        let our_list = ours[key].as_array().unwrap();
        let kept = r["kept"].as_array().unwrap();
        let dropped = r["dropped"].as_array().unwrap();
        let key_failed = !r["yamlError"].is_null()
            || (!r["error"].is_null() && kept.is_empty() && dropped.is_empty());
        if key_failed {
            if !our_list.is_empty() {
                out.push(format!(
                    "{key}: the authenticator drops the key ({}) but we show {} entries",
                    r["error"],
                    our_list.len()
                ));
            }
            if !key_errors.iter().any(|d| d.entry.is_none()) {
                out.push(format!(
                    "{key}: the authenticator drops the key ({}) but we have no key-level error",
                    r["error"]
                ));
            }
            continue;
        }
        for d in key_errors.iter().filter(|d| d.entry.is_none()) {
            out.push(format!(
                "{key}: our key-level error [{}] {} but the authenticator reads the key (error {})",
                d.code.as_str(),
                d.message,
                r["error"]
            ));
        }
        let n = kept.len() + dropped.len();
        if our_list.len() != n {
            out.push(format!(
                "{key}: we show {} entries, the authenticator decodes {n} ({} kept: {})",
                our_list.len(),
                kept.len(),
                short(&Value::Array(kept.clone()))
            ));
            continue;
        }
        for k in kept {
            let i = k["index"].as_u64().unwrap() as usize;
            let want = kept_entry(k, role);
            let got = our_entry(&our_list[i], role);
            if want != got {
                out.push(format!(
                    "{key}[{i}]: authenticator keeps {} but we show {}",
                    short(&want),
                    short(&got)
                ));
            }
            for d in key_errors.iter().filter(|d| d.entry == Some(i)) {
                out.push(format!(
                    "{key}[{i}]: our error [{}] {} but the authenticator keeps the entry",
                    d.code.as_str(),
                    d.message
                ));
            }
        }
        for d in dropped {
            let i = d["index"].as_u64().unwrap() as usize;
            if !key_errors.iter().any(|e| e.entry == Some(i)) {
                out.push(format!(
                    "{key}[{i}]: the authenticator drops the entry ({}) but we have no error on it",
                    d["error"]
                ));
            }
        }
    }
    // mapAccounts: `kept` is the list of items that decoded as strings.
    let r = &result["mapAccounts"];
    let key_errors: Vec<&&Diagnostic> = errors
        .iter()
        .filter(|d| d.key.as_deref() == Some("mapAccounts"))
        .collect();
    let ours_kept: Vec<Value> = ours["mapAccounts"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .filter(|(i, _)| !key_errors.iter().any(|d| d.entry == Some(*i)))
        .map(|(_, a)| a.clone())
        .collect();
    if Value::Array(ours_kept.clone()) != r["kept"] {
        out.push(format!(
            "mapAccounts: authenticator keeps {} but we show {} (without our errors)",
            r["kept"],
            Value::Array(ours_kept)
        ));
    }
    if r["error"].is_null() && !key_errors.is_empty() {
        for d in key_errors {
            out.push(format!(
                "mapAccounts: our error [{}] {} but the authenticator reads it without error",
                d.code.as_str(),
                d.message
            ));
        }
    } else if !r["error"].is_null() && key_errors.is_empty() {
        out.push(format!(
            "mapAccounts: the authenticator reports {} but we have no error",
            r["error"]
        ));
    }
    out
}

fn role_identity(arn: &str) -> String {
    aws_auth_core::strip_role_path(arn)
        .unwrap_or_else(|| arn.to_string())
        .to_lowercase()
}

fn user_identity(arn: &str) -> String {
    arn.to_lowercase()
}

/// What the authenticator should keep after `edit`, computed from what it kept before.
/// Returns (key, expected kept entries or accounts) per key the edit changes.
fn expected_after(before: &Value, edit: &Edit) -> Vec<(&'static str, Value)> {
    let list = |key: &str| -> Vec<Value> {
        let role = key == "mapRoles";
        before[key]["kept"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| kept_entry(k, role))
            .collect()
    };
    let upsert = |key: &'static str, u: &Upsert, identity: fn(&str) -> String| {
        let mut entries = list(key);
        let id = identity(&u.arn);
        let groups = |existing: &Value| -> Value {
            // The union has no duplicates, also of groups the entry repeated.
            let old: Vec<String> = if u.append {
                existing
                    .as_array()
                    .map(|a| a.iter().map(|x| x.as_str().unwrap().to_string()).collect())
                    .unwrap_or_default()
            } else {
                Vec::new()
            };
            let mut g: Vec<String> = Vec::new();
            for x in old.iter().chain(&u.groups) {
                if !g.contains(x) {
                    g.push(x.clone());
                }
            }
            if g.is_empty() { Value::Null } else { json!(g) }
        };
        let given = if key == "mapRoles" {
            aws_auth_core::strip_role_path(&u.arn).unwrap_or_else(|| u.arn.clone())
        } else {
            u.arn.clone()
        };
        let matching: Vec<usize> = (0..entries.len())
            .filter(|&i| {
                let arn = entries[i]["arn"].as_str().unwrap_or_default();
                !arn.is_empty() && identity(arn) == id
            })
            .collect();
        // §2 (issue 18): role entries with a path are left alone next to one without; with
        // only path-ful ones, the last is repaired (written with the given path-free ARN).
        let has_path = |e: &Value| {
            key == "mapRoles"
                && aws_auth_core::strip_role_path(e["arn"].as_str().unwrap_or_default()).is_some()
        };
        let plain: Vec<usize> = matching
            .iter()
            .copied()
            .filter(|&i| !has_path(&entries[i]))
            .collect();
        let repair = plain.is_empty();
        let targets = if repair {
            matching.last().copied().into_iter().collect()
        } else {
            plain
        };
        let found = !targets.is_empty();
        for i in targets {
            let e = &mut entries[i];
            e["groups"] = groups(&e["groups"]);
            if repair {
                e["arn"] = json!(given);
            }
            if let Some(name) = u.username.as_ref().filter(|_| u.update_username) {
                e["username"] = json!(name);
            }
        }
        if !found {
            let arn = given.clone();
            entries.push(json!({
                "arn": arn,
                "sso": null,
                "username": u.username.clone().unwrap_or_default(),
                "groups": groups(&Value::Null),
                "userid": "",
            }));
        }
        vec![(key, Value::Array(entries))]
    };
    let remove = |key: &'static str, r: &Remove, identity: fn(&str) -> String| {
        let id = identity(&r.arn);
        let entries: Vec<Value> = list(key)
            .into_iter()
            .filter(|e| {
                let arn = e["arn"].as_str().unwrap_or_default();
                let same = !arn.is_empty() && identity(arn) == id;
                let name_ok = r
                    .username
                    .as_ref()
                    .is_none_or(|n| e["username"].as_str() == Some(n));
                !(same && name_ok)
            })
            .collect();
        vec![(key, Value::Array(entries))]
    };
    let accounts: Vec<Value> = before["mapAccounts"]["kept"].as_array().unwrap().clone();
    match edit {
        Edit::UpsertRole(u) => upsert("mapRoles", u, role_identity),
        Edit::UpsertUser(u) => upsert("mapUsers", u, user_identity),
        Edit::RemoveRole(r) => remove("mapRoles", r, role_identity),
        Edit::RemoveUser(r) => remove("mapUsers", r, user_identity),
        Edit::RemoveByUsername { username } => ["mapRoles", "mapUsers"]
            .into_iter()
            .map(|key| {
                let entries: Vec<Value> = list(key)
                    .into_iter()
                    .filter(|e| e["username"].as_str() != Some(username))
                    .collect();
                (key, Value::Array(entries))
            })
            .collect(),
        Edit::AddAccount { account } => {
            let mut a = accounts;
            if !a.contains(&json!(account)) {
                a.push(json!(account));
            }
            vec![("mapAccounts", Value::Array(a))]
        }
        Edit::RemoveAccount { account } => {
            let a: Vec<Value> = accounts
                .into_iter()
                .filter(|x| x != &json!(account))
                .collect();
            vec![("mapAccounts", Value::Array(a))]
        }
    }
}

fn kept_of(result: &Value, key: &str) -> Value {
    if key == "mapAccounts" {
        return result[key]["kept"].clone();
    }
    let role = key == "mapRoles";
    Value::Array(
        result[key]["kept"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| kept_entry(k, role))
            .collect(),
    )
}

/// (c): the authenticator's reading after the edit.
fn compare_edit(before: &Value, after: &Value, edit: &Edit) -> Vec<String> {
    let mut out = Vec::new();
    let expected = expected_after(before, edit);
    for key in ["mapRoles", "mapUsers", "mapAccounts"] {
        let a = &after[key];
        if before[key]["error"].is_null() && !a["error"].is_null() {
            out.push(format!("{key}: the edit adds the error {}", a["error"]));
        }
        match expected.iter().find(|(k, _)| *k == key) {
            Some((_, want)) => {
                let got = kept_of(after, key);
                if &got != want {
                    out.push(format!(
                        "{key}: after the edit the authenticator keeps {} but the edit means {}",
                        short(&got),
                        short(want)
                    ));
                }
            }
            None => {
                if before[key] != after[key] {
                    out.push(format!(
                        "{key}: not edited, but the authenticator reads it differently: {} then {}",
                        short(&before[key]),
                        short(&after[key])
                    ));
                }
            }
        }
    }
    out
}

fn panic_text(e: &Box<dyn std::any::Any + Send>) -> String {
    e.downcast_ref::<String>()
        .cloned()
        .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------

#[test]
fn our_reading_and_edits_agree_with_aws_iam_authenticator() {
    let started = std::time::Instant::now();
    let mut inputs = Vec::new();
    let mut skipped = Vec::new();
    fixtures(&mut inputs, &mut skipped);
    let corpus_files = corpus(&mut inputs, &mut skipped);
    let root = repo_root();
    cases(
        &mut inputs,
        "case",
        &root.join("testing/authcheck/cases.ndjson"),
    );
    let before = inputs.len();
    cases(
        &mut inputs,
        "regression",
        &root.join("testing/differential/tests/regressions.ndjson"),
    );
    let regressions = inputs.len() - before;
    let generated_from = inputs.len();
    generated(&mut inputs);
    let generated_count = inputs.len() - generated_from;
    assert!(
        generated_count >= 20_000,
        "{generated_count} generated data maps, fewer than the floor of 20,000"
    );
    let originals = inputs.len();

    // The edits, on a sample (every fixture and corpus manifest, every EDIT_SAMPLE-th other).
    let mut refused = 0usize;
    let mut panics: Vec<String> = Vec::new();
    let mut edited = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let always = ["fixture", "corpus", "regression"]
            .iter()
            .any(|k| input.label.starts_with(k));
        if !always && i % EDIT_SAMPLE != 0 {
            continue;
        }
        let Ok(auth) = std::panic::catch_unwind(|| AwsAuth::from_data(input.data.clone())) else {
            continue; // reported by the comparison below
        };
        // The list is read lazily: reading it may panic here first.
        let edits =
            match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| edits_for(&auth))) {
                Ok(edits) => edits,
                Err(e) => {
                    panics.push(format!(
                        "{}\n    data: {}\n    our core panics: {}",
                        input.label,
                        data_json(&input.data),
                        panic_text(&e)
                    ));
                    continue;
                }
            };
        for edit in edits {
            let mut a = auth.clone();
            let options = Options {
                force: false,
                allow_lockout: true,
            };
            let applied = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                a.apply(std::slice::from_ref(&edit), &options)
            }));
            match applied {
                Err(e) => panics.push(format!(
                    "{} + {}\n    data: {}\n    our core panics: {}",
                    input.label,
                    serde_json::to_string(&edit).unwrap(),
                    data_json(&input.data),
                    panic_text(&e)
                )),
                // The editor wrote something that does not read back as it decided: refused,
                // so nothing is lost, but it is our bug, not the input's.
                Ok(Err(e @ aws_auth_core::Error::Manifest { .. })) => panics.push(format!(
                    "{} + {}\n    data: {}\n    our edit does not read back: {e}",
                    input.label,
                    serde_json::to_string(&edit).unwrap(),
                    data_json(&input.data),
                )),
                Ok(Ok(_)) => edited.push(Input {
                    label: format!(
                        "{} + {}",
                        input.label,
                        serde_json::to_string(&edit).unwrap()
                    ),
                    data: a.data(),
                    edit: Some((i, edit)),
                }),
                Ok(Err(_)) => refused += 1,
            }
        }
    }
    let edits_applied = edited.len();
    inputs.extend(edited);

    // One run of the checker for everything.
    let requests = inputs
        .iter()
        .enumerate()
        .map(|(i, input)| json!({"label": i.to_string(), "data": data_json(&input.data)}))
        .collect();
    let results = run_checker(&["--batch".into(), "--labelled".into()], requests);

    let mut disagreements: Vec<String> = panics;
    let mut per_source: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, (input, result)) in inputs.iter().zip(&results).enumerate() {
        assert_eq!(result["label"], json!(i.to_string()));
        assert!(
            result["inputError"].is_null(),
            "{}: {}",
            input.label,
            result["inputError"]
        );
        let source = match &input.edit {
            Some(_) => "edit",
            None => input.label.split(' ').next().unwrap(),
        };
        *per_source.entry(source).or_default() += 1;
        let found = std::panic::catch_unwind(|| {
            let auth = AwsAuth::from_data(input.data.clone());
            compare(&auth, result)
        })
        .unwrap_or_else(|e| vec![format!("our core panics: {}", panic_text(&e))]);
        let edit_found = match &input.edit {
            Some((from, edit)) => compare_edit(&results[*from], result, edit),
            None => Vec::new(),
        };
        for f in found.into_iter().chain(edit_found) {
            disagreements.push(format!(
                "{}\n    data: {}\n    {f}",
                input.label,
                data_json(&input.data)
            ));
        }
    }

    let _ = writeln!(
        std::io::stderr(),
        "differential: {} data maps compared ({} originals: {per_source:?}; {generated_count} \
         generated, {regressions} regressions, {corpus_files} corpus files, {} manifests skipped \
         as unparsable; {edits_applied} edits applied, {refused} refused), {} disagreements, \
         {:.1?}",
        inputs.len(),
        originals,
        skipped.len(),
        disagreements.len(),
        started.elapsed()
    );
    for s in &skipped {
        let _ = writeln!(std::io::stderr(), "  skipped: {s}");
    }
    if std::env::var_os("AWS_AUTH_DIFF_ALL").is_some() {
        for d in &disagreements {
            let _ = writeln!(std::io::stderr(), "{d}");
        }
    }
    if !disagreements.is_empty() {
        let shown: Vec<_> = disagreements.iter().take(20).cloned().collect();
        panic!(
            "{} disagreements with aws-iam-authenticator (first 20):\n{}",
            disagreements.len(),
            shown.join("\n")
        );
    }
}
