//! The lockout policy: no edit takes away the last `system:masters` grant unless told to.

use crate::authenticator::MASTERS;
use crate::document::AwsAuth;
use crate::edit::Options;
use crate::edit::apply::Editors;
use crate::edit::list::ListEditor;
use crate::error::Error;
use crate::model::DataKey;

fn grants_masters(groups: Option<&[String]>) -> bool {
    groups.is_some_and(|g| g.iter().any(|x| x == MASTERS))
}

/// Refuses edits after which no live entry grants `system:masters` where one did, as the
/// authenticator sees it ([`AuthenticatorView`]), not by the looser identity edits target.
pub(super) fn check(doc: &AwsAuth, editors: &Editors<'_>, options: &Options) -> Result<(), Error> {
    if options.allow_lockout {
        return Ok(());
    }
    // Only removing or changing an entry that grants it, or changing an ARN (which moves
    // the entry to another key, where it may override or be overridden), can take a
    // grant away: most edits stop here.
    let touched = [DataKey::MapRoles, DataKey::MapUsers].iter().any(|&key| {
        editors.get(key).is_some_and(|e| {
            e.touches(|entry, new| {
                grants_masters(entry.groups())
                    || new.is_some_and(|v| Some(v.arn.as_str()) != entry.arn())
            })
        })
    });
    if !touched {
        return Ok(());
    }
    let before = doc.authenticator_view();
    let admins = before.masters().count();
    if admins == 0 {
        return Ok(());
    }
    let after = doc.view_with(|key| editors.get(key).map(ListEditor::candidates));
    if after.masters().next().is_none() {
        // A few names say where to look; a list of hundreds would not fit a line.
        let mut names: Vec<String> = before
            .masters()
            .take(5)
            .map(|e| format!("{}[{}]", e.list, e.index))
            .collect();
        if admins > names.len() {
            names.push("...".into());
        }
        return Err(Error::Lockout(format!(
            "{admins} live mapping{} grant{} system:masters today: {}",
            if admins == 1 { "" } else { "s" },
            if admins == 1 { "s" } else { "" },
            names.join(", ")
        )));
    }
    Ok(())
}
