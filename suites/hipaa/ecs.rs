//! ECS Fargate: private tasks without public IPs, secrets from Secrets Manager, encrypted logs,
//! auto scaling, Container Insights. What runs is judged, not only what the outputs name: every
//! task definition revision the service, its deployments and its tasks run, every container of
//! each, the placement of the service and of every deployment, and the network interface each
//! running task actually got.

use std::collections::BTreeSet;

use serde_json::json;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::facts::ecs::{AwsVpcConfiguration, Container, RunningTask, Service, TaskDefinition};

use stackproof_harness::kit::fact::{judge_fact, judge_named};

use super::HipaaFacts;
use super::mutants;

/// Fewest tasks the service may run or scale in to (one per AZ), and the least room it must have
/// to scale out.
pub const MIN_TASKS: i32 = 2;
pub const MAX_TASKS: i32 = 10;
/// The stack's CPU target (template.yml EcsCpuScalingPolicy TargetValue): a service may scale out
/// sooner, never later.
pub const MAX_CPU_TARGET: f64 = 60.0;
/// Capacity providers that run tasks on Fargate.
const FARGATE_PROVIDERS: &[&str] = &["FARGATE", "FARGATE_SPOT"];

/// This service's checks, in report order.
pub const CHECKS: &[Check<HipaaFacts>] = &[
    ECS_SERVICE_RUNS_ON_FARGATE,
    ECS_TASKS_NO_PUBLIC_IP,
    ECS_TASKS_IN_PRIVATE_SUBNETS,
    ECS_TASKS_USE_APP_SECURITY_GROUP,
    ECS_SECRETS_FROM_SECRETS_MANAGER,
    ECS_LOGS_TO_STACK_LOG_GROUP,
    ECS_SERVICE_AUTO_SCALING,
    ECS_CONTAINER_INSIGHTS_ENABLED,
    ECS_EFS_VOLUME_ENCRYPTED_IN_TRANSIT,
];

/// The service, named by its ARN once it is known.
fn with_service(f: &HipaaFacts, property: &str, judge: impl FnOnce(&str, &Service) -> Vec<Finding>) -> Vec<Finding> {
    judge_named(&f.app.service, property, |s| {
        judge(if s.service_arn.is_empty() { &f.app.service.resource } else { &s.service_arn }, s)
    })
}

/// Every placement the service's tasks get: the service's own awsvpc configuration, and each
/// deployment's (an older deployment still runs tasks placed as it was). One without an awsvpc
/// configuration fails `property`.
fn each_placement(
    f: &HipaaFacts,
    property: &str,
    judge: impl Fn(&str, &AwsVpcConfiguration) -> Finding,
) -> Vec<Finding> {
    with_service(f, property, |arn, s| {
        let deployments = s
            .deployments
            .iter()
            .map(|d| (format!("{arn} (deployment {}, {})", d.id, d.status), &d.awsvpc_configuration));
        std::iter::once((arn.to_owned(), &s.awsvpc_configuration))
            .chain(deployments)
            .map(|(resource, v)| match v {
                Some(v) => judge(&resource, v),
                None => Finding::judge(&resource, property, false, "an awsvpc network configuration", "none", s),
            })
            .collect()
    })
}

/// Every task the service runs, judged as it actually is. None running is an error on AWS (what
/// tasks get cannot be seen), a skip on the emulator (moto starts no task for a service).
fn each_task(f: &HipaaFacts, property: &str, judge: impl Fn(&str, &RunningTask) -> Finding) -> Vec<Finding> {
    with_service(f, property, |arn, _| {
        judge_named(&f.app.tasks, property, |tasks| {
            if tasks.is_empty() {
                let why = "the service runs no task: what its tasks get cannot be seen";
                return vec![if f.emulated {
                    Finding::skip(arn, property, format!("not emulated: {why} (moto starts none for a service)"))
                } else {
                    Finding::error(arn, property, why)
                }];
            }
            tasks.iter().map(|t| judge(&format!("{} (task of {arn})", t.task_arn), t)).collect()
        })
    })
}

/// A container of a revision, as a resource.
fn container_resource(td: &TaskDefinition, c: &Container, run_by: &str) -> String {
    format!("{} (container {}){run_by}", td.task_definition_arn, c.name)
}

/// Where a revision other than the outputs' runs, for findings: `, run by <service> (...)`.
fn run_by(service: &str, places: &[String]) -> String {
    const SHOWN: usize = 3;
    let mut shown: Vec<&str> = places.iter().take(SHOWN).map(String::as_str).collect();
    let more = places.len().saturating_sub(SHOWN);
    let more = format!("{more} more");
    if places.len() > SHOWN {
        shown.push(&more);
    }
    format!(", run by {service} ({})", shown.join("; "))
}

