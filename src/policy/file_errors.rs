//! The independent errors of one file, collected as it is built and reported together.

use super::LoadError;

/// At most this many errors of one file are reported at once: more would repeat them.
pub(super) const MAX_ERRORS: usize = 50;

/// The errors found in one file as it is built, each item in error left out.
#[derive(Default)]
pub(super) struct Errors(Vec<LoadError>);

impl Errors {
    /// The value built, or `None` with its error kept.
    pub fn kept<T>(&mut self, built: Result<T, LoadError>) -> Option<T> {
        built.map_err(|error| self.push(error)).ok()
    }

    pub fn push(&mut self, error: LoadError) {
        if self.0.len() < MAX_ERRORS {
            self.0.push(error);
        }
    }

    /// Every error found, as one diagnostic; `Ok` if there was none.
    pub fn finish(self) -> Result<(), LoadError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(all_of(self.0))
        }
    }
}

/// The errors of one file as one diagnostic: the first, with the others after it.
pub(super) fn all_of(mut errors: Vec<LoadError>) -> LoadError {
    let first = errors.remove(0);
    errors.into_iter().fold(first, LoadError::with_related)
}
