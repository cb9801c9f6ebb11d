//! The command line: clap derive types. The `///` comments are the help text.

use std::path::PathBuf;
use std::time::Duration;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

use crate::duration::parse_duration;

/// aws-auth modifies the aws-auth configmap on eks clusters, safely and losslessly.
///
/// Works on a live cluster (kubeconfig, like kubectl; or an EKS cluster by name with
/// --eks-cluster, no kubeconfig needed) or, with -f, on a manifest file.
#[derive(Debug, Parser)]
#[command(
    name = "aws-auth",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub eks: EksArgs,
}

/// Reaching an EKS cluster without a kubeconfig (global: before or after the subcommand).
#[derive(Debug, Clone, Args)]
pub struct EksArgs {
    /// Reach this EKS cluster with no kubeconfig: endpoint and CA from eks:DescribeCluster, a
    /// token signed here (as `aws eks get-token`), AWS credentials from the standard chain
    /// (environment, profile and SSO, web identity, EKS Pod Identity, instance metadata).
    /// Example: --eks-cluster prod --region eu-west-1
    #[arg(long, global = true, value_name = "NAME")]
    pub eks_cluster: Option<String>,
    /// The AWS region of the EKS cluster [default: AWS_REGION, AWS_DEFAULT_REGION, the
    /// profile's region]. Example: --region eu-west-1
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,
}

