//! Errors of a command that are not about a place in a file: an argument it cannot use, a
//! path or its output that cannot be read or written, a run that would check nothing, a
//! check of the gate that does not hold. They
//! are reported as every diagnostic is, through [`super::output::report`], with a code of
//! the registry (`docs/errors.md`).

use super::Exit;
use miette::Diagnostic;
use permspec::error_code::ErrorCode;
use std::fmt;

/// An error of the command line.
#[derive(Debug)]
pub struct CliError {
    code: ErrorCode,
    message: String,
    help: Option<String>,
    exit: Exit,
}

impl CliError {
    fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        CliError {
            code,
            message: message.into(),
            help: None,
            exit: Exit::BadInput,
        }
    }

    /// An argument, or a combination of them, that the command cannot use.
    pub fn usage(message: impl Into<String>) -> Self {
        CliError::new(ErrorCode::CliUsage, message)
    }

    /// A rule selector that names no rule.
    pub fn selector(message: impl Into<String>) -> Self {
        CliError::new(ErrorCode::CliSelector, message)
    }

    /// A path given, or the command's output, that cannot be read or written.
    pub fn io(message: impl Into<String>) -> Self {
        CliError::new(ErrorCode::CliIo, message)
    }

    /// A run that would check nothing.
    pub fn nothing_checked(message: impl Into<String>) -> Self {
        CliError::new(ErrorCode::CliNothingChecked, message)
    }

    /// An error a server or service answered with.
    pub fn service(message: impl Into<String>) -> Self {
        CliError::new(ErrorCode::CliService, message)
    }

    /// A check of the gate that does not hold (coverage under its minimum, a mutant that
    /// survives, a route call no root key can make): the command ends with
    /// [`Exit::Failure`].
    pub fn failed(code: ErrorCode, message: impl Into<String>) -> Self {
        CliError {
            exit: Exit::Failure,
            ..CliError::new(code, message)
        }
    }

    /// Adds a hint of one line: a line break in it (from a name or an argument) is shown
    /// escaped, so that no such text can start a line of the report.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(permspec::printable::escaped(&help.into()).into_owned());
        self
    }

    /// Adds a hint of several lines, each escaped as [`Self::with_help`] escapes its one.
    pub fn with_help_lines(mut self, lines: &[String]) -> Self {
        self.help = Some(permspec::printable::escaped_hint(lines));
        self
    }

    /// Reports the error on standard error, and how the command ends: [`Exit::BadInput`],
    /// or [`Exit::Failure`] for a check that does not hold.
    pub fn report(self) -> Exit {
        super::output::report(&self);
        self.exit
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {}

impl Diagnostic for CliError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(format!("permspec::{}", self.code.code())))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (self.help.as_ref()).map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }
}
