//! The network of one VPC: the VPC with every CIDR block associated with it and its DNS
//! attributes, subnets, route tables, NAT gateways and their Elastic IPs, internet gateways,
//! security groups with the entries of every prefix list their rules reference, and flow logs,
//! each listed once by a `vpc-id` filter. A listed item without its id is an error of the whole
//! fact: a reply that cannot say what it describes is no evidence of anything.

use std::collections::BTreeMap;

use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::{Filter, VpcAttributeName};
use serde::Serialize;

use super::{Fact, FactError, classify, tag_map};

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Vpc {
    pub vpc_id: String,
    /// The primary IPv4 block.
    pub cidr_block: String,
    /// Every IPv4 block in effect (associated or associating), the primary one included.
    pub cidr_blocks: Vec<String>,
    /// Every IPv6 block in effect.
    pub ipv6_cidr_blocks: Vec<String>,
    pub enable_dns_support: bool,
    pub enable_dns_hostnames: bool,
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Subnet {
    pub subnet_id: String,
    pub vpc_id: String,
    pub availability_zone: String,
    pub cidr_block: String,
    pub map_public_ip_on_launch: bool,
    /// Instances launched here get an IPv6 address, which is globally routable.
    pub assign_ipv6_address_on_creation: bool,
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "Type", content = "Id")]
pub enum RouteTarget {
    Local,
    InternetGateway(String),
    NatGateway(String),
    Other(String),
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Route {
    pub destination: String,
    pub target: RouteTarget,
    pub state: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RouteTable {
    pub route_table_id: String,
    pub subnet_ids: Vec<String>,
    pub main: bool,
    pub routes: Vec<Route>,
    pub tags: BTreeMap<String, String>,
}

impl RouteTable {
    pub fn default_route(&self) -> Option<&Route> {
        self.routes.iter().find(|r| r.destination == "0.0.0.0/0")
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NatGateway {
    pub nat_gateway_id: String,
    pub subnet_id: String,
    pub state: String,
    /// Absent on the emulator.
    pub connectivity_type: Option<String>,
    pub public_ips: Vec<String>,
    /// NatGatewayAddresses[].AllocationId: the Elastic IPs it holds.
    pub allocation_ids: Vec<String>,
    pub tags: BTreeMap<String, String>,
}

/// An Elastic IP a NAT gateway holds.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Address {
    pub allocation_id: String,
    pub public_ip: Option<String>,
    pub tags: BTreeMap<String, String>,
}

/// A managed prefix list a security group rule references, resolved to its entries.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PrefixList {
    pub prefix_list_id: String,
    /// The CIDRs it holds, or why they could not be read.
    pub entries: Fact<Vec<String>>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InternetGateway {
    pub internet_gateway_id: String,
    pub attached_vpcs: Vec<String>,
    pub tags: BTreeMap<String, String>,
}

/// Where an ingress rule admits traffic from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "Type", content = "Id")]
pub enum RuleSource {
    SecurityGroup(String),
    CidrIpv4(String),
    CidrIpv6(String),
    PrefixList(String),
}

impl RuleSource {
    pub fn is_open_world(&self) -> bool {
        matches!(self, RuleSource::CidrIpv4(c) if c == "0.0.0.0/0")
            || matches!(self, RuleSource::CidrIpv6(c) if c == "::/0")
    }
}

impl std::fmt::Display for RuleSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RuleSource::SecurityGroup(id)
            | RuleSource::CidrIpv4(id)
            | RuleSource::CidrIpv6(id)
            | RuleSource::PrefixList(id) => f.write_str(id),
        }
    }
}

/// One ingress permission for one source.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct IngressRule {
    pub ip_protocol: String,
    pub from_port: Option<i32>,
    pub to_port: Option<i32>,
    pub source: RuleSource,
}

