//! IAM policy documents as one model, for every policy a suite judges: resource policies (EFS
//! file-system policies, S3 bucket policies, a function's resource policy), identity policies
//! (inline and attached), and the same documents as a template or synth declares them.
//!
//! Every statement is read, with all of Effect, Principal/NotPrincipal, Action/NotAction,
//! Resource/NotResource and every Condition operator and key, so a judgement can ask what a
//! policy does rather than whether one statement looks right. Values that are not text (a
//! template's `!GetAtt Fs.Arn`, a boolean) are kept as JSON and rendered compactly where text
//! is needed; matchers that understand them (references in a template) take them as JSON.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

/// A parsed policy document. A document without statements has none; nothing is invented.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Policy {
    pub statements: Vec<Statement>,
}

/// One statement, its one-or-many fields read as lists. `None` means the field is absent, which
/// is not the same as present and empty.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statement {
    /// Position in the document, for findings: `Statement[1]`.
    pub index: usize,
    pub sid: Option<String>,
    pub effect: String,
    pub principal: Option<Principal>,
    pub not_principal: Option<Principal>,
    pub action: Option<Vec<Value>>,
    pub not_action: Option<Vec<Value>>,
    pub resource: Option<Vec<Value>>,
    pub not_resource: Option<Vec<Value>>,
    /// Every operator and key of the Condition block, in document order.
    pub conditions: Vec<Condition>,
}

/// Who a statement applies to: `"*"`, or principals by type (`AWS`, `Service`, `Federated`,
/// `CanonicalUser`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Principal {
    Everyone,
    Of(BTreeMap<String, Vec<Value>>),
}

/// One key under one operator: `{"Bool": {"aws:SecureTransport": "false"}}` is operator `Bool`,
/// key `aws:SecureTransport`, values `["false"]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Condition {
    pub operator: String,
    pub key: String,
    pub values: Vec<Value>,
}

/// A JSON value or list of values as a list.
fn list(v: &Value) -> Vec<Value> {
    match v {
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    }
}

/// Text of a scalar as IAM compares it: strings as themselves, booleans and numbers as written,
/// anything else (a template intrinsic) as compact JSON.
pub fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

fn texts(values: &[Value]) -> Vec<String> {
    values.iter().map(text).collect()
}

impl Policy {
    /// Reads a policy document; `Statement` may be one object or a list.
    pub fn parse(document: &Value) -> Self {
        let raw = match document.get("Statement") {
            Some(Value::Array(items)) => items.iter().collect(),
            Some(one @ Value::Object(_)) => vec![one],
            _ => Vec::new(),
        };
        Self { statements: raw.into_iter().enumerate().map(|(i, s)| Statement::parse(i, s)).collect() }
    }

    pub fn allows(&self) -> impl Iterator<Item = &Statement> {
        self.statements.iter().filter(|s| s.allows())
    }

    pub fn denies(&self) -> impl Iterator<Item = &Statement> {
        self.statements.iter().filter(|s| s.denies())
    }
}

impl Statement {
    fn parse(index: usize, s: &Value) -> Self {
        let field = |k: &str| s.get(k).map(list);
        let conditions = s
            .get("Condition")
            .and_then(Value::as_object)
            .map(|ops| {
                ops.iter()
                    .flat_map(|(operator, keys)| match keys.as_object() {
                        Some(keys) => keys
                            .iter()
                            .map(|(key, v)| Condition { operator: operator.clone(), key: key.clone(), values: list(v) })
                            .collect(),
                        // A malformed block is kept, so it can never read as "no condition".
                        None => vec![Condition { operator: operator.clone(), key: String::new(), values: list(keys) }],
                    })
                    .collect()
            })
            .unwrap_or_default();
        Self {
            index,
            sid: s.get("Sid").and_then(Value::as_str).map(str::to_owned),
            effect: s.get("Effect").map(text).unwrap_or_default(),
            principal: s.get("Principal").map(Principal::parse),
            not_principal: s.get("NotPrincipal").map(Principal::parse),
            action: field("Action"),
            not_action: field("NotAction"),
            resource: field("Resource"),
            not_resource: field("NotResource"),
            conditions,
        }
    }

