//! Talking to AWS, read-only: where the deployment lives (`target`), the guard every client
//! carries (`guard`), the guarded clients per region (`clients`), who the run acts as
//! (`identity`), and what an SDK error means (`fault`). The emulator's mends (`emulator`) are
//! attached to the emulator target's clients only.

pub mod clients;
pub mod emulator;
pub mod fault;
pub mod guard;
pub mod identity;
pub mod policy;
pub mod target;

pub use clients::{Clients, RegionClients};
pub use identity::Identity;
pub use target::Target;
