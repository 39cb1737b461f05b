//! Facts of the layout's operations side, in the primary region but for the lag alarm and the DR
//! alerts topic (v2: the DR region): the three database alarms,
//! the alerts topic and its subscriptions, the trail (with its status and event selectors), the
//! failover function (with its resource policy), its role with every policy, the failover
//! configuration parameter (its metadata, and what it holds when it is a plain String, read
//! without decryption) and the Route 53 health check (a global service, read
//! through the primary region's client). All fetched concurrently; each fetch is boxed, as in the
//! HIPAA suite, so the joined futures stay off a test thread's stack.

use stackproof_harness::aws::Clients;
use stackproof_harness::deployment::Outputs;
use stackproof_harness::facts::cloudtrail::{EventSelectors, Trail, TrailStatus};
use stackproof_harness::facts::cloudwatch::MetricAlarm;
use stackproof_harness::facts::iam::Role;
use stackproof_harness::facts::lambda::{Function, FunctionPolicy};
use stackproof_harness::facts::route53::HealthCheck;
use stackproof_harness::facts::sns::{Subscription, Topic};
use stackproof_harness::facts::ssm::{Parameter, ParameterValue};
use stackproof_harness::facts::{self, Fact, Named, declared, named};

use super::Regions;
use crate::dr::outputs::*;

/// The failover function's variables whose values the checks compare with the stack; of every
/// other variable only the name and the verdicts on its value are kept.
pub const COMPARED_VARIABLES: &[&str] = &["ALERTS_TOPIC_ARN", "CONFIG_PARAMETER_NAME"];

/// The fields of the failover configuration the checks compare with the stack.
pub const CONFIG_FIELDS: &[&str] = &["globalClusterIdentifier", "primaryClusterArn", "drClusterArn"];

pub struct OpsFacts {
    pub cpu_alarm: Named<MetricAlarm>,
    pub connections_alarm: Named<MetricAlarm>,
    pub replication_lag_alarm: Named<MetricAlarm>,
    /// The lag alarm's name as the outputs declare it, which the health check must follow.
    pub replication_lag_alarm_name: Named<String>,
    /// The region the lag alarm was read in: where the version's contract places it (primary in
    /// v1, DR from v2 on, where AWS publishes AuroraGlobalDBReplicationLag).
    pub replication_lag_alarm_region: String,
    /// The topic the lag alarm must notify: the DR region's alerts topic when the version has one
    /// (alarm actions are same-region), else the alerts topic.
    pub replication_lag_topic_arn: Named<String>,
    pub topic: Named<Topic>,
    /// The alerts topic's ARN as the outputs declare it: what the alarms notify, the failover
    /// function is subscribed to and its role may publish to.
    pub topic_arn: Named<String>,
    /// The alerts topic's subscriptions.
    pub subscriptions: Named<Vec<Subscription>>,
    pub trail: Named<Trail>,
    /// The trail bucket's name as the outputs declare it.
    pub trail_bucket_name: Named<String>,
    pub trail_status: Named<TrailStatus>,
    pub event_selectors: Named<EventSelectors>,
    pub function: Named<Function>,
    /// The failover function's resource-based policy; absent when it has none.
    pub function_policy: Named<FunctionPolicy>,
    pub role: Named<Role>,
    pub parameter: Named<Parameter>,
    /// What the configuration parameter holds: which clusters the function promotes.
    pub parameter_value: Named<ParameterValue>,
    /// The configuration parameter's name as the outputs declare it.
    pub parameter_name: Named<String>,
    pub health_check: Named<HealthCheck>,
    /// The DR region's alerts topic, which the lag alarm notifies from v2 on; `None` for a version
    /// whose contract has none.
    pub dr_topic: Option<DrTopic>,
}

/// The DR region's alerts topic (read in the DR region): alarm actions are same-region, so the
/// lag alarm there notifies it, and it must invoke the failover function across regions.
pub struct DrTopic {
    pub arn: Named<String>,
    pub topic: Named<Topic>,
    pub subscriptions: Named<Vec<Subscription>>,
}

impl OpsFacts {
    /// The three alarms, in report order.
    pub fn alarms(&self) -> [&Named<MetricAlarm>; 3] {
        [&self.cpu_alarm, &self.connections_alarm, &self.replication_lag_alarm]
    }
}