    pub fn allows(&self) -> bool {
        self.effect.eq_ignore_ascii_case("Allow")
    }

    pub fn denies(&self) -> bool {
        self.effect.eq_ignore_ascii_case("Deny")
    }

    /// `Statement[2]` or `Statement[2] (Sid)`, for messages.
    pub fn label(&self) -> String {
        match &self.sid {
            Some(sid) if !sid.is_empty() => format!("Statement[{}] ({sid})", self.index),
            _ => format!("Statement[{}]", self.index),
        }
    }

    /// Applies to every principal, with none carved out: `Principal: "*"` or `{"AWS": "*"}`, and
    /// no NotPrincipal.
    pub fn applies_to_everyone(&self) -> bool {
        self.not_principal.is_none() && self.principal.as_ref().is_some_and(Principal::is_everyone)
    }

    /// The Action patterns as text; empty when the statement uses NotAction.
    pub fn actions(&self) -> Vec<String> {
        self.action.as_deref().map(texts).unwrap_or_default()
    }

    /// The NotAction patterns as text.
    pub fn not_actions(&self) -> Vec<String> {
        self.not_action.as_deref().map(texts).unwrap_or_default()
    }

    /// The Resource patterns as text; empty when the statement uses NotResource or names none.
    pub fn resources(&self) -> Vec<String> {
        self.resource.as_deref().map(texts).unwrap_or_default()
    }

    /// The NotResource patterns as text.
    pub fn not_resources(&self) -> Vec<String> {
        self.not_resource.as_deref().map(texts).unwrap_or_default()
    }

    /// True if the statement covers `action` (`s3:GetObject`): an Action pattern matches it, or
    /// a NotAction list does not exclude it. Actions compare without case, as IAM does.
    pub fn covers_action(&self, action: &str) -> bool {
        let matches = |patterns: &[Value]| {
            patterns.iter().any(|p| wildcard(&text(p).to_ascii_lowercase(), &action.to_ascii_lowercase()))
        };
        match (&self.action, &self.not_action) {
            (Some(a), _) => matches(a),
            (None, Some(not)) => !matches(not),
            (None, None) => false,
        }
    }

    /// True if the statement covers every action of `service` (`s3`), whatever its name: an
    /// Action pattern such as `*` or `s3:*`, and no NotAction.
    pub fn covers_all_actions_of(&self, service: &str) -> bool {
        let prefix = format!("{}:", service.to_ascii_lowercase());
        self.not_action.is_none()
            && self
                .action
                .as_deref()
                .is_some_and(|a| a.iter().any(|p| matches_every_suffix(&text(p).to_ascii_lowercase(), &prefix)))
    }

    /// True if the statement covers every action of every service: Action `*` (or `*:*`), or a
    /// NotAction, which allows all that it does not list.
    pub fn covers_every_action(&self) -> bool {
        // A service name no pattern holds: only `*` and `*:*`-like patterns match all of it.
        self.not_action.is_some()
            || self.action.as_deref().is_some_and(|a| a.iter().any(|p| matches_every_suffix(&text(p), "\u{2}:")))
    }

    /// Allows every action on every resource: an administrator grant.
    pub fn grants_everything(&self) -> bool {
        self.allows() && self.covers_every_action() && self.covers_every_resource()
    }

    /// True if the statement covers the resource `arn`: a Resource pattern matches it, a
    /// NotResource list does not exclude it, or (in a resource policy) neither is given, so it
    /// applies to the resource the policy is attached to. ARNs compare with case.
    pub fn covers_resource(&self, arn: &str) -> bool {
        self.covers_resource_by(|pattern| wildcard(&text(pattern), arn))
    }

    /// Like `covers_resource`, with a caller's matcher for one Resource value: a template's
    /// reference to the resource, say.
    pub fn covers_resource_by(&self, matches: impl Fn(&Value) -> bool) -> bool {
        match (&self.resource, &self.not_resource) {
            (Some(r), _) => r.iter().any(&matches),
            (None, Some(not)) => !not.iter().any(&matches),
            (None, None) => true,
        }
    }

