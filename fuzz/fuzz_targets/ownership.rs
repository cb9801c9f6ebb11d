//! Apply and release by managers, between hand edits, on manifests whose metadata and record
//! come in the styles real ones have (block YAML, flow, JSON; no annotations, others, a record
//! that is fuzzed text). Every accepted apply leaves the manager owning exactly what it wants
//! with the wanted values and every entry it does not own as it was; every release forgets the
//! manager; every refusal leaves the text as it was; nothing reads back wrong.
#![no_main]

mod common;

use arbitrary::Arbitrary;
use aws_auth_core::{
    ApplyOptions, AwsAuth, Desired, DesiredEntry, Edit, ErrorKind, Options, Remove, Upsert,
};
use libfuzzer_sys::fuzz_target;

const ROLES: &[&str] = &[
    "arn:aws:iam::111122223333:role/nodes",
    "arn:aws:iam::111122223333:role/team/nodes",
    "ARN:AWS:IAM::111122223333:ROLE/NODES",
    "arn:aws:iam::111122223333:role/admin",
    "arn:aws:iam::444455556666:role/ops",
    "arn:aws:iam::111122223333:role/ci",
];
const USERS: &[&str] = &[
    "arn:aws:iam::111122223333:user/ada",
    "arn:aws:iam::111122223333:user/ADA",
    "arn:aws:iam::111122223333:user/bob",
];
const GROUPS: &[&str] = &["system:masters", "system:nodes", "view", "yes", "0123"];
const MANAGERS: &[&str] = &["cdk:Stack/Auth", "team-a", "pulumi:b"];

#[derive(Debug, Arbitrary)]
enum Metadata {
    Plain,
    OtherAnnotations,
    EmptyAnnotations,
    Record(String),
    FlowMetadata,
    Json,
}

#[derive(Debug, Arbitrary)]
struct Want {
    role: bool,
    pick: u8,
    username: u8,
    groups: Vec<u8>,
}

#[derive(Debug, Arbitrary)]
enum Op {
    Apply {
        manager: u8,
        wants: Vec<Want>,
        accounts: Vec<bool>,
        take_over: bool,
    },
    Release(u8),
    HandUpsert(Want),
    HandRemove { role: bool, pick: u8 },
}

#[derive(Debug, Arbitrary)]
struct Input {
    metadata: Metadata,
    roles: String,
    ops: Vec<Op>,
    allow_lockout: bool,
}

fn arn(role: bool, pick: u8) -> &'static str {
    let pool = if role { ROLES } else { USERS };
    pool[pick as usize % pool.len()]
}

fn entry(w: &Want) -> DesiredEntry {
    let groups: Vec<&str> = w
        .groups
        .iter()
        .take(3)
        .map(|g| GROUPS[*g as usize % GROUPS.len()])
        .collect();
    DesiredEntry::new(arn(w.role, w.pick), format!("user-{}", w.username % 4), groups)
}

fn manifest(input: &Input) -> String {
    let roles: String = input.roles.lines().map(|l| format!("    {l}\n")).collect();
    let data = format!("data:\n  mapRoles: |\n{roles}");
    let meta = match &input.metadata {
        Metadata::Plain => "metadata:\n  name: aws-auth\n  namespace: kube-system\n".to_string(),
        Metadata::OtherAnnotations => "metadata:\n  name: aws-auth\n  annotations:\n    team: platform # keep\n  namespace: kube-system\n".to_string(),
        Metadata::EmptyAnnotations => "metadata:\n  name: aws-auth\n  annotations:\n".to_string(),
        Metadata::Record(r) => format!("metadata:\n  name: aws-auth\n  annotations:\n    aws-auth/managers: {r:?}\n"),
        Metadata::FlowMetadata => "metadata: {name: aws-auth, annotations: {a: b}}\n".to_string(),
        Metadata::Json => {
            return format!(
                "{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{{\"name\":\"aws-auth\",\"annotations\":{{}}}},\"data\":{{\"mapRoles\":{:?}}}}}",
                input.roles
            );
        }
    };
    format!("apiVersion: v1\nkind: ConfigMap\n{meta}{data}")
}

/// Every entry not owned by `manager`: its values as read, and its owner.
fn others(auth: &AwsAuth, manager: &str) -> Vec<(String, Option<String>)> {
    let (m, o) = (auth.mappings(), auth.ownership());
    let roles = m.roles.iter().zip(&o.roles).map(|(r, w)| (format!("{r:?}"), w.clone()));
    let users = m.users.iter().zip(&o.users).map(|(u, w)| (format!("{u:?}"), w.clone()));
    roles
        .chain(users)
        .filter(|(_, w)| w.as_deref() != Some(manager))
        .collect()
}

