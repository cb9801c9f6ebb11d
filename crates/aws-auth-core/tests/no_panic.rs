//! No input makes the library panic (issue 17): every minimal input of a past disagreement
//! with aws-iam-authenticator (`testing/differential/tests/regressions.ndjson`) and a
//! fixed-seed fuzz corpus of mutations of them go through `from_data` and `parse`,
//! `mappings`, `validate`, `data`, printing, and every kind of edit. Run it in release too:
//! `cargo test --release -p aws-auth-core --test no_panic`.

use std::panic::{AssertUnwindSafe, catch_unwind};

use aws_auth_core::{AwsAuth, Edit, Options, Remove, Upsert};

/// Mutations made of each reproducer.
const MUTATIONS: usize = 120;

/// What a mutation inserts: the characters and tokens YAML 1.1 and 1.2 read differently.
const PIECES: &[&str] = &[
    "\t", " ", "\n", "-", "- ", ":", ": ", "'", "\"", "[", "]", "{", "}", ",", "#", "!", "!foo ",
    "&a ", "*a", "|", ">", "|-\n", "...", "---", "\n...\n", "\n--- ", "\\", "\u{feff}", "é", "\r",
    "? ", "%", "@", "`", "~", "yes", "0123",
];

fn reproducers() -> Vec<(String, Vec<(String, String)>)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testing/differential/tests/regressions.ndjson"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let data = v["data"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
                .collect();
            (v["label"].as_str().unwrap().to_string(), data)
        })
        .collect()
}

/// A small deterministic generator (xorshift64*): the corpus is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self, below: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % below.max(1)
    }
}

/// `text` with one to three pieces inserted, removed or swapped at character boundaries.
fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut out = text.to_string();
    for _ in 0..=rng.next(3) {
        let bounds: Vec<usize> = out
            .char_indices()
            .map(|(i, _)| i)
            .chain([out.len()])
            .collect();
        let at = bounds[rng.next(bounds.len())];
        match rng.next(3) {
            0 | 1 => out.insert_str(at, PIECES[rng.next(PIECES.len())]),
            _ => {
                if let Some(&next) = bounds.iter().find(|&&b| b > at) {
                    out.replace_range(at..next, "");
                }
            }
        }
    }
    out
}

fn edits(auth: &AwsAuth) -> Vec<Edit> {
    let m = auth.mappings();
    let role = m
        .roles
        .iter()
        .find_map(|r| r.rolearn.clone())
        .unwrap_or_else(|| "arn:aws:iam::111122223333:role/a".into());
    let user = m
        .users
        .iter()
        .find_map(|u| u.userarn.clone())
        .unwrap_or_else(|| "arn:aws:iam::111122223333:user/a".into());
    let account = m.accounts.first().cloned().unwrap_or_default();
    vec![
        Edit::UpsertRole(Upsert::new(
            "arn:aws:iam::999999999999:role/new",
            "new",
            ["system:masters"],
        )),
        Edit::UpsertRole(Upsert::new(role.clone(), "on", ["~", "a: b"])),
        Edit::UpsertRole(Upsert {
            append: true,
            update_username: false,
            ..Upsert::new(role.clone(), "", ["g"])
        }),
        Edit::RemoveRole(Remove {
            arn: role,
            ..Remove::default()
        }),
        Edit::UpsertUser(Upsert::new(user.clone(), "yes", ["0123"])),
        Edit::RemoveUser(Remove {
            arn: user,
            ..Remove::default()
        }),
        Edit::RemoveByUsername {
            username: "x".into(),
        },
        Edit::AddAccount {
            account: "999999999999".into(),
        },
        Edit::RemoveAccount { account },
    ]
}

/// Everything the library does with one document; `Err` with what panicked.
fn exercise(auth: &AwsAuth) -> Result<(), String> {
    let run = |what: &str, f: &dyn Fn()| {
        catch_unwind(AssertUnwindSafe(f)).map_err(|e| {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            format!("{what}: {msg}")
        })
    };
    run("mappings", &|| drop(auth.mappings()))?;
    run("validate", &|| drop(auth.validate()))?;
    run("data", &|| drop(auth.data()))?;
    run("print", &|| drop(auth.to_string()))?;
    for edit in edits(auth) {
        for allow_lockout in [false, true] {
            let options = Options {
                force: true,
                allow_lockout,
            };
            run(&format!("{edit:?}"), &|| {
                let mut a = auth.clone();
                if a.apply(std::slice::from_ref(&edit), &options).is_ok() {
                    drop(a.validate());
                    drop(a.to_string());
                }
            })?;
        }
    }
    Ok(())
}

/// The data as a ConfigMap manifest, each value a double-quoted YAML (and JSON) string.
fn manifest(data: &[(String, String)]) -> String {
    let mut out = String::from(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n",
    );
    for (k, v) in data {
        out.push_str(&format!("  {k}: {}\n", serde_json::to_string(v).unwrap()));
    }
    out
}

#[test]
fn no_reproducer_or_mutation_of_one_makes_the_library_panic() {
    let mut failures = Vec::new();
    let mut checked = 0;
    // Manifests that parse, so that the edits below run on them too, not only on `from_data`.
    let mut parsed_manifests = 0;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for (label, data) in reproducers() {
        let mut variants = vec![data.clone()];
        for _ in 0..MUTATIONS {
            variants.push(
                data.iter()
                    .map(|(k, v)| (k.clone(), mutate(v, &mut rng)))
                    .collect(),
            );
        }
        for d in variants {
            checked += 1;
            let from_data = catch_unwind(|| AwsAuth::from_data(d.clone()))
                .map_err(|_| "from_data".to_string())
                .and_then(|auth| exercise(&auth));
            let text = manifest(&d);
            let parsed = match catch_unwind(|| AwsAuth::parse(&text)) {
                Err(_) => Err("parse".to_string()),
                Ok(Ok(auth)) => {
                    parsed_manifests += 1;
                    exercise(&auth)
                }
                Ok(Err(_)) => Ok(()),
            };
            for e in [from_data, parsed].into_iter().filter_map(Result::err) {
                failures.push(format!("{label}: {d:?}: panics in {e}"));
            }
        }
    }
    assert!(checked > 3000, "{checked} data maps");
    // Each value is a double-quoted string: every manifest parses, and `parse` is exercised.
    assert_eq!(parsed_manifests, checked, "manifests that parse");
    assert!(
        failures.is_empty(),
        "{} of {checked} data maps make the library panic; the first:\n{}",
        failures.len(),
        failures
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
