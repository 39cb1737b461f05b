//! Network judgements both stacks make in the same way: private subnets hand out no public
//! addresses, what an ingress rule admits, resolved (a prefix list to its entries, a range to
//! whether it lies inside the VPC's blocks), and whether a group admits the whole internet.

use std::net::IpAddr;

use serde_json::json;
use stackproof_harness::check::Finding;
use stackproof_harness::facts::Fact;
use stackproof_harness::facts::ec2::{Groups, IngressRule, Network, PrefixList, RuleSource, SecurityGroup};
use stackproof_harness::kit::fact::judge_fact;

use super::discovery::{Discovered, groups_outside};

/// Every listed subnet maps no public IPv4 address on launch; a subnet the VPC does not hold
/// fails.
pub fn subnets_map_no_public_ip(net: &Network, ids: &[String]) -> Vec<Finding> {
    ids.iter()
        .map(|id| match net.subnet(id) {
            Some(s) => Finding::judge(
                id,
                "MapPublicIpOnLaunch",
                !s.map_public_ip_on_launch,
                false,
                s.map_public_ip_on_launch,
                s,
            ),
            None => subnet_absent(id, net),
        })
        .collect()
}

/// Every listed subnet the VPC holds assigns no IPv6 address on launch: an IPv6 address is
/// globally routable, a public address by another name. (Absent subnets are judged by
/// [`subnets_map_no_public_ip`].)
pub fn subnets_assign_no_ipv6(net: &Network, ids: &[String]) -> Vec<Finding> {
    ids.iter()
        .filter_map(|id| net.subnet(id))
        .map(|s| {
            let assigns = s.assign_ipv6_address_on_creation;
            Finding::judge(&s.subnet_id, "AssignIpv6AddressOnCreation", !assigns, false, assigns, s)
        })
        .collect()
}

/// A subnet the stack names that its VPC does not hold.
pub fn subnet_absent(id: &str, net: &Network) -> Finding {
    Finding::judge(id, "SubnetId", false, format!("a subnet of {}", net.vpc.vpc_id), "absent", &())
}

/// The ranges an address source admits, resolved: a CIDR is itself, a prefix list is its entries.
/// None for a source that is a security group; Err when a prefix list's entries could not be read.
pub fn ranges<'n>(net: &'n Network, source: &'n RuleSource) -> Option<Result<Vec<&'n str>, String>> {
    ranges_in(&net.prefix_lists, source)
}

/// [`ranges`], with the prefix lists read beside the rule's group (`lists`).
pub fn ranges_in<'n>(lists: &'n [PrefixList], source: &'n RuleSource) -> Option<Result<Vec<&'n str>, String>> {
    match source {
        RuleSource::CidrIpv4(c) | RuleSource::CidrIpv6(c) => Some(Ok(vec![c.as_str()])),
        RuleSource::PrefixList(id) => Some(match lists.iter().find(|l| l.prefix_list_id == *id).map(|l| &l.entries) {
            Some(Ok(entries)) => Ok(entries.iter().map(String::as_str).collect()),
            Some(Err(e)) => Err(format!("the entries of prefix list {id} could not be read: {e}")),
            None => Err(format!("prefix list {id} was not read")),
        }),
        RuleSource::SecurityGroup(_) => None,
    }
}

/// Whether any rule of `g` admits every address: one finding on `by_range` (a rule from
/// 0.0.0.0/0 or ::/0), and, where the group's rules admit prefix lists, one on `by_list` (a list,
/// resolved through `lists`, that holds such a range). A list that could not be read is an error.
pub fn open_to_world(
    lists: &[PrefixList],
    g: &SecurityGroup,
    resource: &str,
    by_range: &str,
    by_list: &str,
) -> Vec<Finding> {
    let expected = "no rule from 0.0.0.0/0 or ::/0";
    let open: Vec<&IngressRule> = g
        .ingress
        .iter()
        .filter(|r| matches!(&r.source, RuleSource::CidrIpv4(c) | RuleSource::CidrIpv6(c) if is_open_world(c)))
        .collect();
    let mut findings = vec![Finding::judge(resource, by_range, open.is_empty(), expected, show(&open), g)];
    let listed: Vec<&IngressRule> =
        g.ingress.iter().filter(|r| matches!(r.source, RuleSource::PrefixList(_))).collect();
    if listed.is_empty() {
        return findings;
    }
    let mut open = Vec::new();
    for rule in listed {
        match ranges_in(lists, &rule.source) {
            Some(Ok(entries)) if entries.iter().any(|c| is_open_world(c)) => {
                open.push(format!("{rule} (holding {})", entries.join(", ")));
            }
            Some(Ok(_)) | None => {}
            Some(Err(why)) => findings.push(Finding::error(resource, by_list, why)),
        }
    }
    let actual = if open.is_empty() { "none".to_owned() } else { open.join("; ") };
    findings.push(Finding::judge(
        resource,
        by_list,
        open.is_empty(),
        "no prefix list holding 0.0.0.0/0 or ::/0",
        actual,
        &json!({ "Group": g, "PrefixLists": lists }),
    ));
    findings
}

