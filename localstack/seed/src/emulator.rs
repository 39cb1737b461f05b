//! A private emulator for tests: started through `localstack/emulator` with its own state
//! folder, stopped when dropped.

use std::path::PathBuf;
use std::process::Command;

pub struct Emulator {
    pub endpoint: String,
    home: PathBuf,
}

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../emulator")
}

impl Emulator {
    /// Starts a new emulator on a free port, tied to this process: it stops when dropped, and
    /// also when this process dies without dropping it. The first call installs it (pip).
    pub fn start(name: &str) -> Result<Self, String> {
        let home = std::env::temp_dir().join(format!("stackproof-emulator-{name}-{}", std::process::id()));
        let out = Command::new(script())
            .args(["start", "--parent-pid", &std::process::id().to_string()])
            .env("STACKPROOF_EMULATOR_HOME", &home)
            .output()
            .map_err(|e| format!("cannot run {}: {e}", script().display()))?;
        if !out.status.success() {
            return Err(format!("the emulator did not start: {}", String::from_utf8_lossy(&out.stderr).trim()));
        }
        let endpoint = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        Ok(Self { endpoint, home })
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = Command::new(script()).arg("stop").env("STACKPROOF_EMULATOR_HOME", &self.home).output();
        let _ = std::fs::remove_dir_all(&self.home);
    }
}
