//! Proof on the emulator that the live suite tells compliant from broken deployments, that the
//! harness cannot write, and that bad input fails plainly. One private emulator serves every
//! trial; each trial seeds its own deployment under its own suffix.
//!
//! `cargo test --test offline` (needs python3; the emulator installs itself on first use).

mod bad_input;
mod canary;
mod chain;
mod cli;
mod command;
mod console;
mod dr;
mod dr_v2_only;
mod faults;
mod formats;
mod guard;
mod reports;
mod secrets_procedure;
mod settle;

use std::process::ExitCode;
use std::sync::Arc;

use libtest_mimic::{Arguments, Failed, Trial};
use stackproof_seed::emulator::Emulator;

/// What every trial shares: the emulator's endpoint and an async runtime.
pub struct World {
    pub endpoint: String,
    pub rt: tokio::runtime::Runtime,
}

pub type Shared = Arc<Result<World, String>>;

/// Wraps a trial body that needs the emulator.
pub fn needs_world(
    name: String,
    world: &Shared,
    body: impl FnOnce(&World) -> Result<(), Failed> + Send + 'static,
) -> Trial {
    let world = Arc::clone(world);
    Trial::test(name, move || match world.as_ref() {
        Ok(w) => body(w),
        Err(e) => Err(e.clone().into()),
    })
}

fn main() -> ExitCode {
    let args = Arguments::from_args();
    if !args.list {
        // The report tests read the HTML through headless Chromium and its PDF through pdftotext:
        // installed here on first use, as the emulator installs itself, so `cargo test` needs
        // nothing by hand. A machine that cannot install them fails those tests, saying how.
        let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("localstack/browser");
        match std::process::Command::new(&script).arg("install").status() {
            Ok(status) if status.success() => {}
            Ok(status) => eprintln!(
                "offline: {} install exited {status}; the report tests will say what is missing",
                script.display()
            ),
            Err(e) => eprintln!("offline: cannot run {}: {e}", script.display()),
        }
    }
    let mut emulator = None;
    let world: Shared = Arc::new(if args.list {
        Err("not started for --list".into())
    } else {
        Emulator::start("offline").and_then(|e| {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            let endpoint = e.endpoint.clone();
            emulator = Some(e);
            Ok(World { endpoint, rt })
        })
    });

    let mut trials = Vec::new();
    trials.extend(chain::trials(&world));
    trials.extend(guard::trials(&world));
    trials.extend(cli::trials(&world));
    trials.extend(bad_input::trials(&world));
    trials.extend(faults::trials(&world));
    trials.extend(console::trials(&world));
    trials.extend(dr::trials(&world));
    trials.extend(dr_v2_only::trials(&world));
    trials.extend(reports::trials(&world));
    trials.extend(canary::trials(&world));
    trials.extend(formats::trials(&world));
    trials.extend(secrets_procedure::trials(&world));
    trials.extend(settle::trials(&world));
    let conclusion = libtest_mimic::run(&args, trials);
    drop(emulator);
    conclusion.exit_code()
}
