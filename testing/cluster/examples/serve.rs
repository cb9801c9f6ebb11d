//! Starts a test cluster for tests written in other languages (the npm package's Node tests):
//! prints one JSON line `{"server", "ca", "token", "kubeconfig", "dir"}` on stdout once the
//! cluster is ready, then keeps it running until stdin closes (the parent exits or closes the
//! pipe), and stops it.
//!
//! `cargo run -p test-cluster --example serve`
use std::io::Read;

use test_cluster::TestCluster;

fn main() {
    let cluster = match TestCluster::start() {
        Ok(cluster) => cluster,
        Err(e) => {
            eprintln!("serve: {e}");
            std::process::exit(1);
        }
    };
    let token = cluster.bearer_token().unwrap_or_else(|e| {
        eprintln!("serve: {e}");
        std::process::exit(1);
    });
    let ca = std::fs::read_to_string(cluster.ca_cert()).unwrap_or_default();
    let line = serde_json::json!({
        "server": cluster.server_url(),
        "ca": ca,
        "token": token,
        "kubeconfig": cluster.kubeconfig(),
        "dir": cluster.dir(),
    });
    println!("{line}");
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
    drop(cluster);
}
