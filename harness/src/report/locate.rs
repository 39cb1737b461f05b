//! Where a finding's resource is declared in the stack's source: the template file and the line
//! of its logical id (CloudFormation), or `main.ts` and the line of its construct (CDKTF). Static
//! findings name logical ids (`DataKey`, `aws_kms_key.primary_key`); live findings name physical
//! resources (ids, ARNs, names), which are mapped back through the deployment's outputs: output
//! value -> output key -> what the source's output refers to -> logical id; and, for a
//! CloudFormation template, through the names it gives resources (`!Sub 'redis-${EnvironmentSuffix}'`).
//!
//! A pure function of texts the runner reads and hands in; a resource that cannot be located is
//! still located at the file (with no line), never dropped.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use crate::source::template::{Template, placeholders};

/// One declared resource (or CloudFormation parameter): its line and type.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Declared {
    line: u32,
    /// `AWS::KMS::Key`, `Parameter`, or a Terraform type (`aws_kms_key`) when known.
    kind: Option<String>,
}

/// A construct of a CDKTF app whose id is a template literal (`${side}_vpc`): matched by pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pattern {
    id: String,
    line: u32,
    kind: Option<String>,
}

/// One output of the deployment as read: its key, value, and the region its resource lives in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployedOutput {
    pub key: String,
    pub value: String,
    pub region: Option<String>,
}

/// The stack's source, as the reports locate resources in it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceMap {
    /// As reports name it: relative to where the run started when under it (`stacks/hipaa/v1/template.yml`).
    pub file: String,
    declared: BTreeMap<String, Declared>,
    patterns: Vec<Pattern>,
    /// Output key -> the logical ids its value refers to, in order (a joined list keeps its order).
    outputs: BTreeMap<String, Vec<String>>,
    /// Physical names the source gives resources, with the deployment's suffix: name -> logical id.
    names: BTreeMap<String, String>,
    /// The deployment's outputs, once read.
    deployed: Vec<DeployedOutput>,
}

/// Where a resource is declared, as far as it could be told.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Located {
    pub file: String,
    /// 1-based line of the logical id or construct; none when the resource could not be located.
    pub line: Option<u32>,
    /// The logical ids (construct ids) it maps to; several for a list output.
    pub logical_ids: Vec<String>,
    /// The output whose value named it, for a live resource.
    pub output: Option<String>,
    /// The declared type (`AWS::EFS::FileSystem`, `aws_s3_bucket`), when known.
    pub kind: Option<String>,
    /// The part of the resource text that was matched to a deployed resource (`fs-0ab12`), for
    /// building an ARN; none when the text names the source (a logical id, an output's key).
    pub matched: Option<String>,
    /// The region of the output's resource, in a multi-region layout.
    pub region: Option<String>,
}

impl Located {
    /// `DataKey (output DataKeyArn)`, `output PrivateSubnetIds`, or none.
    pub fn label(&self) -> Option<String> {
        let ids = self.logical_ids.join(", ");
        match (ids.is_empty(), &self.output) {
            (true, None) => None,
            (true, Some(o)) => Some(format!("output {o}")),
            (false, None) => Some(ids),
            (false, Some(o)) => Some(format!("{ids} (output {o})")),
        }
    }
}

/// The name a report gives a source file: relative to `cwd` when under it, else as given.
pub fn display_path(path: &Path, cwd: Option<&Path>) -> String {
    let shown = cwd.and_then(|c| path.strip_prefix(c).ok()).unwrap_or(path);
    shown.to_string_lossy().replace('\\', "/")
}

impl SourceMap {
    /// A map that locates nothing but the file itself.
    pub fn file_only(file: impl Into<String>) -> Self {
        Self { file: file.into(), ..Self::default() }
    }

