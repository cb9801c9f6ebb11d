//! Applies edits given as JSON to a manifest: `cargo run --example try_edit -- FILE '[{"op":"upsertRole",...}]'`.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let text = std::fs::read_to_string(&args[1]).expect("read");
    let edits: Vec<aws_auth_core::Edit> = serde_json::from_str(&args[2]).expect("edits json");
    let mut auth = match aws_auth_core::AwsAuth::parse(&text) {
        Ok(a) => a,
        Err(e) => return eprintln!("error: {e}"),
    };
    for d in auth.validate() {
        eprintln!("{d}");
    }
    match auth.apply(&edits, &aws_auth_core::Options::default()) {
        Ok(changes) => {
            for c in changes {
                eprintln!("{c}");
            }
            print!("{auth}");
        }
        Err(e) => eprintln!("error: {e}"),
    }
}
