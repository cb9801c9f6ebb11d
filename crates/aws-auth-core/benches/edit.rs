//! Edit benchmarks on a generated ConfigMap at the 1 MiB size limit (see `BENCHMARKS.md`).
//!
//! - `ours/*`: parse + upsert + write with this crate.
//! - `peer/serde_norway`: the same job done the `serde_yaml` way (deserialize the manifest and the
//!   `mapRoles` string into structs, push, serialize both back).
//! - `batch/*`: one `apply` of many upserts, at several list and batch sizes, to show that the
//!   cost grows with entries + upserts, not their product.
//! - `phase/*`: where the time of one upsert goes (parse, apply, print).
//!
//! Run: `cargo bench -p aws-auth-core --bench edit`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Duration;

use aws_auth_core::{AwsAuth, Edit, Options, Upsert};
use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use serde::{Deserialize, Serialize};

/// Entries in the main manifest: about 1 MiB of `mapRoles`.
const ENTRIES: usize = 5_000;
/// Entries in the batch manifests' largest size: 1,000 upserts (half of them new entries)
/// must keep the data under the 1 MiB a ConfigMap holds.
const BATCH_ENTRIES: usize = 4_000;

/// A few accounts, so ARNs are not all alike.
const ACCOUNTS: [&str; 4] = [
    "111122223333",
    "444455556666",
    "777788889999",
    "210987654321",
];