/// Every revision in effect, judged by `judge` with the words that name where it runs: the
/// revision the outputs name, then each other one the service, its deployments or its tasks
/// run. A revision without containers fails; one that cannot be described is reported so.
fn each_revision(
    f: &HipaaFacts,
    property: &str,
    judge: impl Fn(&TaskDefinition, &str) -> Vec<Finding>,
) -> Vec<Finding> {
    let judge_one = |td: &TaskDefinition, by: &str| {
        if td.container_definitions.is_empty() {
            let resource = format!("{}{by}", td.task_definition_arn);
            return vec![Finding::judge(resource, property, false, "at least one container", "none", td)];
        }
        judge(td, by)
    };
    let mut findings = judge_named(&f.app.task_definition, property, |td| judge_one(td, ""));
    // What the service runs must be known before it can be judged.
    findings.extend(with_service(f, property, |arn, _| {
        let mut out = judge_named(&f.app.tasks, property, |_| Vec::new());
        for r in &f.app.revisions {
            let by = run_by(arn, &r.run_by);
            out.extend(judge_fact(&format!("{}{by}", r.arn), &r.fact, property, |td| judge_one(td, &by)));
        }
        out
    }));
    findings
}

pub const ECS_SERVICE_RUNS_ON_FARGATE: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "ecs_service_runs_on_fargate",
        service: "ecs",
        title: "The ECS service runs its desired tasks on Fargate and rolls back failed deployments",
        citations: &["45 CFR 164.308(a)(7)(i)", "45 CFR 164.312(a)(1)"],
        severity: Severity::High,
        risk: "Tasks on self-managed EC2 hosts share an OS the stack does not patch or isolate; a service short of its tasks, or stuck on a failed deployment, is an outage of patient records.",
        remediation: "template.yml: EcsService (AWS::ECS::Service) needs LaunchType: FARGATE, DesiredCount: 2 and DeploymentConfiguration.DeploymentCircuitBreaker {Enable: true, Rollback: true}.",
    },
    claims: &[
        Claim {
            property: "launchType",
            about: "The service and every one of its deployments run on Fargate (launch type FARGATE, or only Fargate capacity providers)",
            mutants: &[&mutants::ECS_SERVICE_EC2_LAUNCH_TYPE],
            not_emulated: None,
        },
        Claim {
            property: "desiredCount",
            about: "The service desires at least 2 tasks (one per zone), as the template declares",
            mutants: &[&mutants::ECS_SERVICE_DESIRED_ONE],
            not_emulated: None,
        },
        Claim {
            property: "runningCount",
            about: "The service runs at least as many tasks as it desires",
            mutants: &[],
            not_emulated: Some(
                "moto starts no task for a service: its runningCount is 0, or copies desiredCount on an update",
            ),
        },
        Claim {
            property: "deploymentConfiguration.deploymentCircuitBreaker",
            about: "A failed deployment is stopped and rolled back (circuit breaker enabled with rollback)",
            mutants: &[],
            not_emulated: Some("moto drops the service's deploymentConfiguration"),
        },
        Claim {
            property: "deployments[].rolloutState",
            about: "No deployment of the service is stuck FAILED",
            mutants: &[],
            not_emulated: Some(
                "moto sets a deployment's rolloutState once, at creation, to COMPLETED or IN_PROGRESS, never FAILED",
            ),
        },
    ],
    run: ecs_service_runs_on_fargate,
};

/// On Fargate: launch type FARGATE, or a capacity provider strategy of Fargate providers only.
fn on_fargate(launch_type: Option<&str>, providers: &[String]) -> (bool, String) {
    match launch_type {
        Some(l) => (l == "FARGATE", l.to_owned()),
        None if providers.is_empty() => (false, "no launch type or capacity provider".to_owned()),
        None => (
            providers.iter().all(|p| FARGATE_PROVIDERS.contains(&p.as_str())),
            format!("capacity providers {}", providers.join(",")),
        ),
    }
}

fn ecs_service_runs_on_fargate(f: &HipaaFacts) -> Vec<Finding> {
    with_service(f, "launchType", |arn, s| {
        let expected = "FARGATE (or only FARGATE/FARGATE_SPOT capacity providers)";
        let (ok, actual) = on_fargate(s.launch_type.as_deref(), &s.capacity_providers);
        let mut findings = vec![Finding::judge(arn, "launchType", ok, expected, actual, s)];
        for d in &s.deployments {
            let resource = format!("{arn} (deployment {}, {})", d.id, d.status);
            let (ok, actual) = on_fargate(d.launch_type.as_deref(), &d.capacity_providers);
            findings.push(Finding::judge(resource, "launchType", ok, expected, actual, d));
        }
        let counts = json!({"desiredCount": s.desired_count, "runningCount": s.running_count});
        findings.push(Finding::judge(
            arn,
            "desiredCount",
            s.desired_count >= MIN_TASKS,
            format!("at least {MIN_TASKS}"),
            s.desired_count,
            &counts,
        ));
        findings.push(if f.emulated {
            Finding::skip(
                arn,
                "runningCount",
                "not emulated: moto runs no tasks (runningCount is 0, or copies desiredCount on an update)",
            )
        } else {
            let ok = s.desired_count >= 1 && s.running_count >= s.desired_count;
            Finding::judge(
                arn,
                "runningCount",
                ok,
                format!("at least desiredCount ({}), and at least 1", s.desired_count),
                s.running_count,
                &counts,
            )
        });
        findings.push(circuit_breaker(f, arn, s));
        for d in &s.deployments {
            let resource = format!("{arn} (deployment {}, {})", d.id, d.status);
            let state = d.rollout_state.as_deref().unwrap_or("not reported");
            let evidence = json!({"id": d.id, "status": d.status, "rolloutState": d.rollout_state});
            findings.push(Finding::judge(
                resource,
                "deployments[].rolloutState",
                state != "FAILED",
                "not FAILED",
                state,
                &evidence,
            ));
        }
        findings
    })
}

