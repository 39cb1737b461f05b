//! The `stackproof` command as the tests run it: none of the caller's stackproof, AWS or GitHub
//! settings leak in, `RUST_BACKTRACE=1` is set (so a panic would show its backtrace and be
//! caught), stdin is closed, and HOME is an empty folder (no AWS profile of the developer's).

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// An empty HOME for every run of the command: created once, kept empty.
fn empty_home() -> PathBuf {
    let home = std::env::temp_dir().join(format!("stackproof-home-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&home);
    home
}

/// The command, its environment cleared of every setting a user could have made.
pub fn command() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stackproof"));
    let inherited: Vec<String> = std::env::vars_os()
        .map(|(k, _)| k.to_string_lossy().into_owned())
        .filter(|k| {
            k.starts_with("STACKPROOF_") || k.starts_with("AWS_") || k.starts_with("GITHUB_") || k == "RUST_BACKTRACE"
        })
        .collect();
    for var in inherited {
        cmd.env_remove(var);
    }
    cmd.env("HOME", empty_home()).env("RUST_BACKTRACE", "1").env("AWS_EC2_METADATA_DISABLED", "true");
    cmd.stdin(Stdio::null());
    cmd
}

/// Runs the command with `args` and the extra `envs`.
pub fn stackproof(args: &[&str], envs: &[(&str, &str)]) -> std::io::Result<Output> {
    command().args(args).envs(envs.iter().copied()).output()
}

pub fn text(out: &Output) -> String {
    format!("stdout:\n{}\nstderr:\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// A folder of its own for one test, emptied.
pub fn scratch(prefix: &str, name: &str) -> std::io::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("stackproof-{prefix}-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// A port nothing listens on: bound, then let go.
pub fn dead_port() -> std::io::Result<u16> {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port())
}