impl std::fmt::Display for IngressRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ports = match (self.from_port, self.to_port) {
            (Some(a), Some(b)) if a == b => a.to_string(),
            (Some(a), Some(b)) => format!("{a}-{b}"),
            _ => "all".to_owned(),
        };
        write!(f, "{}/{ports} from {}", self.ip_protocol, self.source)
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SecurityGroup {
    pub group_id: String,
    pub group_name: String,
    /// The VPC the group is in.
    pub vpc_id: String,
    pub ingress: Vec<IngressRule>,
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FlowLog {
    pub flow_log_id: String,
    pub traffic_type: String,
    pub log_destination_type: String,
    pub log_group_name: String,
    pub flow_log_status: String,
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Network {
    pub vpc: Vpc,
    pub subnets: Vec<Subnet>,
    pub route_tables: Vec<RouteTable>,
    pub nat_gateways: Vec<NatGateway>,
    pub internet_gateways: Vec<InternetGateway>,
    pub security_groups: Vec<SecurityGroup>,
    /// Every prefix list a rule of the VPC's groups references, with its entries.
    pub prefix_lists: Vec<PrefixList>,
    /// The Elastic IPs of the VPC's NAT gateways, or why they could not be read.
    pub addresses: Fact<Vec<Address>>,
    pub flow_logs: Vec<FlowLog>,
}

impl Network {
    pub fn subnet(&self, id: &str) -> Option<&Subnet> {
        self.subnets.iter().find(|s| s.subnet_id == id)
    }
    pub fn route_table(&self, id: &str) -> Option<&RouteTable> {
        self.route_tables.iter().find(|t| t.route_table_id == id)
    }
    pub fn nat_gateway(&self, id: &str) -> Option<&NatGateway> {
        self.nat_gateways.iter().find(|n| n.nat_gateway_id == id)
    }
    pub fn security_group(&self, id: &str) -> Option<&SecurityGroup> {
        self.security_groups.iter().find(|g| g.group_id == id)
    }
    pub fn prefix_list(&self, id: &str) -> Option<&PrefixList> {
        self.prefix_lists.iter().find(|l| l.prefix_list_id == id)
    }
}

fn by_vpc(vpc_id: &str) -> Filter {
    Filter::builder().name("vpc-id").values(vpc_id).build()
}

/// The id a listed item must carry: without it the reply is an error, not a resource.
fn required(id: Option<String>, operation: &str, what: &str) -> Result<String, FactError> {
    id.filter(|i| !i.is_empty()).ok_or_else(|| FactError::Api {
        operation: operation.to_owned(),
        detail: format!("the reply lists {what} without its id"),
    })
}

/// A CIDR association in effect: associated, or on its way to it.
fn in_effect(state: Option<&str>) -> bool {
    matches!(state, None | Some("associated" | "associating"))
}

fn tags(t: Option<Vec<aws_sdk_ec2::types::Tag>>) -> BTreeMap<String, String> {
    tag_map(t.unwrap_or_default().into_iter().map(|t| (t.key, t.value)))
}

/// Everything the network checks read about one VPC, fetched concurrently; then what the first
/// replies point to: the Elastic IPs of the NAT gateways and the prefix lists the rules reference.
pub async fn network(ec2: &Client, vpc_id: &str) -> Fact<Network> {
    let (vpc, support, hostnames, subnets, tables, nats, igws, groups, flow_logs) = tokio::join!(
        ec2.describe_vpcs().vpc_ids(vpc_id).send(),
        ec2.describe_vpc_attribute().vpc_id(vpc_id).attribute(VpcAttributeName::EnableDnsSupport).send(),
        ec2.describe_vpc_attribute().vpc_id(vpc_id).attribute(VpcAttributeName::EnableDnsHostnames).send(),
        ec2.describe_subnets().filters(by_vpc(vpc_id)).into_paginator().items().send().collect::<Result<Vec<_>, _>>(),
        ec2.describe_route_tables()
            .filters(by_vpc(vpc_id))
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>(),
        ec2.describe_nat_gateways()
            .filter(by_vpc(vpc_id))
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>(),
        ec2.describe_internet_gateways()
            .filters(Filter::builder().name("attachment.vpc-id").values(vpc_id).build())
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>(),
        ec2.describe_security_groups()
            .filters(by_vpc(vpc_id))
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>(),
        ec2.describe_flow_logs()
            .filter(Filter::builder().name("resource-id").values(vpc_id).build())
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>(),
    );
    let vpc_gone = ["InvalidVpcID.NotFound", "InvalidVpcID.Malformed"];
    let vpcs = vpc.map_err(|e| classify("DescribeVpcs", &e, &vpc_gone))?.vpcs.unwrap_or_default();
    // The VPC asked for, by the id the reply gives it; a VPC without an id is no answer.
    for v in &vpcs {
        required(v.vpc_id.clone(), "DescribeVpcs", "a VPC")?;
    }
    let vpc = vpcs
        .into_iter()
        .find(|v| v.vpc_id.as_deref() == Some(vpc_id))
        .ok_or_else(|| FactError::Absent { what: format!("VPC {vpc_id}") })?;
    let support = support.map_err(|e| classify("DescribeVpcAttribute", &e, &vpc_gone))?;
    let hostnames = hostnames.map_err(|e| classify("DescribeVpcAttribute", &e, &vpc_gone))?;
    let flag = |v: Option<&aws_sdk_ec2::types::AttributeBooleanValue>| v.and_then(|a| a.value).unwrap_or(false);

    let nat_gateways = nats
        .map_err(|e| classify("DescribeNatGateways", &e, &[]))?
        .into_iter()
        .map(nat_gateway)
        .collect::<Result<Vec<_>, _>>()?;
    let security_groups = groups
        .map_err(|e| classify("DescribeSecurityGroups", &e, &[]))?
        .into_iter()
        .map(security_group)
        .collect::<Result<Vec<_>, FactError>>()?;
    let (addresses, prefix_lists) =
        tokio::join!(nat_addresses(ec2, &nat_gateways), prefix_lists(ec2, &security_groups));

    Ok(Network {
        vpc: Vpc {
            vpc_id: vpc_id.to_owned(),
            cidr_blocks: vpc
                .cidr_block_association_set()
                .iter()
                .filter(|a| in_effect(a.cidr_block_state().and_then(|s| s.state()).map(|s| s.as_str())))
                .filter_map(|a| a.cidr_block.clone())
                .collect(),
            ipv6_cidr_blocks: vpc
                .ipv6_cidr_block_association_set()
                .iter()
                .filter(|a| in_effect(a.ipv6_cidr_block_state().and_then(|s| s.state()).map(|s| s.as_str())))
                .filter_map(|a| a.ipv6_cidr_block.clone())
                .collect(),
            cidr_block: vpc.cidr_block.unwrap_or_default(),
            enable_dns_support: flag(support.enable_dns_support.as_ref()),
            enable_dns_hostnames: flag(hostnames.enable_dns_hostnames.as_ref()),
            tags: tags(vpc.tags),
        },
        subnets: subnets
            .map_err(|e| classify("DescribeSubnets", &e, &[]))?
            .into_iter()
            .map(|s| {
                Ok(Subnet {
                    subnet_id: required(s.subnet_id, "DescribeSubnets", "a subnet")?,
                    vpc_id: s.vpc_id.unwrap_or_default(),
                    availability_zone: s.availability_zone.unwrap_or_default(),
                    cidr_block: s.cidr_block.unwrap_or_default(),
                    map_public_ip_on_launch: s.map_public_ip_on_launch.unwrap_or(false),
                    assign_ipv6_address_on_creation: s.assign_ipv6_address_on_creation.unwrap_or(false),
                    tags: tags(s.tags),
                })
            })
            .collect::<Result<_, FactError>>()?,
        route_tables: tables
            .map_err(|e| classify("DescribeRouteTables", &e, &[]))?
            .into_iter()
            .map(|t| {
                let associations = t.associations.unwrap_or_default();
                Ok(RouteTable {
                    route_table_id: required(t.route_table_id, "DescribeRouteTables", "a route table")?,
                    main: associations.iter().any(|a| a.main.unwrap_or(false)),
                    subnet_ids: associations.into_iter().filter_map(|a| a.subnet_id).collect(),
                    routes: t.routes.unwrap_or_default().into_iter().map(route).collect(),
                    tags: tags(t.tags),
                })
            })
            .collect::<Result<_, FactError>>()?,
        nat_gateways,
        internet_gateways: igws
            .map_err(|e| classify("DescribeInternetGateways", &e, &[]))?
            .into_iter()
            .map(|g| {
                Ok(InternetGateway {
                    internet_gateway_id: required(
                        g.internet_gateway_id,
                        "DescribeInternetGateways",
                        "an internet gateway",
                    )?,
                    attached_vpcs: g.attachments.unwrap_or_default().into_iter().filter_map(|a| a.vpc_id).collect(),
                    tags: tags(g.tags),
                })
            })
            .collect::<Result<_, FactError>>()?,
        security_groups,
        prefix_lists,
        addresses,
        flow_logs: flow_logs
            .map_err(|e| classify("DescribeFlowLogs", &e, &[]))?
            .into_iter()
            .map(|l| {
                Ok(FlowLog {
                    flow_log_id: required(l.flow_log_id, "DescribeFlowLogs", "a flow log")?,
                    traffic_type: l.traffic_type.map(|t| t.as_str().to_owned()).unwrap_or_default(),
                    log_destination_type: l.log_destination_type.map(|t| t.as_str().to_owned()).unwrap_or_default(),
                    log_group_name: flow_log_group(l.log_group_name, l.log_destination.as_deref()),
                    flow_log_status: l.flow_log_status.unwrap_or_default(),
                    tags: tags(l.tags),
                })
            })
            .collect::<Result<_, FactError>>()?,
    })
}

/// The log group a flow log delivers to: its LogGroupName, else the group its LogDestination ARN
/// names (`arn:<partition>:logs:<region>:<account>:log-group:<name>[:*]`). AWS answers both for a
/// flow log to CloudWatch Logs however it was created; moto answers only the one it was sent.
fn flow_log_group(name: Option<String>, destination: Option<&str>) -> String {
    match name.filter(|n| !n.is_empty()) {
        Some(name) => name,
        None => destination
            .and_then(|arn| arn.split_once(":log-group:"))
            .map(|(_, group)| group.strip_suffix(":*").unwrap_or(group).to_owned())
            .unwrap_or_default(),
    }
}

fn security_group(g: aws_sdk_ec2::types::SecurityGroup) -> Result<SecurityGroup, FactError> {
    Ok(SecurityGroup {
        group_id: required(g.group_id, "DescribeSecurityGroups", "a security group")?,
        group_name: g.group_name.unwrap_or_default(),
        vpc_id: g.vpc_id.unwrap_or_default(),
        ingress: g
            .ip_permissions
            .unwrap_or_default()
            .into_iter()
            .map(ingress_rules)
            .collect::<Result<Vec<_>, _>>()?
            .concat(),
        tags: tags(g.tags),
    })
}

/// Security groups named by id, wherever they are (a stack's group made outside its VPC), with
/// the entries of every prefix list their rules reference.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Groups {
    pub security_groups: Vec<SecurityGroup>,
    pub prefix_lists: Vec<PrefixList>,
}

impl Groups {
    pub fn security_group(&self, id: &str) -> Option<&SecurityGroup> {
        self.security_groups.iter().find(|g| g.group_id == id)
    }
}

/// The security groups `ids` names, by a `group-id` filter: a group that no longer exists is
/// simply not listed (naming it by GroupIds would fail the whole call), and the caller says so.
/// No id, no request.
pub async fn security_groups(ec2: &Client, ids: &[String]) -> Fact<Groups> {
    if ids.is_empty() {
        return Ok(Groups::default());
    }
    let filter = Filter::builder().name("group-id").set_values(Some(ids.to_vec())).build();
    let security_groups = ec2
        .describe_security_groups()
        .filters(filter)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .map_err(|e| classify("DescribeSecurityGroups", &e, &[]))?
        .into_iter()
        .map(security_group)
        .collect::<Result<Vec<_>, FactError>>()?;
    let prefix_lists = prefix_lists(ec2, &security_groups).await;
    Ok(Groups { security_groups, prefix_lists })
}

fn nat_gateway(n: aws_sdk_ec2::types::NatGateway) -> Result<NatGateway, FactError> {
    let addresses = n.nat_gateway_addresses.unwrap_or_default();
    Ok(NatGateway {
        nat_gateway_id: required(n.nat_gateway_id, "DescribeNatGateways", "a NAT gateway")?,
        subnet_id: n.subnet_id.unwrap_or_default(),
        state: n.state.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        connectivity_type: n.connectivity_type.map(|c| c.as_str().to_owned()),
        public_ips: addresses.iter().filter_map(|a| a.public_ip.clone()).collect(),
        allocation_ids: addresses.into_iter().filter_map(|a| a.allocation_id).collect(),
        tags: tags(n.tags),
    })
}

/// The Elastic IPs the NAT gateways hold, by an `allocation-id` filter (one released since is
/// simply not listed, where naming it by id would fail the whole call).
async fn nat_addresses(ec2: &Client, nats: &[NatGateway]) -> Fact<Vec<Address>> {
    let ids: Vec<String> = nats.iter().flat_map(|n| n.allocation_ids.iter().cloned()).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let filter = Filter::builder().name("allocation-id").set_values(Some(ids)).build();
    ec2.describe_addresses()
        .filters(filter)
        .send()
        .await
        .map_err(|e| classify("DescribeAddresses", &e, &[]))?
        .addresses
        .unwrap_or_default()
        .into_iter()
        .map(|a| {
            Ok(Address {
                allocation_id: required(a.allocation_id, "DescribeAddresses", "an Elastic IP")?,
                public_ip: a.public_ip,
                tags: tags(a.tags),
            })
        })
        .collect()
}

/// Every prefix list the groups' rules reference, each with its entries (read once each).
async fn prefix_lists(ec2: &Client, groups: &[SecurityGroup]) -> Vec<PrefixList> {
    let mut ids: Vec<&str> = groups
        .iter()
        .flat_map(|g| &g.ingress)
        .filter_map(|r| match &r.source {
            RuleSource::PrefixList(id) => Some(id.as_str()),
            _ => None,
        })
        .collect();
    ids.sort_unstable();
    ids.dedup();
    // One at a time: a stack references a handful of lists, and the harness has no join_all.
    let mut lists = Vec::new();
    for id in ids {
        let entries = ec2
            .get_managed_prefix_list_entries()
            .prefix_list_id(id)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| classify("GetManagedPrefixListEntries", &e, &["InvalidPrefixListID.NotFound"]))
            .map(|entries| entries.into_iter().filter_map(|e| e.cidr).collect());
        lists.push(PrefixList { prefix_list_id: id.to_owned(), entries });
    }
    lists
}

