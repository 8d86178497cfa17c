//! Reading what users hand us, within bounds: only regular files (a FIFO would block forever,
//! `/dev/zero` would never end), and never more bytes than the limit allows, whatever the
//! file's metadata claims.

use std::fmt;
use std::io::Read;
use std::path::Path;

/// The UTF-8 byte order mark, which some editors write at the start of a file.
pub const BOM: &str = "\u{feff}";

/// Why a file or standard input could not be read.
#[derive(Debug)]
#[non_exhaustive]
pub enum ReadError {
    /// The operating system refused (missing file, no permission, ...).
    Io(std::io::Error),
    /// Not a regular file: a directory, FIFO, socket or device.
    NotRegular(&'static str),
    /// More than `limit` bytes.
    TooLarge {
        /// The bound that was crossed.
        limit: u64,
    },
    /// Not UTF-8; `offset` is the first invalid byte.
    NotUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(error) => write!(f, "{error}"),
            ReadError::NotRegular(kind) => write!(f, "it is a {kind}, not a regular file"),
            ReadError::TooLarge { limit } => write!(f, "it holds more than {limit} bytes"),
            ReadError::NotUtf8 { offset } => {
                write!(f, "it is not UTF-8 text (invalid byte at offset {offset})")
            }
        }
    }
}

impl std::error::Error for ReadError {}

impl From<std::io::Error> for ReadError {
    fn from(error: std::io::Error) -> Self {
        ReadError::Io(error)
    }
}

/// The bytes of the regular file at `path` (symbolic links followed), at most `limit` of them.
pub(crate) fn read_bytes(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let file = open_regular(path)?;
    // Sized from the file's length, the buffer is not grown (and left up to twice as big)
    // while reading; a file that grows meanwhile is still read to the limit.
    let length = file.metadata().map_or(0, |metadata| metadata.len());
    read_bounded(file, limit, length.min(limit))
}

/// The text of the regular file at `path`, at most `limit` bytes, without a leading byte
/// order mark.
pub fn read_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    text(read_bytes(path, limit)?)
}

/// Standard input as text, at most `limit` bytes, without a leading byte order mark.
pub fn read_stdin(limit: u64) -> Result<String, ReadError> {
    text(read_bounded(std::io::stdin().lock(), limit, 0)?)
}

/// Opens `path` for reading without blocking on a FIFO, and refuses anything but a regular
/// file (checked on the opened file, so a swap after the check cannot slip through).
pub fn open_regular(path: &Path) -> Result<std::fs::File, ReadError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let kind = file.metadata()?.file_type();
    if kind.is_file() {
        Ok(file)
    } else {
        Err(ReadError::NotRegular(kind_name(kind)))
    }
}

fn kind_name(kind: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "FIFO";
        }
        if kind.is_socket() {
            return "socket";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "device";
        }
    }
    if kind.is_dir() {
        "directory"
    } else {
        "special file"
    }
}

/// All of `reader`, refused past `limit` bytes; `expected` bytes are made room for first.
fn read_bounded(reader: impl Read, limit: u64, expected: u64) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::with_capacity(usize::try_from(expected.saturating_add(1)).unwrap_or(0));
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { limit });
    }
    Ok(bytes)
}

fn text(bytes: Vec<u8>) -> Result<String, ReadError> {
    let mut text = String::from_utf8(bytes).map_err(|error| ReadError::NotUtf8 {
        offset: error.utf8_error().valid_up_to(),
    })?;
    if text.starts_with(BOM) {
        text.drain(..BOM.len());
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_regular_files_within_the_limit_and_drops_a_byte_order_mark() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("p.yaml");
        std::fs::write(&path, "\u{feff}version: 1\n").unwrap();
        assert_eq!(read_text(&path, 100).unwrap(), "version: 1\n");
        assert!(matches!(
            read_text(&path, 5),
            Err(ReadError::TooLarge { limit: 5 })
        ));
        assert!(matches!(
            read_text(directory.path(), 100),
            Err(ReadError::NotRegular("directory"))
        ));
    }

    #[cfg(unix)]
    #[test]
    #[allow(unsafe_code)] // mkfifo, to make a FIFO to refuse
    fn refuses_devices_and_fifos_without_blocking() {
        assert!(matches!(
            read_bytes(Path::new("/dev/zero"), 10),
            Err(ReadError::NotRegular("device"))
        ));
        let directory = tempfile::tempdir().unwrap();
        let fifo = directory.path().join("f.yaml");
        let name = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        assert!(matches!(
            read_bytes(&fifo, 10),
            Err(ReadError::NotRegular("FIFO"))
        ));
    }
}
