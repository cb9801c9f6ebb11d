//! `access-entries plan` and `prune`: the files they read besides aws-auth, and the decision of
//! which mappings prune may remove. The plan itself is the core's.

use anyhow::{Result, anyhow, bail};
use aws_auth_core::access_entries::{
    Outcome as PlanOutcome, Plan, PlanInput, parse_existing, parse_role_arns,
};
use aws_auth_core::{Action, AwsAuth, DataKey, Edit, Error as CoreError, Options, Remove};

use crate::cli::PlanFormat;
use crate::config::{PlanInputFiles, Target, WriteOutput};
use crate::outcome::{Edited, Planned, Pruned};
use crate::target::{file, live};

/// Reads `--existing` and `--role-paths`.
fn read_input(files: &PlanInputFiles) -> Result<PlanInput> {
    let read = |p: &std::path::Path| {
        std::fs::read_to_string(p).map_err(|e| {
            let text = e.to_string();
            let text = text
                .split(" (os error ")
                .next()
                .unwrap_or_default()
                .to_string();
            anyhow!("{}: cannot read it: {text}", p.display())
        })
    };
    let mut input = PlanInput {
        cluster_account: files.cluster_account.clone(),
        ..PlanInput::default()
    };
    for p in &files.existing {
        let entries = parse_existing(&read(p)?).map_err(|e| anyhow!("{}: {e}", p.display()))?;
        input.existing.extend(entries);
    }
    if let Some(p) = &files.role_paths {
        input.role_arns =
            parse_role_arns(&read(p)?).map_err(|e| anyhow!("{}: {e}", p.display()))?;
    }
    Ok(input)
}

/// The document and how messages name it; `None`: the live ConfigMap does not exist.
fn read_doc(target: &Target, caller: live::Caller) -> Result<(String, Option<AwsAuth>)> {
    Ok(match target {
        Target::File(t) => {
            let f = file::LocalFile::read(t)?;
            (f.label, Some(f.doc))
        }
        Target::Live(t) => (live::label(t), live::read(t, caller)?),
    })
}

/// `access-entries plan`.
pub fn plan(
    files: &PlanInputFiles,
    target: &Target,
    caller: live::Caller,
    format: PlanFormat,
    cluster_name: Option<String>,
) -> Result<Planned> {
    let input = read_input(files)?;
    let (label, doc) = read_doc(target, caller)?;
    let mut messages = Vec::new();
    let doc = doc.unwrap_or_else(|| {
        messages.push(format!("note: {label} does not exist: nothing to migrate"));
        AwsAuth::from_data(Vec::<(String, String)>::new())
    });
    Ok(Planned {
        messages,
        plan: doc.plan_access_entries(&input),
        format,
        cluster_name,
    })
}

/// One removal per mapping an existing access entry covers, narrowed by its username and
/// groups so that only that mapping matches, and a note naming the entry that covers it.
fn covered_removals(plan: &Plan) -> (Vec<Edit>, Vec<String>) {
    let mut edits = Vec::new();
    let mut notes = Vec::new();
    for item in plan.covered() {
        let PlanOutcome::Covered { existing, .. } = &item.outcome else {
            continue;
        };
        // Removals find entries by ARN; an sso entry has none.
        let Some(arn) = &item.source.arn else {
            notes.push(format!(
                "note: {} is covered by access entry {}; prune removes by ARN, so remove this sso entry by hand",
                item.source.label(),
                existing.principal_arn
            ));
            continue;
        };
        let remove = Remove {
            arn: arn.clone(),
            username: item.source.username.clone(),
            groups: Some(item.source.groups.clone()),
        };
        edits.push(match item.source.key {
            DataKey::MapUsers => Edit::RemoveUser(remove),
            _ => Edit::RemoveRole(remove),
        });
        notes.push(format!(
            "note: {} is covered by access entry {}",
            item.source.label(),
            existing.principal_arn
        ));
    }
    (edits, notes)
}

/// `access-entries prune`.
pub fn prune(
    files: &PlanInputFiles,
    target: &Target,
    caller: live::Caller,
    allow_lockout: bool,
    output: WriteOutput,
) -> Result<Pruned> {
    let input = read_input(files)?;
    let (label, doc) = read_doc(target, caller)?;
    let Some(doc) = doc else {
        bail!("{label} does not exist: nothing to prune");
    };
    let plan = doc.plan_access_entries(&input);
    let (edits, mut notes) = covered_removals(&plan);
    if edits.is_empty() {
        notes.push("nothing to prune: no mapping is covered by an existing access entry".into());
        return Ok(Pruned {
            notes,
            edited: None,
        });
    }
    // An access entry with cluster-admin rights keeps the cluster administrable once the
    // last system:masters mapping is gone.
    let admin_entry = input.existing.iter().any(|e| e.is_cluster_admin());
    let options = Options {
        force: false,
        allow_lockout: allow_lockout || admin_entry,
    };
    // Decide on a copy first: a removal narrowed by username and groups can still match an
    // uncovered entry with the same ARN, username and groups (a dead duplicate); then nothing
    // is written.
    let trial = doc.clone().apply(&edits, &options).map_err(|e| match e {
        CoreError::Lockout(_) => anyhow!(
            "{label}: {e} (no existing access entry has AmazonEKSClusterAdminPolicy at cluster scope)"
        ),
        e => anyhow!("{label}: {e}"),
    })?;
    let removed = trial.iter().filter(|c| c.action == Action::Removed).count();
    if removed != edits.len() {
        bail!(
            "{label}: refusing to prune: removing the {} covered mapping(s) would also remove {} entry(ies) with the same ARN, username and groups that no access entry covers (dead duplicates); remove those first",
            edits.len(),
            removed.saturating_sub(edits.len())
        );
    }
    let edited: Edited = match target {
        Target::File(t) => file::write(t, &edits, &options, output)?,
        Target::Live(t) => live::write(t, caller, &edits, &options, output)?,
    };
    Ok(Pruned {
        notes,
        edited: Some(edited),
    })
}