    /// A CloudFormation template (YAML or JSON). `suffix` is the deployment's suffix, to tell the
    /// names the template gives resources (`!Sub 'redis-${EnvironmentSuffix}'`); none for a
    /// static run.
    pub fn cloudformation(file: &str, text: &str, suffix: Option<&str>) -> Result<Self, String> {
        let template = Template::parse(text, Path::new(file)).map_err(|e| e.to_string())?;
        let mut declared = BTreeMap::new();
        for (section, kind_of) in [("Parameters", None), ("Resources", Some(()))] {
            let Some(Value::Object(entries)) = template.body.get(section) else { continue };
            let lines = key_lines(text, section);
            for (id, body) in entries {
                let kind = match kind_of {
                    None => Some("Parameter".to_owned()),
                    Some(()) => body.get("Type").and_then(Value::as_str).map(str::to_owned),
                };
                if let Some(line) = lines.get(id.as_str()) {
                    declared.insert(id.clone(), Declared { line: *line, kind });
                }
            }
        }
        let mut outputs = BTreeMap::new();
        if let Some(Value::Object(entries)) = template.body.get("Outputs") {
            for (key, output) in entries {
                let mut ids = Vec::new();
                if let Some(value) = output.get("Value") {
                    refers_to(value, &mut ids);
                }
                ids.retain(|id| declared.contains_key(id));
                ids.dedup();
                outputs.insert(key.clone(), ids);
            }
        }
        let mut names = BTreeMap::new();
        if let Some(suffix) = suffix {
            let suffix_params: Vec<&str> = template
                .body
                .get("Parameters")
                .and_then(Value::as_object)
                .map(|p| p.keys().filter(|k| k.ends_with("Suffix")).map(String::as_str).collect())
                .unwrap_or_default();
            for r in template.resources() {
                let Some(Value::Object(props)) = r.body.get("Properties") else { continue };
                for value in props.values() {
                    if let Some(name) = named(value, &suffix_params, suffix) {
                        names.entry(name).or_insert_with(|| r.id.to_owned());
                    }
                }
            }
        }
        Ok(Self { file: file.to_owned(), declared, patterns: Vec::new(), outputs, names, deployed: Vec::new() })
    }

    /// A CDKTF app's `main.ts`: each construct `new X(this, "id", ...)` at its line, and each
    /// `TerraformOutput` (or the app's `out("Key", expr, ...)` helper) resolved to the construct
    /// its value expression names. Construct ids are the Terraform logical ids (the app pins them).
    pub fn cdktf(file: &str, main_ts: &str) -> Self {
        let mut declared = BTreeMap::new();
        let mut patterns = Vec::new();
        // Variable -> construct id (possibly a pattern), and helper results -> their first argument.
        let mut vars: BTreeMap<String, String> = BTreeMap::new();
        let mut helper_args: BTreeMap<String, String> = BTreeMap::new();
        let mut output_exprs: Vec<(String, String)> = Vec::new();
        for (i, line) in main_ts.lines().enumerate() {
            let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
            if let Some((class, id)) = construct_on(line) {
                let kind = Some(terraform_type(&class));
                if class == "TerraformOutput" {
                    output_exprs.push((id.clone(), after_construct_id(line).to_owned()));
                } else if id.contains("${") {
                    patterns.push(Pattern { id: id.clone(), line: n, kind });
                } else {
                    declared.entry(id.clone()).or_insert(Declared { line: n, kind });
                }
                if let Some(var) = declared_var(line) {
                    vars.insert(var, id);
                }
            } else if let Some(var) = declared_var(line) {
                // `const primaryNet = network("primary", ...)`: a helper whose constructs are named by its argument.
                let rest = line.split_once('=').map(|(_, r)| r.trim()).unwrap_or("");
                if let Some(arg) = first_string_arg(rest) {
                    helper_args.insert(var, arg);
                }
            }
            // The app's own helper: `out("Key", expr, "description")`.
            if let Some(rest) = line.trim_start().strip_prefix("out(")
                && let Some((key, expr)) = string_then_rest(rest)
            {
                output_exprs.push((key, expr));
            }
        }
        let mut outputs = BTreeMap::new();
        for (key, expr) in output_exprs {
            let ids: Vec<String> = identifier_chains(&expr)
                .into_iter()
                .find_map(|chain| resolve_chain(&chain, &vars, &helper_args))
                .into_iter()
                .collect();
            outputs.insert(key, ids);
        }
        Self { file: file.to_owned(), declared, patterns, outputs, names: BTreeMap::new(), deployed: Vec::new() }
    }

    /// The deployment's outputs, for locating live resources.
    pub fn with_outputs(mut self, outputs: Vec<DeployedOutput>) -> Self {
        self.deployed = outputs;
        self
    }

    /// The line and type of a logical id (or a construct id matching a pattern).
    fn declared(&self, id: &str) -> Option<(u32, Option<String>)> {
        if let Some(d) = self.declared.get(id) {
            return Some((d.line, d.kind.clone()));
        }
        // The most specific pattern (most literal characters) that matches; a `*` left in an id
        // resolved from an output stands for any part.
        let id = id.replace('*', "0");
        self.patterns
            .iter()
            .filter(|p| matches_pattern(&p.id, &id))
            .max_by_key(|p| p.id.len() - placeholders_len(&p.id))
            .map(|p| (p.line, p.kind.clone()))
    }

