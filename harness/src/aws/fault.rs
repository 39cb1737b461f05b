//! What an SDK error means for a run: the resource is absent (a definite answer), the endpoint
//! did not answer, the guard refused the call, or the API failed some other way.

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::guard;
use crate::error::FactError;

/// Sorts an SDK error into what it means for a check. `not_found` lists the service error codes
/// that mean "this resource does not exist" for that operation.
pub fn classify<E, R>(operation: &str, err: &SdkError<E, R>, not_found: &[&str]) -> FactError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    if let Some(refused) = guard::refusal_in(err) {
        return FactError::Refused { detail: refused.to_string() };
    }
    if let Some(redirected) = guard::redirect_in(err) {
        return FactError::Refused { detail: redirected.to_string() };
    }
    match err {
        SdkError::ServiceError(se) => {
            let code = se.err().code().unwrap_or("Unknown");
            let message = se.err().message().unwrap_or("");
            if not_found.contains(&code) && (code != "ValidationError" || message.contains("does not exist")) {
                FactError::Absent { what: message.to_owned() }
            } else {
                FactError::Api { operation: operation.to_owned(), detail: format!("{code}: {message}") }
            }
        }
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => {
            FactError::Unreachable { operation: operation.to_owned(), detail: root_cause(err) }
        }
        _ => FactError::Api { operation: operation.to_owned(), detail: DisplayErrorContext(err).to_string() },
    }
}

/// The innermost message of an error chain ("Connection refused (os error 111)").
fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = err;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}