/// A deterministic pseudo-random suffix (splitmix64), like the ones CloudFormation appends.
fn suffix(i: usize) -> String {
    let mut z = (i as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    format!("{:012X}", z & 0xFFFF_FFFF_FFFF)
}

/// The role ARN of entry `i` (unique per `i`).
fn role_arn(i: usize) -> String {
    let account = ACCOUNTS[i % ACCOUNTS.len()];
    if i.is_multiple_of(2) {
        format!(
            "arn:aws:iam::{account}:role/eks-nodegroup-{i:05}-NodeInstanceRole-{}",
            suffix(i)
        )
    } else {
        format!(
            "arn:aws:iam::{account}:role/platform-team-{i:05}-developer-access-{}",
            suffix(i)
        )
    }
}

/// Username and two groups of entry `i`: node roles and team roles alternate.
fn role_values(i: usize) -> (String, [String; 2]) {
    if i.is_multiple_of(2) {
        (
            "system:node:{{EC2PrivateDNSName}}".into(),
            ["system:bootstrappers".into(), "system:nodes".into()],
        )
    } else {
        (
            format!("team-{i:05}:{{{{SessionName}}}}"),
            [
                format!("team-{i:05}-editors"),
                format!("team-{i:05}-viewers"),
            ],
        )
    }
}

/// A manifest with `entries` block-style `mapRoles` entries (about 210 bytes each) and a small
/// `mapUsers`, as `kubectl get -o yaml` would print it.
fn manifest(entries: usize) -> String {
    let mut s = String::with_capacity(entries * 220 + 1024);
    s.push_str("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  mapRoles: |\n");
    for i in 0..entries {
        let (username, [g1, g2]) = role_values(i);
        let arn = role_arn(i);
        write!(s, "    - rolearn: {arn}\n      username: {username}\n      groups:\n        - {g1}\n        - {g2}\n").unwrap();
    }
    s.push_str("  mapUsers: |\n");
    for (name, group) in [
        ("ada", "system:masters"),
        ("grace", "system:masters"),
        ("linus", "view-only"),
    ] {
        write!(s, "    - userarn: arn:aws:iam::111122223333:user/{name}\n      username: {name}\n      groups:\n        - {group}\n").unwrap();
    }
    s
}

/// An upsert that adds a new role.
fn new_role(j: usize) -> Edit {
    Edit::UpsertRole(Upsert::new(
        format!(
            "arn:aws:iam::111122223333:role/added-by-bench-{j:05}-{}",
            suffix(1_000_000 + j)
        ),
        format!("added-{j:05}:{{{{SessionName}}}}"),
        ["system:authenticated", "bench-readers"],
    ))
}

/// An upsert that changes the groups of existing entry `i`.
fn update_role(i: usize) -> Edit {
    let (username, _) = role_values(i);
    Edit::UpsertRole(Upsert::new(
        role_arn(i),
        username,
        ["system:bootstrappers", "system:nodes", "bench-extra"],
    ))
}

/// `upserts` edits: half update existing entries spread over the list, half add new ones.
fn batch(entries: usize, upserts: usize) -> Vec<Edit> {
    let updates = upserts / 2;
    let mut edits = Vec::with_capacity(upserts);
    for k in 0..updates {
        edits.push(update_role(k * entries / updates));
    }
    for j in 0..upserts - updates {
        edits.push(new_role(j));
    }
    edits
}

/// parse + apply + print: the whole job of one CLI invocation.
fn ours(text: &str, edits: &[Edit]) -> String {
    let mut auth = AwsAuth::parse(text).expect("parse");
    let changes = auth.apply(edits, &Options::default()).expect("apply");
    assert_eq!(changes.len(), edits.len());
    auth.to_string()
}

// The peer: what a serde_yaml-based tool does.

#[derive(Serialize, Deserialize)]
struct ConfigMap {
    #[serde(rename = "apiVersion")]
    api_version: String,
    kind: String,
    metadata: Metadata,
    #[serde(default)]
    data: BTreeMap<String, String>,
}

#[derive(Serialize, Deserialize)]
struct Metadata {
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    namespace: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct RoleMapping {
    rolearn: String,
    username: String,
    #[serde(default)]
    groups: Vec<String>,
}

fn peer(text: &str) -> String {
    let mut cm: ConfigMap = serde_norway::from_str(text).expect("peer: outer");
    let mut roles: Vec<RoleMapping> =
        serde_norway::from_str(cm.data.get("mapRoles").map_or("", String::as_str))
            .expect("peer: mapRoles");
    roles.push(RoleMapping {
        rolearn: "arn:aws:iam::111122223333:role/added-by-bench".into(),
        username: "added:{{SessionName}}".into(),
        groups: vec!["system:authenticated".into(), "bench-readers".into()],
    });
    cm.data.insert(
        "mapRoles".into(),
        serde_norway::to_string(&roles).expect("peer: write mapRoles"),
    );
    serde_norway::to_string(&cm).expect("peer: write outer")
}

fn single(c: &mut Criterion) {
    let text = manifest(ENTRIES);
    let add = [new_role(0)];
    let update = [update_role(ENTRIES / 2)];
    // Sanity: the edits do what they say, and the peer round-trips the same data.
    assert!(
        (1_000_000..1_200_000).contains(&text.len()),
        "manifest is {} bytes",
        text.len()
    );
    let out = ours(&text, &add);
    assert!(out.starts_with(&text[..text.find("  mapUsers:").unwrap()]));
    assert_eq!(
        AwsAuth::parse(&out).unwrap().mappings().roles.len(),
        ENTRIES + 1
    );
    assert_eq!(
        ours(&text, &update).len(),
        text.len() + "        - bench-extra\n".len()
    );
    let peer_out: ConfigMap = serde_norway::from_str(&peer(&text)).unwrap();
    assert_eq!(
        serde_norway::from_str::<Vec<RoleMapping>>(&peer_out.data["mapRoles"])
            .unwrap()
            .len(),
        ENTRIES + 1
    );

    let mut g = c.benchmark_group("ours");
    g.sample_size(20).measurement_time(Duration::from_secs(4));
    g.bench_function("parse_upsert_write", |b| {
        b.iter(|| ours(black_box(&text), black_box(&add)))
    });
    g.bench_function("parse_upsert_existing", |b| {
        b.iter(|| ours(black_box(&text), black_box(&update)))
    });
    g.finish();

    let mut g = c.benchmark_group("peer");
    g.sample_size(20).measurement_time(Duration::from_secs(4));
    g.bench_function("serde_norway", |b| b.iter(|| peer(black_box(&text))));
    g.finish();

    // Where one upsert's time goes.
    let parsed = AwsAuth::parse(&text).unwrap();
    let mut edited = parsed.clone();
    edited.apply(&add, &Options::default()).unwrap();
    let mut g = c.benchmark_group("phase");
    g.sample_size(10).measurement_time(Duration::from_secs(3));
    g.bench_function("parse", |b| {
        b.iter(|| AwsAuth::parse(black_box(&text)).unwrap())
    });
    g.bench_function("validate", |b| b.iter(|| parsed.validate()));
    g.bench_function("apply_one", |b| {
        b.iter_batched(
            || parsed.clone(),
            |mut a| a.apply(&add, &Options::default()).unwrap(),
            BatchSize::PerIteration,
        )
    });
    g.bench_function("to_string", |b| b.iter(|| edited.to_string()));
    g.finish();
}

fn batches(c: &mut Criterion) {
    let mut g = c.benchmark_group("ours");
    g.sample_size(10).measurement_time(Duration::from_secs(4));
    // 4,000 entries: half of the upserts add entries, and the data must stay under the
    // 1 MiB a ConfigMap holds (edits past it are refused).
    let text = manifest(BATCH_ENTRIES);
    let edits = batch(BATCH_ENTRIES, 1_000);
    g.bench_function("batch_1000_upserts", |b| {
        b.iter(|| ours(black_box(&text), black_box(&edits)))
    });
    g.finish();

    // Entries × upserts; the 4,000 × 1,000 point is `ours/batch_1000_upserts`.
    let mut g = c.benchmark_group("batch");
    g.sample_size(10).measurement_time(Duration::from_secs(4));
    for (entries, upserts) in [(1_000, 1_000), (2_000, 1_000), (4_000, 250), (4_000, 2_000)] {
        let text = manifest(entries);
        let edits = batch(entries, upserts);
        let id = BenchmarkId::from_parameter(format!("{entries}_entries_{upserts}_upserts"));
        g.bench_with_input(id, &(text, edits), |b, (text, edits)| {
            b.iter(|| ours(black_box(text), black_box(edits)))
        });
    }
    g.finish();
}

criterion_group!(benches, single, batches);
criterion_main!(benches);
