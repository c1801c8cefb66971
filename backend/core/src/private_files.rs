//! Files only their owner may read: the data directory (`0700`), the
//! database and the OAuth signing key (`0600`). They hold OAuth tokens,
//! DPoP keys and the key itself. Elsewhere than Unix, the platform's defaults.

use std::fs::File;
use std::path::Path;

/// Creates `dir` and its missing parents, mode 0700 (existing ones are left as they are).
pub fn create_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Creates `file`, mode 0600, for writing; fails if it exists.
pub fn create_new(file: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(file)
}

/// Creates an empty `file`, mode 0600, unless it exists.
pub fn create_empty(file: &Path) -> std::io::Result<()> {
    match create_new(file) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}
