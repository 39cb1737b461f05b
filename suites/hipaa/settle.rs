//! What of the HIPAA stack can still be changing right after a deploy, read from the facts the
//! checks judge: the Aurora cluster and its instances, NAT gateways pending, the ECS service
//! rolling out, the ElastiCache group and its clusters, the EFS file system, its mount targets
//! and access points, the customer keys. Each is named as its findings name it, so a run turns
//! those findings into errors naming the state. API Gateway, WAF, log groups, secrets, security
//! groups and IAM have no state that passes by itself.

use stackproof_harness::facts::Named;
use stackproof_harness::facts::ec2::Network;
use stackproof_harness::facts::ecs::Service;
use stackproof_harness::facts::efs::{AccessPoint, FileSystem, MountTarget};
use stackproof_harness::facts::elasticache::{MemberCluster, ReplicationGroup};
use stackproof_harness::suite::Changing;

use super::HipaaFacts;
use crate::shared::settle as shared;

/// Every resource of the stack the facts show still being created or changed.
pub fn changing(f: &HipaaFacts) -> Vec<Changing> {
    let d = &f.data;
    let mut out: Vec<Changing> = f.keys.keys.iter().filter_map(shared::key).collect();
    out.extend(nat_gateways(&f.network.vpc, &f.network.nat_gateway_ids));
    out.extend(shared::aurora_cluster(&d.db_cluster));
    out.extend(shared::aurora_instances(&d.db_instances));
    out.extend(file_system(&d.file_system));
    out.extend(mount_targets(&d.efs_mount_targets));
    out.extend(access_points(&d.efs_access_points));
    out.extend(replication_group(&d.replication_group));
    out.extend(cache_clusters(&d.cache_clusters));
    out.extend(ecs_service(&f.app.service));
    out
}

/// NAT gateways the outputs name that are still `pending`. One `deleting`, `deleted` or `failed`
/// is no wait: the stack claims it, and the NAT check judges its state.
fn nat_gateways(vpc: &Named<Network>, ids: &Named<Vec<String>>) -> Vec<Changing> {
    let (Some(net), Some(ids)) = (vpc.value(), ids.value()) else {
        return Vec::new();
    };
    ids.iter()
        .filter_map(|id| net.nat_gateway(id))
        .filter(|n| n.state == "pending")
        .map(|n| Changing { resource: n.nat_gateway_id.clone(), kind: "NAT gateway", state: n.state.clone() })
        .collect()
}

/// ECS service, rolling out: its PRIMARY deployment IN_PROGRESS or short of its desired tasks,
/// or older deployments still draining beside it. A FAILED rollout is no wait (the Fargate check
/// fails it), nor is a service DRAINING away. Named as its findings are: by its ARN.
fn ecs_service(s: &Named<Service>) -> Option<Changing> {
    let svc = s.value().filter(|svc| svc.status == "ACTIVE")?;
    let live: Vec<_> = svc.deployments.iter().filter(|d| d.status != "INACTIVE").collect();
    let resource = if svc.service_arn.is_empty() { s.resource.clone() } else { svc.service_arn.clone() };
    let changing = |state| Some(Changing { resource: resource.clone(), kind: "ECS service", state });
    let draining = live.iter().filter(|d| d.status != "PRIMARY").count();
    let older = if draining > 0 { format!(", {draining} older deployment(s) still draining") } else { String::new() };
    let Some(primary) = live.iter().find(|d| d.status == "PRIMARY") else {
        return if draining > 0 { changing(format!("{draining} deployment(s), none PRIMARY")) } else { None };
    };
    let rollout = primary.rollout_state.as_deref();
    if rollout == Some("FAILED") {
        return None;
    }
    let short = primary.running_count < primary.desired_count;
    if rollout != Some("IN_PROGRESS") && !short && draining == 0 {
        return None;
    }
    changing(format!(
        "deployment {} {} ({} of {} tasks running){older}",
        primary.id,
        rollout.unwrap_or("(rolloutState not reported)"),
        primary.running_count,
        primary.desired_count
    ))
}