/// The subcommands. Examples are verbatim lines after the options (`after_help`), as kubectl
/// shows them: in the doc comment clap would reflow them into one run-on paragraph.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// upsert updates or inserts a user or role to the aws-auth configmap
    ///
    /// Adds an entry for the ARN, or gives every entry with that ARN (any case, any role path)
    /// the username and groups given.
    #[command(after_help = UPSERT_EXAMPLES)]
    Upsert(UpsertArgs),
    /// remove removes a user or role from the aws-auth configmap
    ///
    /// Removes every entry with the ARN; --username and --groups narrow that to the entries
    /// with exactly that username and that set of groups.
    #[command(after_help = REMOVE_EXAMPLES)]
    Remove(RemoveArgs),
    /// remove-by-username removes every role and user mapping with a username
    #[command(after_help = REMOVE_BY_USERNAME_EXAMPLES)]
    RemoveByUsername(RemoveByUsernameArgs),
    /// apply makes a manager own exactly the entries in a file, leaving everyone else's alone
    ///
    /// The file holds the roles, users and accounts the manager wants, in the shape `get -o
    /// json` or `get -o yaml` prints (mapRoles, mapUsers, mapAccounts; entries with
    /// rolearn/userarn, username, groups). Entries the manager added before and no longer
    /// wants are removed; an existing entry with the same values is adopted; an entry another
    /// manager owns, or one nobody manages with other values, is refused unless --take-over.
    /// Who owns what is kept in the ConfigMap's annotation aws-auth/managers.
    #[command(after_help = APPLY_EXAMPLES)]
    Apply(ApplyArgs),
    /// release removes what a manager added (and nobody changed since) and forgets the manager
    ///
    /// Entries the manager adopted, or that someone changed since it wrote them, stay in place,
    /// no longer managed.
    #[command(after_help = RELEASE_EXAMPLES)]
    Release(ReleaseArgs),
    /// get shows the mappings of the aws-auth configmap
    #[command(after_help = GET_EXAMPLES)]
    Get(GetArgs),
    /// validate checks the aws-auth configmap the way aws-iam-authenticator reads it
    ///
    /// Prints each diagnostic on stdout; exits 1 when there is an error (with --strict, also a
    /// warning). -o github prints GitHub Actions workflow commands, with the lines of the
    /// manifest file, so that a pull request shows the findings inline.
    #[command(after_help = VALIDATE_EXAMPLES)]
    Validate(ValidateArgs),
    /// explain says whether aws-iam-authenticator maps a caller, through which entry, and why not
    ///
    /// The caller ARN is canonicalised as the authenticator's token verifier does (an STS
    /// assumed-role session becomes its role; a role's IAM path is dropped, as its sessions
    /// arrive without it). Prints the entry that maps it (key, index, line), the Kubernetes
    /// username and groups with templates filled as far as the ARN tells, and every near miss
    /// with its reason and a command that fixes it. Exit status: 0 when every caller is
    /// mapped, 1 when one is not (or on an error).
    #[command(after_help = EXPLAIN_EXAMPLES)]
    Explain(ExplainArgs),
    /// diff shows what changes for callers between two aws-auth manifests
    ///
    /// Compares the mappings as aws-iam-authenticator reads them: entries added, removed and
    /// changed (username, groups as a set) per key, by the authenticator's keys and only where
    /// they are live. A reformatting, a moved entry or reordered groups are no change; an entry
    /// killed by a new duplicate is a loss. Exit status: 0 when access is the same, 1 when it
    /// changed, 2 on usage errors and when a manifest cannot be read (as diff(1)).
    #[command(after_help = DIFF_EXAMPLES)]
    Diff(DiffArgs),
    /// access-entries plans the move from aws-auth to EKS access entries, and prunes after it
    ///
    /// Examples:
    ///   aws-auth access-entries plan -f aws-auth.yaml
    ///   aws-auth access-entries plan --cluster-name prod -o terraform --role-paths roles.json
    ///   aws-auth access-entries prune -f aws-auth.yaml -i --existing entries.json
    #[command(subcommand, verbatim_doc_comment)]
    AccessEntries(AccessEntriesCommand),
    /// token prints an EKS token as an ExecCredential, for a kubeconfig (like aws eks get-token)
    ///
    /// Signs the token here, with AWS credentials from the standard chain (environment, profile
    /// and SSO, web identity, EKS Pod Identity, instance metadata), for the STS endpoint of the
    /// region (--region, AWS_REGION, AWS_DEFAULT_REGION, the profile's region). The token is
    /// good for 15 minutes; status.expirationTimestamp says when to ask again (kubectl does).
    #[command(after_help = TOKEN_EXAMPLES)]
    Token(TokenArgs),
    /// Version of aws-auth
    Version,
    /// Prints a shell completion script
    #[command(after_help = COMPLETION_EXAMPLES)]
    Completion {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

// Each line stays under the 100 columns of the help, so that clap never rewraps one: long
// commands go on over `\` continuation lines, as a shell reads them.
const UPSERT_EXAMPLES: &str = "Examples:
  # Map the node role (the username is filled in for each node)
  aws-auth upsert --maproles --rolearn arn:aws:iam::555555555555:role/nodes \\
      --username 'system:node:{{EC2PrivateDNSName}}' --groups system:bootstrappers system:nodes

  # Make a user an administrator, in a manifest file rewritten in place
  aws-auth upsert -f aws-auth.yaml -i --mapusers \\
      --userarn arn:aws:iam::555555555555:user/ada --username ada --groups system:masters

  # Add a group to the groups a role has
  aws-auth upsert --rolearn arn:aws:iam::555555555555:role/ci --username ci --groups deploy --append";

const REMOVE_EXAMPLES: &str = "Examples:
  # Remove every entry of a user
  aws-auth remove --mapusers --userarn arn:aws:iam::555555555555:user/a-user

  # Show what removing the role's entries with username ci would change, change nothing
  aws-auth remove -f aws-auth.yaml --maproles --rolearn arn:aws:iam::555555555555:role/ci \\
      --username ci --diff --dry-run";

const REMOVE_BY_USERNAME_EXAMPLES: &str = "Examples:
  aws-auth remove-by-username --username ops-user
  aws-auth remove-by-username -f aws-auth.yaml -i --username ops-user --force";

const APPLY_EXAMPLES: &str = "Examples:
  aws-auth apply --manager team-payments --entries payments.yaml

  # Take the entries a manager has in one file, and own them in another
  aws-auth get -f old.yaml -o json | jq '{mapRoles: [.mapRoles[] | select(.manager == \"ci\")]}' \\
      | aws-auth apply --manager ci --entries - -f aws-auth.yaml -i";

const RELEASE_EXAMPLES: &str = "Examples:
  aws-auth release --manager team-payments --dry-run";

const GET_EXAMPLES: &str = "Examples:
  aws-auth get
  aws-auth get -o json
  aws-auth get -f aws-auth.yaml -o yaml";

const VALIDATE_EXAMPLES: &str = "Examples:
  aws-auth validate -f aws-auth.yaml --strict
  aws-auth validate -f aws-auth.yaml -o json

  # In a GitHub Actions step: findings show inline in the pull request
  aws-auth validate -f k8s/aws-auth.yaml -o github";

const EXPLAIN_EXAMPLES: &str = "Examples:
  # Why does this SSO session get Unauthorized?
  aws-auth explain --caller arn:aws:sts::555555555555:assumed-role/ops/alice@example.com

  # Several callers against a manifest file
  aws-auth explain -f aws-auth.yaml --caller arn:aws:iam::555555555555:role/ci \\
      --caller arn:aws:iam::555555555555:user/ada

  # Whoever the AWS CLI runs as, as JSON
  aws-auth explain --caller \"$(aws sts get-caller-identity --query Arn --output text)\" -o json";

const DIFF_EXAMPLES: &str = "Examples:
  aws-auth diff old/aws-auth.yaml new/aws-auth.yaml

  # What a branch changes, for review
  git show main:k8s/aws-auth.yaml | aws-auth diff - k8s/aws-auth.yaml -o json

  # What applying a file would change in the cluster
  aws-auth diff --live k8s/aws-auth.yaml --context prod";

const TOKEN_EXAMPLES: &str = "Examples:
  aws-auth token --cluster-name prod --region eu-west-1

  # In a kubeconfig, in place of `aws eks get-token` (no aws CLI needed):
  users:
  - name: prod
    user:
      exec:
        apiVersion: client.authentication.k8s.io/v1beta1
        command: aws-auth
        args: [token, --cluster-name, prod, --region, eu-west-1]
        env:                        # optional: the profile to sign with
        - name: AWS_PROFILE
          value: admin
        interactiveMode: Never

  # Or reach the cluster with no kubeconfig at all:
  aws-auth --eks-cluster prod --region eu-west-1 get";

const COMPLETION_EXAMPLES: &str = "Examples:
  aws-auth completion bash > /etc/bash_completion.d/aws-auth
  aws-auth completion zsh > \"${fpath[1]}/_aws-auth\"";

/// `token`.
#[derive(Debug, Clone, Args)]
pub struct TokenArgs {
    /// The EKS cluster's name (what aws-iam-authenticator knows it as). Example: --cluster-name prod
    #[arg(long, value_name = "NAME", required = true)]
    pub cluster_name: String,
}

/// Where the ConfigMap is: a cluster (the default) or a file.
#[derive(Debug, Clone, Args)]
pub struct TargetArgs {
    /// Work on a manifest file instead of a cluster ("-" reads stdin). Writing commands print
    /// the resulting manifest on stdout unless -i is given. Example: -f aws-auth.yaml
    #[arg(short = 'f', long = "file", value_name = "PATH|-")]
    pub file: Option<PathBuf>,
    /// Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster).
    /// Example: --kubeconfig ~/.kube/eks-prod
    #[arg(long, value_name = "PATH", conflicts_with = "file")]
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context to use. Example: --context prod
    #[arg(long, value_name = "NAME", conflicts_with = "file")]
    pub context: Option<String>,
    /// The namespace of the ConfigMap [default: kube-system]. With -f, picks the ConfigMap of
    /// that namespace when the file holds several (one that names no namespace fits any).
    #[arg(long, value_name = "NAMESPACE")]
    pub namespace: Option<String>,
    /// The name of the ConfigMap.
    #[arg(long, default_value = "aws-auth", value_name = "NAME")]
    pub name: String,
    /// Username to impersonate for the operation. Example: --as admin
    #[arg(long = "as", value_name = "USERNAME", conflicts_with = "file")]
    pub as_user: Option<String>,
    /// Group to impersonate for the operation, repeatable. Example: --as-group system:masters
    #[arg(long = "as-group", value_name = "GROUP", action = ArgAction::Append, conflicts_with = "file")]
    pub as_group: Vec<String>,
}

impl TargetArgs {
    /// The namespace of the live ConfigMap.
    pub fn namespace(&self) -> &str {
        self.namespace.as_deref().unwrap_or("kube-system")
    }
}

/// Flags shared by every writing command.
#[derive(Debug, Clone, Args)]
pub struct WriteArgs {
    /// With -f: rewrite the file in place (atomically, and only if it changed) instead of
    /// printing the manifest. Example: -f aws-auth.yaml -i
    #[arg(short = 'i', long = "in-place", requires = "file")]
    pub in_place: bool,
    /// Compute and report the change (marked "(dry run)"), write nothing; with -f, print no
    /// manifest either.
    #[arg(long)]
    pub dry_run: bool,
    /// Print a unified diff of the data that changes on stdout (with -f, instead of the
    /// manifest).
    #[arg(long)]
    pub diff: bool,
    /// Allow a write that leaves no entry granting system:masters (locks administrators out).
    #[arg(long)]
    pub allow_lockout: bool,
    #[command(flatten)]
    pub retry: RetryArgs,
}

/// Retries of live-cluster requests (the Go tool's flags and defaults).
#[derive(Debug, Clone, Args)]
pub struct RetryArgs {
    /// Retry on failure with exponential backoff
    #[arg(long)]
    pub retry: bool,
    /// Maximum number of attempts before giving up (the first included, as the Go tool counts)
    #[arg(long, default_value_t = 12, value_name = "int", value_parser = clap::value_parser!(u32).range(1..))]
    pub retry_max_count: u32,
    /// Minimum wait interval (Go duration: 200ms, 1s, 1m30s)
    #[arg(long, default_value = "200ms", value_parser = parse_duration, value_name = "duration")]
    pub retry_min_time: Duration,
    /// Maximum wait interval (Go duration: 30s, 1m30s)
    #[arg(long, default_value = "30s", value_parser = parse_duration, value_name = "duration")]
    pub retry_max_time: Duration,
}

/// Which key an entry goes to.
#[derive(Debug, Clone, Args)]
#[group(multiple = false)]
pub struct KindArgs {
    /// The entry is a role mapping (mapRoles); implied by --rolearn.
    #[arg(long)]
    pub maproles: bool,
    /// The entry is a user mapping (mapUsers); implied by --userarn.
    #[arg(long)]
    pub mapusers: bool,
    /// The entry is an account (mapAccounts); implied by --account.
    #[arg(long)]
    pub mapaccounts: bool,
}

/// What the entry is.
#[derive(Debug, Clone, Args)]
pub struct EntryArgs {
    #[command(flatten)]
    pub kind: KindArgs,
    /// Role ARN. Example: --rolearn arn:aws:iam::555555555555:role/nodes
    #[arg(long, value_name = "ARN", conflicts_with_all = ["userarn", "account"])]
    pub rolearn: Option<String>,
    /// User ARN. Example: --userarn arn:aws:iam::555555555555:user/a-user
    #[arg(long, value_name = "ARN", conflicts_with = "account")]
    pub userarn: Option<String>,
    /// Account ID, with --mapaccounts. Example: --mapaccounts --account 555555555555
    #[arg(long, value_name = "ID")]
    pub account: Option<String>,
    /// Kubernetes username. Example: --username system:node:{{EC2PrivateDNSName}}
    #[arg(long, value_name = "NAME")]
    pub username: Option<String>,
    /// Kubernetes groups: space- or comma-separated, or repeated.
    /// Example: --groups system:bootstrappers system:nodes
    #[arg(long, num_args = 1.., value_delimiter = ',', action = ArgAction::Append, value_name = "GROUP")]
    pub groups: Option<Vec<String>>,
}

/// `upsert`.
#[derive(Debug, Clone, Args)]
pub struct UpsertArgs {
    #[command(flatten)]
    pub entry: EntryArgs,
    /// Append groups to the existing ones instead of replacing them. Example: --groups test --append
    #[arg(long)]
    pub append: bool,
    /// Update the username of an existing entry; --update-username=false keeps it.
    #[arg(long, default_value_t = true, num_args = 0..=1, require_equals = true, default_missing_value = "true", action = ArgAction::Set, value_name = "BOOL")]
    pub update_username: bool,
    #[command(flatten)]
    pub write: WriteArgs,
    #[command(flatten)]
    pub target: TargetArgs,
}

/// `remove`.
#[derive(Debug, Clone, Args)]
pub struct RemoveArgs {
    #[command(flatten)]
    pub entry: EntryArgs,
    /// Succeed when nothing matches.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub write: WriteArgs,
    #[command(flatten)]
    pub target: TargetArgs,
}

/// `remove-by-username`.
#[derive(Debug, Clone, Args)]
pub struct RemoveByUsernameArgs {
    /// Remove every role and user mapping with exactly this username. Example: --username ops-user
    #[arg(long, value_name = "NAME", required = true)]
    pub username: String,
    /// Succeed when nothing matches.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub write: WriteArgs,
    #[command(flatten)]
    pub target: TargetArgs,
}

/// `apply`.
#[derive(Debug, Clone, Args)]
pub struct ApplyArgs {
    /// The manager: a name for the writer that owns the entries. Example: --manager cdk:Stack/Auth
    #[arg(long, value_name = "NAME", required = true)]
    pub manager: String,
    /// The entries the manager wants, as YAML or JSON ("-" reads stdin).
    /// Example: --entries payments.yaml
    #[arg(long, value_name = "FILE|-", required = true)]
    pub entries: PathBuf,
    /// Take entries another manager owns, or that nobody manages and differ, instead of
    /// refusing.
    #[arg(long)]
    pub take_over: bool,
    #[command(flatten)]
    pub write: WriteArgs,
    #[command(flatten)]
    pub target: TargetArgs,
}

/// `release`.
#[derive(Debug, Clone, Args)]
pub struct ReleaseArgs {
    /// The manager to release. Example: --manager team-payments
    #[arg(long, value_name = "NAME", required = true)]
    pub manager: String,
    #[command(flatten)]
    pub write: WriteArgs,
    #[command(flatten)]
    pub target: TargetArgs,
}

/// Output formats of `get`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Columns TYPE, ARN, USERNAME, GROUPS (and MANAGER when a manager owns entries).
    Table,
    /// `{"mapRoles": [...], "mapUsers": [...], "mapAccounts": [...]}`; a managed entry has a
    /// "manager" field.
    Json,
    /// The same object as YAML.
    Yaml,
}