    /// True if the statement covers every resource: Resource `*`, or a NotResource.
    pub fn covers_every_resource(&self) -> bool {
        self.not_resource.is_some() || self.resource.as_deref().is_some_and(|r| r.iter().any(|p| text(p) == "*"))
    }

    /// The conditions other than those `expected` accepts: each one narrows when the statement
    /// applies, so on a Deny each exempts someone.
    pub fn conditions_except(&self, expected: impl Fn(&Condition) -> bool) -> Vec<&Condition> {
        self.conditions.iter().filter(|c| !expected(c)).collect()
    }

    /// The values of condition `key` under any operator in `operators` (without case).
    pub fn condition_values(&self, operators: &[&str], key: &str) -> Vec<String> {
        self.conditions
            .iter()
            .filter(|c| operators.iter().any(|o| c.operator.eq_ignore_ascii_case(o)) && c.key.eq_ignore_ascii_case(key))
            .flat_map(|c| texts(&c.values))
            .collect()
    }

    /// The service principals the statement names (`Principal.Service`).
    pub fn service_principals(&self) -> Vec<String> {
        match &self.principal {
            Some(Principal::Of(by_type)) => by_type.get("Service").map(|v| texts(v)).unwrap_or_default(),
            _ => Vec::new(),
        }
    }
}

impl Principal {
    fn parse(v: &Value) -> Self {
        match v {
            Value::String(s) if s == "*" => Principal::Everyone,
            Value::Object(m) => Principal::Of(m.iter().map(|(k, v)| (k.clone(), list(v))).collect()),
            // Anything else is malformed; keep it as a principal of no known type.
            other => Principal::Of(BTreeMap::from([(String::new(), list(other))])),
        }
    }

    /// `"*"`, or `{"AWS": "*"}` (alone or among others).
    pub fn is_everyone(&self) -> bool {
        match self {
            Principal::Everyone => true,
            Principal::Of(by_type) => by_type.get("AWS").is_some_and(|v| v.iter().any(|p| text(p) == "*")),
        }
    }

    /// The principal types named: `["Service"]`.
    pub fn types(&self) -> Vec<&str> {
        match self {
            Principal::Everyone => vec!["*"],
            Principal::Of(by_type) => by_type.keys().map(String::as_str).collect(),
        }
    }
}

impl Condition {
    /// `Bool` or `BoolIfExists` on `aws:SecureTransport` with only `false` values: true exactly
    /// when a request does not use TLS (the IfExists form also when the key is missing, which is
    /// stricter, never looser).
    pub fn is_insecure_transport(&self) -> bool {
        (self.operator.eq_ignore_ascii_case("Bool") || self.operator.eq_ignore_ascii_case("BoolIfExists"))
            && self.key.eq_ignore_ascii_case("aws:SecureTransport")
            && !self.values.is_empty()
            && self.values.iter().all(|v| text(v).eq_ignore_ascii_case("false"))
    }

    /// `Operator key=values`, for messages.
    pub fn describe(&self) -> String {
        format!("{} {}={}", self.operator, self.key, texts(&self.values).join(","))
    }
}

/// Condition keys that, fixed to exact values, pin who may call or where a request comes from:
/// a statement for everyone with one of them is not public (S3's and IAM Access Analyzer's
/// reading of "public"). Compared without case.
const FIXING_KEYS: &[&str] = &[
    "aws:SourceArn",
    "aws:SourceAccount",
    "aws:SourceOwner",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:SourceIp",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:PrincipalOrgID",
    "aws:userid",
    "s3:DataAccessPointArn",
    "s3:DataAccessPointAccount",
];

/// Operators that compare with fixed values; their `IfExists` forms also let requests without the
/// key through, and negated forms admit everything else, so neither pins anything.
const FIXING_OPERATORS: &[&str] =
    &["StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike", "IpAddress"];