/// The deployment circuit breaker, enabled with rollback.
fn circuit_breaker(f: &HipaaFacts, arn: &str, s: &Service) -> Finding {
    let breaker = s.deployment_configuration.as_ref().and_then(|d| d.deployment_circuit_breaker.as_ref());
    let property = "deploymentConfiguration.deploymentCircuitBreaker";
    match breaker {
        Some(b) => Finding::judge(
            arn,
            property,
            b.enable && b.rollback,
            "enable: true, rollback: true",
            format!("enable: {}, rollback: {}", b.enable, b.rollback),
            b,
        ),
        None if f.emulated => {
            Finding::skip(arn, property, "not emulated: moto drops the service's deploymentConfiguration")
        }
        None => Finding::judge(
            arn,
            property,
            false,
            "enable: true, rollback: true",
            "not configured",
            &s.deployment_configuration,
        ),
    }
}

pub const ECS_TASKS_NO_PUBLIC_IP: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "ecs_tasks_no_public_ip",
        service: "ecs",
        title: "ECS tasks get no public IP address",
        citations: &["45 CFR 164.312(a)(1)", "45 CFR 164.312(e)(1)"],
        severity: Severity::Critical,
        risk: "A task with a public address processing PHI is reachable from the internet, bypassing API Gateway, WAF and the load balancer.",
        remediation: "template.yml: EcsService (AWS::ECS::Service) NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp: DISABLED.",
    },
    claims: &[
        Claim {
            property: "assignPublicIp",
            about: "The service, and every deployment still running tasks, places tasks without a public IP",
            mutants: &[&mutants::ECS_TASK_PUBLIC_IP, &mutants::ECS_DEPLOYMENT_PUBLIC_IP],
            not_emulated: None,
        },
        Claim {
            property: "networkInterface.publicIp",
            about: "No running task's network interface has a public address",
            mutants: &[],
            not_emulated: Some(
                "moto never associates a public address with a task's network interface, whatever assignPublicIp says",
            ),
        },
    ],
    run: ecs_tasks_no_public_ip,
};

fn ecs_tasks_no_public_ip(f: &HipaaFacts) -> Vec<Finding> {
    let mut findings = each_placement(f, "assignPublicIp", |resource, v| {
        // The API's default, when the field is absent, is DISABLED.
        let actual = v.assign_public_ip.as_deref().unwrap_or("DISABLED");
        Finding::judge(resource, "assignPublicIp", actual == "DISABLED", "DISABLED", actual, v)
    });
    let property = "networkInterface.publicIp";
    findings.extend(each_task(f, property, |resource, t| match &t.network_interface {
        Some(eni) => {
            let actual = eni.public_ip.as_deref().unwrap_or("none");
            Finding::judge(resource, property, eni.public_ip.is_none(), "none", actual, eni)
        }
        None => unknown_interface(resource, property, t),
    }));
    findings
}

/// A task whose network interface EC2 does not describe: what it got cannot be seen.
fn unknown_interface(resource: &str, property: &str, t: &RunningTask) -> Finding {
    let eni = t.network_interface_id.as_deref().unwrap_or("no network interface attachment");
    Finding::error(resource, property, format!("the task's network interface ({eni}) is not described by EC2"))
}

pub const ECS_TASKS_IN_PRIVATE_SUBNETS: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "ecs_tasks_in_private_subnets",
        service: "ecs",
        title: "ECS tasks run only in the stack's private subnets",
        citations: &["45 CFR 164.312(a)(1)", "45 CFR 164.312(e)(1)"],
        severity: Severity::Critical,
        risk: "A task placed in a public subnet sits next to the internet gateway; one address or rule change exposes PHI processing directly.",
        remediation: "template.yml: EcsService (AWS::ECS::Service) NetworkConfiguration.AwsvpcConfiguration.Subnets: [!Ref PrivateSubnet1, !Ref PrivateSubnet2] only.",
    },
    claims: &[Claim {
        property: "subnets",
        about: "The service, every deployment and every running task place tasks only in the stack's private subnets",
        mutants: &[&mutants::ECS_SERVICE_IN_PUBLIC_SUBNET, &mutants::ECS_TASK_RUNNING_IN_PUBLIC_SUBNET],
        not_emulated: None,
    }],
    run: ecs_tasks_in_private_subnets,
};

