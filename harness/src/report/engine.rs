//! The template environment shared by the HTML report and the Markdown summary. Templates are
//! files beside this module, compiled into the binary; `.html` ones are HTML-escaped by the engine.

use minijinja::value::Value;
use minijinja::{Environment, UndefinedBehavior};

use super::evidence::Evidence;

const TEMPLATES: &[(&str, &str)] =
    &[("evidence.html", include_str!("templates/evidence.html")), ("summary.md", include_str!("templates/summary.md"))];

/// Pretty JSON of an evidence slice, for `<pre>` (escaped by the caller's auto-escaping).
fn pretty(value: Value) -> Result<String, minijinja::Error> {
    serde_json::to_string_pretty(&value)
        .map_err(|e| minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, e.to_string()))
}

/// A value made safe for one Markdown table cell: one line, and every character Markdown would
/// read as markup (or as a column break) escaped. None renders as nothing.
pub fn cell(value: Value) -> String {
    if value.is_none() || value.is_undefined() {
        return String::new();
    }
    let text = value.to_string();
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '\r' => {}
            '\n' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '!' | '&' => {
                out.push('\\');
                out.push(ch);
            }
            c => out.push(c),
        }
    }
    out
}

fn environment() -> Result<Environment<'static>, minijinja::Error> {
    let mut env = Environment::new();
    // A name the document lacks is a template bug: fail the render rather than print nothing.
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()?,
    );
    env.add_filter("pretty", pretty);
    env.add_filter("cell", cell);
    for (name, source) in TEMPLATES {
        env.add_template(name, source)?;
    }
    Ok(env)
}

/// Renders template `name` over the evidence document's fields.
pub fn render(name: &str, doc: &Evidence) -> Result<String, minijinja::Error> {
    let env = environment()?;
    let template = env.get_template(name)?;
    template.render(Value::from(minijinja::value::Serde(doc)))
}
