"use strict";
// Failover orchestrator for the healthcare-dr stack.
//
// Invoked by the alerts SNS topic (CloudWatch alarms publish to it). It reads its configuration
// from SSM Parameter Store, describes both Aurora clusters, and publishes a status notification.
// It only promotes the DR cluster (FailoverGlobalCluster) when the configuration says
// "autoFailover": true and the alarm that fired is the replication lag alarm or the primary is
// not available; otherwise it reports and leaves the decision to the operators.
//
// The AWS SDK v3 clients ship with the nodejs20.x runtime, so the package has no dependencies.
const { SSMClient, GetParameterCommand } = require("@aws-sdk/client-ssm");
const { SNSClient, PublishCommand } = require("@aws-sdk/client-sns");
const { RDSClient, DescribeDBClustersCommand, FailoverGlobalClusterCommand } = require("@aws-sdk/client-rds");

const regionOf = (arn) => arn.split(":")[3];

async function loadConfig() {
  const ssm = new SSMClient({});
  const out = await ssm.send(new GetParameterCommand({ Name: process.env.CONFIG_PARAMETER_NAME }));
  return JSON.parse(out.Parameter.Value);
}

async function describe(clusterArn) {
  const rds = new RDSClient({ region: regionOf(clusterArn) });
  const out = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: clusterArn }));
  const c = out.DBClusters && out.DBClusters[0];
  return c ? { arn: clusterArn, status: c.Status, writer: (c.DBClusterMembers || []).some((m) => m.IsClusterWriter) } : { arn: clusterArn, status: "missing" };
}

async function notify(subject, message) {
  const sns = new SNSClient({});
  await sns.send(new PublishCommand({
    TopicArn: process.env.ALERTS_TOPIC_ARN,
    Subject: subject.slice(0, 100),
    Message: JSON.stringify(message, null, 2),
  }));
}

exports.handler = async (event) => {
  const alarms = (event.Records || [])
    .map((r) => { try { return JSON.parse(r.Sns.Message); } catch (_) { return null; } })
    .filter((m) => m && m.AlarmName);
  // Ignore our own notifications (they arrive on the same topic) and non-alarm states.
  const firing = alarms.filter((a) => a.NewStateValue === "ALARM");
  if (firing.length === 0) return { action: "none", reason: "no alarm in ALARM state" };

  const config = await loadConfig();
  const [primary, dr] = await Promise.all([
    describe(config.primaryClusterArn).catch((e) => ({ arn: config.primaryClusterArn, status: `error: ${e.name}` })),
    describe(config.drClusterArn).catch((e) => ({ arn: config.drClusterArn, status: `error: ${e.name}` })),
  ]);

  const primaryDown = primary.status !== "available";
  const lagAlarm = firing.some((a) => a.AlarmName === config.replicationLagAlarmName);
  const shouldFailover = config.autoFailover === true && (primaryDown || lagAlarm) && dr.status === "available";

  let action = "notify";
  if (shouldFailover) {
    const rds = new RDSClient({ region: regionOf(config.drClusterArn) });
    await rds.send(new FailoverGlobalClusterCommand({
      GlobalClusterIdentifier: config.globalClusterIdentifier,
      TargetDbClusterIdentifier: config.drClusterArn,
      AllowDataLoss: primaryDown,
    }));
    action = "failover-started";
  }

  await notify(`healthcare-dr ${action}: ${firing.map((a) => a.AlarmName).join(", ")}`, {
    action, alarms: firing.map((a) => a.AlarmName), primary, dr, autoFailover: config.autoFailover === true,
  });
  return { action };
};
