//! Mends for the emulator's replies that the Rust SDK cannot read. Attached only to clients of the
//! emulator target (see `aws::RegionClients`); clients of AWS never see them.

use aws_sdk_s3::operation::get_bucket_versioning::GetBucketVersioningOutput;
use aws_sdk_s3::types::{BucketVersioningStatus, MfaDeleteStatus};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{FinalizerInterceptorContextMut, Output};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// moto 5.2.5 answers GetBucketVersioning with the root element `GetBucketVersioningResponse`
/// instead of S3's `VersioningConfiguration`; boto3 tolerates that, the Rust SDK refuses it. When
/// the SDK has failed to read exactly that reply, this reads `Status` and `MfaDelete` from the
/// body and hands the SDK the output it would have built.
#[derive(Debug, Clone, Copy)]
pub struct MendBucketVersioning;

const MOTO_ROOT: &str = "<GetBucketVersioningResponse";

impl Intercept for MendBucketVersioning {
    fn name(&self) -> &'static str {
        "stackproof::MendBucketVersioning"
    }

    fn modify_before_attempt_completion(
        &self,
        context: &mut FinalizerInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if cfg.load::<Metadata>().map(Metadata::name) != Some("GetBucketVersioning") {
            return Ok(());
        }
        let failed = matches!(context.output_or_error(), Some(Err(_)));
        let body = context.response().filter(|r| r.status().is_success()).and_then(|r| r.body().bytes());
        let Some(body) = body.and_then(|b| std::str::from_utf8(b).ok()).filter(|b| b.contains(MOTO_ROOT)) else {
            return Ok(());
        };
        if !failed {
            return Ok(());
        }
        let output = GetBucketVersioningOutput::builder()
            .set_status(element(body, "Status").map(BucketVersioningStatus::from))
            .set_mfa_delete(element(body, "MfaDelete").map(MfaDeleteStatus::from))
            .build();
        if let Some(slot) = context.output_or_error_mut() {
            *slot = Ok(Output::erase(output));
        }
        Ok(())
    }
}

/// The text of `<name>…</name>` in a small, flat XML document.
fn element<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}>");
    let start = xml.find(&open)? + open.len();
    let end = xml[start..].find(&format!("</{name}>"))? + start;
    Some(xml[start..end].trim())
}

#[cfg(test)]
mod tests {
    use super::element;

    #[test]
    fn reads_the_elements_of_motos_reply() {
        let body = r#"<?xml version="1.0" encoding="utf-8"?>
<GetBucketVersioningResponse xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></GetBucketVersioningResponse>"#;
        assert_eq!(element(body, "Status"), Some("Enabled"));
        assert_eq!(element(body, "MfaDelete"), None);
    }
}