impl Statement {
    /// An Allow for everyone (`Principal: "*"`, `{"AWS": "*"}`, or a NotPrincipal, which allows
    /// all it does not name) with no condition pinning the caller or the request's source to
    /// fixed values: a public grant.
    pub fn is_public(&self) -> bool {
        let everyone = self.not_principal.is_some() || self.principal.as_ref().is_some_and(Principal::is_everyone);
        self.allows() && everyone && !self.conditions.iter().any(Condition::fixes_caller)
    }

    /// `Statement[1] (Sid) allows s3:GetObject to everyone`, for messages.
    pub fn describe_grant(&self) -> String {
        let actions = match (&self.action, &self.not_action) {
            (Some(_), _) => self.actions().join(","),
            (None, Some(_)) => format!("everything but {}", self.not_actions().join(",")),
            (None, None) => "no action".to_owned(),
        };
        let who = if self.not_principal.is_some() { "everyone not named in NotPrincipal" } else { "everyone" };
        format!("{} allows {actions} to {who}", self.label())
    }
}

/// The public statements of a policy (see `Statement::is_public`).
pub fn public_statements(policy: &Policy) -> Vec<&Statement> {
    policy.statements.iter().filter(|s| s.is_public()).collect()
}

impl Condition {
    /// True if the condition admits only requests from fixed callers or sources: an exact
    /// operator (no `IfExists`, no negation) on a key of `FIXING_KEYS`, with values and no
    /// wildcard; source addresses no wider than /8 (IPv4) or /32 (IPv6).
    pub fn fixes_caller(&self) -> bool {
        let operator = self.operator.strip_prefix("ForAnyValue:").unwrap_or(&self.operator);
        let exact = FIXING_OPERATORS.iter().any(|o| operator.eq_ignore_ascii_case(o));
        let key = FIXING_KEYS.iter().any(|k| self.key.eq_ignore_ascii_case(k));
        let source_ip = self.key.eq_ignore_ascii_case("aws:SourceIp");
        let fixed = |v: &Value| {
            let v = text(v);
            !v.is_empty() && !v.contains(['*', '?']) && (!source_ip || narrow_cidr(&v))
        };
        exact && key && !self.values.is_empty() && self.values.iter().all(fixed)
    }
}

/// A CIDR no wider than /8 (IPv4) or /32 (IPv6); a bare address is one host.
fn narrow_cidr(cidr: &str) -> bool {
    let (address, bits) = match cidr.split_once('/') {
        Some((a, b)) => (a, b.parse::<u8>().ok()),
        None => (cidr, Some(128)),
    };
    let least = if address.contains(':') { 32 } else { 8 };
    bits.is_some_and(|b| b >= least)
}

/// IAM wildcard matching: `*` any run of characters, `?` any one character.
pub fn wildcard(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    // Backtracking over the last `*`: linear enough for ARNs and action names.
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// True if `pattern` matches `prefix` followed by any (non-empty) text: `s3:*`, `s*` or `*` for
/// prefix `s3:`, not `s3:Get*`. Probed with a character no pattern holds, once short and once
/// longer than the pattern: only wildcards can match such a tail, and wildcards that match both
/// match any tail.
pub fn matches_every_suffix(pattern: &str, prefix: &str) -> bool {
    const PROBE: char = '\u{1}';
    let short = format!("{prefix}{PROBE}");
    let long = format!("{prefix}{}", PROBE.to_string().repeat(pattern.chars().count() + 2));
    !pattern.contains(PROBE) && wildcard(pattern, &short) && wildcard(pattern, &long)
}

/// True if `pattern` matches `prefix` followed by some non-empty text: `arn:aws:s3:::b/tmp/*`
/// matches some key of bucket `b`, `arn:aws:s3:::bb/*` none. The pattern is read as the set of
/// its positions reachable after the prefix; any position with pattern left can match more.
pub fn matches_some_suffix(pattern: &str, prefix: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    // A `*` may match nothing: its next position is reachable too.
    let close = |mut at: Vec<usize>| {
        let mut i = 0;
        while i < at.len() {
            if p.get(at[i]) == Some(&'*') && !at.contains(&(at[i] + 1)) {
                at.push(at[i] + 1);
            }
            i += 1;
        }
        at
    };
    let mut at = close(vec![0]);
    for c in prefix.chars() {
        let mut next = Vec::new();
        for &i in &at {
            match p.get(i) {
                Some('*') => next.push(i),
                Some(x) if *x == '?' || *x == c => next.push(i + 1),
                _ => {}
            }
        }
        next.sort_unstable();
        next.dedup();
        at = close(next);
    }
    at.iter().any(|&i| i < p.len())
}

/// Why no statement does what a judgement asks: the statement closest to it and what it lacks,
/// or that the policy has no candidate at all.
pub type Shortfall = String;

/// One resource a judgement needs covered, with a matcher for the policy's Resource values.
pub struct Covered<'a> {
    pub name: String,
    pub matches: Box<dyn Fn(&Value) -> bool + 'a>,
}

