//! Where a data key's text sits in the manifest file, so that a position inside a key's text
//! (what diagnostics and `explain` give) can be shown as a line of the file (what an editor
//! or a GitHub pull request annotation needs).

use serde::Serialize;

use crate::error::Error;
use crate::line_breaks::LineBreaks;
use crate::manifest::locate;
use crate::model::DataKey;
use crate::yaml::tree::ScalarStyle;

/// Where one data key's value is in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyPosition {
    /// The key.
    pub key: DataKey,
    /// 1-based file line of the value's first line (for a block scalar, `|` or `>`, its first
    /// content line, the line after the indicator).
    pub line: usize,
    /// 1-based file column of the value's first character.
    pub column: usize,
    /// A literal block scalar (`|`): every line of the key's text is a line of the file.
    /// Otherwise (quoted, plain, JSON, folded) every position maps to the value's start.
    pub line_for_line: bool,
}

/// The file positions of the three keys in a manifest, for the ConfigMap `name` (in
/// `namespace`, if given) as [`crate::AwsAuth::parse_in`] finds it.
///
/// ```
/// use aws_auth_core::{DataKey, key_positions};
/// let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\ndata:\n  mapRoles: |\n    - rolearn: x\n";
/// let p = key_positions(text, None, "aws-auth").unwrap();
/// assert_eq!((p[0].key, p[0].line, p[0].line_for_line), (DataKey::MapRoles, 7, true));
/// ```
///
/// # Errors
/// As [`crate::AwsAuth::parse_in`]: the manifest does not parse or holds no such ConfigMap.
pub fn key_positions(
    manifest: &str,
    namespace: Option<&str>,
    name: &str,
) -> Result<Vec<KeyPosition>, Error> {
    let text = LineBreaks::of(manifest).to_lf(manifest);
    let located = locate(&text, namespace, name)?;
    Ok(DataKey::ALL
        .into_iter()
        .filter_map(|key| {
            let site = located.key(key.as_str())?;
            let v = &site.value;
            Some(KeyPosition {
                key,
                line: v.line,
                column: v.col + 1,
                line_for_line: v.scalar_style() == Some(ScalarStyle::Literal),
            })
        })
        .collect())
}

impl KeyPosition {
    /// The file line and column of a 1-based line and column in the key's text. `file_line`
    /// is that file line's text (`None` if unknown): a block scalar's indentation is measured
    /// on it.
    pub fn file_position(
        &self,
        key_text: &str,
        line: usize,
        column: usize,
        file_line: Option<&str>,
    ) -> (usize, usize) {
        if !self.line_for_line {
            return (self.line, self.column);
        }
        let file_line_no = self.line + line.saturating_sub(1);
        let key_line = key_text
            .lines()
            .nth(line.saturating_sub(1))
            .unwrap_or_default();
        let lead = |s: &str| s.len() - s.trim_start_matches(' ').len();
        let indent = file_line.map_or(0, |f| lead(f).saturating_sub(lead(key_line)));
        (file_line_no, column + indent)
    }
}