/// Every entry the manager did not own before is there after with the same values: still its
/// owner's, or adopted by the manager (which takes only an entry that already has the values).
fn kept(before: &[(String, Option<String>)], auth: &AwsAuth, manager: &str) {
    let (m, o) = (auth.mappings(), auth.ownership());
    let mut after: Vec<(String, Option<String>)> = m
        .roles
        .iter()
        .zip(&o.roles)
        .map(|(r, w)| (format!("{r:?}"), w.clone()))
        .chain(m.users.iter().zip(&o.users).map(|(u, w)| (format!("{u:?}"), w.clone())))
        .collect();
    for (entry, owner) in before {
        let found = after.iter().position(|(e, w)| {
            e == entry && (w == owner || (owner.is_none() && w.as_deref() == Some(manager)))
        });
        match found {
            Some(i) => {
                after.remove(i);
            }
            None => panic!("an entry {manager} did not own changed or went: {entry} {owner:?}\n{auth}"),
        }
    }
}

fn refused(e: &aws_auth_core::Error, before: &str, auth: &AwsAuth) {
    assert_ne!(e.kind(), ErrorKind::Internal, "{e}");
    common::check_refusal(e, before, auth);
}

fuzz_target!(|input: Input| {
    let Ok(mut auth) = AwsAuth::parse(&manifest(&input)) else {
        return;
    };
    for op in input.ops.iter().take(8) {
        let before = auth.to_string();
        let before_errors = common::errors(&auth);
        let options = ApplyOptions {
            take_over: false,
            allow_lockout: input.allow_lockout,
        };
        match op {
            Op::Apply {
                manager,
                wants,
                accounts,
                take_over,
            } => {
                let manager = MANAGERS[*manager as usize % MANAGERS.len()];
                let (roles, users): (Vec<&Want>, Vec<&Want>) =
                    wants.iter().take(5).partition(|w| w.role);
                let desired = Desired {
                    roles: roles.into_iter().map(entry).collect(),
                    users: users.into_iter().map(entry).collect(),
                    accounts: accounts
                        .iter()
                        .take(2)
                        .map(|b| if *b { "111122223333" } else { "444455556666" }.to_string())
                        .collect(),
                };
                let before_others = others(&auth, manager);
                let options = ApplyOptions {
                    take_over: *take_over,
                    ..options
                };
                match auth.apply_as(manager, &desired, &options) {
                    Ok(_) => {
                        common::check_written(before_errors, &auth);
                        // What others own, and what nobody owns, stays, unless taken over.
                        if !take_over {
                            kept(&before_others, &auth, manager);
                        }
                        // Every wanted entry is there with the wanted values and owned.
                        let m = auth.mappings();
                        let o = auth.ownership();
                        for d in &desired.roles {
                            let id = d.arn.to_ascii_lowercase();
                            let found = m.roles.iter().zip(&o.roles).any(|(r, w)| {
                                r.rolearn.as_deref().is_some_and(|a| {
                                    a.to_ascii_lowercase() == id
                                        || aws_auth_core::strip_role_path(&id).as_deref()
                                            == Some(&a.to_ascii_lowercase())
                                }) && r.username.as_deref() == Some(&d.username)
                                    && w.as_deref() == Some(manager)
                            });
                            assert!(found, "{d:?} not applied:\n{}", auth);
                        }
                        let again = AwsAuth::parse(&auth.to_string()).unwrap();
                        assert_eq!(again.ownership(), o, "the record reads back");
                    }
                    Err(e) => refused(&e, &before, &auth),
                }
            }
            Op::Release(m) => {
                let manager = MANAGERS[*m as usize % MANAGERS.len()];
                match auth.release(manager, &options) {
                    Ok(_) => {
                        common::check_written(before_errors, &auth);
                        assert!(!auth.ownership().managers.iter().any(|x| x == manager));
                    }
                    Err(e) => refused(&e, &before, &auth),
                }
            }
            Op::HandUpsert(w) => {
                let d = entry(w);
                let edit = if w.role {
                    Edit::UpsertRole(Upsert::new(d.arn, d.username, d.groups))
                } else {
                    Edit::UpsertUser(Upsert::new(d.arn, d.username, d.groups))
                };
                let plain = Options {
                    force: true,
                    allow_lockout: input.allow_lockout,
                };
                match auth.apply(&[edit], &plain) {
                    Ok(_) => common::check_written(before_errors, &auth),
                    Err(e) => refused(&e, &before, &auth),
                }
            }
            Op::HandRemove { role, pick } => {
                let r = Remove {
                    arn: arn(*role, *pick).to_string(),
                    ..Remove::default()
                };
                let edit = if *role { Edit::RemoveRole(r) } else { Edit::RemoveUser(r) };
                let plain = Options {
                    force: true,
                    allow_lockout: input.allow_lockout,
                };
                match auth.apply(&[edit], &plain) {
                    Ok(_) => common::check_written(before_errors, &auth),
                    Err(e) => refused(&e, &before, &auth),
                }
            }
        }
    }
});
