//! The HIPAA Security Rule safeguards a report maps checks onto: every standard and
//! implementation specification of 45 CFR 164.308 (administrative) and 164.312 (technical), and
//! the few of 164.310 and 164.316 that checks cite. Each says whether deployed infrastructure can
//! carry it (and how), so a report can list the ones a stack touches that no check covers.

use serde::Serialize;

use Kind::{Addressable as A, Required as R, Standard as S};

/// Whether a safeguard is carried by what a stack deploys, or by people, policy and paperwork.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Infrastructure,
    Organisational,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Standard,
    Required,
    Addressable,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Safeguard {
    /// As checks cite it: `45 CFR 164.312(a)(2)(iv)`.
    pub citation: &'static str,
    pub name: &'static str,
    pub kind: Kind,
    pub scope: Scope,
    /// For infrastructure safeguards: what in an AWS stack carries it.
    pub carried_by: &'static str,
}

const fn sg(citation: &'static str, name: &'static str, kind: Kind, carried_by: &'static str) -> Safeguard {
    let scope = if carried_by.is_empty() { Scope::Organisational } else { Scope::Infrastructure };
    Safeguard { citation, name, kind, scope, carried_by }
}

/// In the regulation's order; `carried_by` empty means organisational.
pub const CATALOG: &[Safeguard] = &[
    sg("45 CFR 164.308(a)(1)(i)", "Security management process", S, ""),
    sg("45 CFR 164.308(a)(1)(ii)(A)", "Risk analysis", R, ""),
    sg(
        "45 CFR 164.308(a)(1)(ii)(B)",
        "Risk management",
        R,
        "controls that reduce exposure: WAF rules, throttling, private placement",
    ),
    sg("45 CFR 164.308(a)(1)(ii)(C)", "Sanction policy", R, ""),
    sg(
        "45 CFR 164.308(a)(1)(ii)(D)",
        "Information system activity review",
        R,
        "activity records to review: flow logs, access logs, audit logs, trails",
    ),
    sg("45 CFR 164.308(a)(2)", "Assigned security responsibility", R, ""),
    sg("45 CFR 164.308(a)(3)(i)", "Workforce security", S, "IAM roles scoped to what each workload needs"),
    sg("45 CFR 164.308(a)(3)(ii)(A)", "Authorization and/or supervision", A, ""),
    sg("45 CFR 164.308(a)(3)(ii)(B)", "Workforce clearance procedure", A, ""),
    sg("45 CFR 164.308(a)(3)(ii)(C)", "Termination procedures", A, ""),
    sg(
        "45 CFR 164.308(a)(4)(i)",
        "Information access management",
        S,
        "IAM policies and network rules that decide who reaches ePHI",
    ),
    sg("45 CFR 164.308(a)(4)(ii)(A)", "Isolating health care clearinghouse functions", R, ""),
    sg(
        "45 CFR 164.308(a)(4)(ii)(B)",
        "Access authorization",
        A,
        "IAM roles and security-group rules that grant access",
    ),
    sg(
        "45 CFR 164.308(a)(4)(ii)(C)",
        "Access establishment and modification",
        A,
        "the IAM roles and policies the stack creates and changes",
    ),
    sg("45 CFR 164.308(a)(5)(i)", "Security awareness and training", S, ""),
    sg("45 CFR 164.308(a)(5)(ii)(A)", "Security reminders", A, ""),
    sg(
        "45 CFR 164.308(a)(5)(ii)(B)",
        "Protection from malicious software",
        A,
        "WAF managed rules, patched engine versions",
    ),
    sg(
        "45 CFR 164.308(a)(5)(ii)(C)",
        "Log-in monitoring",
        A,
        "records of sign-ins and API calls (CloudTrail, access logs)",
    ),
    sg("45 CFR 164.308(a)(5)(ii)(D)", "Password management", A, "credentials kept in Secrets Manager, AUTH tokens"),
    sg("45 CFR 164.308(a)(6)(i)", "Security incident procedures", S, "alarms and notifications that raise incidents"),
    sg(
        "45 CFR 164.308(a)(6)(ii)",
        "Response and reporting",
        R,
        "alarm actions, notification topics, failover automation",
    ),
    sg("45 CFR 164.308(a)(7)(i)", "Contingency plan", S, "redundancy, backups and recovery built into the stack"),
    sg("45 CFR 164.308(a)(7)(ii)(A)", "Data backup plan", R, "automatic backups, point-in-time recovery, backup plans"),
    sg("45 CFR 164.308(a)(7)(ii)(B)", "Disaster recovery plan", R, "Multi-AZ, cross-region replicas and copies"),
    sg("45 CFR 164.308(a)(7)(ii)(C)", "Emergency mode operation plan", R, "automatic failover, a standby site"),
    sg(
        "45 CFR 164.308(a)(7)(ii)(D)",
        "Testing and revision procedures",
        A,
        "failover automation that can be exercised",
    ),
    sg("45 CFR 164.308(a)(7)(ii)(E)", "Applications and data criticality analysis", A, ""),
    sg("45 CFR 164.308(a)(8)", "Evaluation", R, "technical evaluation of the deployed configuration"),
    sg("45 CFR 164.308(b)(1)", "Business associate contracts and other arrangements", S, ""),
    sg("45 CFR 164.308(b)(3)", "Written contract or other arrangement", R, ""),
    sg("45 CFR 164.310(d)(2)(i)", "Disposal", R, "nothing retained on delete; keys scheduled for deletion"),
    sg("45 CFR 164.310(d)(2)(ii)", "Media re-use", R, "encrypted storage, so re-used media holds only ciphertext"),
    sg("45 CFR 164.310(d)(2)(iv)", "Data backup and storage", A, "backups and snapshots of the data stores"),
    sg("45 CFR 164.312(a)(1)", "Access control", S, "private subnets, security groups, IAM authorisation"),
    sg(
        "45 CFR 164.312(a)(2)(i)",
        "Unique user identification",
        R,
        "one IAM principal per caller and workload (SigV4-signed requests)",
    ),
    sg("45 CFR 164.312(a)(2)(ii)", "Emergency access procedure", R, "break-glass paths that survive an outage"),
    sg("45 CFR 164.312(a)(2)(iii)", "Automatic logoff", A, ""),
    sg("45 CFR 164.312(a)(2)(iv)", "Encryption and decryption", A, "KMS customer keys on every data store and log"),
    sg("45 CFR 164.312(b)", "Audit controls", S, "audit logs, flow logs, trails, with retention"),
    sg("45 CFR 164.312(c)(1)", "Integrity", S, "backups, versioning, TLS-only access to data stores"),
    sg(
        "45 CFR 164.312(c)(2)",
        "Mechanism to authenticate electronic protected health information",
        A,
        "object versioning, checksums, log file validation",
    ),
    sg("45 CFR 164.312(d)", "Person or entity authentication", S, "IAM authorisation, database and cache credentials"),
    sg("45 CFR 164.312(e)(1)", "Transmission security", S, "TLS on every hop, private network paths"),
    sg("45 CFR 164.312(e)(2)(i)", "Integrity controls", A, "TLS, which detects modification in transit"),
    sg("45 CFR 164.312(e)(2)(ii)", "Encryption", A, "TLS required by every endpoint and data store"),
    sg("45 CFR 164.316(b)(2)(i)", "Time limit (retain documentation six years)", R, "log retention of six years"),
];

/// The sections whose uncovered safeguards a report lists as gaps.
pub const GAP_SECTIONS: &[&str] = &["45 CFR 164.308", "45 CFR 164.312"];

pub fn find(citation: &str) -> Option<&'static Safeguard> {
    CATALOG.iter().find(|s| s.citation == citation)
}

/// Position in the regulation's order; citations outside the catalog sort after it, by text.
pub fn order(citation: &str) -> (usize, String) {
    (CATALOG.iter().position(|s| s.citation == citation).unwrap_or(CATALOG.len()), citation.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_is_unique_and_in_the_regulations_order() {
        let mut seen = std::collections::BTreeSet::new();
        for s in CATALOG {
            assert!(seen.insert(s.citation), "{} twice", s.citation);
            assert!(s.citation.starts_with("45 CFR 164.3"), "{}", s.citation);
        }
        // Every standard and specification of the two gap sections is listed: 164.308 has 30,
        // 164.312 has 12 (standards and implementation specifications together).
        let count = |p: &str| CATALOG.iter().filter(|s| s.citation.starts_with(p)).count();
        assert_eq!(count("45 CFR 164.308"), 30);
        assert_eq!(count("45 CFR 164.312"), 12);
    }
}
