//! Entry ownership on a 4,000-entry map (see `BENCHMARKS.md`): a manager's apply of 100
//! desired entries against one plain upsert of the same map, each the whole job of one CLI run
//! (parse, edit, print).
//!
//! - `ownership/upsert_one`: one new role by `upsert`, the baseline.
//! - `ownership/apply_100_new`: a manager's first apply, 100 new roles.
//! - `ownership/reapply_100_half_changed`: the same manager again, 50 of its roles changed.
//! - `ownership/release_100`: that manager released, its 100 roles removed.
//!
//! Run: `cargo bench -p aws-auth-core --bench ownership`.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Duration;

use aws_auth_core::{ApplyOptions, AwsAuth, Desired, DesiredEntry, Edit, Options, Upsert};
use criterion::{Criterion, criterion_group, criterion_main};

const ENTRIES: usize = 4_000;
const DESIRED: usize = 100;

/// A manifest with `entries` block-style roles that nobody manages, and one admin user.
fn manifest(entries: usize) -> String {
    let mut s = String::from(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  mapRoles: |\n",
    );
    for i in 0..entries {
        write!(s, "    - rolearn: arn:aws:iam::111122223333:role/nodegroup-{i:05}-NodeInstanceRole\n      username: system:node:{{{{EC2PrivateDNSName}}}}\n      groups:\n        - system:bootstrappers\n        - system:nodes\n").unwrap();
    }
    s.push_str("  mapUsers: |\n    - userarn: arn:aws:iam::111122223333:user/ada\n      username: ada\n      groups:\n        - system:masters\n");
    s
}

/// What the manager wants: `DESIRED` roles, the first `changed` with another group.
fn desired(changed: usize) -> Desired {
    Desired {
        roles: (0..DESIRED)
            .map(|j| {
                let group = if j < changed {
                    "deployers-v2"
                } else {
                    "deployers"
                };
                DesiredEntry::new(
                    format!("arn:aws:iam::444455556666:role/pipeline-{j:03}"),
                    format!("pipeline-{j:03}"),
                    [group, "viewers"],
                )
            })
            .collect(),
        ..Desired::default()
    }
}

fn bench(c: &mut Criterion) {
    let base = manifest(ENTRIES);
    let managed = {
        let mut auth = AwsAuth::parse(&base).unwrap();
        auth.apply_as("pipelines", &desired(0), &ApplyOptions::default())
            .unwrap();
        auth.to_string()
    };
    let mut group = c.benchmark_group("ownership");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(8));
    group.bench_function("upsert_one", |b| {
        let edit = [Edit::UpsertRole(Upsert::new(
            "arn:aws:iam::444455556666:role/one",
            "one",
            ["viewers"],
        ))];
        b.iter(|| {
            let mut auth = AwsAuth::parse(black_box(&base)).unwrap();
            auth.apply(&edit, &Options::default()).unwrap();
            auth.to_string()
        });
    });
    group.bench_function("apply_100_new", |b| {
        let want = desired(0);
        b.iter(|| {
            let mut auth = AwsAuth::parse(black_box(&base)).unwrap();
            let applied = auth
                .apply_as("pipelines", &want, &ApplyOptions::default())
                .unwrap();
            assert_eq!(applied.changes.len(), DESIRED);
            auth.to_string()
        });
    });
    group.bench_function("reapply_100_half_changed", |b| {
        let want = desired(DESIRED / 2);
        b.iter(|| {
            let mut auth = AwsAuth::parse(black_box(&managed)).unwrap();
            auth.apply_as("pipelines", &want, &ApplyOptions::default())
                .unwrap();
            auth.to_string()
        });
    });
    group.bench_function("release_100", |b| {
        b.iter(|| {
            let mut auth = AwsAuth::parse(black_box(&managed)).unwrap();
            auth.release("pipelines", &ApplyOptions::default()).unwrap();
            auth.to_string()
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
