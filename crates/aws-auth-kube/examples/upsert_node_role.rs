//! The Rust equivalent of the reference README's Go example: upsert a node group role with
//! retries. Run: `cargo run -p aws-auth-kube --example upsert_node_role` (uses your kubeconfig).

use std::time::Duration;

use aws_auth_core::{Edit, Options, Upsert};
use aws_auth_kube::{AwsAuthClient, RetryPolicy};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let client = kube::Client::try_default().await?;
    let aws_auth = AwsAuthClient::new(client).on_retry(|e| eprintln!("{e}"));
    let my_upsert_role = Upsert::new(
        "arn:aws:iam::555555555555:role/my-new-node-group-NodeInstanceRole-74RF4UBDUKL6",
        "system:node:{{EC2PrivateDNSName}}",
        ["system:bootstrappers", "system:nodes"],
    );
    let retry = RetryPolicy {
        enabled: true,
        min: Duration::from_millis(100),
        max: Duration::from_secs(30),
        max_attempts: 12,
    };
    let outcome = aws_auth
        .apply(
            &[Edit::UpsertRole(my_upsert_role)],
            &Options::default(),
            &retry,
        )
        .await?;
    for change in &outcome.changes {
        println!("{change}");
    }
    Ok(())
}
