//! Errors of the crate: every one that comes from a document carries its line and column.

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong while reading, checking or editing a document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The text is not well-formed XML.
    #[error("{line}:{column}: {message}")]
    Syntax {
        /// 1-based line of the offending byte.
        line: u32,
        /// 1-based column (in characters) of the offending byte.
        column: u32,
        /// What the parser found.
        message: String,
    },
    /// The XML is well-formed but a value in it is not what libvirt accepts.
    #[error("{line}:{column}: {message}")]
    Invalid {
        /// 1-based line of the element or attribute holding the value.
        line: u32,
        /// 1-based column of the element or attribute holding the value.
        column: u32,
        /// What is wrong with the value.
        message: String,
    },
    /// A required element or attribute is missing.
    #[error("{line}:{column}: {message}")]
    Missing {
        /// 1-based line of the element that should contain it.
        line: u32,
        /// 1-based column of the element that should contain it.
        column: u32,
        /// What is missing.
        message: String,
    },
    /// The document's root element is not the one this view reads.
    #[error("{line}:{column}: expected root element <{expected}>, found <{found}>")]
    WrongRoot {
        /// 1-based line of the root element.
        line: u32,
        /// 1-based column of the root element.
        column: u32,
        /// The root element the view needs.
        expected: &'static str,
        /// The root element the document has.
        found: String,
    },
    /// A value given to a setter or builder cannot be written.
    #[error("invalid argument: {0}")]
    Argument(String),
}

impl Error {
    /// Line and column of the error, when it points into a document.
    pub fn position(&self) -> Option<(u32, u32)> {
        match self {
            Error::Syntax { line, column, .. }
            | Error::Invalid { line, column, .. }
            | Error::Missing { line, column, .. }
            | Error::WrongRoot { line, column, .. } => Some((*line, *column)),
            Error::Argument(_) => None,
        }
    }

    /// The message without its position.
    pub fn message(&self) -> String {
        match self {
            Error::Syntax { message, .. }
            | Error::Invalid { message, .. }
            | Error::Missing { message, .. } => message.clone(),
            Error::WrongRoot {
                expected, found, ..
            } => format!("expected root element <{expected}>, found <{found}>"),
            Error::Argument(m) => m.clone(),
        }
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub(crate) fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let mut off = offset.min(text.len());
    while !text.is_char_boundary(off) {
        off -= 1;
    }
    let before = &text.as_bytes()[..off];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = text[line_start..off].chars().count() + 1;
    (to_u32(line), to_u32(column))
}

fn to_u32(v: usize) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}