pub async fn gather(clients: &Clients, regions: &Regions, outputs: &Outputs) -> OpsFacts {
    let c = clients.region(&regions.primary);
    let alarm =
        |output| named(outputs, output, |name| async move { facts::cloudwatch::alarm(&c.cloudwatch, &name).await });
    // The lag alarm lives where the version's contract says: the DR region from v2 on.
    let lag_region = crate::dr::region_of(outputs, REPLICATION_LAG_ALARM_NAME, regions);
    let lag = clients.region(&lag_region);
    let (
        cpu_alarm,
        connections_alarm,
        replication_lag_alarm,
        topic,
        subscriptions,
        trail,
        trail_status,
        event_selectors,
        function,
        function_policy,
        role,
        parameter,
        health_check,
    ) = tokio::join!(
        Box::pin(alarm(CPU_ALARM_NAME)),
        Box::pin(alarm(CONNECTIONS_ALARM_NAME)),
        Box::pin(named(outputs, REPLICATION_LAG_ALARM_NAME, |name| async move {
            facts::cloudwatch::alarm(&lag.cloudwatch, &name).await
        })),
        Box::pin(named(outputs, ALERTS_TOPIC_ARN, |arn| async move { facts::sns::topic(&c.sns, &arn).await })),
        Box::pin(named(outputs, ALERTS_TOPIC_ARN, |arn| async move { facts::sns::subscriptions(&c.sns, &arn).await })),
        Box::pin(named(
            outputs,
            TRAIL_NAME,
            |name| async move { facts::cloudtrail::trail(&c.cloudtrail, &name).await }
        )),
        Box::pin(named(outputs, TRAIL_NAME, |name| async move {
            facts::cloudtrail::trail_status(&c.cloudtrail, &name).await
        })),
        Box::pin(named(outputs, TRAIL_NAME, |name| async move {
            facts::cloudtrail::event_selectors(&c.cloudtrail, &name).await
        })),
        Box::pin(named(outputs, FAILOVER_FUNCTION_NAME, |name| async move {
            facts::lambda::function(&c.lambda, &name, COMPARED_VARIABLES).await
        })),
        Box::pin(named(outputs, FAILOVER_FUNCTION_NAME, |name| async move {
            facts::lambda::policy(&c.lambda, &name).await
        })),
        Box::pin(named(outputs, FAILOVER_ROLE_NAME, |name| async move { facts::iam::role(&c.iam, &name).await })),
        Box::pin(named(outputs, FAILOVER_CONFIG_PARAMETER_NAME, |name| async move {
            Ok(facts::ssm::parameter_with_value(&c.ssm, &name, CONFIG_FIELDS).await)
        })),
        Box::pin(named(
            outputs,
            HEALTH_CHECK_ID,
            |id| async move { facts::route53::health_check(&c.route53, &id).await }
        )),
    );
    let (parameter, parameter_value) = split(parameter);
    let dr_topic = match crate::dr::contract_of(outputs).declares(DR_ALERTS_TOPIC_ARN) {
        true => Some(dr_topic(clients.region(&regions.dr), outputs).await),
        false => None,
    };
    OpsFacts {
        cpu_alarm,
        connections_alarm,
        replication_lag_alarm,
        replication_lag_alarm_name: declared(outputs, REPLICATION_LAG_ALARM_NAME),
        replication_lag_alarm_region: lag_region.clone(),
        replication_lag_topic_arn: if crate::dr::contract_of(outputs).declares(DR_ALERTS_TOPIC_ARN) {
            declared(outputs, DR_ALERTS_TOPIC_ARN)
        } else {
            declared(outputs, ALERTS_TOPIC_ARN)
        },
        topic,
        topic_arn: declared(outputs, ALERTS_TOPIC_ARN),
        subscriptions,
        trail,
        trail_bucket_name: declared(outputs, TRAIL_BUCKET_NAME),
        trail_status,
        event_selectors,
        function,
        function_policy,
        role,
        parameter,
        parameter_value,
        parameter_name: declared(outputs, FAILOVER_CONFIG_PARAMETER_NAME),
        health_check,
        dr_topic,
    }
}

async fn dr_topic(c: &stackproof_harness::aws::RegionClients, outputs: &Outputs) -> DrTopic {
    let (topic, subscriptions) =
        tokio::join!(
            Box::pin(named(outputs, DR_ALERTS_TOPIC_ARN, |arn| async move { facts::sns::topic(&c.sns, &arn).await })),
            Box::pin(named(outputs, DR_ALERTS_TOPIC_ARN, |arn| async move {
                facts::sns::subscriptions(&c.sns, &arn).await
            })),
        );
    DrTopic { arn: declared(outputs, DR_ALERTS_TOPIC_ARN), topic, subscriptions }
}

/// Two facts fetched together, each named by the same output.
fn split<A, B>(n: Named<(Fact<A>, Fact<B>)>) -> (Named<A>, Named<B>) {
    let (a, b) = match n.fact {
        Ok((a, b)) => (a, b),
        Err(e) => (Err(e.clone()), Err(e)),
    };
    (
        Named { output: n.output, resource: n.resource.clone(), fact: a },
        Named { output: n.output, resource: n.resource, fact: b },
    )
}