/// [`open_to_world`] on every group of the stack that `vpc` does not hold (by discovery, in
/// `found`; described in `outside`), each named by its id, its logical id, its name and the VPC it
/// is in. A group discovery names that EC2 does not list cannot be judged: an error.
pub fn outside_groups_open_to_world(
    found: &Discovered,
    vpc: &Fact<Network>,
    outside: &Fact<Groups>,
    by_range: &str,
    by_list: &str,
) -> Vec<Finding> {
    groups_outside(found, vpc)
        .into_iter()
        .flat_map(|r| {
            judge_fact(&r.label(), outside, by_range, |groups| match groups.security_group(&r.physical_id) {
                Some(g) => {
                    let resource = format!("{} ({}: {}, in {})", g.group_id, r.logical_id, g.group_name, g.vpc_id);
                    open_to_world(&groups.prefix_lists, g, &resource, by_range, by_list)
                }
                None => vec![Finding::error(
                    r.label(),
                    by_range,
                    "discovery finds it in the stack, but DescribeSecurityGroups does not list it",
                )],
            })
        })
        .collect()
}

/// The rules among `rules`, shown; `none` if there are none.
pub fn show(rules: &[&IngressRule]) -> String {
    if rules.is_empty() {
        "none".to_owned()
    } else {
        rules.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
    }
}

/// A range open to every address: a prefix length of 0 (`0.0.0.0/0`, `::/0`).
pub fn is_open_world(cidr: &str) -> bool {
    cidr.trim().rsplit_once('/').is_some_and(|(_, len)| len.trim() == "0")
}

/// A rule's source lies inside the VPC: a range inside one of its blocks, a prefix list all of
/// whose entries are, or a security group of the VPC itself. Err when a prefix list could not be
/// read.
pub fn inside_vpc(net: &Network, rule: &IngressRule) -> Result<bool, String> {
    if let RuleSource::SecurityGroup(id) = &rule.source {
        return Ok(net.security_group(id).is_some());
    }
    let blocks: Vec<&str> = net.vpc.cidr_blocks.iter().chain(&net.vpc.ipv6_cidr_blocks).map(String::as_str).collect();
    let ranges = ranges(net, &rule.source).unwrap_or(Ok(Vec::new()))?;
    Ok(!ranges.is_empty() && ranges.iter().all(|r| blocks.iter().any(|b| within(r, b))))
}

/// True if range `inner` lies inside range `outer` (both CIDRs of one address family).
pub fn within(inner: &str, outer: &str) -> bool {
    match (cidr(inner), cidr(outer)) {
        (Some((IpAddr::V4(i), il)), Some((IpAddr::V4(o), ol))) if ol <= il => {
            mask(u128::from(u32::from(i)), ol, 32) == mask(u128::from(u32::from(o)), ol, 32)
        }
        (Some((IpAddr::V6(i), il)), Some((IpAddr::V6(o), ol))) if ol <= il => {
            mask(u128::from(i), ol, 128) == mask(u128::from(o), ol, 128)
        }
        _ => false,
    }
}

fn cidr(text: &str) -> Option<(IpAddr, u32)> {
    let (addr, len) = text.trim().split_once('/')?;
    let addr: IpAddr = addr.parse().ok()?;
    let len: u32 = len.parse().ok()?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    (len <= max).then_some((addr, len))
}

/// The first `len` bits of a `bits`-bit address.
fn mask(addr: u128, len: u32, bits: u32) -> u128 {
    if len == 0 { 0 } else { addr >> (bits - len) }
}

