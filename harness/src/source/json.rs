//! Values of a stack's source as JSON: dotted property paths that step through nested blocks,
//! and the loose scalars (`"true"`, `"7"`) both CloudFormation and Terraform accept.
//!
//! A nested block may be an object or an array of one (CDKTF emits either, depending on the
//! provider schema); a path steps through a one-element array as if it were the object, and a
//! numeric segment (`rule.0.transition`) picks an element of any array.

use serde_json::{Map, Value};

/// One step of a property path: a key of an object, a key of the only element of an array (a
/// nested block emitted as a list of one), or an index into an array.
fn step<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    match v {
        Value::Object(m) => m.get(key),
        Value::Array(items) => match key.parse::<usize>() {
            Ok(i) => items.get(i),
            Err(_) if items.len() == 1 => items[0].get(key),
            Err(_) => None,
        },
        _ => None,
    }
}

fn step_mut<'a>(v: &'a mut Value, key: &str) -> Option<&'a mut Value> {
    match v {
        Value::Object(m) => m.get_mut(key),
        Value::Array(items) => match key.parse::<usize>() {
            Ok(i) => items.get_mut(i),
            Err(_) if items.len() == 1 => items[0].get_mut(key),
            Err(_) => None,
        },
        _ => None,
    }
}

/// A value by dotted path, stepping through one-element arrays of blocks.
pub fn lookup<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(v, step)
}

pub fn lookup_mut<'a>(v: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    path.split('.').try_fold(v, step_mut)
}

/// The object holding the last segment of `path`, and that segment.
fn parent_mut<'a, 'p>(v: &'a mut Value, path: &'p str) -> Option<(&'a mut Map<String, Value>, &'p str)> {
    let (parent, last) = match path.rsplit_once('.') {
        Some((parent, last)) => (lookup_mut(v, parent)?, last),
        None => (v, path),
    };
    let parent = if parent.as_array().is_some_and(|items| items.len() == 1) { parent.get_mut(0)? } else { parent };
    Some((parent.as_object_mut()?, last))
}

/// Sets the value at a dotted path; false if its parent block does not exist.
pub fn set(v: &mut Value, path: &str, value: Value) -> bool {
    parent_mut(v, path).map(|(parent, last)| parent.insert(last.to_owned(), value)).is_some()
}

/// Removes the value at a dotted path, returning it.
pub fn remove(v: &mut Value, path: &str) -> Option<Value> {
    let (parent, last) = parent_mut(v, path)?;
    parent.remove(last)
}

/// The blocks of a nested-block argument: an array's elements, or an object as a list of one.
pub fn blocks(v: Option<&Value>) -> Vec<&Value> {
    match v {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(Value::Null) | None => Vec::new(),
        Some(one) => vec![one],
    }
}

/// CloudFormation and Terraform accept booleans as `true` or `"true"`.
pub fn is_true(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// A number as CloudFormation and Terraform accept it: `7` or `"7"`.
pub fn number(v: Option<&Value>) -> Option<f64> {
    v.and_then(|v| v.as_f64().or_else(|| v.as_str()?.trim().parse().ok()))
}