fn ecs_tasks_in_private_subnets(f: &HipaaFacts) -> Vec<Finding> {
    judge_fact(&f.app.service.resource, &f.network.private_subnet_ids.fact, "subnets", |private| {
        let expected = format!("only private subnets {}", private.join(","));
        let mut findings = each_placement(f, "subnets", |resource, v| {
            let outside: Vec<&String> = v.subnets.iter().filter(|s| !private.contains(s)).collect();
            let actual = match (v.subnets.is_empty(), outside.is_empty()) {
                (true, _) => "none".to_owned(),
                (false, true) => v.subnets.join(","),
                (false, false) => format!(
                    "{} (not private: {})",
                    v.subnets.join(","),
                    outside.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",")
                ),
            };
            Finding::judge(resource, "subnets", !v.subnets.is_empty() && outside.is_empty(), &expected, actual, v)
        });
        findings.extend(each_task(f, "subnets", |resource, t| {
            // The attachment names the subnet; the interface, when described, confirms it.
            let subnet = t.network_interface.as_ref().map(|e| e.subnet_id.as_str()).or(t.subnet_id.as_deref());
            match subnet {
                Some(s) if !s.is_empty() => Finding::judge(
                    resource,
                    "subnets",
                    private.iter().any(|p| p == s),
                    &expected,
                    if private.iter().any(|p| p == s) { s.to_owned() } else { format!("{s} (not private)") },
                    t,
                ),
                _ => Finding::judge(resource, "subnets", false, &expected, "no subnet reported", t),
            }
        }));
        findings
    })
}

pub const ECS_TASKS_USE_APP_SECURITY_GROUP: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "ecs_tasks_use_app_security_group",
        service: "ecs",
        title: "ECS tasks are in the app security group and no other",
        citations: &["45 CFR 164.312(a)(1)", "45 CFR 164.308(a)(4)(ii)(B)"],
        severity: Severity::High,
        risk: "Another group on the tasks adds whatever it admits: the least-privilege path load balancer -> app -> data no longer holds.",
        remediation: "template.yml: EcsService (AWS::ECS::Service) NetworkConfiguration.AwsvpcConfiguration.SecurityGroups: [!GetAtt AppSecurityGroup.GroupId] only.",
    },
    claims: &[Claim {
        property: "securityGroups",
        about: "The service and every deployment give tasks only the app security group, and every running task's network interface has only it",
        mutants: &[&mutants::ECS_SERVICE_EXTRA_SECURITY_GROUP, &mutants::ECS_TASK_RUNNING_WITH_EXTRA_SECURITY_GROUP],
        not_emulated: None,
    }],
    run: ecs_tasks_use_app_security_group,
};

/// Only the app group, and at least it.
fn only_app(resource: &str, groups: &[String], app: &str, evidence: &impl serde::Serialize) -> Finding {
    let ok = !groups.is_empty() && groups.iter().all(|g| g == app);
    let actual = if groups.is_empty() { "none".to_owned() } else { groups.join(",") };
    Finding::judge(resource, "securityGroups", ok, format!("only {app}"), actual, evidence)
}

fn ecs_tasks_use_app_security_group(f: &HipaaFacts) -> Vec<Finding> {
    judge_fact(&f.app.service.resource, &f.security_groups.app.fact, "securityGroups", |app| {
        let mut findings =
            each_placement(f, "securityGroups", |resource, v| only_app(resource, &v.security_groups, app, v));
        findings.extend(each_task(f, "securityGroups", |resource, t| match &t.network_interface {
            Some(eni) => only_app(resource, &eni.groups, app, eni),
            None => unknown_interface(resource, "securityGroups", t),
        }));
        findings
    })
}

/// A `valueFrom` that names one of `secrets` (the whole secret, or a JSON key / version of it).
fn from_secret(value_from: &str, secrets: &[&str]) -> bool {
    secrets
        .iter()
        .any(|arn| value_from == *arn || value_from.strip_prefix(arn).is_some_and(|rest| rest.starts_with(':')))
}