#[cfg(test)]
mod tests {
    use stackproof_harness::facts::FactError;
    use stackproof_harness::facts::ec2::Vpc;

    use super::*;

    /// A VPC with a primary and a secondary block, one group, and two prefix lists: one read, one not.
    fn network() -> Network {
        Network {
            vpc: Vpc {
                vpc_id: "vpc-1".into(),
                cidr_block: "10.1.0.0/16".into(),
                cidr_blocks: vec!["10.1.0.0/16".into(), "10.9.0.0/16".into()],
                ipv6_cidr_blocks: vec![],
                enable_dns_support: true,
                enable_dns_hostnames: true,
                tags: Default::default(),
            },
            subnets: vec![],
            route_tables: vec![],
            nat_gateways: vec![],
            internet_gateways: vec![],
            security_groups: vec![SecurityGroup {
                group_id: "sg-in".into(),
                group_name: "in".into(),
                vpc_id: "vpc-1".into(),
                ingress: vec![],
                tags: Default::default(),
            }],
            prefix_lists: vec![
                PrefixList {
                    prefix_list_id: "pl-mixed".into(),
                    entries: Ok(vec!["10.1.2.0/24".into(), "192.168.0.0/16".into()]),
                },
                PrefixList {
                    prefix_list_id: "pl-unread".into(),
                    entries: Err(FactError::Api {
                        operation: "GetManagedPrefixListEntries".into(),
                        detail: "denied".into(),
                    }),
                },
            ],
            addresses: Ok(vec![]),
            flow_logs: vec![],
        }
    }

    fn from(source: RuleSource) -> IngressRule {
        IngressRule { ip_protocol: "tcp".into(), from_port: Some(5432), to_port: Some(5432), source }
    }

    #[test]
    fn sources_are_resolved_against_every_block_of_the_vpc() {
        let net = network();
        assert_eq!(
            inside_vpc(&net, &from(RuleSource::CidrIpv4("10.9.4.0/24".into()))),
            Ok(true),
            "the secondary block"
        );
        assert_eq!(inside_vpc(&net, &from(RuleSource::CidrIpv4("10.0.0.0/8".into()))), Ok(false));
        assert_eq!(inside_vpc(&net, &from(RuleSource::SecurityGroup("sg-in".into()))), Ok(true));
        assert_eq!(inside_vpc(&net, &from(RuleSource::SecurityGroup("sg-elsewhere".into()))), Ok(false));
        assert_eq!(inside_vpc(&net, &from(RuleSource::PrefixList("pl-mixed".into()))), Ok(false), "one entry outside");
        assert!(inside_vpc(&net, &from(RuleSource::PrefixList("pl-unread".into()))).is_err(), "unread is no answer");
        assert!(inside_vpc(&net, &from(RuleSource::PrefixList("pl-never-read".into()))).is_err());
    }

    #[test]
    fn ranges_inside_a_block_and_not_across_families() {
        assert!(within("10.1.0.0/16", "10.1.0.0/16"));
        assert!(within("10.1.7.0/24", "10.1.0.0/16"));
        assert!(!within("10.0.0.0/8", "10.1.0.0/16"), "a wider range is not inside");
        assert!(!within("10.2.0.0/24", "10.1.0.0/16"));
        assert!(!within("0.0.0.0/0", "10.1.0.0/16"));
        assert!(within("2001:db8:1::/64", "2001:db8::/32"));
        assert!(!within("::/0", "2001:db8::/32"));
        assert!(!within("10.1.0.0/16", "::/0"), "families never contain each other");
        assert!(!within("10.1.0.0/33", "10.0.0.0/8"), "a malformed range is inside nothing");
    }

    #[test]
    fn open_world_is_a_zero_prefix_length() {
        assert!(is_open_world("0.0.0.0/0"));
        assert!(is_open_world("::/0"));
        assert!(!is_open_world("0.0.0.0/1"));
        assert!(!is_open_world("10.0.0.0/16"));
    }

    fn group(id: &str, vpc: &str, ingress: Vec<IngressRule>) -> SecurityGroup {
        SecurityGroup {
            group_id: id.into(),
            group_name: format!("{id}-name"),
            vpc_id: vpc.into(),
            ingress,
            tags: Default::default(),
        }
    }