/// One rule per source of an IpPermission.
/// A source the reply lists without saying what it is cannot be judged, nor left out.
fn ingress_rules(p: aws_sdk_ec2::types::IpPermission) -> Result<Vec<IngressRule>, FactError> {
    let rule = |source| IngressRule {
        ip_protocol: p.ip_protocol.clone().unwrap_or_default(),
        from_port: p.from_port,
        to_port: p.to_port,
        source,
    };
    let source = |id: Option<&str>, what, make: fn(String) -> RuleSource| {
        required(id.map(str::to_owned), "DescribeSecurityGroups", what).map(make)
    };
    let groups = p
        .user_id_group_pairs()
        .iter()
        .map(|g| source(g.group_id(), "a rule's source group", RuleSource::SecurityGroup));
    let v4 = p.ip_ranges().iter().map(|r| source(r.cidr_ip(), "a rule's IPv4 range", RuleSource::CidrIpv4));
    let v6 = p.ipv6_ranges().iter().map(|r| source(r.cidr_ipv6(), "a rule's IPv6 range", RuleSource::CidrIpv6));
    let lists =
        p.prefix_list_ids().iter().map(|l| source(l.prefix_list_id(), "a rule's prefix list", RuleSource::PrefixList));
    groups.chain(v4).chain(v6).chain(lists).map(|s| s.map(rule)).collect()
}

