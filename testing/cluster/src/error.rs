use std::fmt;

/// A result whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why the test cluster could not be started or driven.
///
/// The message says what was being attempted and, for a server that died,
/// ends with the last lines of its log.
#[derive(Debug)]
pub struct Error {
    message: String,
    source: Option<std::io::Error>,
    /// The server lost a race for one of its ports: starting again with new
    /// ports may work.
    pub(crate) port_in_use: bool,
}

impl Error {
    pub(crate) fn new(message: impl Into<String>) -> Error {
        Error {
            message: message.into(),
            source: None,
            port_in_use: false,
        }
    }

    pub(crate) fn io(message: impl Into<String>, source: std::io::Error) -> Error {
        Error {
            message: message.into(),
            source: Some(source),
            port_in_use: false,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Some(source) => write!(f, "{}: {source}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}