pub const ECS_SECRETS_FROM_SECRETS_MANAGER: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "ecs_secrets_from_secrets_manager",
        service: "ecs",
        title: "Containers get credentials only from the stack's existing secrets, never as plain environment values",
        citations: &[
            "45 CFR 164.312(a)(1)",
            "45 CFR 164.312(a)(2)(iv)",
            "45 CFR 164.312(d)",
            "45 CFR 164.308(a)(5)(ii)(D)",
        ],
        severity: Severity::Critical,
        risk: "A credential in a plain environment variable or log option is readable, unencrypted, by anyone who can describe the task definition, and never rotates.",
        remediation: "template.yml: TaskDefinition (AWS::ECS::TaskDefinition) ContainerDefinitions[].Secrets[].ValueFrom from DatabaseSecretArn/ApiKeysSecretArn; keep credentials out of Environment and LogConfiguration.Options (use LogConfiguration.SecretOptions).",
    },
    claims: &[
        Claim {
            property: "secrets[].valueFrom",
            about: "Every secret a container of a revision in effect receives (secrets and log secretOptions) comes from one of the stack's secrets",
            mutants: &[&mutants::ECS_SECRET_FROM_SSM_PARAMETER],
            not_emulated: None,
        },
        Claim {
            property: "secrets",
            about: "Every revision in effect injects both of the stack's secrets",
            mutants: &[&mutants::ECS_API_KEYS_SECRET_NOT_INJECTED],
            not_emulated: None,
        },
        Claim {
            property: "environment[].name",
            about: "No container of a revision in effect (the outputs', the service's, a deployment's, a task's) has a plain variable named like a credential",
            mutants: &[&mutants::ECS_SECRET_IN_ENVIRONMENT, &mutants::ECS_SERVICE_REVISION_SECRET_IN_ENVIRONMENT],
            not_emulated: None,
        },
        Claim {
            property: "environment[].value",
            about: "No container of a revision in effect has a plain variable whose value is shaped like a credential (a URL with a password, an authorization header, a key, a random token), whatever its name",
            mutants: &[
                &mutants::ECS_CREDENTIAL_URL_IN_ENVIRONMENT,
                &mutants::ECS_DEPLOYMENT_REVISION_TOKEN_IN_ENVIRONMENT,
            ],
            not_emulated: None,
        },
        Claim {
            property: "logConfiguration.options",
            about: "No container of a revision in effect has a log option holding a credential (a log router's API key named so, or any value shaped like one): such options come from secretOptions",
            mutants: &[&mutants::ECS_CREDENTIAL_IN_LOG_OPTIONS],
            not_emulated: None,
        },
    ],
    run: ecs_secrets_from_secrets_manager,
};

fn ecs_secrets_from_secrets_manager(f: &HipaaFacts) -> Vec<Finding> {
    const PROPERTY: &str = "secrets[].valueFrom";
    let (td, app) = (&f.app.task_definition.resource, &f.app);
    judge_fact(td, &app.database_secret_arn.fact, PROPERTY, |db| {
        judge_fact(td, &app.api_keys_secret_arn.fact, PROPERTY, |api| {
            each_revision(f, PROPERTY, |td, by| secrets_only_from(td, by, &[db, api]))
        })
    })
}

/// Every container of `td` reads secrets only from `stack_secrets` and keeps no credential in
/// plain environment, by name or by value; the revision injects each of `stack_secrets`.
fn secrets_only_from(td: &TaskDefinition, by: &str, stack_secrets: &[&str]) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut referenced: BTreeSet<&str> = BTreeSet::new();
    for c in &td.container_definitions {
        let resource = container_resource(td, c, by);
        let log_secrets = c.log_configuration.iter().flat_map(|l| &l.secret_options);
        let all: Vec<_> = c.secrets.iter().chain(log_secrets).collect();
        let foreign: Vec<&str> =
            all.iter().map(|s| s.value_from.as_str()).filter(|v| !from_secret(v, stack_secrets)).collect();
        referenced.extend(stack_secrets.iter().filter(|s| all.iter().any(|r| from_secret(&r.value_from, &[s]))));
        let actual = if foreign.is_empty() {
            format!("{} from the stack's secrets", all.len())
        } else {
            format!("from elsewhere: {}", foreign.join(", "))
        };
        let property = "secrets[].valueFrom";
        findings.push(Finding::judge(
            &resource,
            property,
            foreign.is_empty(),
            "only the stack's secrets",
            actual,
            &all,
        ));
        findings.extend(plain_credentials(&resource, c));
    }
    let missing: Vec<&str> = stack_secrets.iter().copied().filter(|s| !referenced.contains(s)).collect();
    findings.push(Finding::judge(
        format!("{}{by}", td.task_definition_arn),
        "secrets",
        missing.is_empty(),
        "both stack secrets injected",
        if missing.is_empty() { "both injected".to_owned() } else { format!("not injected: {}", missing.join(", ")) },
        &json!({ "referenced": referenced }),
    ));
    findings
}