    fn located(&self, ids: Vec<String>, output: Option<String>, matched: Option<String>) -> Located {
        let first = ids.first().and_then(|id| self.declared(id));
        let region =
            output.as_ref().and_then(|o| self.deployed.iter().find(|d| &d.key == o)).and_then(|d| d.region.clone());
        Located {
            file: self.file.clone(),
            line: first.as_ref().map(|(line, _)| *line),
            kind: first.and_then(|(_, kind)| kind),
            logical_ids: ids,
            output,
            matched,
            region,
        }
    }

    /// The outputs whose value is `text` (whole, or one item of a comma-separated list), with the
    /// logical ids they refer to; outputs that refer to no resource (a region, a constant) are skipped.
    fn output_for(&self, text: &str) -> Option<(String, Vec<String>)> {
        if text.len() < 3 {
            return None;
        }
        for d in &self.deployed {
            let Some(ids) = self.outputs.get(&d.key).filter(|ids| !ids.is_empty()) else { continue };
            if d.value == text {
                return Some((d.key.clone(), ids.clone()));
            }
            let items: Vec<&str> = d.value.split(',').map(str::trim).collect();
            if items.len() > 1
                && let Some(i) = items.iter().position(|item| *item == text)
            {
                let id = if ids.len() == items.len() { ids[i].clone() } else { ids[0].clone() };
                return Some((d.key.clone(), vec![id]));
            }
        }
        None
    }

    /// Where `resource` (as a finding names it) is declared.
    pub fn locate(&self, resource: &str) -> Located {
        // A qualifier the check added (`arn:...:task-definition/app:1 (container app)`) is not a name.
        let base = resource.split(" (").next().unwrap_or(resource).trim();
        // Static findings: a logical id, or a Terraform address `type.id` (names in the source, not
        // of a deployed resource: nothing to build an ARN from).
        if self.declared(base).is_some() {
            return self.located(vec![base.to_owned()], None, None);
        }
        if let Some((kind, id)) = base.split_once('.')
            && kind.starts_with("aws_")
            && let Some((line, _)) = self.declared(id)
        {
            let mut found = self.located(vec![id.to_owned()], None, None);
            found.line = Some(line);
            found.kind = Some(kind.to_owned());
            return found;
        }
        // Live findings: the whole text as an output's value, then its parts, most specific (last) first.
        if let Some((key, ids)) = self.output_for(base) {
            return self.located(ids, Some(key), Some(base.to_owned()));
        }
        // A live finding on an output the deployment lacks names the output itself.
        if let Some(ids) = self.outputs.get(base).filter(|ids| !ids.is_empty()) {
            return self.located(ids.clone(), Some(base.to_owned()), None);
        }
        let parts: Vec<&str> = base.split([':', '/']).filter(|p| !p.is_empty()).collect();
        for part in parts.iter().rev() {
            if let Some((key, ids)) = self.output_for(part) {
                return self.located(ids, Some(key), Some((*part).to_owned()));
            }
            if let Some(id) = self.names.get(*part) {
                return self.located(vec![id.clone()], None, Some((*part).to_owned()));
            }
        }
        Located { file: self.file.clone(), ..Located::default() }
    }
}

/// The 1-based line of each key directly under the top-level `section` (YAML or pretty JSON):
/// the keys at the section's first indentation, until the next top-level key.
fn key_lines<'a>(text: &'a str, section: &str) -> BTreeMap<&'a str, u32> {
    let mut found = BTreeMap::new();
    let mut inside = false;
    let mut indent: Option<usize> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let depth = line.len() - trimmed.len();
        let key = key_of(trimmed);
        // JSON's top-level keys sit one level in; YAML's at the margin.
        let top = depth == 0 || (depth <= 2 && text.trim_start().starts_with('{') && indent.is_none_or(|d| depth < d));
        if top && key.is_some() {
            inside = key == Some(section);
            indent = None;
            continue;
        }
        if !inside {
            continue;
        }
        let Some(key) = key else { continue };
        match indent {
            None => indent = Some(depth),
            Some(d) if d != depth => continue,
            Some(_) => {}
        }
        found.entry(key).or_insert(u32::try_from(i + 1).unwrap_or(u32::MAX));
    }
    found
}