impl<'a> Covered<'a> {
    /// A concrete ARN, matched with IAM wildcards.
    pub fn arn(arn: impl Into<String>) -> Self {
        let arn = arn.into();
        let name = arn.clone();
        Self { name, matches: Box::new(move |p| wildcard(&text(p), &arn)) }
    }

    /// Anything a caller can recognise: a template's reference to the resource, say.
    pub fn by(name: impl Into<String>, matches: impl Fn(&Value) -> bool + 'a) -> Self {
        Self { name: name.into(), matches: Box::new(matches) }
    }
}

/// What keeps a Deny statement from denying every action of `service` to everyone whenever, and
/// only when, a request is made without TLS: each gap, in words. Empty when it does.
pub fn insecure_transport_gaps(s: &Statement, service: &str) -> Vec<String> {
    let mut gaps = Vec::new();
    if !s.denies() {
        gaps.push(format!("Effect {}", if s.effect.is_empty() { "absent" } else { &s.effect }));
    }
    if s.not_principal.is_some() {
        gaps.push("NotPrincipal exempts principals".to_owned());
    } else if !s.applies_to_everyone() {
        gaps.push("Principal is not everyone (*)".to_owned());
    }
    if !s.covers_all_actions_of(service) {
        gaps.push(match &s.not_action {
            Some(_) => format!("NotAction exempts {service} actions"),
            None => format!("Action {} is not every {service} action", s.actions().join(",")),
        });
    }
    if !s.conditions.iter().any(Condition::is_insecure_transport) {
        gaps.push("no Condition Bool aws:SecureTransport=false".to_owned());
    }
    for extra in s.conditions_except(Condition::is_insecure_transport) {
        gaps.push(format!("Condition also {} (exempts requests)", extra.describe()));
    }
    gaps
}

/// The Deny statements that refuse every action of `service` without TLS to everyone, for each
/// target: `Ok` with their labels when every target is covered by one; else the shortfall,
/// naming the target left open and the closest statement's gaps.
pub fn denies_insecure_transport(
    policy: &Policy,
    service: &str,
    targets: &[Covered],
) -> Result<Vec<String>, Shortfall> {
    let complete: Vec<&Statement> =
        policy.statements.iter().filter(|s| insecure_transport_gaps(s, service).is_empty()).collect();
    let mut labels = Vec::new();
    for target in targets {
        match complete.iter().find(|s| s.covers_resource_by(&target.matches)) {
            Some(s) => {
                if !labels.contains(&s.label()) {
                    labels.push(s.label());
                }
            }
            None => return Err(closest_shortfall(policy, service, target)),
        }
    }
    Ok(labels)
}

