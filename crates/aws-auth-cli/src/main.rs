//! `aws-auth`: parse the command line, run it, map the result to an exit status.

fn main() -> std::process::ExitCode {
    aws_auth_cli::main()
}