/// ReplicationGroup Status values the group leaves by itself.
const GROUP_CHANGING: &[&str] = &["creating", "modifying", "snapshotting"];
/// CacheClusterStatus values a member cluster leaves by itself.
const CACHE_CLUSTER_CHANGING: &[&str] = &["creating", "modifying", "snapshotting", "rebooting cache cluster nodes"];
/// LifeCycleState values of EFS file systems, mount targets and access points that pass.
const EFS_CHANGING: &[&str] = &["creating", "updating"];

fn replication_group(g: &Named<ReplicationGroup>) -> Option<Changing> {
    let group = g.value()?;
    GROUP_CHANGING.contains(&group.status.as_str()).then(|| Changing {
        resource: g.resource.clone(),
        kind: "ElastiCache replication group",
        state: group.status.clone(),
    })
}

/// The group's member clusters still changing, named as their findings are: `<group>/<cluster>`.
fn cache_clusters(m: &Named<Vec<MemberCluster>>) -> Vec<Changing> {
    let members = m.value().into_iter().flatten();
    members
        .filter_map(|member| {
            let status = member.cluster.as_ref().ok()?.cache_cluster_status.as_deref()?;
            CACHE_CLUSTER_CHANGING.contains(&status).then(|| Changing {
                resource: format!("{}/{}", m.resource, member.cache_cluster_id),
                kind: "ElastiCache cluster",
                state: status.to_owned(),
            })
        })
        .collect()
}

fn file_system(fs: &Named<FileSystem>) -> Option<Changing> {
    let state = &fs.value()?.life_cycle_state;
    EFS_CHANGING.contains(&state.as_str()).then(|| Changing {
        resource: fs.resource.clone(),
        kind: "EFS file system",
        state: state.clone(),
    })
}

/// Mount targets still being created or updated, named as their findings are: `<fs>/<target>`.
fn mount_targets(m: &Named<Vec<MountTarget>>) -> Vec<Changing> {
    let targets = m.value().into_iter().flatten();
    targets
        .filter(|t| EFS_CHANGING.contains(&t.life_cycle_state.as_str()))
        .map(|t| Changing {
            resource: format!("{}/{}", m.resource, t.mount_target_id),
            kind: "EFS mount target",
            state: t.life_cycle_state.clone(),
        })
        .collect()
}

