//! Problems in a spec, collected and reported together.
//!
//! An error means the generated client would be wrong or could not be built,
//! so nothing is generated. A warning means the spec is wrong but has one safe,
//! obvious reading, which the generator takes and says so: the crate is
//! generated, and the warning travels with it ([`crate::GeneratedCrate::warnings`]).

use std::fmt;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The spec was read one safe, obvious way; the message says which.
    Warning,
    /// The client would be wrong or could not be built: nothing is generated.
    Error,
}

/// One problem in a spec: where it is, what is wrong, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// An error stops generation; a warning does not.
    pub severity: Severity,
    /// The spec file as the user named it.
    pub file: String,
    /// JSON pointer of the offending node (`""` for the whole document).
    pub pointer: String,
    /// 1-based line, where the parser gives one.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: String,
}

impl Diagnostic {
    /// An error: the client would be wrong or could not be built.
    pub fn new(
        file: impl Into<String>,
        pointer: impl Into<String>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            pointer: pointer.into(),
            line: None,
            message: message.into(),
            help: help.into(),
        }
    }

    /// A warning: `message` says what is wrong and what was assumed, `help` how to fix the spec.
    pub fn warning(
        file: impl Into<String>,
        pointer: impl Into<String>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::new(file, pointer, message, help) }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The same problem as an error (what `--deny-warnings` does to every warning).
    pub fn denied(self) -> Self {
        Diagnostic { severity: Severity::Error, ..self }
    }

    pub fn with_line(mut self, line: Option<usize>) -> Self {
        self.line = line;
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{label}: {}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if !self.pointer.is_empty() {
            write!(f, " at #{}", self.pointer)?;
        }
        write!(f, ": {}", self.message)?;
        if !self.help.is_empty() {
            write!(f, "\n  help: {}", self.help)?;
        }
        Ok(())
    }
}

/// Every problem found in one run, in the order found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn single(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }
    /// Whether any problem is an error (warnings alone do not stop generation).
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }
    /// Every warning made an error, for a strict gate (`--deny-warnings`).
    pub fn denied(self) -> Self {
        Diagnostics(self.0.into_iter().map(Diagnostic::denied).collect())
    }
    /// Sorts the problems by where their nodes stand in `doc` (the order a
    /// reader meets them), which is not the order resolution found them in.
    pub fn in_document_order(mut self, doc: &serde_json::Value) -> Self {
        self.0.sort_by_cached_key(|d| document_position(doc, &d.pointer));
        self
    }

    /// `Ok(())` when nothing was reported, the collected problems otherwise.
    pub fn into_result(self) -> Result<(), Diagnostics> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }

    /// `Ok(warnings)` when no problem is an error; every problem (warnings too) otherwise.
    pub fn into_warnings(self) -> Result<Diagnostics, Diagnostics> {
        if self.has_errors() {
            Err(self)
        } else {
            Ok(self)
        }
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        if self.0.len() > 1 {
            let errors = self.0.iter().filter(|d| d.is_error()).count();
            let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
            match (errors, self.0.len() - errors) {
                (n, 0) => write!(f, "\n{n} problems found")?,
                (0, w) => write!(f, "\n{w} warnings")?,
                (n, w) => write!(f, "\n{} and {}", plural(n, "error"), plural(w, "warning"))?,
            }
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// The index of each step of a JSON pointer within its parent (object keys
/// in document order), as far as the pointer resolves.
fn document_position(doc: &serde_json::Value, pointer: &str) -> Vec<usize> {
    let mut position = Vec::new();
    let mut node = doc;
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        let next = match node {
            // With serde_json's `preserve_order`, iteration is document order.
            serde_json::Value::Object(map) => map.iter().enumerate().find(|(_, (k, _))| **k == token).map(|(i, (_, v))| (i, v)),
            serde_json::Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i).map(|v| (i, v))),
            _ => None,
        };
        let Some((index, child)) = next else { break };
        position.push(index);
        node = child;
    }
    position
}
