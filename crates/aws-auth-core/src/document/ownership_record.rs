//! The ownership record as part of the document: read with the manifest (or given beside
//! API data), written into `metadata.annotations` and checked by reading the manifest again.
//! A child of `document` because writing it changes the document's own text.

use super::{AwsAuth, Source};
use crate::error::Error;
use crate::line_breaks::LineBreaks;
use crate::manifest::locate;
use crate::model::DataKey;
use crate::yaml::tree::Node;

impl AwsAuth {
    /// The ownership record: the text of the annotation
    /// [`OWNERSHIP_ANNOTATION`](crate::OWNERSHIP_ANNOTATION), as read (from the manifest, or as
    /// given to [`AwsAuth::with_ownership_record`]) or as the last apply or release wrote it.
    /// `None` when no manager owns anything; a shell writing to the API server sets the
    /// annotation to this value, or removes it.
    pub fn ownership_record(&self) -> Option<&str> {
        self.record.as_deref()
    }

    /// The document with the ownership record read from elsewhere: for data from the API
    /// server (see [`AwsAuth::from_data`]), the ConfigMap's annotation
    /// [`OWNERSHIP_ANNOTATION`](crate::OWNERSHIP_ANNOTATION). A manifest keeps its own record,
    /// so this does nothing to one read with [`AwsAuth::parse`].
    #[must_use]
    pub fn with_ownership_record(mut self, record: Option<String>) -> AwsAuth {
        if let Source::Data(_) = self.source {
            self.record = record;
        }
        self
    }

    /// Writes the ownership record: into the manifest's `metadata.annotations` (checked by
    /// reading the manifest again), or alongside the data.
    pub(crate) fn set_ownership_record(
        &mut self,
        record: Option<String>,
        metadata_hint: Option<(Node, Node)>,
    ) -> Result<(), Error> {
        // The API server limits all annotations of an object together to 256 KiB.
        const MAX_ANNOTATIONS: usize = 256 * 1024;
        if record.as_ref().is_some_and(|r| r.len() > MAX_ANNOTATIONS) {
            return Err(Error::RecordNotWritable(format!(
                "the ownership record would be {} bytes; the annotations of a ConfigMap hold at most {MAX_ANNOTATIONS}",
                record.as_ref().map_or(0, String::len)
            )));
        }
        let sections = &self.sections;
        if let Source::Manifest {
            text,
            name,
            namespace,
            located,
            breaks,
            other_data_bytes,
            ..
        } = &mut self.source
        {
            if let LineBreaks::Mixed { line } = breaks {
                return Err(Error::MixedLineBreaks { line: *line });
            }
            // Reading a large manifest again costs as much as the edit: a `metadata` that
            // comes before `data` has not moved, and the caller hands it over.
            let fresh;
            let metadata = match (located.as_deref(), metadata_hint) {
                (Some(l), _) => l.metadata.clone(),
                (None, Some(hint)) => Some(hint),
                (None, None) => {
                    fresh = locate(text, namespace.as_deref(), name)?;
                    fresh.metadata.clone()
                }
            };
            let written =
                crate::ownership::write_record(text, metadata.as_ref(), record.as_deref())?;
            // The same data, and the record as meant: anything else is a bug, refused here.
            let after = locate(&written, namespace.as_deref(), name)
                .map_err(|_| Error::RecordNotReadBack)?;
            let keys_same = DataKey::ALL.iter().all(|k| {
                let read = after.key(k.as_str()).and_then(|s| s.value.as_str());
                let had = sections
                    .iter()
                    .find(|s| s.key == *k)
                    .map(|s| s.text.as_str());
                read.map(str::trim_end) == had.map(str::trim_end)
            });
            if !keys_same
                || after.other_data_bytes() != *other_data_bytes
                || crate::ownership::read_record(after.metadata.as_ref()) != record
            {
                return Err(Error::RecordNotReadBack);
            }
            *text = written;
            *located = Some(Box::new(after));
        }
        self.record = record;
        Ok(())
    }

    /// The `metadata` pair of a manifest whose metadata comes before its data: edits of the
    /// data do not move it.
    pub(crate) fn metadata_before_data(&self) -> Option<(Node, Node)> {
        let Source::Manifest {
            located: Some(l), ..
        } = &self.source
        else {
            return None;
        };
        let meta = l.metadata.as_ref()?;
        let data_start = match &l.site {
            crate::manifest::DataSite::Map { node, .. } => node.start,
            _ => return None,
        };
        (meta.1.end <= data_start).then(|| meta.clone())
    }
}
