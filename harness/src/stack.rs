//! What a suite provides for one stack version: its outputs contract, the facts it needs
//! gathered from those outputs, and its checks.

use std::future::Future;

use crate::aws::Clients;
use crate::check::Check;
use crate::outputs::{Contract, Outputs};

pub trait Stack: Sync {
    type Facts: Send + Sync + 'static;

    /// Short name used in test names and reports: `hipaa`.
    fn name(&self) -> &'static str;

    fn contract(&self) -> &Contract;

    fn checks(&self) -> &'static [Check<Self::Facts>];

    /// Output keys the checks read; missing ones are reported before the run.
    fn outputs_used(&self) -> &'static [&'static str];

    /// Fetches every fact the checks read, once, concurrently. Never fails as a whole: a fact
    /// that could not be fetched carries its error to the checks that need it.
    fn gather(&self, clients: &Clients, region: &str, outputs: &Outputs) -> impl Future<Output = Self::Facts> + Send;
}
