//! The command line checked once: what to do, to which ConfigMap, and how to say it. Every
//! usage error (exit status 2) that clap cannot see is found here, before anything is read.

use std::path::PathBuf;

use aws_auth_core::{ApplyOptions, Edit, Options, Remove, Upsert};
use aws_auth_kube::RetryPolicy;

use crate::cli::{
    AccessEntriesCommand, Cli, Command, DiffArgs, EksArgs, EntryArgs, Format, PlanFormat,
    PlanInputArgs, ReportFormat, RetryArgs, TargetArgs, ValidateFormat, WriteArgs,
};

/// A usage error clap's rules cannot express (exit status 2).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum UsageError {
    #[error("--username must not be empty")]
    EmptyUsername,
    #[error("--maproles needs --rolearn (and no --userarn or --account)")]
    RoleNeedsRoleArn,
    #[error("--mapusers needs --userarn (and no --rolearn or --account)")]
    UserNeedsUserArn,
    #[error("--mapaccounts needs --account")]
    AccountNeedsAccount,
    #[error(
        "say which mapping: --maproles --rolearn ARN, --mapusers --userarn ARN, or --mapaccounts --account ID"
    )]
    NoMapping,
    #[error(
        "upsert needs --username (the Kubernetes user the ARN maps to; keep an existing one with --update-username=false)"
    )]
    UpsertNeedsUsername,
    #[error("upsert needs --username even with --update-username=false (a new entry gets it)")]
    UpsertNeedsUsernameForNewEntry,
    #[error("--mapaccounts takes no --username or --groups")]
    AccountTakesNoUserOrGroups,
    #[error("-i/--in-place needs a file, not stdin")]
    InPlaceOnStdin,
    #[error("--entries - and -f - cannot both read stdin")]
    StdinTwice,
    #[error("diff needs two manifests, OLD and NEW (or --live NEW)")]
    DiffNeedsTwo,
    #[error("diff --live takes one manifest, NEW (the live ConfigMap is OLD)")]
    DiffLiveTakesOne,
    #[error("diff reads stdin for one manifest only")]
    DiffStdinTwice,
    #[error("diff takes its manifests as arguments, not -f")]
    DiffTakesNoFileFlag,
    #[error("--caller must not be empty")]
    EmptyCaller,
    #[error("-o {0} needs --cluster-name (the requests name the cluster)")]
    PlanNeedsClusterName(&'static str),
    #[error("prune needs --existing FILE: the access entries that cover the mappings to remove")]
    PruneNeedsExisting,
    #[error("--eks-cluster reaches a cluster without a kubeconfig: it takes no {0}")]
    EksWith(&'static str),
    #[error("--eks-cluster needs a cluster to work on: {0} works on files only")]
    EksWithoutLiveTarget(&'static str),
    #[error("--region is for --eks-cluster (or token)")]
    RegionWithoutEks,
    #[error("{0} must not be empty")]
    EmptyClusterName(&'static str),
    #[error("token takes the cluster as --cluster-name, not --eks-cluster")]
    TokenWithEksCluster,
}

/// A validated command line.
#[derive(Debug)]
pub struct Config {
    /// The name the program runs under (`aws-auth`, or `kubectl-aws_auth` as a kubectl
    /// plugin): the product part of the `User-Agent` it sends.
    pub program: &'static str,
    pub operation: Operation,
}

/// What to do.
#[derive(Debug)]
pub enum Operation {
    Version,
    /// `token`: an ExecCredential for an EKS cluster.
    Token(EksCluster),
    Completion(clap_complete::Shell),
    /// `upsert`, `remove`, `remove-by-username`.
    Write {
        edits: Vec<Edit>,
        options: Options,
        target: Target,
        output: WriteOutput,
    },
    /// `apply`, `release`.
    Own {
        manager: String,
        /// `Some`: apply the entries read from there; `None`: release.
        entries: Option<Input>,
        options: ApplyOptions,
        target: Target,
        output: WriteOutput,
    },
    Get {
        format: Format,
        target: Target,
    },
    Validate {
        /// Warnings fail too.
        strict: bool,
        format: ValidateFormat,
        target: Target,
    },
    Explain {
        callers: Vec<String>,
        format: ReportFormat,
        target: Target,
    },
    Diff {
        /// A file, or the live ConfigMap.
        old: Target,
        new: FileTarget,
        format: ReportFormat,
    },
    /// `access-entries plan`.
    Plan {
        format: PlanFormat,
        cluster_name: Option<String>,
        input: PlanInputFiles,
        target: Target,
    },
    /// `access-entries prune`.
    Prune {
        input: PlanInputFiles,
        /// `--allow-lockout` (an existing cluster-admin access entry allows it too).
        allow_lockout: bool,
        target: Target,
        output: WriteOutput,
    },
}

/// The files a plan reads besides aws-auth.
#[derive(Debug, Clone, Default)]
pub struct PlanInputFiles {
    /// `--existing`, in order.
    pub existing: Vec<PathBuf>,
    /// `--role-paths`.
    pub role_paths: Option<PathBuf>,
    /// `--cluster-account`.
    pub cluster_account: Option<String>,
}

impl From<PlanInputArgs> for PlanInputFiles {
    fn from(a: PlanInputArgs) -> Self {
        PlanInputFiles {
            existing: a.existing,
            role_paths: a.role_paths,
            cluster_account: a.cluster_account,
        }
    }
}

/// What a writing command shows besides its messages.
#[derive(Debug, Clone, Copy)]
pub struct WriteOutput {
    /// Decide and report, write nothing.
    pub dry_run: bool,
    /// Print a unified diff of the changed data.
    pub diff: bool,
}

/// Where the ConfigMap is.
#[derive(Debug)]
pub enum Target {
    File(FileTarget),
    Live(LiveTarget),
}

/// A manifest on disk or on stdin.
#[derive(Debug)]
pub struct FileTarget {
    pub input: Input,
    /// Rewrite the file instead of printing the result (never set for stdin).
    pub in_place: bool,
    /// Picks the ConfigMap of that namespace when the file holds several.
    pub namespace: Option<String>,
    pub name: String,
}

/// Where a manifest is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Stdin,
    Path(PathBuf),
}

impl Input {
    /// How messages name it: the path, or `<stdin>`.
    pub fn label(&self) -> String {
        match self {
            Input::Stdin => "<stdin>".to_string(),
            Input::Path(p) => p.display().to_string(),
        }
    }
}

/// An EKS cluster reached by name (`--eks-cluster`, `token --cluster-name`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EksCluster {
    pub name: String,
    /// `None`: the AWS SDK's region chain.
    pub region: Option<String>,
}

/// A ConfigMap in a cluster.
#[derive(Debug)]
pub struct LiveTarget {
    /// `Some`: the cluster is reached through EKS (`--eks-cluster`), no kubeconfig read.
    pub eks: Option<EksCluster>,
    /// `None`: `$KUBECONFIG`, then `~/.kube/config`, then in-cluster.
    pub kubeconfig: Option<PathBuf>,
    /// `None`: the kubeconfig's current context.
    pub context: Option<String>,
    pub namespace: String,
    pub name: String,
    pub as_user: Option<String>,
    pub as_group: Vec<String>,
    pub retry: RetryPolicy,
}

impl Config {
    /// The exit status of a failure: 2 for `diff` (as diff(1): its 1 means "access
    /// changed"), 1 for the others.
    pub fn failure_status(&self) -> u8 {
        match self.operation {
            Operation::Diff { .. } => 2,
            _ => 1,
        }
    }

    /// Checks a parsed command line.
    ///
    /// # Errors
    /// A usage error, in the order the flags would be read: the entry first, then the target.
    pub fn from_cli(cli: Cli, program: &'static str) -> Result<Config, UsageError> {
        let eks = eks_cluster(&cli.eks)?;
        if eks.is_none() && cli.eks.region.is_some() && !matches!(cli.command, Command::Token(_)) {
            return Err(UsageError::RegionWithoutEks);
        }
        let target = |t: TargetArgs, in_place: bool, retry: &RetryArgs| {
            target(t, in_place, retry, eks.as_ref())
        };
        let operation = match cli.command {
            Command::Version => Operation::Version,
            Command::Token(a) => {
                if eks.is_some() {
                    return Err(UsageError::TokenWithEksCluster);
                }
                if a.cluster_name.trim().is_empty() {
                    return Err(UsageError::EmptyClusterName("--cluster-name"));
                }
                Operation::Token(EksCluster {
                    name: a.cluster_name,
                    region: cli.eks.region.clone(),
                })
            }
            Command::Completion { shell } => Operation::Completion(shell),
            Command::Upsert(a) => {
                let edit = upsert_edit(&a.entry, a.append, a.update_username)?;
                write(
                    edit,
                    false,
                    &a.write,
                    target(a.target, a.write.in_place, &a.write.retry)?,
                )
            }
            Command::Remove(a) => {
                let edit = remove_edit(&a.entry)?;
                let target = target(a.target, a.write.in_place, &a.write.retry)?;
                write(edit, a.force, &a.write, target)
            }
            Command::RemoveByUsername(a) => {
                if a.username.trim().is_empty() {
                    return Err(UsageError::EmptyUsername);
                }
                let edit = Edit::RemoveByUsername {
                    username: a.username,
                };
                write(
                    edit,
                    a.force,
                    &a.write,
                    target(a.target, a.write.in_place, &a.write.retry)?,
                )
            }
            Command::Apply(a) => {
                let entries = input(a.entries);
                let target = target(a.target, a.write.in_place, &a.write.retry)?;
                if entries == Input::Stdin
                    && matches!(&target, Target::File(f) if f.input == Input::Stdin)
                {
                    return Err(UsageError::StdinTwice);
                }
                own(a.manager, Some(entries), a.take_over, &a.write, target)
            }
            Command::Release(a) => {
                let target = target(a.target, a.write.in_place, &a.write.retry)?;
                own(a.manager, None, false, &a.write, target)
            }
            Command::Get(a) => Operation::Get {
                format: a.format,
                target: target(a.target, false, &a.retry)?,
            },
            Command::Validate(a) => Operation::Validate {
                strict: a.strict,
                format: a.output,
                target: target(a.target, false, &a.retry)?,
            },
            Command::Explain(a) => {
                if a.caller.iter().any(|c| c.trim().is_empty()) {
                    return Err(UsageError::EmptyCaller);
                }
                Operation::Explain {
                    callers: a.caller,
                    format: a.output,
                    target: target(a.target, false, &a.retry)?,
                }
            }
            Command::Diff(a) => diff(a, eks.as_ref())?,
            Command::AccessEntries(AccessEntriesCommand::Plan(a)) => {
                let needs_name = match a.output {
                    PlanFormat::Json => Some("json"),
                    PlanFormat::Shell => Some("shell"),
                    _ => None,
                };
                if let Some(format) = needs_name
                    && a.cluster_name
                        .as_deref()
                        .is_none_or(|c| c.trim().is_empty())
                {
                    return Err(UsageError::PlanNeedsClusterName(format));
                }
                Operation::Plan {
                    format: a.output,
                    cluster_name: a.cluster_name.filter(|c| !c.trim().is_empty()),
                    input: a.input.into(),
                    target: target(a.target, false, &a.retry)?,
                }
            }
            Command::AccessEntries(AccessEntriesCommand::Prune(a)) => {
                if a.input.existing.is_empty() {
                    return Err(UsageError::PruneNeedsExisting);
                }
                Operation::Prune {
                    input: a.input.into(),
                    allow_lockout: a.write.allow_lockout,
                    target: target(a.target, a.write.in_place, &a.write.retry)?,
                    output: WriteOutput {
                        dry_run: a.write.dry_run,
                        diff: a.write.diff,
                    },
                }
            }
        };
        Ok(Config { program, operation })
    }
}

/// `--eks-cluster` and `--region`, checked.
fn eks_cluster(a: &EksArgs) -> Result<Option<EksCluster>, UsageError> {
    let Some(name) = &a.eks_cluster else {
        return Ok(None);
    };
    if name.trim().is_empty() {
        return Err(UsageError::EmptyClusterName("--eks-cluster"));
    }
    Ok(Some(EksCluster {
        name: name.clone(),
        region: a.region.clone().filter(|r| !r.trim().is_empty()),
    }))
}

fn diff(a: DiffArgs, eks: Option<&EksCluster>) -> Result<Operation, UsageError> {
    if a.target.file.is_some() {
        return Err(UsageError::DiffTakesNoFileFlag);
    }
    if eks.is_some() && !a.live {
        return Err(UsageError::EksWithoutLiveTarget("diff without --live"));
    }
    let file = |path: PathBuf, t: &TargetArgs| FileTarget {
        input: input(path),
        in_place: false,
        namespace: t.namespace.clone(),
        name: t.name.clone(),
    };
    let mut files = a.files.clone().into_iter();
    let (old, new) = match (a.live, files.next(), files.next()) {
        (true, Some(new), None) => (target(a.target.clone(), false, &a.retry, eks)?, new),
        (true, _, _) => return Err(UsageError::DiffLiveTakesOne),
        (false, Some(old), Some(new)) => (Target::File(file(old, &a.target)), new),
        (false, _, _) => return Err(UsageError::DiffNeedsTwo),
    };
    let new = file(new, &a.target);
    if new.input == Input::Stdin && matches!(&old, Target::File(f) if f.input == Input::Stdin) {
        return Err(UsageError::DiffStdinTwice);
    }
    Ok(Operation::Diff {
        old,
        new,
        format: a.output,
    })
}

fn write(edit: Edit, force: bool, w: &WriteArgs, target: Target) -> Operation {
    Operation::Write {
        edits: vec![edit],
        options: Options {
            force,
            allow_lockout: w.allow_lockout,
        },
        target,
        output: WriteOutput {
            dry_run: w.dry_run,
            diff: w.diff,
        },
    }
}

fn own(
    manager: String,
    entries: Option<Input>,
    take_over: bool,
    w: &WriteArgs,
    target: Target,
) -> Operation {
    Operation::Own {
        manager,
        entries,
        options: ApplyOptions {
            take_over,
            allow_lockout: w.allow_lockout,
        },
        target,
        output: WriteOutput {
            dry_run: w.dry_run,
            diff: w.diff,
        },
    }
}

fn input(path: PathBuf) -> Input {
    if path.as_os_str() == "-" {
        Input::Stdin
    } else {
        Input::Path(path)
    }
}

/// clap already refuses the live-only flags with `-f` and `-i` without `-f`; `--eks-cluster`
/// is global, so its conflicts are checked here.
fn target(
    t: TargetArgs,
    in_place: bool,
    retry: &RetryArgs,
    eks: Option<&EksCluster>,
) -> Result<Target, UsageError> {
    if eks.is_some() {
        if t.file.is_some() {
            return Err(UsageError::EksWith("-f/--file"));
        }
        if t.kubeconfig.is_some() {
            return Err(UsageError::EksWith("--kubeconfig"));
        }
        if t.context.is_some() {
            return Err(UsageError::EksWith("--context"));
        }
    }
    let namespace = t.namespace().to_string();
    Ok(match t.file {
        Some(path) => {
            let input = input(path);
            if in_place && input == Input::Stdin {
                return Err(UsageError::InPlaceOnStdin);
            }
            Target::File(FileTarget {
                input,
                in_place,
                namespace: t.namespace,
                name: t.name,
            })
        }
        None => Target::Live(LiveTarget {
            eks: eks.cloned(),
            kubeconfig: t.kubeconfig,
            context: t.context,
            namespace,
            name: t.name,
            as_user: t.as_user,
            as_group: t.as_group,
            retry: RetryPolicy {
                enabled: retry.retry,
                max_attempts: retry.retry_max_count,
                min: retry.retry_min_time,
                max: retry.retry_max_time,
            },
        }),
    })
}

/// Which key the entry flags point at.
enum Kind {
    Role(String),
    User(String),
    Account(String),
}

fn kind(e: &EntryArgs) -> Result<Kind, UsageError> {
    let k = &e.kind;
    if k.maproles || (!k.mapusers && !k.mapaccounts && e.rolearn.is_some()) {
        return match &e.rolearn {
            Some(arn) if e.userarn.is_none() && e.account.is_none() => Ok(Kind::Role(arn.clone())),
            _ => Err(UsageError::RoleNeedsRoleArn),
        };
    }
    if k.mapusers || (!k.mapaccounts && e.userarn.is_some()) {
        return match &e.userarn {
            Some(arn) if e.rolearn.is_none() && e.account.is_none() => Ok(Kind::User(arn.clone())),
            _ => Err(UsageError::UserNeedsUserArn),
        };
    }
    if k.mapaccounts || e.account.is_some() {
        return match &e.account {
            Some(id) if e.rolearn.is_none() && e.userarn.is_none() => Ok(Kind::Account(id.clone())),
            _ => Err(UsageError::AccountNeedsAccount),
        };
    }
    Err(UsageError::NoMapping)
}

fn upsert_edit(e: &EntryArgs, append: bool, update_username: bool) -> Result<Edit, UsageError> {
    let upsert = |arn: String| Upsert {
        arn,
        username: e.username.clone().filter(|u| !u.is_empty()),
        groups: e.groups.clone().unwrap_or_default(),
        append,
        update_username,
    };
    let kind = kind(e)?;
    // As in the Go tool: an entry without a username maps the ARN to no Kubernetes user.
    let has_username = e.username.as_deref().is_some_and(|u| !u.trim().is_empty());
    if matches!(kind, Kind::Role(_) | Kind::User(_)) && !has_username {
        return Err(if update_username {
            UsageError::UpsertNeedsUsername
        } else {
            UsageError::UpsertNeedsUsernameForNewEntry
        });
    }
    Ok(match kind {
        Kind::Role(arn) => Edit::UpsertRole(upsert(arn)),
        Kind::User(arn) => Edit::UpsertUser(upsert(arn)),
        Kind::Account(account) => {
            if e.username.is_some() || e.groups.is_some() {
                return Err(UsageError::AccountTakesNoUserOrGroups);
            }
            Edit::AddAccount { account }
        }
    })
}

fn remove_edit(e: &EntryArgs) -> Result<Edit, UsageError> {
    let remove = |arn: String| Remove {
        arn,
        username: e.username.clone(),
        groups: e.groups.clone(),
    };
    Ok(match kind(e)? {
        Kind::Role(arn) => Edit::RemoveRole(remove(arn)),
        Kind::User(arn) => Edit::RemoveUser(remove(arn)),
        Kind::Account(account) => Edit::RemoveAccount { account },
    })
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    use super::*;

    fn config(args: &[&str]) -> Result<Config, UsageError> {
        let mut argv = vec!["aws-auth"];
        argv.extend_from_slice(args);
        Config::from_cli(Cli::try_parse_from(argv).unwrap(), "aws-auth")
    }

    #[test]
    fn stdin_is_no_file_to_rewrite() {
        let args = [
            "upsert",
            "--userarn",
            "arn:aws:iam::1:user/a",
            "--username",
            "a",
        ];
        let with = |extra: &[&'static str]| {
            let mut v = args.to_vec();
            v.extend_from_slice(extra);
            config(&v).map(|c| c.operation)
        };
        assert_eq!(
            with(&["-f", "-", "-i"]).unwrap_err(),
            UsageError::InPlaceOnStdin
        );
        match with(&["-f", "x.yaml", "-i"]) {
            Ok(Operation::Write {
                target: Target::File(f),
                ..
            }) => assert!(f.in_place && f.input == Input::Path("x.yaml".into())),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_entry_is_checked_before_the_target() {
        // Two usage errors at once: the one about the entry is reported, as before `Config`.
        let r = config(&[
            "upsert",
            "--rolearn",
            "arn:aws:iam::1:role/a",
            "-f",
            "-",
            "-i",
        ]);
        assert_eq!(r.unwrap_err(), UsageError::UpsertNeedsUsername);
    }

    #[test]
    fn live_target_takes_the_retry_policy_and_default_namespace() {
        match config(&["get", "--retry", "--retry-max-count", "3", "--as", "admin"])
            .unwrap()
            .operation
        {
            Operation::Get {
                target: Target::Live(l),
                ..
            } => {
                assert!(l.retry.enabled);
                assert_eq!(l.retry.max_attempts, 3);
                assert_eq!(l.namespace, "kube-system");
                assert_eq!(l.as_user.as_deref(), Some("admin"));
            }
            other => panic!("{other:?}"),
        }
    }
}
