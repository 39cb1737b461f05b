//! Coverage: the resources discovery found in the deployed stack, by type, with the checks whose
//! findings judged each, and those no check judged, listed as not covered (never dropped). A
//! resource counts as judged by a check when one of the check's findings names its physical id.

use serde::Serialize;

use super::Record;
use crate::facts::discovery::{Discovered, FoundBy};

/// What discovery found in each scope (a stack, or one region of a layout), and what judged it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Coverage {
    pub scopes: Vec<ScopeCoverage>,
    /// Per resource type: how many resources, how many judged, and by which checks.
    pub by_type: Vec<TypeCoverage>,
    /// Every discovered resource with the checks that judged it.
    pub resources: Vec<ResourceCoverage>,
    /// The resources no check judged.
    pub not_covered: Vec<ResourceCoverage>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScopeCoverage {
    pub scope: String,
    pub discovered: usize,
    pub covered: usize,
    /// The API requests discovery took, and how long.
    pub requests: usize,
    pub elapsed_ms: f64,
    /// Why discovery failed, when it did: the checks that rely on it then report an error.
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TypeCoverage {
    pub resource_type: String,
    pub count: usize,
    pub covered: usize,
    pub checks: Vec<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResourceCoverage {
    pub scope: String,
    pub resource_type: String,
    pub logical_id: String,
    pub physical_id: String,
    pub found_by: FoundBy,
    pub checks: Vec<&'static str>,
}

/// The checks among `records` with a finding naming `physical_id`.
fn judged_by(records: &[Record], physical_id: &str) -> Vec<&'static str> {
    if physical_id.is_empty() {
        return Vec::new();
    }
    records
        .iter()
        .filter(|r| r.outcome.findings.iter().any(|f| f.resource.contains(physical_id)))
        .map(|r| r.info.id)
        .collect()
}

/// Coverage of `discovered` by the checks of `records`.
pub fn of(discovered: &[&Discovered], records: &[Record]) -> Coverage {
    let mut coverage = Coverage::default();
    for d in discovered {
        let (resources, error, requests) = match &d.inventory {
            Ok(i) => (i.resources.as_slice(), None, i.requests),
            Err(e) => (&[][..], Some(e.to_string()), 0),
        };
        let judged: Vec<ResourceCoverage> = resources
            .iter()
            .map(|r| ResourceCoverage {
                scope: d.scope.clone(),
                resource_type: r.resource_type.clone(),
                logical_id: r.logical_id.clone(),
                physical_id: r.physical_id.clone(),
                found_by: r.found_by,
                checks: judged_by(records, &r.physical_id),
            })
            .collect();
        coverage.scopes.push(ScopeCoverage {
            scope: d.scope.clone(),
            discovered: judged.len(),
            covered: judged.iter().filter(|r| !r.checks.is_empty()).count(),
            requests,
            elapsed_ms: d.elapsed.as_secs_f64() * 1000.0,
            error,
        });
        coverage.resources.extend(judged);
    }
    coverage.not_covered = coverage.resources.iter().filter(|r| r.checks.is_empty()).cloned().collect();
    let mut types: Vec<&str> = coverage.resources.iter().map(|r| r.resource_type.as_str()).collect();
    types.sort_unstable();
    types.dedup();
    coverage.by_type = types
        .into_iter()
        .map(|t| {
            let of_type: Vec<&ResourceCoverage> = coverage.resources.iter().filter(|r| r.resource_type == t).collect();
            let mut checks: Vec<&'static str> = of_type.iter().flat_map(|r| r.checks.iter().copied()).collect();
            checks.sort_unstable();
            checks.dedup();
            TypeCoverage {
                resource_type: t.to_owned(),
                count: of_type.len(),
                covered: of_type.iter().filter(|r| !r.checks.is_empty()).count(),
                checks,
            }
        })
        .collect();
    coverage
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Finding;
    use crate::facts::discovery::{Inventory, LOG_GROUP, Resource};
    use crate::report::fixture::record;

    #[test]
    fn resources_no_finding_names_are_listed_as_not_covered() {
        let resource = |t: &str, logical: &str, physical: &str| Resource {
            resource_type: t.into(),
            logical_id: logical.into(),
            physical_id: physical.into(),
            found_by: FoundBy::Tags,
        };
        let discovered = Discovered {
            scope: "TapStackx".into(),
            inventory: Ok(Inventory {
                resources: vec![
                    resource(LOG_GROUP, "AuditLogGroup", "/hipaa/audit-x"),
                    resource(LOG_GROUP, "WafLogGroup", "aws-waf-logs-hipaa-x"),
                    resource("AWS::ECS::Cluster", "Cluster", "cluster-x"),
                ],
                requests: 2,
            }),
            elapsed: std::time::Duration::from_millis(3),
        };
        let records = [record(
            "log_group_retention_set",
            "logs",
            vec![Finding::judge("/hipaa/audit-x (AuditLogGroup)", "retentionInDays", true, 90, 365, &())],
        )];
        let c = of(&[&discovered], &records);
        assert_eq!(c.scopes[0].discovered, 3);
        assert_eq!(c.scopes[0].covered, 1);
        assert_eq!(c.resources[0].checks, vec!["log_group_retention_set"]);
        let uncovered: Vec<&str> = c.not_covered.iter().map(|r| r.logical_id.as_str()).collect();
        assert_eq!(uncovered, vec!["WafLogGroup", "Cluster"]);
        let logs = c.by_type.iter().find(|t| t.resource_type == LOG_GROUP).unwrap();
        assert_eq!((logs.count, logs.covered), (2, 1));
    }

    /// The JSON carries the coverage, and the HTML shows its table and the resources not covered.
    #[test]
    fn the_evidence_and_the_html_carry_the_coverage_table() {
        use crate::report::{Format, evidence, fixture, html};
        let discovered = Discovered {
            scope: "TapStackpr1".into(),
            inventory: Ok(Inventory {
                resources: vec![Resource {
                    resource_type: "AWS::ECS::Cluster".into(),
                    logical_id: "EcsCluster".into(),
                    physical_id: "cluster-<pr1>".into(),
                    found_by: FoundBy::StackResources,
                }],
                requests: 2,
            }),
            elapsed: std::time::Duration::from_millis(7),
        };
        let mut run = fixture::run();
        run.coverage = of(&[&discovered], &fixture::records());
        let doc = evidence::build(&run, &fixture::records(), &fixture::paths(), &Format::ALL);
        let json: serde_json::Value = serde_json::from_str(&evidence::render(&doc).unwrap()).unwrap();
        assert_eq!(json["coverage"]["scopes"][0]["discovered"], 1);
        assert_eq!(json["coverage"]["scopes"][0]["requests"], 2);
        assert_eq!(json["coverage"]["not_covered"][0]["logical_id"], "EcsCluster");
        let page = html::render(&doc).unwrap();
        assert!(page.contains(r#"<table id="coverage-types">"#), "no coverage table");
        assert!(page.contains("<td class=\"mono\">EcsCluster</td>"), "the uncovered resource is not listed");
        assert!(page.contains("cluster-&lt;pr1&gt;"), "the physical id is not escaped");
    }

    #[test]
    fn a_failed_discovery_is_shown_with_its_error() {
        let discovered = Discovered {
            scope: "TapStackx".into(),
            inventory: Err(crate::facts::FactError::Api { operation: "GetResources".into(), detail: "denied".into() }),
            elapsed: std::time::Duration::ZERO,
        };
        let c = of(&[&discovered], &[]);
        assert_eq!(c.scopes[0].error.as_deref(), Some("GetResources failed: denied"));
        assert_eq!(c.scopes[0].discovered, 0);
    }
}
