//! Parity reference for the npm package: runs the same operations as `npm/test/parity.test.mjs`
//! through the native core over every file of a directory and prints one JSON object
//! `{file: {error} | {diagnostics, mappings, upsert, output}}`. The npm test compares it with
//! what the WebAssembly build gives, byte for byte.
//!
//! `cargo run -p aws-auth-wasm --example parity -- DIR > parity.json`

use aws_auth_core::{AwsAuth, Edit, Options, Upsert};
use serde_json::{Map, Value, json};

fn main() {
    let dir = std::env::args().nth(1).expect("usage: parity DIR");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("readable directory")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml") || n.ends_with(".json"))
        .collect();
    names.sort();
    let mut out = Map::new();
    for name in names {
        let text = std::fs::read_to_string(format!("{dir}/{name}")).expect("UTF-8 file");
        out.insert(name, run(&text));
    }
    println!("{}", Value::Object(out));
}

fn run(text: &str) -> Value {
    let mut auth = match AwsAuth::parse(text) {
        Ok(auth) => auth,
        Err(e) => return json!({ "error": e.code() }),
    };
    let diagnostics = auth.validate();
    let mappings = auth.mappings();
    let node = Upsert::new(
        "arn:aws:iam::111122223333:role/parity-nodes",
        "system:node:{{EC2PrivateDNSName}}",
        ["system:bootstrappers", "system:nodes"],
    );
    let upsert = match auth.apply(&[Edit::UpsertRole(node)], &Options::default()) {
        Ok(changes) => json!({ "changes": changes }),
        Err(e) => json!({ "error": e.code() }),
    };
    json!({ "diagnostics": diagnostics, "mappings": mappings, "upsert": upsert, "output": auth.to_string() })
}