/// `get`.
#[derive(Debug, Clone, Args)]
pub struct GetArgs {
    /// Output format. Example: -o json
    #[arg(short = 'o', long = "format", visible_alias = "output", value_enum, default_value_t = Format::Table)]
    pub format: Format,
    #[command(flatten)]
    pub retry: RetryArgs,
    #[command(flatten)]
    pub target: TargetArgs,
}

/// Output formats of `validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ValidateFormat {
    /// One line per diagnostic: `warning[arn-path] mapRoles[1] (line 6, column 3): ...`.
    Text,
    /// A JSON array of diagnostics (the npm package's `Diagnostic`, plus `fileLine` and
    /// `fileColumn` with -f).
    Json,
    /// GitHub Actions workflow commands (`::error file=...,line=...::`) with file lines.
    Github,
}

/// Output formats of `explain` and `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Lines for people.
    Text,
    /// One JSON document (see the README).
    Json,
}

/// `explain`.
#[derive(Debug, Clone, Args)]
pub struct ExplainArgs {
    /// The caller: a role, user or STS assumed-role ARN; repeatable.
    #[arg(long, value_name = "ARN", required = true, action = ArgAction::Append)]
    pub caller: Vec<String>,
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = ReportFormat::Text)]
    pub output: ReportFormat,
    #[command(flatten)]
    pub retry: RetryArgs,
    #[command(flatten)]
    pub target: TargetArgs,
}