fn route(r: aws_sdk_ec2::types::Route) -> Route {
    let destination =
        r.destination_cidr_block.or(r.destination_ipv6_cidr_block).or(r.destination_prefix_list_id).unwrap_or_default();
    let target = match (r.gateway_id, r.nat_gateway_id) {
        (_, Some(nat)) => RouteTarget::NatGateway(nat),
        (Some(gw), _) if gw == "local" => RouteTarget::Local,
        (Some(gw), _) if gw.starts_with("igw-") => RouteTarget::InternetGateway(gw),
        (Some(gw), _) => RouteTarget::Other(gw),
        (None, None) => RouteTarget::Other(
            r.transit_gateway_id
                .or(r.vpc_peering_connection_id)
                .or(r.network_interface_id)
                .or(r.instance_id)
                .or(r.egress_only_internet_gateway_id)
                .unwrap_or_else(|| "unknown".to_owned()),
        ),
    };
    Route { destination, target, state: r.state.map(|s| s.as_str().to_owned()).unwrap_or_default() }
}

#[cfg(test)]
mod tests {
    use super::flow_log_group;

    #[test]
    fn a_flow_log_names_its_group_or_its_destination_does() {
        let arn = "arn:aws:logs:eu-west-2:1:log-group:/healthcare-dr/x/flow-logs/primary";
        assert_eq!(flow_log_group(Some("g".into()), Some(arn)), "g");
        assert_eq!(flow_log_group(None, Some(arn)), "/healthcare-dr/x/flow-logs/primary");
        assert_eq!(
            flow_log_group(Some(String::new()), Some(&format!("{arn}:*"))),
            "/healthcare-dr/x/flow-logs/primary"
        );
        // An S3 or Firehose destination names no log group.
        assert_eq!(flow_log_group(None, Some("arn:aws:s3:::bucket/prefix")), "");
        assert_eq!(flow_log_group(None, None), "");
    }
}
