//! What a deployed stack contains, beyond what its outputs name: the resources CloudFormation
//! lists for the stack (ListStackResources) and those carrying the stack's tags (the Resource
//! Groups Tagging API's GetResources), merged into one inventory. The outputs stay the contract
//! for what the stack promises; discovery finds what else it holds, so every instance of a
//! covered type is judged. The tags are read here, from the tagging API's own reply, never from
//! another fact's tag map (those keep only the tags the checks judge).

use std::collections::BTreeMap;

use aws_sdk_resourcegroupstagging::types::TagFilter;
use serde::Serialize;

use super::{Fact, FactError, Named, classify};
use crate::deployment::Outputs;

/// The tag CloudFormation puts on every resource it creates: the stack's name.
pub const STACK_NAME_TAG: &str = "aws:cloudformation:stack-name";
/// The tag CloudFormation puts on every resource it creates: the resource's logical id.
pub const LOGICAL_ID_TAG: &str = "aws:cloudformation:logical-id";

pub const LOG_GROUP: &str = "AWS::Logs::LogGroup";
pub const KMS_KEY: &str = "AWS::KMS::Key";
pub const SECURITY_GROUP: &str = "AWS::EC2::SecurityGroup";
pub const BUCKET: &str = "AWS::S3::Bucket";

/// The `output` of a fact about a resource that discovery found and no output names.
pub const UNLISTED: &str = "(no output)";

/// How a resource was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum FoundBy {
    /// CloudFormation lists it among the stack's resources.
    StackResources,
    /// Only its tags name the stack.
    Tags,
}

/// One resource of the stack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Resource {
    /// CloudFormation's type (`AWS::Logs::LogGroup`); for a tagged resource whose ARN is of a
    /// kind this module does not map, the ARN's `service:kind`.
    pub resource_type: String,
    /// The template's logical id, or what the layout's tags name it by.
    pub logical_id: String,
    /// The name or id the service knows it by (a log group's name, a key's id, a group's id).
    pub physical_id: String,
    pub found_by: FoundBy,
}

impl Resource {
    /// How findings name it: the physical id, then the logical id.
    pub fn label(&self) -> String {
        format!("{} ({})", self.physical_id, self.logical_id)
    }
}

/// Every resource discovered for one stack, and what discovery cost.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Inventory {
    pub resources: Vec<Resource>,
    /// The API requests discovery took (one per page of each read).
    pub requests: usize,
}

impl Inventory {
    /// The resources of one CloudFormation type.
    pub fn of_type<'a>(&'a self, resource_type: &'a str) -> impl Iterator<Item = &'a Resource> + 'a {
        self.resources.iter().filter(move |r| r.resource_type == resource_type)
    }

    /// The resource of `resource_type` whose physical id is `physical_id` (a name, an id, or an
    /// ARN ending in it). Within one type: a function's name also ends its log group's.
    pub fn find(&self, resource_type: &str, physical_id: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.resource_type == resource_type && same_physical(&r.physical_id, physical_id))
    }

    /// Adds the tagged resources CloudFormation did not list (an emulator's stand-in stack lists
    /// none of them; on AWS both routes name the same resources).
    fn merge_tagged(&mut self, tagged: Vec<Tagged>) {
        for t in tagged {
            let Some((resource_type, physical_id)) = from_arn(&t.arn) else { continue };
            // The same id, or (within one type) an ARN ending in it; never two kinds that share a
            // name's tail (a function and its /aws/lambda/<name> log group).
            let known = |r: &Resource| {
                r.physical_id == physical_id
                    || (r.resource_type == resource_type && same_physical(&r.physical_id, &physical_id))
            };
            if self.resources.iter().any(known) {
                continue;
            }
            let logical_id = t.tags.get(LOGICAL_ID_TAG).cloned().unwrap_or_else(|| physical_id.clone());
            self.resources.push(Resource { resource_type, logical_id, physical_id, found_by: FoundBy::Tags });
        }
        self.resources.sort_by(|a, b| (&a.resource_type, &a.logical_id).cmp(&(&b.resource_type, &b.logical_id)));
    }
}