/// `access-entries` subcommands.
#[derive(Debug, Subcommand)]
pub enum AccessEntriesCommand {
    /// plan shows, mapping by mapping, the access entries that reproduce today's access
    ///
    /// Reads aws-auth the way aws-iam-authenticator does: dead duplicates and dropped entries are
    /// reported, not migrated; what cannot be migrated is named with its reason; the verdict says
    /// whether the cluster can switch to the API authentication mode without anyone losing
    /// access. Examples:
    ///   aws-auth access-entries plan -f aws-auth.yaml
    ///   aws-auth access-entries plan --cluster-name prod -o shell > migrate.sh
    ///   aws iam list-roles > roles.json
    ///   aws-auth access-entries plan --cluster-name prod -o cloudformation --role-paths roles.json
    ///   aws eks list-access-entries --cluster-name prod --query accessEntries --output text |
    ///     tr '\t' '\n' | while read -r p; do
    ///       aws eks describe-access-entry --cluster-name prod --principal-arn "$p"
    ///       aws eks list-associated-access-policies --cluster-name prod --principal-arn "$p"
    ///     done > entries.json
    ///   aws-auth access-entries plan --cluster-name prod --existing entries.json
    #[command(verbatim_doc_comment)]
    Plan(PlanArgs),
    /// prune removes from aws-auth the mappings that existing access entries cover
    ///
    /// Only a mapping whose principal has an access entry granting at least what the mapping
    /// grants is removed (narrowed by its username and groups), losslessly. Removing the last
    /// system:masters mapping is allowed when an existing entry has AmazonEKSClusterAdminPolicy
    /// at cluster scope; otherwise only with --allow-lockout. Examples:
    ///   aws-auth access-entries prune --existing entries.json --dry-run --diff
    ///   aws-auth access-entries prune -f aws-auth.yaml -i --existing entries.json
    #[command(verbatim_doc_comment)]
    Prune(PruneArgs),
}

