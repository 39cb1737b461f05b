//! SIGINT and SIGTERM during a live run: the first one stops the network part of the run, which
//! then writes its reports with the verdict "interrupted" (a CI step that times out must not
//! upload evidence that looks whole); a second one ends the process at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::{Handle, Signals};
use tokio::sync::Notify;

use super::console::say;

/// The exit status of a run ended by a second signal.
const SECOND_SIGNAL_EXIT: i32 = 2;

pub struct Interrupt {
    signal: Arc<AtomicI32>,
    notify: Arc<Notify>,
    handle: Handle,
}

impl Interrupt {
    /// Starts listening; until this is dropped, SIGINT and SIGTERM no longer end the process.
    pub fn install() -> std::io::Result<Self> {
        let mut signals = Signals::new([SIGINT, SIGTERM])?;
        let handle = signals.handle();
        let signal = Arc::new(AtomicI32::new(0));
        let notify = Arc::new(Notify::new());
        let (seen, wake) = (Arc::clone(&signal), Arc::clone(&notify));
        std::thread::spawn(move || {
            for sig in signals.forever() {
                if seen.swap(sig, Ordering::SeqCst) != 0 {
                    say("stackproof: stopped by a second signal; the reports of this run may be missing");
                    std::process::exit(SECOND_SIGNAL_EXIT);
                }
                wake.notify_waiters();
                wake.notify_one();
            }
        });
        Ok(Self { signal, notify, handle })
    }

    /// The signal received, if any: `SIGINT`, `SIGTERM`.
    pub fn received(&self) -> Option<&'static str> {
        match self.signal.load(Ordering::SeqCst) {
            0 => None,
            SIGINT => Some("SIGINT"),
            SIGTERM => Some("SIGTERM"),
            _ => Some("a signal"),
        }
    }

    /// Resolves when a signal has been received (at once if one already was).
    pub async fn wait(&self) {
        loop {
            let notified = self.notify.notified();
            if self.received().is_some() {
                return;
            }
            notified.await;
        }
    }
}

impl Drop for Interrupt {
    fn drop(&mut self) {
        self.handle.close();
    }
}