fn closest_shortfall(policy: &Policy, service: &str, target: &Covered) -> Shortfall {
    if policy.statements.is_empty() {
        return "the policy has no statements".to_owned();
    }
    // Closest: the Deny statement with the fewest gaps, counting "does not cover the target".
    let scored = policy.denies().map(|s| {
        let mut gaps = insecure_transport_gaps(s, service);
        if !s.covers_resource_by(&target.matches) {
            gaps.push(format!("Resource does not cover {}", target.name));
        }
        (gaps.len(), s.label(), gaps)
    });
    match scored.min_by_key(|(n, _, _)| *n) {
        Some((_, label, gaps)) => format!("{label}: {}", gaps.join("; ")),
        None => format!("no Deny statement for {} without TLS", target.name),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn efs_policy(statement: Value) -> Policy {
        Policy::parse(&json!({"Version": "2012-10-17", "Statement": [statement]}))
    }

    fn deny() -> Value {
        json!({"Sid": "DenyPlain", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "*",
               "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
    }

    const FS: &str = "arn:aws:elasticfilesystem:eu-central-1:1:file-system/fs-1";

    fn judged(p: &Policy) -> Result<Vec<String>, Shortfall> {
        denies_insecure_transport(p, "elasticfilesystem", &[Covered::arn(FS)])
    }

    #[test]
    fn statements_keep_every_field_and_condition() {
        let p = Policy::parse(&json!({"Statement": {"Effect": "Allow", "NotPrincipal": {"AWS": ["a", "b"]},
            "NotAction": "s3:Get*", "Resource": ["x", {"Fn::GetAtt": ["B", "Arn"]}],
            "Condition": {"StringEquals": {"aws:SourceAccount": "1", "aws:SourceArn": ["t"]}, "Bool": {"aws:SecureTransport": false}}}}));
        let s = &p.statements[0];
        assert!(s.allows() && s.principal.is_none() && s.not_principal.is_some());
        assert_eq!(s.not_action.as_ref().map(Vec::len), Some(1));
        assert_eq!(s.resource.as_ref().map(Vec::len), Some(2));
        assert_eq!(s.conditions.len(), 3);
        assert_eq!(s.condition_values(&["StringEquals"], "aws:SourceArn"), ["t"]);
        assert!(s.conditions.iter().any(Condition::is_insecure_transport), "a JSON false is the text false");
        assert!(Policy::parse(&json!({})).statements.is_empty());
    }

    #[test]
    fn the_shipped_deny_holds_and_each_loophole_is_named() {
        assert_eq!(judged(&efs_policy(deny())), Ok(vec!["Statement[0] (DenyPlain)".to_owned()]));
        let loophole = |edit: &dyn Fn(&mut Value), gap: &str| {
            let mut s = deny();
            edit(&mut s);
            let why = judged(&efs_policy(s)).expect_err("a loophole passed");
            assert!(why.contains(gap), "{why} does not say {gap}");
        };
        loophole(&|s| s["Effect"] = json!("Allow"), "no Deny statement");
        loophole(&|s| s["Principal"] = json!({"AWS": "arn:aws:iam::1:role/x"}), "Principal is not everyone");
        loophole(&|s| s["Action"] = json!("elasticfilesystem:ClientWrite"), "is not every elasticfilesystem action");
        loophole(&|s| s["Condition"]["Bool"]["aws:SecureTransport"] = json!("true"), "no Condition Bool");
        loophole(
            &|s| s["Condition"]["StringNotEquals"] = json!({"aws:PrincipalArn": "arn:aws:iam::1:role/x"}),
            "Condition also StringNotEquals aws:PrincipalArn",
        );
        loophole(
            &|s| s["Condition"]["Bool"]["aws:ViaAWSService"] = json!("false"),
            "Condition also Bool aws:ViaAWSService",
        );
        loophole(
            &|s| s["Resource"] = json!("arn:aws:elasticfilesystem:eu-central-1:1:file-system/fs-2"),
            "Resource does not cover",
        );
        loophole(
            &|s| {
                s.as_object_mut().map(|o| o.remove("Principal"));
                s["NotPrincipal"] = json!({"AWS": "arn:aws:iam::1:root"});
            },
            "NotPrincipal exempts",
        );
    }

    #[test]
    fn deny_over_tls_with_ifexists_or_star_principal_holds() {
        let mut s = deny();
        s["Principal"] = json!("*");
        s["Condition"] = json!({"BoolIfExists": {"aws:SecureTransport": ["false"]}});
        s["Action"] = json!(["elasticfilesystem:*"]);
        assert!(judged(&efs_policy(s)).is_ok());
    }

    #[test]
    fn every_target_needs_a_covering_statement() {
        let bucket = "arn:aws:s3:::b";
        let mut s = deny();
        s["Action"] = json!("s3:*");
        s["Resource"] = json!([bucket]);
        let p = efs_policy(s.clone());
        let targets = || [Covered::arn(bucket), Covered::arn(format!("{bucket}/any/key"))];
        let why = denies_insecure_transport(&p, "s3", &targets()).expect_err("objects left open");
        assert!(why.contains("b/any/key"), "{why}");
        s["Resource"] = json!([bucket, format!("{bucket}/*")]);
        assert!(denies_insecure_transport(&efs_policy(s), "s3", &targets()).is_ok());
    }

    #[test]
    fn action_coverage_reads_wildcards_and_not_action() {
        let s = |action: Value| {
            Policy::parse(&json!({"Statement": {"Effect": "Allow", "Action": action}})).statements.remove(0)
        };
        assert!(s(json!("*")).covers_all_actions_of("s3") && s(json!("*")).covers_every_action());
        assert!(s(json!("s3:*")).covers_all_actions_of("s3") && !s(json!("s3:*")).covers_every_action());
        assert!(s(json!("S3:*")).covers_all_actions_of("s3"), "actions compare without case");
        assert!(s(json!("s*")).covers_all_actions_of("s3"));
        assert!(!s(json!("s3:Get*")).covers_all_actions_of("s3"));
        assert!(!s(json!("s3:?")).covers_all_actions_of("s3"));
        assert!(s(json!("*:*")).covers_every_action());
        assert!(
            s(json!("s3:Get*")).covers_action("s3:GetObject") && !s(json!("s3:Get*")).covers_action("s3:PutObject")
        );
        let not = Policy::parse(&json!({"Statement": {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}}))
            .statements
            .remove(0);
        assert!(not.covers_action("s3:GetObject") && !not.covers_action("iam:PassRole"));
        assert!(not.covers_every_action() && not.grants_everything(), "NotAction allows all it does not list");
    }

    #[test]
    fn statements_read_one_or_many_fields_as_lists() {
        let doc = json!({"Statement": {"Effect": "Allow", "Action": "rds:*", "Resource": ["a", "b"],
                         "Principal": {"Service": ["lambda.amazonaws.com"]}}});
        let s = Policy::parse(&doc).statements;
        assert_eq!(s.len(), 1);
        assert!(s[0].allows());
        assert_eq!(s[0].actions(), ["rds:*"]);
        assert_eq!(s[0].resource, Some(vec![json!("a"), json!("b")]));
        assert_eq!(s[0].service_principals(), ["lambda.amazonaws.com"]);
    }

    #[test]
    fn patterns_cover_every_or_some_text_after_a_prefix() {
        assert!(matches_every_suffix("arn:aws:s3:::b/*", "arn:aws:s3:::b/"));
        assert!(matches_every_suffix("*", "arn:aws:s3:::b/"));
        assert!(!matches_every_suffix("arn:aws:s3:::b/tmp/*", "arn:aws:s3:::b/"));
        assert!(matches_some_suffix("arn:aws:s3:::b/tmp/*", "arn:aws:s3:::b/"));
        assert!(!matches_some_suffix("arn:aws:s3:::bb/*", "arn:aws:s3:::b/"));
        assert!(!matches_some_suffix("arn:aws:s3:::b/", "arn:aws:s3:::b/"), "nothing after the prefix");
    }

    #[test]
    fn public_statements_allow_everyone_without_a_condition_pinning_the_caller() {
        let st = |v: Value| Policy::parse(&json!({"Statement": v})).statements.remove(0);
        let open = json!({"Sid": "Pub", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"});
        assert!(st(open.clone()).is_public());
        assert_eq!(st(open.clone()).describe_grant(), "Statement[0] (Pub) allows s3:GetObject to everyone");
        let mut aws_star = open.clone();
        aws_star["Principal"] = json!({"AWS": ["*"]});
        assert!(st(aws_star).is_public());
        let mut not_principal = open.clone();
        not_principal.as_object_mut().map(|o| o.remove("Principal"));
        not_principal["NotPrincipal"] = json!({"AWS": "arn:aws:iam::1:root"});
        assert!(st(not_principal).is_public(), "NotPrincipal allows everyone else");
        // Not public: a Deny, a named principal, a service, or a condition pinning the source.
        let mut deny = open.clone();
        deny["Effect"] = json!("Deny");
        assert!(!st(deny).is_public());
        let mut named = open.clone();
        named["Principal"] = json!({"AWS": "arn:aws:iam::1:role/r"});
        assert!(!st(named).is_public());
        let mut service = open.clone();
        service["Principal"] = json!({"Service": "cloudtrail.amazonaws.com"});
        assert!(!st(service).is_public());
        let pinned = |condition: Value| {
            let mut s = open.clone();
            s["Condition"] = condition;
            !st(s).is_public()
        };
        assert!(pinned(json!({"StringEquals": {"aws:SourceArn": "arn:aws:cloudtrail:eu-west-2:1:trail/t"}})));
        assert!(pinned(json!({"StringEquals": {"aws:PrincipalOrgID": ["o-1"]}})));
        assert!(pinned(json!({"IpAddress": {"aws:SourceIp": ["10.0.0.0/16", "192.0.2.1"]}})));
        // Conditions that pin nothing leave it public.
        assert!(!pinned(json!({"StringLike": {"aws:SourceArn": "arn:aws:cloudtrail:*"}})));
        assert!(!pinned(json!({"StringEqualsIfExists": {"aws:SourceAccount": "1"}})));
        assert!(!pinned(json!({"StringNotEquals": {"aws:SourceAccount": "1"}})));
        assert!(!pinned(json!({"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}})));
        assert!(!pinned(json!({"IpAddress": {"aws:SourceIp": "::/0"}})));
        assert!(!pinned(json!({"Bool": {"aws:SecureTransport": "true"}})));
        assert!(!pinned(json!({"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}})));
        let p = Policy::parse(&json!({"Statement": [open, {"Effect": "Deny", "Principal": "*", "Action": "*"}]}));
        assert_eq!(public_statements(&p).len(), 1);
    }

    #[test]
    fn wildcards_match_as_iam_does() {
        assert!(wildcard("arn:aws:s3:::b/*", "arn:aws:s3:::b/k/ey"));
        assert!(wildcard("arn:aws:s3:::b?", "arn:aws:s3:::b1"));
        assert!(!wildcard("arn:aws:s3:::b", "arn:aws:s3:::b/k"));
        assert!(wildcard("*", ""));
    }

    #[test]
    fn every_suffix_needs_wildcards_that_match_any_tail() {
        let keys = "arn:aws:s3:::b/";
        for every in ["arn:aws:s3:::b/*", "arn:aws:s3:::b*", "*", "arn:aws:s3:::?/*", "arn:aws:s3:::b/?*"] {
            assert!(matches_every_suffix(every, keys), "{every}");
        }
        for some in ["arn:aws:s3:::b/public/*", "arn:aws:s3:::b/??", "arn:aws:s3:::b/k", "arn:aws:s3:::b"] {
            assert!(!matches_every_suffix(some, keys), "{some}");
        }
        assert!(matches_every_suffix("rds:*", "rds:") && matches_every_suffix("r*", "rds:"));
        assert!(!matches_every_suffix("rds:Describe*", "rds:"));
    }

    #[test]
    fn some_suffix_is_any_overlap_with_the_prefix() {
        let keys = "arn:aws:s3:::b/";
        for overlaps in ["arn:aws:s3:::b/secret/*", "arn:aws:s3:::b/k", "arn:aws:s3:::*", "*", "arn:aws:s3:::b?k"] {
            assert!(matches_some_suffix(overlaps, keys), "{overlaps}");
        }
        for apart in ["arn:aws:s3:::b", "arn:aws:s3:::bb/*", "arn:aws:s3:::c/*", "arn:aws:s3:::b/"] {
            assert!(!matches_some_suffix(apart, keys), "{apart}");
        }
    }
}
