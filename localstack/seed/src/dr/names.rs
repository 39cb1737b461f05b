//! Every name main.ts gives a resource, derived from the deployment's suffix in one place: the
//! seeder, the already-seeded probe and the drift name the same things.

use stackproof_harness::deployment::Suffix;

use super::{PRIMARY_REGION, Side};

/// The names of one deployment's resources.
pub(crate) struct Names {
    suffix: String,
}

impl Names {
    pub fn of(suffix: &Suffix) -> Self {
        Self { suffix: suffix.as_str().to_owned() }
    }

    /// `pattern` with `{suffix}` replaced, as main.ts's template strings name resources.
    fn named(&self, pattern: &str) -> String {
        pattern.replace("{suffix}", &self.suffix)
    }

    pub fn replication_role(&self) -> String {
        self.named("healthcare-s3-replication-{suffix}")
    }

    /// v2: the role VPC flow logs deliver to CloudWatch Logs as; its inline policy has its name.
    pub fn flow_log_role(&self) -> String {
        self.named("healthcare-flow-logs-{suffix}")
    }

    pub fn backup_role(&self) -> String {
        self.named("healthcare-backup-{suffix}")
    }

    pub fn failover_role(&self) -> String {
        self.named("healthcare-failover-{suffix}")
    }

    pub fn key_alias(&self, side: Side) -> String {
        format!("alias/healthcare-dr-{}-{}", side.name(), self.suffix)
    }

    pub fn vpc(&self, side: Side) -> String {
        format!("healthcare-{}-vpc-{}", side.name(), self.suffix)
    }

    /// Subnet `n` (1 or 2) of a side.
    pub fn private_subnet(&self, side: Side, n: u8) -> String {
        format!("healthcare-{}-private-{n}-{}", side.name(), self.suffix)
    }

    pub fn db_security_group(&self, side: Side) -> String {
        format!("healthcare-{}-db-sg-{}", side.name(), self.suffix)
    }

    /// A database group the layout does not declare (a mutant attaches it to the cluster).
    pub fn extra_db_security_group(&self, side: Side) -> String {
        format!("healthcare-{}-extra-db-sg-{}", side.name(), self.suffix)
    }

    /// A prefix list the layout does not declare (a mutant admits it on the database group).
    pub fn db_prefix_list(&self, side: Side) -> String {
        format!("healthcare-{}-db-sources-{}", side.name(), self.suffix)
    }

    /// v2: the flow log group of a side's VPC.
    pub fn flow_log_group(&self, side: Side) -> String {
        format!("/healthcare-dr/{}/flow-logs/{}", self.suffix, side.name())
    }

    /// v2: the Name tag of a side's flow log.
    pub fn flow_log(&self, side: Side) -> String {
        format!("healthcare-{}-flow-log-{}", side.name(), self.suffix)
    }

    pub fn db_subnet_group(&self, side: Side) -> String {
        format!("healthcare-{}-db-subnets-{}", side.name(), self.suffix)
    }

    pub fn global_cluster(&self) -> String {
        self.named("healthcare-global-{suffix}")
    }

    pub fn master_secret(&self) -> String {
        self.named("healthcare-db-master-{suffix}")
    }

    pub fn cluster(&self, side: Side) -> String {
        match side {
            Side::Primary => self.named("healthcare-db-{suffix}"),
            Side::Dr => self.named("healthcare-db-dr-{suffix}"),
        }
    }

    /// v2: a side's cluster parameter group.
    pub fn cluster_parameter_group(&self, side: Side) -> String {
        format!("healthcare-db-{}-{}", side.name(), self.suffix)
    }

    /// v2: where RDS exports a cluster's postgresql log, which the layout creates.
    pub fn db_log_group(cluster: &str) -> String {
        format!("/aws/rds/cluster/{cluster}/postgresql")
    }

    /// Instance `n` (from 1) of a side's cluster.
    pub fn instance(&self, side: Side, n: u8) -> String {
        format!("{}-{n}", self.cluster(side))
    }

    pub fn data_bucket(&self, side: Side) -> String {
        format!("healthcare-data-{}-{}", self.suffix, side.name())
    }

    /// v2: the server access log bucket of a side's data bucket.
    pub fn access_log_bucket(&self, side: Side) -> String {
        format!("healthcare-access-logs-{}-{}", self.suffix, side.name())
    }

