//! Who the run acts as, from STS GetCallerIdentity: the first call of every run, so an endpoint
//! that does not answer is one clear error before any fact is fetched.

use aws_credential_types::provider::error::CredentialsError;
use aws_smithy_types::error::display::DisplayErrorContext;

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
            Err(err) if credentials_in(&err).is_some() => Err(match credentials_in(&err) {
                Some(CredentialsError::CredentialsNotLoaded(_)) => Error::NoCredentials,
                Some(other) => Error::Credentials { detail: first_line(&DisplayErrorContext(other).to_string()) },
                None => Error::NoCredentials,
            }),
            Err(err) => Err(match classify("GetCallerIdentity", &err, &[]) {
                FactError::Unreachable { detail, .. }
                    if !target.is_emulator() && detail.contains("failed to lookup address") =>
                {
                    Error::UnresolvedRegion { region, detail }
                }
                FactError::Unreachable { detail, .. } => {
                    Error::Unreachable { target: target.describe(), region, detail }
                }
                FactError::Refused { detail } => Error::Refused { detail },
                other => Error::Api { operation: "GetCallerIdentity".into(), region, detail: other.to_string() },
            }),
        }
    }
}

/// The credential chain's error inside an SDK error's source chain.
fn credentials_in<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a CredentialsError> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(c) = e.downcast_ref::<CredentialsError>() {
            return Some(c);
        }
        cur = e.source();
    }
    None
}

/// The first line of a message: the credential chain lists every provider it tried, one a line.
fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or(text).trim().trim_end_matches(':').to_owned()
}