    fn failing(findings: &[Finding]) -> Vec<(&str, &str)> {
        use stackproof_harness::check::Status;
        findings
            .iter()
            .filter(|f| f.status == Status::Fail)
            .map(|f| (f.resource.as_str(), f.property.as_str()))
            .collect()
    }

    #[test]
    fn a_group_admitting_the_world_by_a_range_or_through_a_prefix_list_fails() {
        use stackproof_harness::check::Status;
        let mut lists = network().prefix_lists;
        lists.push(PrefixList { prefix_list_id: "pl-open".into(), entries: Ok(vec!["0.0.0.0/0".into()]) });
        let judge = |rules: Vec<RuleSource>| {
            let g = group("sg-1", "vpc-1", rules.into_iter().map(from).collect());
            open_to_world(&lists, &g, "sg-1 (Group)", "Range", "List")
        };
        let closed = judge(vec![RuleSource::CidrIpv4("10.1.0.0/16".into()), RuleSource::PrefixList("pl-mixed".into())]);
        assert!(failing(&closed).is_empty() && closed.len() == 2, "{closed:?}");
        assert_eq!(failing(&judge(vec![RuleSource::CidrIpv6("::/0".into())])), [("sg-1 (Group)", "Range")]);
        let listed = judge(vec![RuleSource::PrefixList("pl-open".into())]);
        assert_eq!(failing(&listed), [("sg-1 (Group)", "List")]);
        assert!(listed.iter().any(|f| f.actual.contains("pl-open") && f.actual.contains("0.0.0.0/0")), "{listed:?}");
        let unread = judge(vec![RuleSource::PrefixList("pl-unread".into())]);
        assert!(unread.iter().any(|f| f.status == Status::Error && f.property == "List"), "{unread:?}");
    }

    #[test]
    fn the_stacks_groups_outside_its_vpc_are_judged_and_one_ec2_does_not_list_is_an_error() {
        use stackproof_harness::check::Status;
        use stackproof_harness::facts::discovery::{FoundBy, Inventory, Resource, SECURITY_GROUP};
        let resource = |logical: &str, physical: &str| Resource {
            resource_type: SECURITY_GROUP.into(),
            logical_id: logical.into(),
            physical_id: physical.into(),
            found_by: FoundBy::Tags,
        };
        let resources = vec![
            resource("InGroup", "sg-in"),
            resource("OutGroup", "sg-out"),
            resource("GoneGroup", "sg-gone"),
            resource("NotMadeYet", ""),
        ];
        let found = Discovered {
            scope: "stack".into(),
            inventory: Ok(Inventory { resources, requests: 1 }),
            elapsed: Default::default(),
        };
        let outside = Groups {
            security_groups: vec![group("sg-out", "vpc-default", vec![from(RuleSource::CidrIpv4("0.0.0.0/0".into()))])],
            prefix_lists: vec![],
        };
        let vpc = Ok(network());
        let ids: Vec<&str> = groups_outside(&found, &vpc).iter().map(|r| r.physical_id.as_str()).collect();
        assert_eq!(ids, ["sg-out", "sg-gone"], "the VPC's own group is judged with the VPC; an unmade one has no id");
        let findings = outside_groups_open_to_world(&found, &vpc, &Ok(outside), "Range", "List");
        assert_eq!(failing(&findings), [("sg-out (OutGroup: sg-out-name, in vpc-default)", "Range")]);
        let gone: Vec<&Finding> = findings.iter().filter(|f| f.resource == "sg-gone (GoneGroup)").collect();
        assert!(gone.len() == 1 && gone[0].status == Status::Error, "{findings:?}");
        assert!(!findings.iter().any(|f| f.resource.contains("sg-in")), "{findings:?}");

        // Without the VPC, every group of the stack is judged here; unread groups are no pass.
        let unread: Fact<Network> = Err(stackproof_harness::facts::FactError::Api {
            operation: "DescribeVpcs".into(),
            detail: "denied".into(),
        });
        assert_eq!(groups_outside(&found, &unread).len(), 3);
        let denied = Err(stackproof_harness::facts::FactError::Api {
            operation: "DescribeSecurityGroups".into(),
            detail: "denied".into(),
        });
        let findings = outside_groups_open_to_world(&found, &vpc, &denied, "Range", "List");
        assert!(findings.len() == 2 && findings.iter().all(|f| f.status == Status::Error), "{findings:?}");
    }
}