/// Access points still being created or updated, named as their findings are: `<fs>/<point>`.
fn access_points(a: &Named<Vec<AccessPoint>>) -> Vec<Changing> {
    let points = a.value().into_iter().flatten();
    points
        .filter_map(|p| {
            let state = p.life_cycle_state.as_deref().filter(|s| EFS_CHANGING.contains(s))?;
            Some(Changing {
                resource: format!("{}/{}", a.resource, p.access_point_id),
                kind: "EFS access point",
                state: state.to_owned(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shared::settle::tests::{named, unavailable};
    use stackproof_harness::facts::ec2::{NatGateway, Vpc};
    use stackproof_harness::facts::ecs::ServiceDeployment;
    use stackproof_harness::facts::elasticache::CacheCluster;

    const ARN: &str = "arn:aws:ecs:eu-central-1:1:service/c/s";

    fn deployment(id: &str, status: &str, rollout: Option<&str>, running: i32, desired: i32) -> ServiceDeployment {
        ServiceDeployment {
            id: id.into(),
            status: status.into(),
            task_definition: "td:1".into(),
            launch_type: Some("FARGATE".into()),
            capacity_providers: vec![],
            awsvpc_configuration: None,
            rollout_state: rollout.map(Into::into),
            desired_count: desired,
            running_count: running,
        }
    }

    fn service(status: &str, deployments: Vec<ServiceDeployment>) -> Named<Service> {
        named(
            "s",
            Service {
                service_arn: ARN.into(),
                service_name: "s".into(),
                cluster_arn: "c".into(),
                status: status.into(),
                launch_type: Some("FARGATE".into()),
                platform_version: None,
                desired_count: 2,
                running_count: 2,
                task_definition: "td:1".into(),
                capacity_providers: vec![],
                awsvpc_configuration: None,
                deployment_configuration: None,
                deployments,
            },
        )
    }

    #[test]
    fn a_service_whose_deployment_is_in_progress_is_changing_by_its_arn() {
        let s = service("ACTIVE", vec![deployment("ecs-svc/2", "PRIMARY", Some("IN_PROGRESS"), 1, 2)]);
        assert_eq!(
            ecs_service(&s),
            Some(Changing {
                resource: ARN.into(),
                kind: "ECS service",
                state: "deployment ecs-svc/2 IN_PROGRESS (1 of 2 tasks running)".into()
            })
        );
    }

    #[test]
    fn a_service_short_of_its_tasks_or_with_an_older_deployment_is_changing() {
        let short = service("ACTIVE", vec![deployment("ecs-svc/2", "PRIMARY", Some("COMPLETED"), 1, 2)]);
        assert!(ecs_service(&short).is_some_and(|c| c.state.contains("1 of 2 tasks running")));
        let draining = service(
            "ACTIVE",
            vec![
                deployment("ecs-svc/2", "PRIMARY", Some("COMPLETED"), 2, 2),
                deployment("ecs-svc/1", "ACTIVE", Some("COMPLETED"), 1, 2),
            ],
        );
        assert!(
            ecs_service(&draining).is_some_and(|c| c.state.ends_with("1 older deployment(s) still draining")),
            "{:?}",
            ecs_service(&draining)
        );
        let no_rollout_state = service("ACTIVE", vec![deployment("ecs-svc/2", "PRIMARY", None, 0, 2)]);
        assert!(ecs_service(&no_rollout_state).is_some_and(|c| c.state.contains("(rolloutState not reported)")));
    }

    #[test]
    fn a_service_steady_failed_or_draining_away_is_judged() {
        let steady = service("ACTIVE", vec![deployment("ecs-svc/2", "PRIMARY", Some("COMPLETED"), 2, 2)]);
        assert_eq!(ecs_service(&steady), None);
        let inactive_old = service(
            "ACTIVE",
            vec![
                deployment("ecs-svc/2", "PRIMARY", Some("COMPLETED"), 2, 2),
                deployment("ecs-svc/1", "INACTIVE", Some("COMPLETED"), 0, 0),
            ],
        );
        assert_eq!(ecs_service(&inactive_old), None, "an INACTIVE deployment runs nothing");
        let failed = service("ACTIVE", vec![deployment("ecs-svc/2", "PRIMARY", Some("FAILED"), 0, 2)]);
        assert_eq!(ecs_service(&failed), None, "a FAILED rollout is the Fargate check's failure");
        let draining = service("DRAINING", vec![deployment("ecs-svc/2", "PRIMARY", Some("IN_PROGRESS"), 0, 2)]);
        assert_eq!(ecs_service(&draining), None);
        assert_eq!(ecs_service(&unavailable("s")), None);
    }

    fn nat(id: &str, state: &str) -> NatGateway {
        NatGateway {
            nat_gateway_id: id.into(),
            subnet_id: "subnet-1".into(),
            state: state.into(),
            connectivity_type: Some("public".into()),
            public_ips: vec![],
            allocation_ids: vec![],
            tags: Default::default(),
        }
    }

    fn network(nats: Vec<NatGateway>) -> Named<Network> {
        named(
            "vpc-1",
            Network {
                vpc: Vpc {
                    vpc_id: "vpc-1".into(),
                    cidr_block: "10.0.0.0/16".into(),
                    cidr_blocks: vec![],
                    ipv6_cidr_blocks: vec![],
                    enable_dns_support: true,
                    enable_dns_hostnames: true,
                    tags: Default::default(),
                },
                subnets: vec![],
                route_tables: vec![],
                nat_gateways: nats,
                internet_gateways: vec![],
                security_groups: vec![],
                prefix_lists: vec![],
                addresses: Ok(vec![]),
                flow_logs: vec![],
            },
        )
    }

    #[test]
    fn only_the_stacks_nat_gateways_still_pending_are_changing() {
        let net = network(vec![
            nat("nat-1", "pending"),
            nat("nat-2", "available"),
            nat("nat-3", "deleting"),
            nat("nat-4", "failed"),
            nat("nat-9", "pending"),
        ]);
        let ids =
            named("nat-1,nat-2,nat-3,nat-4", vec!["nat-1".into(), "nat-2".into(), "nat-3".into(), "nat-4".into()]);
        assert_eq!(
            nat_gateways(&net, &ids),
            [Changing { resource: "nat-1".into(), kind: "NAT gateway", state: "pending".into() }],
            "nat-9 is not the stack's; deleting and failed are judged"
        );
    }

    fn group(status: &str) -> ReplicationGroup {
        ReplicationGroup {
            replication_group_id: "redis-x".into(),
            status: status.into(),
            engine: Some("redis".into()),
            multi_az: None,
            automatic_failover: None,
            at_rest_encryption_enabled: None,
            kms_key_id: None,
            transit_encryption_enabled: None,
            transit_encryption_mode: None,
            auth_token_enabled: None,
            snapshot_retention_limit: None,
            member_clusters: vec![],
            node_groups: vec![],
        }
    }

    fn member(id: &str, status: Option<&str>) -> MemberCluster {
        MemberCluster {
            cache_cluster_id: id.into(),
            cluster: Ok(CacheCluster {
                cache_cluster_id: id.into(),
                replication_group_id: Some("redis-x".into()),
                cache_cluster_status: status.map(Into::into),
                preferred_availability_zone: None,
                cache_subnet_group_name: None,
                security_groups: vec![],
            }),
        }
    }

    #[test]
    fn a_replication_group_and_its_clusters_changing_are_named_as_their_findings() {
        for status in ["creating", "modifying", "snapshotting"] {
            assert_eq!(replication_group(&named("redis-x", group(status))).map(|c| c.state), Some(status.to_owned()));
        }
        for status in ["available", "create-failed", "deleting"] {
            assert_eq!(replication_group(&named("redis-x", group(status))), None, "{status}");
        }
        let members = named(
            "redis-x",
            vec![
                member("redis-x-001", Some("available")),
                member("redis-x-002", Some("rebooting cache cluster nodes")),
                member("redis-x-003", None),
                member("redis-x-004", Some("restore-failed")),
            ],
        );
        let changing = cache_clusters(&members);
        assert_eq!(changing.len(), 1, "{changing:?}");
        assert_eq!(changing[0].resource, "redis-x/redis-x-002");
    }

    fn file_system_in(state: &str) -> FileSystem {
        FileSystem {
            file_system_id: "fs-1".into(),
            file_system_arn: "arn:fs-1".into(),
            life_cycle_state: state.into(),
            encrypted: true,
            kms_key_id: None,
            performance_mode: "generalPurpose".into(),
            throughput_mode: None,
            number_of_mount_targets: 2,
        }
    }

    fn mount_target(id: &str, state: &str) -> MountTarget {
        MountTarget {
            mount_target_id: id.into(),
            file_system_id: "fs-1".into(),
            subnet_id: "subnet-1".into(),
            life_cycle_state: state.into(),
            availability_zone_name: None,
            availability_zone_id: None,
            vpc_id: None,
            security_groups: vec![],
        }
    }

    fn access_point(id: &str, state: Option<&str>) -> AccessPoint {
        AccessPoint {
            access_point_id: id.into(),
            access_point_arn: None,
            name: None,
            life_cycle_state: state.map(Into::into),
            posix_user: None,
            root_directory: None,
        }
    }

    #[test]
    fn efs_parts_being_created_or_updated_are_changing_and_the_rest_judged() {
        assert_eq!(file_system(&named("fs-1", file_system_in("creating"))).map(|c| c.resource), Some("fs-1".into()));
        assert!(file_system(&named("fs-1", file_system_in("updating"))).is_some());
        for state in ["available", "deleting", "error"] {
            assert_eq!(file_system(&named("fs-1", file_system_in(state))), None, "{state}");
        }
        let targets = named("fs-1", vec![mount_target("fsmt-1", "available"), mount_target("fsmt-2", "creating")]);
        let changing: Vec<String> = mount_targets(&targets).into_iter().map(|c| c.resource).collect();
        assert_eq!(changing, ["fs-1/fsmt-2"]);
        let points = named(
            "fs-1",
            vec![
                access_point("fsap-1", Some("updating")),
                access_point("fsap-2", None),
                access_point("fsap-3", Some("error")),
            ],
        );
        let changing: Vec<String> = access_points(&points).into_iter().map(|c| c.resource).collect();
        assert_eq!(changing, ["fs-1/fsap-1"]);
    }
}
