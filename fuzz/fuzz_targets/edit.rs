//! Structure-aware edits: a fuzzed `mapRoles`/`mapUsers` text inside one of the layouts real
//! manifests use (block YAML, eksctl, CDK JSON, bare data), and a sequence of edits built from
//! a small pool of ARNs (so that edits hit existing entries, paths and case variants) and
//! fuzzed strings. Every accepted edit must read back as decided and add no error; every
//! refused one must leave the text as it was.
#![no_main]

mod common;

use arbitrary::Arbitrary;
use aws_auth_core::{AwsAuth, Edit, Options, Remove, Upsert};
use libfuzzer_sys::fuzz_target;

const ARNS: &[&str] = &[
    "arn:aws:iam::111122223333:role/nodes",
    "arn:aws:iam::111122223333:role/team/nodes",
    "ARN:AWS:IAM::111122223333:ROLE/NODES",
    "arn:aws:iam::111122223333:role/admin",
    "arn:aws:iam::111122223333:user/ada",
    "arn:aws:iam::111122223333:user/ADA",
    "arn:aws:iam::444455556666:role/ops",
];
const GROUPS: &[&str] = &[
    "system:masters",
    "system:nodes",
    "system:bootstrappers",
    "view",
    "yes",
    "0123",
    "a b",
];

#[derive(Debug, Arbitrary)]
enum Layout {
    Block,
    BlockStrip,
    Eksctl,
    Json,
    BareData,
}

#[derive(Debug, Arbitrary)]
struct Arn {
    pick: u8,
    own: Option<String>,
}

impl Arn {
    fn text(&self) -> String {
        match &self.own {
            Some(s) if self.pick > 200 => s.clone(),
            _ => ARNS[self.pick as usize % ARNS.len()].to_string(),
        }
    }
}

#[derive(Debug, Arbitrary)]
enum Op {
    UpsertRole {
        arn: Arn,
        username: Option<String>,
        groups: Vec<u8>,
        append: bool,
        keep_username: bool,
    },
    UpsertUser {
        arn: Arn,
        username: Option<String>,
        groups: Vec<u8>,
        append: bool,
    },
    RemoveRole {
        arn: Arn,
        username: Option<String>,
        groups: Option<Vec<u8>>,
    },
    RemoveUser {
        arn: Arn,
        username: Option<String>,
    },
    RemoveByUsername(String),
    AddAccount(String),
    RemoveAccount(String),
}

#[derive(Debug, Arbitrary)]
struct Input {
    layout: Layout,
    roles: String,
    users: String,
    ops: Vec<Op>,
    force: bool,
    allow_lockout: bool,
}

fn groups(picks: &[u8]) -> Vec<String> {
    picks
        .iter()
        .map(|p| GROUPS[*p as usize % GROUPS.len()].to_string())
        .collect()
}

fn edit(op: &Op) -> Edit {
    match op {
        Op::UpsertRole {
            arn,
            username,
            groups: g,
            append,
            keep_username,
        } => Edit::UpsertRole(Upsert {
            append: *append,
            update_username: !keep_username,
            ..Upsert::new(
                arn.text(),
                username.clone().unwrap_or_else(|| "u".into()),
                groups(g),
            )
        }),
        Op::UpsertUser {
            arn,
            username,
            groups: g,
            append,
        } => Edit::UpsertUser(Upsert {
            append: *append,
            ..Upsert::new(
                arn.text(),
                username.clone().unwrap_or_else(|| "u".into()),
                groups(g),
            )
        }),
        Op::RemoveRole {
            arn,
            username,
            groups: g,
        } => Edit::RemoveRole(Remove {
            arn: arn.text(),
            username: username.clone(),
            groups: g.as_deref().map(groups),
        }),
        Op::RemoveUser { arn, username } => Edit::RemoveUser(Remove {
            arn: arn.text(),
            username: username.clone(),
            ..Remove::default()
        }),
        Op::RemoveByUsername(u) => Edit::RemoveByUsername {
            username: u.clone(),
        },
        Op::AddAccount(a) => Edit::AddAccount { account: a.clone() },
        Op::RemoveAccount(a) => Edit::RemoveAccount { account: a.clone() },
    }
}

fn indent(text: &str, by: &str) -> String {
    text.lines().map(|l| format!("{by}{l}\n")).collect()
}

fn manifest(input: &Input) -> String {
    let head =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\n";
    match input.layout {
        Layout::Block => format!(
            "{head}data:\n  mapRoles: |\n{}  mapUsers: |\n{}",
            indent(&input.roles, "    "),
            indent(&input.users, "    ")
        ),
        Layout::BlockStrip => format!(
            "data:\n  mapUsers: |-\n{}  mapRoles: |-\n{}kind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\napiVersion: v1\n",
            indent(&input.users, "    "),
            indent(&input.roles, "    ")
        ),
        Layout::Eksctl => format!(
            "{head}data:\n  mapRoles: |\n{}",
            indent(&input.roles, "     ")
        ),
        Layout::Json => {
            let q = |s: &str| format!("{s:?}");
            format!(
                "{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{{\"name\":\"aws-auth\",\"namespace\":\"kube-system\"}},\"data\":{{\"mapRoles\":{},\"mapUsers\":{}}}}}",
                q(&input.roles),
                q(&input.users)
            )
        }
        Layout::BareData => format!(
            "mapRoles: |\n{}mapUsers: |\n{}",
            indent(&input.roles, "  "),
            indent(&input.users, "  ")
        ),
    }
}

fuzz_target!(|input: Input| {
    let text = manifest(&input);
    let Ok(mut auth) = AwsAuth::parse(&text) else {
        return;
    };
    let options = Options {
        force: input.force,
        allow_lockout: input.allow_lockout,
    };
    // One at a time (each must hold on its own) and then all at once (all or nothing).
    for op in input.ops.iter().take(8) {
        let before = auth.to_string();
        let before_errors = common::errors(&auth);
        match auth.apply(&[edit(op)], &options) {
            Ok(_) => common::check_written(before_errors, &auth),
            Err(e) => common::check_refusal(&e, &before, &auth),
        }
    }
    let Ok(mut auth) = AwsAuth::parse(&text) else {
        return;
    };
    let edits: Vec<Edit> = input.ops.iter().take(8).map(edit).collect();
    let before_errors = common::errors(&auth);
    match auth.apply(&edits, &options) {
        Ok(_) => common::check_written(before_errors, &auth),
        Err(e) => common::check_refusal(&e, &text, &auth),
    }
});