/// Every resource of `resource_type` the stack holds, each fetched once: first those the outputs
/// `keys` name (labelled with their logical id where discovery found them), then those discovery
/// found that no output names. A missing output is its fact's error, as with [`super::named`];
/// a failed discovery adds nothing here (the checks that rely on it report its error).
pub async fn every<T, F, Fut>(
    outputs: &Outputs,
    keys: &[&'static str],
    inventory: &Fact<Inventory>,
    resource_type: &str,
    fetch: F,
) -> Vec<Named<T>>
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = Fact<T>>,
{
    let found = inventory.as_ref().ok();
    // The output's own value stays first (an ARN where the output gives one), then the logical id.
    let label = |value: &str| match found.and_then(|i| i.find(resource_type, value)) {
        Some(r) => format!("{value} ({})", r.logical_id),
        None => value.to_owned(),
    };
    let listed = keys.iter().map(|key| {
        let fetch = &fetch;
        async move {
            let mut n = super::named(outputs, key, fetch).await;
            if !matches!(n.fact, Err(FactError::MissingOutput { .. })) {
                n.resource = label(&n.resource);
            }
            n
        }
    });
    let (mut listed, unlisted) = futures_util::future::join(
        futures_util::future::join_all(listed),
        unlisted(outputs, keys, inventory, resource_type, &fetch),
    )
    .await;
    listed.extend(unlisted);
    listed
}

/// The resources of `resource_type` discovery found that none of the outputs `keys` name, each
/// fetched once and labelled by its logical id; nothing when discovery failed (the checks that
/// rely on it report its error).
pub async fn unlisted<T, F, Fut>(
    outputs: &Outputs,
    keys: &[&'static str],
    inventory: &Fact<Inventory>,
    resource_type: &str,
    fetch: F,
) -> Vec<Named<T>>
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = Fact<T>>,
{
    let named_values: Vec<&str> = keys.iter().filter_map(|k| outputs.get(k).ok()).collect();
    let unlisted = inventory
        .as_ref()
        .ok()
        .into_iter()
        .flat_map(|i| i.of_type(resource_type))
        .filter(|r| !named_values.iter().any(|v| same_physical(v, &r.physical_id)))
        .map(|r| {
            let fetch = &fetch;
            async move { Named { output: UNLISTED, resource: r.label(), fact: fetch(r.physical_id.clone()).await } }
        });
    futures_util::future::join_all(unlisted).await
}

/// A stack's (or one region's part of a layout's) discovered resources, with what discovery cost.
#[derive(Debug, Clone)]
pub struct Discovered {
    /// The stack name, or the layout and region, discovery looked in.
    pub scope: String,
    pub inventory: Fact<Inventory>,
    /// Wall time discovery took.
    pub elapsed: std::time::Duration,
}

impl Discovered {
    /// Runs `discover`, timing it.
    pub async fn timed(scope: String, discover: impl std::future::Future<Output = Fact<Inventory>>) -> Self {
        let started = std::time::Instant::now();
        let inventory = discover.await;
        Self { scope, inventory, elapsed: started.elapsed() }
    }
}

/// The same resource named by id and by ARN (or both ways alike).
fn same_physical(a: &str, b: &str) -> bool {
    let ends = |long: &str, short: &str| {
        long.strip_suffix(short).is_some_and(|head| head.ends_with(':') || head.ends_with('/'))
    };
    a == b || ends(a, b) || ends(b, a)
}

/// A resource the tagging API names, with its tags.
#[derive(Debug, Clone)]
pub struct Tagged {
    pub arn: String,
    pub tags: BTreeMap<String, String>,
}

/// CloudFormation's type and the physical id of a resource named by ARN, for the kinds whose
/// physical id the ARN carries. Other kinds keep the ARN's `service:kind` as their type and the
/// id after the kind (`vpc-1`, a cluster's or an alarm's name), which is how CloudFormation's
/// physical ids and the checks' findings name them; an ARN without a kind (an SNS topic's) stays
/// whole. Listed either way, so never silently dropped.
pub fn from_arn(arn: &str) -> Option<(String, String)> {
    let mut parts = arn.splitn(6, ':');
    let (_, _, service, _, _, rest) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let (kind, id) = match rest.split_once(['/', ':']) {
        Some((kind, id)) => (kind, id),
        None => ("", rest),
    };
    let known = match (service, kind) {
        ("logs", "log-group") => Some(LOG_GROUP),
        ("kms", "key") => Some(KMS_KEY),
        ("ec2", "security-group") => Some(SECURITY_GROUP),
        ("s3", "") => Some(BUCKET),
        _ => None,
    };
    Some(match known {
        // A log group's ARN may end in `:*` (all its streams).
        Some(t) => (t.to_owned(), id.trim_end_matches(":*").to_owned()),
        None if kind.is_empty() => (format!("{service}:"), arn.to_owned()),
        None => (format!("{service}:{kind}"), id.to_owned()),
    })
}

/// The resources CloudFormation lists for `stack` (ListStackResources, every page).
pub async fn stack_resources(cloudformation: &aws_sdk_cloudformation::Client, stack: &str) -> Fact<Paged<Resource>> {
    let mut pages = cloudformation.list_stack_resources().stack_name(stack).into_paginator().send();
    let (mut summaries, mut requests) = (Vec::new(), 0);
    while let Some(page) = pages.next().await {
        requests += 1;
        let page = page.map_err(|e| classify("ListStackResources", &e, &["ValidationError"]))?;
        summaries.extend(page.stack_resource_summaries.unwrap_or_default());
    }
    let items = summaries
        .iter()
        .map(|s| {
            // A summary without its type or logical id is still listed (as not covered), never dropped.
            let or = |v: Option<&str>, none: &str| v.filter(|v| !v.is_empty()).unwrap_or(none).to_owned();
            Resource {
                resource_type: or(s.resource_type(), "(no type in the reply)"),
                logical_id: or(s.logical_resource_id(), "(no logical id in the reply)"),
                // A resource CloudFormation has not made yet (or failed to) has no physical id.
                physical_id: s.physical_resource_id().unwrap_or_default().to_owned(),
                found_by: FoundBy::StackResources,
            }
        })
        .collect();
    Ok(Paged { items, requests })
}

/// What a paginated read answered, and how many requests (pages) it took.
#[derive(Debug, Clone)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub requests: usize,
}

/// Every resource in the region whose tags match all of `filters` (GetResources, every page).
pub async fn tagged(tagging: &aws_sdk_resourcegroupstagging::Client, filters: &[(&str, &str)]) -> Fact<Paged<Tagged>> {
    let filters = filters.iter().map(|(k, v)| TagFilter::builder().key(*k).values(*v).build()).collect();
    let mut pages = tagging.get_resources().set_tag_filters(Some(filters)).into_paginator().send();
    let (mut mappings, mut requests) = (Vec::new(), 0);
    while let Some(page) = pages.next().await {
        requests += 1;
        let page = page.map_err(|e| classify("GetResources", &e, &[]))?;
        mappings.extend(page.resource_tag_mapping_list.unwrap_or_default());
    }
    let items = mappings
        .into_iter()
        .map(|m| {
            let arn = m.resource_arn().filter(|a| !a.is_empty()).ok_or_else(|| FactError::Api {
                operation: "GetResources".into(),
                detail: "the reply lists a resource without its ARN".into(),
            })?;
            let tags = m.tags().iter().map(|t| (t.key().to_owned(), t.value().to_owned())).collect();
            Ok(Tagged { arn: arn.to_owned(), tags })
        })
        .collect::<Fact<Vec<_>>>()?;
    Ok(Paged { items, requests })
}

/// A CloudFormation stack's resources: those it lists, and those tagged with its name. Finding
/// nothing is an error, never an empty pass: a deployed stack holds resources.
pub async fn cloudformation_stack(
    cloudformation: &aws_sdk_cloudformation::Client,
    tagging: &aws_sdk_resourcegroupstagging::Client,
    stack: &str,
) -> Fact<Inventory> {
    let filters = [(STACK_NAME_TAG, stack)];
    let (listed, tagged) = tokio::join!(stack_resources(cloudformation, stack), tagged(tagging, &filters));
    let (listed, tagged) = (listed?, tagged?);
    let mut inventory = Inventory { resources: listed.items, requests: listed.requests + tagged.requests };
    inventory.merge_tagged(tagged.items);
    if inventory.resources.is_empty() {
        return Err(FactError::Api {
            operation: "ListStackResources".into(),
            detail: format!("neither CloudFormation nor the tags name any resource of stack {stack}"),
        });
    }
    Ok(inventory)
}

/// The resources tagged with all of `tags` in one region, named by `logical_tag`'s value: a
/// layout that is not a CloudFormation stack (CDKTF) marks its resources with default tags.
/// Finding nothing is an error.
pub async fn tagged_layout(
    tagging: &aws_sdk_resourcegroupstagging::Client,
    tags: &[(&str, &str)],
    logical_tag: &str,
) -> Fact<Inventory> {
    let found = tagged(tagging, tags).await?;
    let mut inventory = Inventory { resources: Vec::new(), requests: found.requests };
    let found = found
        .items
        .into_iter()
        .map(|mut t| {
            if let Some(name) = t.tags.remove(logical_tag) {
                t.tags.insert(LOGICAL_ID_TAG.to_owned(), name);
            }
            t
        })
        .collect();
    inventory.merge_tagged(found);
    if inventory.resources.is_empty() {
        let wanted: Vec<String> = tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
        return Err(FactError::Api {
            operation: "GetResources".into(),
            detail: format!("no resource carries the tags {}", wanted.join(", ")),
        });
    }
    Ok(inventory)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_map_to_cloudformation_types_and_physical_ids() {
        let arn = from_arn;
        let own = |t: &str, id: &str| Some((t.to_owned(), id.to_owned()));
        assert_eq!(
            arn("arn:aws:logs:eu-central-1:1:log-group:/aws/rds/cluster/a/audit"),
            own(LOG_GROUP, "/aws/rds/cluster/a/audit")
        );
        assert_eq!(arn("arn:aws:logs:eu-central-1:1:log-group:/hipaa/x:*"), own(LOG_GROUP, "/hipaa/x"));
        assert_eq!(arn("arn:aws:kms:eu-central-1:1:key/1111-2222"), own(KMS_KEY, "1111-2222"));
        assert_eq!(arn("arn:aws:ec2:eu-central-1:1:security-group/sg-1"), own(SECURITY_GROUP, "sg-1"));
        assert_eq!(arn("arn:aws:s3:::bucket-x"), own(BUCKET, "bucket-x"));
        assert_eq!(arn("arn:aws:rds:eu-central-1:1:cluster:aurora-x"), own("rds:cluster", "aurora-x"));
        assert_eq!(arn("arn:aws:ec2:eu-central-1:1:vpc/vpc-1"), own("ec2:vpc", "vpc-1"));
        let topic = "arn:aws:sns:eu-central-1:1:alerts";
        assert_eq!(arn(topic), own("sns:", topic));
        assert_eq!(arn("not an arn"), None);
    }

    #[test]
    fn tagged_resources_cloudformation_lists_are_not_added_twice() {
        let listed = Resource {
            resource_type: LOG_GROUP.into(),
            logical_id: "AuditLogGroup".into(),
            physical_id: "/hipaa/audit-x".into(),
            found_by: FoundBy::StackResources,
        };
        let mut inventory = Inventory { resources: vec![listed.clone()], requests: 2 };
        let tag = |arn: &str, logical: &str| Tagged {
            arn: arn.into(),
            tags: [(LOGICAL_ID_TAG.to_owned(), logical.to_owned())].into(),
        };
        inventory.merge_tagged(vec![
            tag("arn:aws:logs:r:1:log-group:/hipaa/audit-x", "AuditLogGroup"),
            tag("arn:aws:logs:r:1:log-group:/hipaa/extra-x", "ExtraLogGroup"),
        ]);
        assert_eq!(inventory.resources.len(), 2);
        assert_eq!(inventory.resources[0], listed);
        assert_eq!(inventory.resources[1].label(), "/hipaa/extra-x (ExtraLogGroup)");
        assert_eq!(inventory.resources[1].found_by, FoundBy::Tags);
        assert_eq!(
            inventory.find(LOG_GROUP, "arn:aws:logs:r:1:log-group:/hipaa/extra-x"),
            Some(&inventory.resources[1])
        );
        assert!(inventory.find(LOG_GROUP, "/hipaa/extra").is_none());
        // A VPC CloudFormation lists by id is the tagged vpc ARN; a function is not its log group.
        let vpc = Resource { resource_type: "AWS::EC2::VPC".into(), physical_id: "vpc-1".into(), ..listed.clone() };
        let log = Resource { physical_id: "/aws/lambda/fn-x".into(), ..listed };
        let mut inventory = Inventory { resources: vec![vpc, log], requests: 2 };
        inventory
            .merge_tagged(vec![tag("arn:aws:ec2:r:1:vpc/vpc-1", "Vpc"), tag("arn:aws:lambda:r:1:function:fn-x", "Fn")]);
        let ids: Vec<(&str, &str)> =
            inventory.resources.iter().map(|r| (r.resource_type.as_str(), r.physical_id.as_str())).collect();
        assert_eq!(
            ids,
            [("AWS::EC2::VPC", "vpc-1"), ("AWS::Logs::LogGroup", "/aws/lambda/fn-x"), ("lambda:function", "fn-x")]
        );
    }
}