/// A container's plain environment judged by names and by value shapes, and its log options
/// (a log router's `apikey`) by both at once. Values are never kept (the fact keeps a verdict on
/// each), so findings and evidence carry names, and what a value looks like, only.
fn plain_credentials(resource: &str, c: &Container) -> [Finding; 3] {
    let named: Vec<&str> = c.environment.iter().filter(|v| v.named_like_credential).map(|v| v.name.as_str()).collect();
    let shaped: Vec<String> =
        c.environment.iter().filter_map(|v| v.looks_secret.map(|why| format!("{} ({why})", v.name))).collect();
    let evidence = json!({ "environment": c.environment });
    let options = c.log_configuration.iter().flat_map(|l| &l.options);
    let in_options: Vec<String> =
        options.filter_map(|o| o.plaintext_credential().map(|why| format!("{} ({why})", o.name))).collect();
    let listed = |found: &[String]| if found.is_empty() { "none".to_owned() } else { found.join(", ") };
    [
        Finding::judge(
            resource,
            "environment[].name",
            named.is_empty(),
            "no variable named like a credential (PASSWORD, SECRET, TOKEN, PWD, PASS, DSN, *_KEY, DATABASE_URL...) holding a value that is not a reference",
            if named.is_empty() { "none".to_owned() } else { format!("plain values for {}", named.join(", ")) },
            &evidence,
        ),
        Finding::judge(
            resource,
            "environment[].value",
            shaped.is_empty(),
            "no value shaped like a credential",
            listed(&shaped),
            &evidence,
        ),
        Finding::judge(
            resource,
            "logConfiguration.options",
            in_options.is_empty(),
            "no log option holding a credential (by its name or its value's shape); credentials through secretOptions",
            listed(&in_options),
            &json!({ "logConfiguration": c.log_configuration }),
        ),
    ]
}

pub const ECS_LOGS_TO_STACK_LOG_GROUP: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "ecs_logs_to_stack_log_group",
        service: "ecs",
        title: "Every container logs with awslogs to the stack's encrypted ECS log group",
        citations: &["45 CFR 164.312(b)", "45 CFR 164.312(a)(2)(iv)"],
        severity: Severity::High,
        risk: "Container output (which can echo PHI) sent elsewhere escapes the stack's key and retention, or is not kept at all: no audit trail.",
        remediation: "template.yml: TaskDefinition (AWS::ECS::TaskDefinition) ContainerDefinitions[].LogConfiguration {LogDriver: awslogs, Options.awslogs-group: !Ref EcsLogGroup, Options.awslogs-region: !Ref AWS::Region}.",
    },
    claims: &[
        Claim {
            property: "logConfiguration.logDriver",
            about: "Every container of every revision in effect, sidecars included, logs with the awslogs driver",
            mutants: &[&mutants::ECS_SIDECAR_WITHOUT_LOG_CONFIGURATION],
            not_emulated: None,
        },
        Claim {
            property: "logConfiguration.options.awslogs-group",
            about: "Every container of every revision in effect logs to the stack's ECS log group",
            mutants: &[&mutants::ECS_LOGS_TO_OTHER_GROUP, &mutants::ECS_DEPLOYMENT_REVISION_LOGS_TO_OTHER_GROUP],
            not_emulated: None,
        },
        Claim {
            property: "logConfiguration.options.awslogs-region",
            about: "Every container logs in the stack's region, where the stack's log group is (a group of the same name elsewhere is not the stack's)",
            mutants: &[&mutants::ECS_LOGS_TO_OTHER_REGION],
            not_emulated: None,
        },
    ],
    run: ecs_logs_to_stack_log_group,
};

fn ecs_logs_to_stack_log_group(f: &HipaaFacts) -> Vec<Finding> {
    let td = &f.app.task_definition.resource;
    judge_fact(td, &f.logs.ecs_group.fact, "logConfiguration.options.awslogs-group", |group| {
        each_revision(f, "logConfiguration", |td, by| logs_to(td, by, group, &f.app.region))
    })
}

/// Every container logs with awslogs into `group` of `region`: each option judged by its key.
fn logs_to(td: &TaskDefinition, by: &str, group: &str, region: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    for c in &td.container_definitions {
        let resource = container_resource(td, c, by);
        let logs = c.log_configuration.as_ref();
        let driver = logs.map_or("none", |l| l.log_driver.as_str());
        let property = "logConfiguration.logDriver";
        findings.push(Finding::judge(&resource, property, driver == "awslogs", "awslogs", driver, &logs));
        let option = |key: &str| logs.and_then(|l| l.option(key)).unwrap_or("none");
        for (key, expected) in [("awslogs-group", group), ("awslogs-region", region)] {
            let actual = option(key);
            let property = format!("logConfiguration.options.{key}");
            findings.push(Finding::judge(&resource, property, actual == expected, expected, actual, &logs));
        }
    }
    findings
}

