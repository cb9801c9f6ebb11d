//! Applies edits (JSON, as `aws_auth_core::Edit` serialises) to a manifest file and prints the
//! result: `cargo run -p aws-auth-core --example edit_manifest -- FILE '[{"op":"upsertRole",...}]'`.
//! Diagnostics and the change report go to stderr, the manifest to stdout.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(path), Some(edits)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: edit_manifest FILE EDITS_JSON");
        return ExitCode::from(2);
    };
    let run = || -> Result<String, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
        let edits: Vec<aws_auth_core::Edit> =
            serde_json::from_str(edits).map_err(|e| format!("edits: {e}"))?;
        let mut auth = aws_auth_core::AwsAuth::parse(&text).map_err(|e| format!("{path}: {e}"))?;
        for d in auth.validate() {
            eprintln!("{d}");
        }
        for change in auth
            .apply(&edits, &aws_auth_core::Options::default())
            .map_err(|e| format!("{path}: {e}"))?
        {
            eprintln!("{change}");
        }
        Ok(auth.to_string())
    };
    match run() {
        Ok(out) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