/// The mapping key a line opens: `Key:` or `"Key":`.
fn key_of(trimmed: &str) -> Option<&str> {
    let trimmed = trimmed.strip_prefix("- ").unwrap_or(trimmed);
    if let Some(rest) = trimmed.strip_prefix('"') {
        let (key, after) = rest.split_once('"')?;
        return after.trim_start().starts_with(':').then_some(key);
    }
    let (key, _) = trimmed.split_once(':')?;
    (!key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')).then_some(key)
}

/// The logical ids and parameters a CloudFormation value refers to, in order: `Ref`, `Fn::GetAtt`,
/// the placeholders of `Fn::Sub`, and the parts of `Fn::Join`.
fn refers_to(v: &Value, out: &mut Vec<String>) {
    let Some(obj) = v.as_object() else {
        if let Value::Array(items) = v {
            items.iter().for_each(|i| refers_to(i, out));
        }
        return;
    };
    if let Some(Value::String(id)) = obj.get("Ref") {
        out.push(id.clone());
    } else if let Some(att) = obj.get("Fn::GetAtt") {
        let id = match att {
            Value::Array(parts) => parts.first().and_then(Value::as_str),
            Value::String(s) => s.split('.').next(),
            _ => None,
        };
        out.extend(id.map(str::to_owned));
    } else if let Some(sub) = obj.get("Fn::Sub") {
        let (text, vars) = match sub {
            Value::String(t) => (t.as_str(), None),
            Value::Array(parts) => (parts.first().and_then(Value::as_str).unwrap_or(""), parts.get(1)),
            _ => ("", None),
        };
        for name in placeholders(text) {
            match vars.and_then(|m| m.get(name)) {
                Some(bound) => refers_to(bound, out),
                None => out.push(name.to_owned()),
            }
        }
    } else if let Some(Value::Array(join)) = obj.get("Fn::Join") {
        if let Some(parts) = join.get(1) {
            refers_to(parts, out);
        }
    } else {
        obj.values().for_each(|v| refers_to(v, out));
    }
}

/// The physical name a property value gives a resource with the deployment's suffix: a `Fn::Sub`
/// text whose only placeholder is the suffix parameter. Descriptions and other prose (with
/// spaces) are not names.
fn named(value: &Value, suffix_params: &[&str], suffix: &str) -> Option<String> {
    let Value::String(text) = value.get("Fn::Sub")? else { return None };
    let placeholders = placeholders(text);
    if placeholders.is_empty() || !placeholders.iter().all(|p| suffix_params.contains(p)) || text.contains(' ') {
        return None;
    }
    let mut name = text.clone();
    for p in suffix_params {
        name = name.replace(&format!("${{{p}}}"), suffix);
    }
    (name.len() >= 3).then_some(name)
}

/// `new Class(this, "id"` or `` new Class(this, `${side}_id` `` on a line: (Class, id).
fn construct_on(line: &str) -> Option<(String, String)> {
    let at = line.find("new ")?;
    let rest = &line[at + 4..];
    let open = rest.find('(')?;
    let class = rest[..open].trim();
    if class.is_empty() || !class.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let args = rest[open + 1..].trim_start().strip_prefix("this,")?.trim_start();
    let (id, _) = quoted(args)?;
    Some((class.to_owned(), id))
}

/// What follows a construct's id on its line (a `TerraformOutput`'s options, with its value).
fn after_construct_id(line: &str) -> &str {
    let Some(at) = line.find("this,") else { return "" };
    let rest = line[at + 5..].trim_start();
    quoted(rest).map(|(_, after)| after).unwrap_or("")
}

/// A leading string literal (`"..."`, `'...'` or `` `...` ``) and what follows it.
fn quoted(text: &str) -> Option<(String, &str)> {
    let quote = text.chars().next().filter(|c| matches!(c, '"' | '\'' | '`'))?;
    let body = &text[1..];
    let end = body.find(quote)?;
    Some((body[..end].to_owned(), &body[end + 1..]))
}

/// `out("Key", expr, ...)` after `out(`: the key and the rest of the line.
fn string_then_rest(rest: &str) -> Option<(String, String)> {
    let (key, after) = quoted(rest.trim_start())?;
    let expr = after.trim_start().strip_prefix(',')?.trim();
    Some((key, expr.to_owned()))
}

/// `const name = ...` (or `let`): the name.
fn declared_var(line: &str) -> Option<String> {
    let t = line.trim_start();
    let rest = t.strip_prefix("const ").or_else(|| t.strip_prefix("let "))?;
    let (name, after) = rest.split_once('=')?;
    let name = name.trim().split(':').next()?.trim();
    (!after.starts_with('=') && !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then(|| name.to_owned())
}

/// The first string literal argument of a call: `network("primary", ...)` -> `primary`.
fn first_string_arg(call: &str) -> Option<String> {
    let open = call.find('(')?;
    let callee = call[..open].trim();
    if callee.is_empty() || callee.starts_with("new ") || !callee.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return None;
    }
    quoted(call[open + 1..].trim_start()).map(|(s, _)| s)
}

/// The dotted identifier chains of an expression: `Fn.join(",", primaryNet.subnets.map(...))`
/// gives `Fn.join`, `primaryNet.subnets.map`, ...; string literals are skipped.
fn identifier_chains(expr: &str) -> Vec<Vec<String>> {
    let mut chains = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let flush = |word: &mut String, current: &mut Vec<String>| {
        if !word.is_empty() {
            current.push(std::mem::take(word));
        }
    };
    for c in expr.chars() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' | '`' => {
                flush(&mut word, &mut current);
                if !current.is_empty() {
                    chains.push(std::mem::take(&mut current));
                }
                quote = Some(c);
            }
            c if c.is_ascii_alphanumeric() || c == '_' || c == '$' => {
                if word.is_empty() && c.is_ascii_digit() {
                    continue;
                }
                word.push(c);
            }
            '.' => flush(&mut word, &mut current),
            _ => {
                flush(&mut word, &mut current);
                if !current.is_empty() {
                    chains.push(std::mem::take(&mut current));
                }
            }
        }
    }
    flush(&mut word, &mut current);
    if !current.is_empty() {
        chains.push(current);
    }
    chains
}

/// The construct id a chain names: `primaryKey.arn` -> `primary_key`; `primaryNet.vpc.id` ->
/// the `vpc` construct of the helper called with `"primary"` -> `primary_vpc`.
fn resolve_chain(
    chain: &[String],
    vars: &BTreeMap<String, String>,
    helper_args: &BTreeMap<String, String>,
) -> Option<String> {
    let first = chain.first()?;
    if let Some(id) = vars.get(first) {
        return Some(id.clone());
    }
    let arg = helper_args.get(first)?;
    let id = vars.get(chain.get(1)?)?;
    // The helper's argument fills the id's first placeholder (`${side}_vpc` -> `primary_vpc`); a
    // placeholder left (`${n}` of a list of constructs) stands for any part: `*`.
    let filled = match (id.find("${"), id.find('}')) {
        (Some(start), Some(end)) if end > start => format!("{}{arg}{}", &id[..start], &id[end + 1..]),
        _ => id.clone(),
    };
    Some(star_placeholders(&filled))
}

/// `primary_private_subnet_${n}` -> `primary_private_subnet_*`.
fn star_placeholders(id: &str) -> String {
    let mut out = String::new();
    let mut rest = id;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        match rest[start..].find('}') {
            Some(end) => {
                out.push('*');
                rest = &rest[start + end + 1..];
            }
            None => {
                rest = &rest[start..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

/// True if `id` matches a construct id pattern whose `${...}` placeholders stand for any name part.
fn matches_pattern(pattern: &str, id: &str) -> bool {
    let mut literals: Vec<&str> = Vec::new();
    let mut rest = pattern;
    while let Some(start) = rest.find("${") {
        literals.push(&rest[..start]);
        match rest[start..].find('}') {
            Some(end) => rest = &rest[start + end + 1..],
            None => return false,
        }
    }
    literals.push(rest);
    let (first, last) = (literals[0], literals[literals.len() - 1]);
    if literals.len() == 1 {
        return pattern == id;
    }
    if !id.starts_with(first) || !id.ends_with(last) || id.len() < first.len() + last.len() {
        return false;
    }
    let mut cursor = first.len();
    let end = id.len() - last.len();
    for lit in &literals[1..literals.len() - 1] {
        match id[cursor..end].find(lit) {
            Some(at) if at > 0 => cursor += at + lit.len(),
            _ => return false,
        }
    }
    // Every placeholder stands for at least one character of a name.
    end > cursor && id[cursor..end].chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn placeholders_len(pattern: &str) -> usize {
    let mut total = 0;
    let mut rest = pattern;
    while let Some(start) = rest.find("${") {
        match rest[start..].find('}') {
            Some(end) => {
                total += end + 1;
                rest = &rest[start + end + 1..];
            }
            None => break,
        }
    }
    total
}

/// The Terraform type a CDKTF provider class stands for: `S3Bucket` -> `aws_s3_bucket`,
/// `Route53HealthCheck` -> `aws_route53_health_check`.
fn terraform_type(class: &str) -> String {
    let mut out = String::from("aws");
    for c in class.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The ARN of a resource of `kind` whose id or name is `id`, when its format is known (and the
/// region and account it needs are); an ARN given is its own ARN.
pub fn arn(kind: Option<&str>, id: &str, region: Option<&str>, account: Option<&str>) -> Option<String> {
    if id.starts_with("arn:") {
        return Some(id.to_owned());
    }
    let region = region.filter(|r| !r.is_empty());
    let account = account.filter(|a| !a.is_empty());
    let regional =
        |service: &str, resource: String| Some(format!("arn:aws:{service}:{}:{}:{resource}", region?, account?));
    match kind? {
        "AWS::EC2::VPC" | "aws_vpc" => regional("ec2", format!("vpc/{id}")),
        "AWS::EC2::Subnet" | "aws_subnet" => regional("ec2", format!("subnet/{id}")),
        "AWS::EC2::SecurityGroup" | "aws_security_group" => regional("ec2", format!("security-group/{id}")),
        "AWS::EC2::RouteTable" | "aws_route_table" => regional("ec2", format!("route-table/{id}")),
        "AWS::EC2::InternetGateway" | "aws_internet_gateway" => regional("ec2", format!("internet-gateway/{id}")),
        "AWS::EC2::NatGateway" | "aws_nat_gateway" => regional("ec2", format!("natgateway/{id}")),
        "AWS::EFS::FileSystem" | "aws_efs_file_system" => regional("elasticfilesystem", format!("file-system/{id}")),
        "AWS::EFS::AccessPoint" => regional("elasticfilesystem", format!("access-point/{id}")),
        "AWS::RDS::DBCluster" | "aws_rds_cluster" => regional("rds", format!("cluster:{id}")),
        "AWS::RDS::DBInstance" | "aws_rds_cluster_instance" | "aws_db_instance" => regional("rds", format!("db:{id}")),
        "AWS::RDS::DBSubnetGroup" | "aws_db_subnet_group" => regional("rds", format!("subgrp:{id}")),
        "AWS::RDS::DBClusterParameterGroup" | "aws_rds_cluster_parameter_group" => {
            regional("rds", format!("cluster-pg:{id}"))
        }
        "aws_rds_global_cluster" => Some(format!("arn:aws:rds::{}:global-cluster:{id}", account?)),
        "AWS::ElastiCache::ReplicationGroup" => regional("elasticache", format!("replicationgroup:{id}")),
        "AWS::ElastiCache::SubnetGroup" => regional("elasticache", format!("subnetgroup:{id}")),
        "AWS::Logs::LogGroup" | "aws_cloudwatch_log_group" => regional("logs", format!("log-group:{id}")),
        "AWS::ECS::Cluster" => regional("ecs", format!("cluster/{id}")),
        "AWS::S3::Bucket" | "aws_s3_bucket" => Some(format!("arn:aws:s3:::{id}")),
        "aws_backup_vault" => regional("backup", format!("backup-vault:{id}")),
        "aws_backup_plan" => regional("backup", format!("backup-plan:{id}")),
        "aws_cloudwatch_metric_alarm" => regional("cloudwatch", format!("alarm:{id}")),
        "aws_cloudtrail" => regional("cloudtrail", format!("trail/{id}")),
        "aws_lambda_function" => regional("lambda", format!("function:{id}")),
        "AWS::IAM::Role" | "aws_iam_role" => Some(format!("arn:aws:iam::{}:role/{id}", account?)),
        "aws_ssm_parameter" => regional("ssm", format!("parameter/{}", id.trim_start_matches('/'))),
        "aws_route53_health_check" => Some(format!("arn:aws:route53:::healthcheck/{id}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = "\
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  EnvironmentSuffix:
    Type: String
  DatabaseSecretArn:
    Type: String
Resources:
  DataKey:
    Type: AWS::KMS::Key
    Properties:
      Description: !Sub 'data key ${EnvironmentSuffix}'
      EnableKeyRotation: true
  PrivateSubnet1:
    Type: AWS::EC2::Subnet
  PrivateSubnet2:
    Type: AWS::EC2::Subnet
  AuroraInstance1:
    Type: AWS::RDS::DBInstance
    Properties:
      DBInstanceIdentifier: !Sub 'aurora-instance-1-${EnvironmentSuffix}'
  EfsFileSystem:
    Type: AWS::EFS::FileSystem
Outputs:
  DataKeyArn:
    Value: !GetAtt DataKey.Arn
  PrivateSubnetIds:
    Value: !Join [',', [!Ref PrivateSubnet1, !Ref PrivateSubnet2]]
  EfsFileSystemId:
    Value: !Ref EfsFileSystem
  DatabaseSecretArn:
    Value: !Ref DatabaseSecretArn
  Region:
    Value: !Ref AWS::Region
";

    fn deployed() -> Vec<DeployedOutput> {
        [
            ("DataKeyArn", "arn:aws:kms:eu-central-1:1:key/abc"),
            ("PrivateSubnetIds", "subnet-a,subnet-b"),
            ("EfsFileSystemId", "fs-0123"),
            ("DatabaseSecretArn", "arn:aws:secretsmanager:eu-central-1:1:secret:db-XYZ"),
            ("Region", "eu-central-1"),
        ]
        .into_iter()
        .map(|(k, v)| DeployedOutput { key: k.into(), value: v.into(), region: None })
        .collect()
    }

    fn map() -> SourceMap {
        SourceMap::cloudformation("t.yml", TEMPLATE, Some("pr1")).unwrap().with_outputs(deployed())
    }

    #[test]
    fn static_findings_are_located_at_their_logical_ids() {
        let m = map();
        let l = m.locate("DataKey");
        assert_eq!((l.line, l.kind.as_deref()), (Some(8), Some("AWS::KMS::Key")));
        assert_eq!(m.locate("PrivateSubnet2").line, Some(15));
        assert_eq!(m.locate("(template)").line, None, "nothing to locate: the file only");
        assert_eq!(m.locate("(template)").file, "t.yml");
    }

    #[test]
    fn live_resources_go_back_through_outputs_and_names() {
        let m = map();
        let key = m.locate("arn:aws:kms:eu-central-1:1:key/abc");
        assert_eq!(key.logical_ids, ["DataKey"]);
        assert_eq!((key.output.as_deref(), key.line), (Some("DataKeyArn"), Some(8)));
        assert_eq!(key.label().as_deref(), Some("DataKey (output DataKeyArn)"));
        let subnet = m.locate("subnet-b");
        assert_eq!((subnet.logical_ids.as_slice(), subnet.line), (&["PrivateSubnet2".to_owned()][..], Some(15)));
        let both = m.locate("subnet-a,subnet-b");
        assert_eq!(both.logical_ids, ["PrivateSubnet1", "PrivateSubnet2"]);
        let mount = m.locate("fs-0123/fsmt-9");
        assert_eq!(
            (mount.logical_ids.as_slice(), mount.matched.as_deref()),
            (&["EfsFileSystem".to_owned()][..], Some("fs-0123"))
        );
        let instance = m.locate("aurora-cluster-pr1/aurora-instance-1-pr1");
        assert_eq!(instance.logical_ids, ["AuroraInstance1"], "by the name the template gives it");
        assert_eq!(instance.line, Some(17));
        let secret = m.locate("arn:aws:secretsmanager:eu-central-1:1:secret:db-XYZ");
        assert_eq!(
            (secret.logical_ids.as_slice(), secret.kind.as_deref()),
            (&["DatabaseSecretArn".to_owned()][..], Some("Parameter"))
        );
        assert_eq!(secret.line, Some(5));
    }

    #[test]
    fn an_output_named_by_its_key_is_located_at_what_it_refers_to() {
        let m = map();
        let missing = m.locate("EfsFileSystemId");
        assert_eq!((missing.logical_ids.as_slice(), missing.line), (&["EfsFileSystem".to_owned()][..], Some(21)));
        assert_eq!(missing.label().as_deref(), Some("EfsFileSystem (output EfsFileSystemId)"));
        assert_eq!(missing.matched, None, "a key is no resource id to build an ARN from");
        assert_eq!(m.locate("Region").line, None, "an output that refers to no resource");
    }

    #[test]
    fn what_cannot_be_located_stays_at_the_file() {
        let m = map();
        for unknown in ["eu-central-1", "sg-999", "(deployment)", "", "arn:aws:ecs:eu-central-1:1:cluster/other"] {
            let l = m.locate(unknown);
            assert_eq!((l.file.as_str(), l.line), ("t.yml", None), "{unknown:?} was located: {l:?}");
            assert!(l.logical_ids.is_empty());
        }
    }

    #[test]
    fn json_templates_are_located_too() {
        let t = Template::parse(TEMPLATE, Path::new("t.yml")).unwrap();
        let json = serde_json::to_string_pretty(&t.body).unwrap();
        let m = SourceMap::cloudformation("t.json", &json, None).unwrap();
        let line = m.locate("EfsFileSystem").line.expect("located");
        assert!(json.lines().nth(line as usize - 1).unwrap().contains("\"EfsFileSystem\": {"), "line {line}");
    }

    const MAIN_TS: &str = r#"
    const primaryKey = keep(new KmsKey(this, "primary_key", {
    const network = (side: "primary" | "dr", provider: AwsProvider) => {
      const vpc = keep(new Vpc(this, `${side}_vpc`, {
      const subnets = [1, 2].map((n, i) => keep(new Subnet(this, `${side}_private_subnet_${n}`, {
      return { vpc, subnets };
    };
    const primaryNet = network("primary", primary);
    const drNet = network("dr", dr);
    out("PrimaryRegion", PRIMARY_REGION, "primary region");
    out("PrimaryKmsKeyArn", primaryKey.arn, "primary region customer key");
    out("DrVpcId", drNet.vpc.id, "DR VPC");
    out("PrimaryPrivateSubnetIds", Fn.join(",", primaryNet.subnets.map((s) => s.id)), "subnets");
"#;

    #[test]
    fn cdktf_constructs_and_outputs_are_located_in_main_ts() {
        let m = SourceMap::cdktf("main.ts", MAIN_TS).with_outputs(
            [
                ("PrimaryRegion", "eu-west-2", Some("eu-west-2")),
                ("PrimaryKmsKeyArn", "arn:aws:kms:eu-west-2:1:key/k", Some("eu-west-2")),
                ("DrVpcId", "vpc-dr", Some("eu-west-1")),
                ("PrimaryPrivateSubnetIds", "subnet-1,subnet-2", Some("eu-west-2")),
            ]
            .into_iter()
            .map(|(k, v, r)| DeployedOutput { key: k.into(), value: v.into(), region: r.map(Into::into) })
            .collect(),
        );
        let key = m.locate("aws_kms_key.primary_key");
        assert_eq!((key.line, key.kind.as_deref()), (Some(2), Some("aws_kms_key")));
        assert_eq!(m.locate("aws_vpc.dr_vpc").line, Some(4), "a template-literal id");
        assert_eq!(m.locate("aws_subnet.primary_private_subnet_2").line, Some(5));
        let live = m.locate("arn:aws:kms:eu-west-2:1:key/k");
        assert_eq!((live.logical_ids.as_slice(), live.line), (&["primary_key".to_owned()][..], Some(2)));
        assert_eq!(live.kind.as_deref(), Some("aws_kms_key"));
        let vpc = m.locate("vpc-dr");
        assert_eq!((vpc.logical_ids.as_slice(), vpc.line), (&["dr_vpc".to_owned()][..], Some(4)));
        assert_eq!(vpc.region.as_deref(), Some("eu-west-1"));
        let subnet = m.locate("subnet-2");
        assert_eq!((subnet.output.as_deref(), subnet.line), (Some("PrimaryPrivateSubnetIds"), Some(5)));
        assert_eq!(m.locate("eu-west-2").line, None, "a region output names no resource");
    }

    #[test]
    fn arns_are_built_for_known_types_only() {
        let arn = |k, id| arn(Some(k), id, Some("eu-central-1"), Some("1"));
        assert_eq!(
            arn("AWS::EFS::FileSystem", "fs-1").as_deref(),
            Some("arn:aws:elasticfilesystem:eu-central-1:1:file-system/fs-1")
        );
        assert_eq!(arn("aws_s3_bucket", "b").as_deref(), Some("arn:aws:s3:::b"));
        assert_eq!(
            arn("AWS::Logs::LogGroup", "/hipaa/x").as_deref(),
            Some("arn:aws:logs:eu-central-1:1:log-group:/hipaa/x")
        );
        assert_eq!(arn("AWS::ApiGateway::Method", "m"), None);
        assert_eq!(super::arn(None, "arn:aws:kms:r:1:key/x", None, None).as_deref(), Some("arn:aws:kms:r:1:key/x"));
        assert_eq!(terraform_type("Route53HealthCheck"), "aws_route53_health_check");
        assert_eq!(terraform_type("S3Bucket"), "aws_s3_bucket");
    }
}
