//! Reports of a run. Every writer takes the same records and writes its file atomically
//! (a temporary file in the same folder, then a rename), so a report is either whole or absent.

pub mod junit;

use std::io::Write;
use std::path::Path;
use std::time::{Duration, SystemTime};

use crate::Error;
use crate::check::{CheckInfo, Outcome};

/// One check's result, as every report sees it.
#[derive(Debug, Clone)]
pub struct Record {
    pub stack: &'static str,
    pub info: CheckInfo,
    pub outcome: Outcome,
    pub duration: Duration,
    pub started: SystemTime,
}

/// Writes `bytes` to `path` via a temporary sibling and a rename.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let fail = |source| Error::Report { path: path.to_owned(), source };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "report".into());
    let tmp = path.with_file_name(format!(".{file_name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(fail)
}
