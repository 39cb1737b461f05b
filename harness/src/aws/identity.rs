//! Who the run acts as, from STS GetCallerIdentity: the first call of every run, so an endpoint
//! that does not answer is one clear error before any fact is fetched.

use super::fault::classify;
use super::{RegionClients, Target};
use crate::error::{Error, FactError};

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Identity {
    pub account: String,
    pub arn: String,
}

impl Identity {
    /// Asks STS who the clients' credentials belong to.
    pub async fn of(clients: &RegionClients, target: &Target) -> Result<Self, Error> {
        let region = clients.region.clone();
        match clients.sts.get_caller_identity().send().await {
            Ok(id) => Ok(Self { account: id.account.unwrap_or_default(), arn: id.arn.unwrap_or_default() }),
            Err(err) => Err(match classify("GetCallerIdentity", &err, &[]) {
                FactError::Unreachable { detail, .. } => {
                    Error::Unreachable { target: target.describe(), region, detail }
                }
                other => Error::Api { operation: "GetCallerIdentity".into(), region, detail: other.to_string() },
            }),
        }
    }
}
