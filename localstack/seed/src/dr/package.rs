//! The failover function's deployment package: a one-file zip archive. moto takes any bytes as a
//! package, but a real archive keeps CodeSize and CodeSha256 honest.

use std::io::{Cursor, Write};

use zip::ZipWriter;
use zip::write::SimpleFileOptions;

/// A zip archive holding `data` as the file `name` (stored, readable by everyone).
pub fn stored(name: &str, data: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options =
        SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored).unix_permissions(0o644);
    zip.start_file(name, options)?;
    zip.write_all(data)?;
    Ok(zip.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn the_archive_reads_back_as_the_one_file() {
        let bytes = stored("index.js", b"exports.handler = async () => 1;\n").unwrap();
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        assert_eq!(archive.len(), 1);
        let mut text = String::new();
        archive.by_name("index.js").unwrap().read_to_string(&mut text).unwrap();
        assert_eq!(text, "exports.handler = async () => 1;\n");
    }
}