    pub fn backup_vault(&self, side: Side) -> String {
        match side {
            Side::Primary => self.named("healthcare-backup-vault-{suffix}"),
            Side::Dr => self.named("healthcare-backup-vault-dr-{suffix}"),
        }
    }

    pub fn backup_plan(&self) -> String {
        self.named("healthcare-backup-plan-{suffix}")
    }

    pub fn backup_rule(&self) -> String {
        self.named("hourly-continuous-{suffix}")
    }

    pub fn alerts_topic(&self) -> String {
        self.named("healthcare-dr-alerts-{suffix}")
    }

    /// v2: the DR region's alerts topic, which the replication lag alarm notifies.
    pub fn dr_alerts_topic(&self) -> String {
        self.named("healthcare-dr-alerts-dr-{suffix}")
    }

    pub fn cpu_alarm(&self) -> String {
        self.named("healthcare-db-cpu-{suffix}")
    }

    pub fn connections_alarm(&self) -> String {
        self.named("healthcare-db-connections-{suffix}")
    }

    pub fn lag_alarm(&self) -> String {
        self.named("healthcare-db-replication-lag-{suffix}")
    }

    pub fn app_log_group(&self) -> String {
        self.named("/healthcare-dr/{suffix}/app")
    }

    pub fn failover_function(&self) -> String {
        self.named("healthcare-failover-{suffix}")
    }

    /// The function's own log group, where Lambda writes.
    pub fn failover_log_group(&self) -> String {
        format!("/aws/lambda/{}", self.failover_function())
    }

    pub fn failover_config_parameter(&self) -> String {
        self.named("/healthcare-dr/{suffix}/config")
    }

    /// The SSM parameters the failover function may read.
    pub fn failover_config_parameters(&self) -> String {
        self.named("/healthcare-dr/{suffix}/*")
    }

    pub fn trail(&self) -> String {
        self.named("healthcare-dr-trail-{suffix}")
    }

    pub fn trail_arn(&self, account: &str) -> String {
        format!("arn:aws:cloudtrail:{PRIMARY_REGION}:{account}:trail/{}", self.trail())
    }

    /// The trail's bucket carries the trail's name.
    pub fn trail_bucket(&self) -> String {
        self.trail()
    }

    /// The health check's caller reference and Name tag.
    pub fn health_check(&self) -> String {
        self.named("healthcare-replication-{suffix}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_main_ts_names() {
        let n = Names::of(&Suffix::parse("pr7").unwrap());
        assert_eq!(n.data_bucket(Side::Primary), "healthcare-data-pr7-primary");
        assert_eq!(n.data_bucket(Side::Dr), "healthcare-data-pr7-dr");
        assert_eq!(n.instance(Side::Primary, 2), "healthcare-db-pr7-2");
        assert_eq!(n.instance(Side::Dr, 1), "healthcare-db-dr-pr7-1");
        assert_eq!(n.key_alias(Side::Dr), "alias/healthcare-dr-dr-pr7");
        assert_eq!(n.private_subnet(Side::Primary, 1), "healthcare-primary-private-1-pr7");
        assert_eq!(n.backup_vault(Side::Dr), "healthcare-backup-vault-dr-pr7");
        assert_eq!(n.failover_log_group(), "/aws/lambda/healthcare-failover-pr7");
        assert_eq!(n.flow_log_group(Side::Dr), "/healthcare-dr/pr7/flow-logs/dr");
        assert_eq!(n.flow_log(Side::Primary), "healthcare-primary-flow-log-pr7");
        assert_eq!(n.cluster_parameter_group(Side::Dr), "healthcare-db-dr-pr7");
        assert_eq!(Names::db_log_group(&n.cluster(Side::Dr)), "/aws/rds/cluster/healthcare-db-dr-pr7/postgresql");
        assert_eq!(n.access_log_bucket(Side::Primary), "healthcare-access-logs-pr7-primary");
        assert_eq!(n.dr_alerts_topic(), "healthcare-dr-alerts-dr-pr7");
        assert_eq!(n.flow_log_role(), "healthcare-flow-logs-pr7");
        assert_eq!(
            n.trail_arn("123456789012"),
            "arn:aws:cloudtrail:eu-west-2:123456789012:trail/healthcare-dr-trail-pr7"
        );
    }
}
