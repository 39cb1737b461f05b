//! The Route53 health check (main.ts "Route53", global): healthy while the replication lag alarm
//! is not in ALARM; it reads the alarm in the alarm's region (the DR region from v2 on).
//!
//! moto drops a CLOUDWATCH_METRIC health check's AlarmIdentifier and InsufficientDataHealthStatus
//! (and gives it Port 80); they are still sent as main.ts declares them.

use aws_sdk_route53::types::{
    AlarmIdentifier, CloudWatchRegion, HealthCheckConfig, HealthCheckType, InsufficientDataHealthStatus,
    TagResourceType,
};

use super::core::Core;
use super::{DR_REGION, Layout, PRIMARY_REGION};
use crate::{SeedError, step};
use stackproof::dr::mutants as m;

/// What the health check watches.
pub(crate) enum Probe {
    /// The replication lag alarm (main.ts) in its region; unhealthy while its data is insufficient.
    Alarm { name: String, region: &'static str },
    /// An HTTP endpoint on port 80: the mutant.
    Http { host: String },
}

/// The health check as main.ts declares it.
pub(crate) struct HealthCheckSpec {
    /// The caller reference and the Name tag.
    pub name: String,
    pub probe: Probe,
    /// main.ts leaves both false.
    pub inverted: bool,
    pub disabled: bool,
}

pub(crate) fn spec(l: &Layout, core: &Core) -> HealthCheckSpec {
    let probe = if l.has(&m::HEALTH_CHECK_HTTP) {
        Probe::Http { host: core.primary_endpoint.clone() }
    } else {
        let region = if l.v2() { DR_REGION } else { PRIMARY_REGION };
        Probe::Alarm { name: l.names.lag_alarm(), region }
    };
    HealthCheckSpec {
        name: l.names.health_check(),
        probe,
        inverted: l.has(&m::HEALTH_CHECK_INVERTED),
        disabled: l.has(&m::HEALTH_CHECK_DISABLED),
    }
}

fn config(spec: &HealthCheckSpec) -> Result<HealthCheckConfig, SeedError> {
    let config = match &spec.probe {
        Probe::Http { host } => HealthCheckConfig::builder()
            .r#type(HealthCheckType::Http)
            .fully_qualified_domain_name(host)
            .port(80)
            .resource_path("/"),
        Probe::Alarm { name, region } => {
            let alarm = AlarmIdentifier::builder().region(CloudWatchRegion::from(*region)).name(name);
            HealthCheckConfig::builder()
                .r#type(HealthCheckType::CloudwatchMetric)
                .alarm_identifier(alarm.build().map_err(step("AlarmIdentifier"))?)
                .insufficient_data_health_status(InsufficientDataHealthStatus::Unhealthy)
        }
    };
    config.inverted(spec.inverted).disabled(spec.disabled).build().map_err(step("HealthCheckConfig"))
}

/// Creates the health check and tags it; returns its id.
pub(crate) async fn create(l: &Layout, spec: &HealthCheckSpec) -> Result<String, SeedError> {
    let route53 = &l.primary.route53;
    let created = route53
        .create_health_check()
        .caller_reference(&spec.name)
        .health_check_config(config(spec)?)
        .send()
        .await
        .map_err(step("CreateHealthCheck"))?;
    let id = created.health_check.map(|h| h.id).unwrap_or_default();
    let tags = l.tags(&[("Name", &spec.name)]).into_iter();
    let tags = tags.map(|(k, v)| aws_sdk_route53::types::Tag::builder().key(k).value(v).build());
    route53
        .change_tags_for_resource()
        .resource_type(TagResourceType::Healthcheck)
        .resource_id(&id)
        .set_add_tags(Some(tags.collect()))
        .send()
        .await
        .map_err(step("ChangeTagsForResource"))?;
    Ok(id)
}