/// Output formats of `access-entries plan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// One row per mapping, notes, and the verdict.
    Table,
    /// The EKS API inputs: [{"operation": "CreateAccessEntry", "input": {...}}, ...].
    Json,
    /// A CloudFormation template of AWS::EKS::AccessEntry resources.
    Cloudformation,
    /// aws_eks_access_entry and aws_eks_access_policy_association resources.
    Terraform,
    /// aws eks create-access-entry / associate-access-policy command lines.
    Shell,
}

/// The inputs of a plan besides aws-auth.
#[derive(Debug, Clone, Args)]
pub struct PlanInputArgs {
    /// Access entries that exist: the JSON of `aws eks describe-access-entry` (and of
    /// `list-associated-access-policies`), one per principal, concatenated or in an array; or
    /// [{"principalArn", "type", "username", "kubernetesGroups", "accessPolicies":
    /// [{"policyArn", "accessScope": {"type", "namespaces"}}]}]. Repeatable.
    #[arg(long, value_name = "FILE", action = ArgAction::Append)]
    pub existing: Vec<PathBuf>,
    /// The JSON of `aws iam list-roles` (or an array of role ARNs): restores the paths of role
    /// ARNs, which aws-auth cannot hold, and resolves sso entries.
    #[arg(long, value_name = "FILE")]
    pub role_paths: Option<PathBuf>,
    /// The cluster's AWS account: node mappings (EC2, Fargate, hybrid) of roles of another
    /// account are reported, since node access entries take only roles of the cluster's
    /// account. Example: --cluster-account 111122223333
    #[arg(long, value_name = "ID")]
    pub cluster_account: Option<String>,
}