pub const ECS_SERVICE_AUTO_SCALING: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "ecs_service_auto_scaling",
        service: "ecs",
        title: "The ECS service scales between at least 2 and 10 tasks, tracking average CPU",
        citations: &["45 CFR 164.308(a)(7)(i)", "45 CFR 164.308(a)(7)(ii)(C)"],
        severity: Severity::Medium,
        risk: "One task is one failure from an outage; without target tracking, load spikes make patient records unavailable.",
        remediation: "template.yml: EcsScalableTarget (AWS::ApplicationAutoScaling::ScalableTarget) MinCapacity: 2, MaxCapacity: 10, no SuspendedState; EcsCpuScalingPolicy PolicyType: TargetTrackingScaling on ECSServiceAverageCPUUtilization, TargetValue: 60.",
    },
    claims: &[
        Claim {
            property: "MinCapacity",
            about: "The service never scales in below 2 tasks",
            mutants: &[&mutants::ECS_SCALING_MIN_ONE],
            not_emulated: None,
        },
        Claim {
            property: "MaxCapacity",
            about: "The service may scale out to at least 10 tasks",
            mutants: &[&mutants::ECS_SCALING_MAX_FOUR],
            not_emulated: None,
        },
        Claim {
            property: "ScalingPolicies",
            about: "A target tracking policy follows the service's average CPU",
            mutants: &[&mutants::ECS_SCALING_POLICY_ON_MEMORY],
            not_emulated: None,
        },
        Claim {
            property: "TargetTrackingScalingPolicyConfiguration.TargetValue",
            about: "The CPU target is at most the stack's 60%: the service scales out before it saturates",
            mutants: &[&mutants::ECS_SCALING_CPU_TARGET_RAISED],
            not_emulated: None,
        },
        Claim {
            property: "SuspendedState",
            about: "Scaling out is not suspended on the scalable target",
            mutants: &[&mutants::ECS_SCALING_OUT_SUSPENDED],
            not_emulated: None,
        },
    ],
    run: ecs_service_auto_scaling,
};

fn ecs_service_auto_scaling(f: &HipaaFacts) -> Vec<Finding> {
    let resource = &f.app.scaling.resource;
    judge_named(&f.app.scaling, "MinCapacity", |s| {
        let t = &s.scalable_target;
        let cpu: Vec<_> = s
            .scaling_policies
            .iter()
            .filter(|p| p.policy_type == "TargetTrackingScaling")
            .filter_map(|p| p.target_tracking_scaling_policy_configuration.as_ref().map(|c| (p, c)))
            .filter(|(_, c)| c.predefined_metric_type.as_deref() == Some("ECSServiceAverageCPUUtilization"))
            .collect();
        let policies: Vec<String> =
            s.scaling_policies.iter().map(|p| format!("{} ({})", p.policy_name, p.policy_type)).collect();
        let suspended = t.suspended_state.as_ref().is_some_and(|s| s.dynamic_scaling_out_suspended);
        let mut findings = vec![
            Finding::judge(
                resource,
                "MinCapacity",
                t.min_capacity >= MIN_TASKS,
                format!("at least {MIN_TASKS}"),
                t.min_capacity,
                t,
            ),
            Finding::judge(
                resource,
                "MaxCapacity",
                t.max_capacity >= MAX_TASKS,
                format!("at least {MAX_TASKS}"),
                t.max_capacity,
                t,
            ),
            Finding::judge(
                resource,
                "ScalingPolicies",
                !cpu.is_empty(),
                "a TargetTrackingScaling policy on ECSServiceAverageCPUUtilization",
                if policies.is_empty() { "none".to_owned() } else { policies.join(", ") },
                &s.scaling_policies,
            ),
            Finding::judge(
                resource,
                "SuspendedState",
                !suspended,
                "dynamic scaling out not suspended",
                if suspended { "DynamicScalingOutSuspended: true" } else { "not suspended" },
                &t.suspended_state,
            ),
        ];
        // Several CPU policies scale out when any of them asks: the lowest target is in effect.
        let target = cpu.iter().map(|(_, c)| c.target_value).reduce(f64::min);
        if let Some(target) = target {
            let evidence: Vec<_> =
                cpu.iter().map(|(p, c)| json!({"PolicyName": p.policy_name, "TargetValue": c.target_value})).collect();
            findings.push(Finding::judge(
                resource,
                "TargetTrackingScalingPolicyConfiguration.TargetValue",
                target > 0.0 && target <= MAX_CPU_TARGET,
                format!("more than 0 and at most {MAX_CPU_TARGET}% average CPU"),
                target,
                &evidence,
            ));
        }
        findings
    })
}

pub const ECS_CONTAINER_INSIGHTS_ENABLED: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "ecs_container_insights_enabled",
        service: "ecs",
        title: "Container Insights is enabled on the ECS cluster",
        citations: &["45 CFR 164.312(b)", "45 CFR 164.308(a)(1)(ii)(D)"],
        severity: Severity::Low,
        risk: "Without task-level metrics, failures and abnormal activity in the PHI workload go unnoticed in information system activity review.",
        remediation: "template.yml: EcsCluster (AWS::ECS::Cluster) ClusterSettings: [{Name: containerInsights, Value: enabled}].",
    },
    claims: &[Claim {
        property: "containerInsights",
        about: "The cluster's containerInsights setting is enabled (or enhanced)",
        mutants: &[&mutants::ECS_CONTAINER_INSIGHTS_OFF],
        not_emulated: None,
    }],
    run: ecs_container_insights_enabled,
};

