//! `kubectl-aws_auth`: the same program, found by kubectl as the plugin `kubectl aws-auth`.

fn main() -> std::process::ExitCode {
    aws_auth_cli::main_as("kubectl-aws_auth")
}