/// `access-entries plan`.
#[derive(Debug, Clone, Args)]
pub struct PlanArgs {
    /// Output format; json and shell need --cluster-name. Example: -o terraform
    #[arg(short = 'o', long = "output", value_enum, default_value_t = PlanFormat::Table)]
    pub output: PlanFormat,
    /// The EKS cluster's name (CloudFormation and Terraform take it as a parameter or
    /// variable without it). Example: --cluster-name prod
    #[arg(long, value_name = "NAME")]
    pub cluster_name: Option<String>,
    #[command(flatten)]
    pub input: PlanInputArgs,
    #[command(flatten)]
    pub retry: RetryArgs,
    #[command(flatten)]
    pub target: TargetArgs,
}

/// `diff`.
#[derive(Debug, Clone, Args)]
pub struct DiffArgs {
    /// OLD and NEW manifests ("-" reads stdin, for one of them); with --live, only NEW.
    #[arg(value_name = "FILE", num_args = 1..=2, required = true)]
    pub files: Vec<PathBuf>,
    /// Compare the live ConfigMap (OLD) with the file given (NEW).
    #[arg(long)]
    pub live: bool,
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = ReportFormat::Text)]
    pub output: ReportFormat,
    #[command(flatten)]
    pub retry: RetryArgs,
    #[command(flatten)]
    pub target: TargetArgs,
}

/// `access-entries prune`.
#[derive(Debug, Clone, Args)]
pub struct PruneArgs {
    #[command(flatten)]
    pub input: PlanInputArgs,
    #[command(flatten)]
    pub write: WriteArgs,
    #[command(flatten)]
    pub target: TargetArgs,
}

/// `validate`.
#[derive(Debug, Clone, Args)]
pub struct ValidateArgs {
    /// Fail on warnings too.
    #[arg(long)]
    pub strict: bool,
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = ValidateFormat::Text)]
    pub output: ValidateFormat,
    #[command(flatten)]
    pub retry: RetryArgs,
    #[command(flatten)]
    pub target: TargetArgs,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_app() {
        Cli::command().debug_assert();
    }

    fn upsert(args: &[&str]) -> UpsertArgs {
        let mut argv = vec!["aws-auth", "upsert"];
        argv.extend_from_slice(args);
        match Cli::try_parse_from(argv).map(|c| c.command) {
            Ok(Command::Upsert(u)) => u,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn groups_by_space_comma_and_repeat() {
        let want = Some(vec!["a".to_string(), "b".to_string()]);
        assert_eq!(
            upsert(&["--groups", "a", "b", "--append"]).entry.groups,
            want
        );
        assert_eq!(upsert(&["--groups", "a,b"]).entry.groups, want);
        assert_eq!(
            upsert(&["--groups", "a", "--groups", "b"]).entry.groups,
            want
        );
    }

    #[test]
    fn update_username_takes_an_optional_value() {
        assert!(upsert(&[]).update_username);
        assert!(upsert(&["--update-username"]).update_username);
        assert!(!upsert(&["--update-username=false"]).update_username);
    }
}