fn ecs_container_insights_enabled(f: &HipaaFacts) -> Vec<Finding> {
    judge_named(&f.app.cluster, "containerInsights", |c| {
        let resource = if c.cluster_arn.is_empty() { &f.app.cluster.resource } else { &c.cluster_arn };
        let actual = c.settings.get("containerInsights").map_or("not set", String::as_str);
        vec![Finding::judge(
            resource,
            "containerInsights",
            matches!(actual, "enabled" | "enhanced"),
            "enabled (or enhanced)",
            actual,
            &c.settings,
        )]
    })
}

pub const ECS_EFS_VOLUME_ENCRYPTED_IN_TRANSIT: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "ecs_efs_volume_encrypted_in_transit",
        service: "ecs",
        title: "Tasks mount the stack's EFS file system over TLS with IAM authorization",
        citations: &["45 CFR 164.312(e)(1)", "45 CFR 164.312(e)(2)(ii)", "45 CFR 164.312(d)"],
        severity: Severity::High,
        risk: "Without transit encryption patient files cross the network as clear NFS; without IAM authorization any client in the security group can mount them.",
        remediation: "template.yml: TaskDefinition (AWS::ECS::TaskDefinition) Volumes[].EFSVolumeConfiguration {FilesystemId: !Ref EfsFileSystem, TransitEncryption: ENABLED, AuthorizationConfig.IAM: ENABLED}.",
    },
    claims: &[
        Claim {
            property: "fileSystemId",
            about: "Every revision in effect mounts an EFS volume, and every EFS volume is the stack's file system",
            mutants: &[&mutants::ECS_EFS_VOLUME_ON_OTHER_FILE_SYSTEM],
            not_emulated: None,
        },
        Claim {
            property: "transitEncryption",
            about: "Every EFS volume of every revision in effect (the tasks' own included) is mounted over TLS",
            mutants: &[&mutants::ECS_EFS_TRANSIT_ENCRYPTION_OFF, &mutants::ECS_TASK_RUNNING_REVISION_WITHOUT_EFS_TLS],
            not_emulated: None,
        },
        Claim {
            property: "authorizationConfig.iam",
            about: "Every EFS volume of every revision in effect is mounted with IAM authorization",
            mutants: &[&mutants::ECS_EFS_IAM_AUTHORIZATION_OFF],
            not_emulated: None,
        },
    ],
    run: ecs_efs_volume_encrypted_in_transit,
};

fn ecs_efs_volume_encrypted_in_transit(f: &HipaaFacts) -> Vec<Finding> {
    let stack_fs = &f.data.efs_file_system_id;
    judge_fact(&f.app.task_definition.resource, &stack_fs.fact, "fileSystemId", |fs| {
        each_revision(f, "transitEncryption", |td, by| mounts_over_tls(td, by, fs))
    })
}

/// Every EFS volume of `td` is `fs`, over TLS, with IAM authorization; a revision without one
/// does not mount the stack's file system.
fn mounts_over_tls(td: &TaskDefinition, by: &str, fs: &str) -> Vec<Finding> {
    let efs: Vec<_> = td.volumes.iter().filter_map(|v| v.efs_volume_configuration.as_ref().map(|e| (v, e))).collect();
    if efs.is_empty() {
        let resource = format!("{}{by}", td.task_definition_arn);
        return vec![Finding::judge(
            resource,
            "fileSystemId",
            false,
            format!("an EFS volume of {fs}"),
            "no EFS volume",
            &td.volumes,
        )];
    }
    let mut findings = Vec::new();
    for (v, e) in efs {
        let resource = format!("{} (volume {}){by}", td.task_definition_arn, v.name);
        findings.push(Finding::judge(&resource, "fileSystemId", e.file_system_id == fs, fs, &e.file_system_id, e));
        let transit = e.transit_encryption.as_deref().unwrap_or("DISABLED (default)");
        findings.push(Finding::judge(&resource, "transitEncryption", transit == "ENABLED", "ENABLED", transit, e));
        let iam = e.iam.as_deref().unwrap_or("DISABLED (default)");
        findings.push(Finding::judge(&resource, "authorizationConfig.iam", iam == "ENABLED", "ENABLED", iam, e));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_references_match_whole_secrets_or_their_keys_only() {
        let arn = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:db-credentials-x-AbCdEf";
        assert!(from_secret(arn, &[arn]));
        assert!(from_secret(&format!("{arn}:password::"), &[arn]));
        assert!(!from_secret(&format!("{arn}zz"), &[arn]));
        assert!(!from_secret("arn:aws:ssm:eu-central-1:123456789012:parameter/db-password", &[arn]));
    }
}
