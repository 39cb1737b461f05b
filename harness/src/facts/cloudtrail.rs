//! CloudTrail trails: scope, integrity, encryption, whether they are logging and what they record.

use aws_sdk_cloudtrail::Client;
use aws_smithy_types::date_time::Format;
use serde::Serialize;

use super::{Fact, FactError, classify};

const NOT_FOUND: &[&str] = &["TrailNotFoundException"];

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Trail {
    pub name: String,
    #[serde(rename = "TrailARN")]
    pub trail_arn: Option<String>,
    pub home_region: Option<String>,
    pub s3_bucket_name: Option<String>,
    pub is_multi_region_trail: bool,
    pub include_global_service_events: bool,
    pub log_file_validation_enabled: bool,
    /// Absent when the trail's log files are encrypted with SSE-S3 only.
    pub kms_key_id: Option<String>,
    pub has_custom_event_selectors: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TrailStatus {
    pub is_logging: bool,
    pub latest_delivery_error: Option<String>,
    pub start_logging_time: Option<String>,
    pub stop_logging_time: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DataResource {
    #[serde(rename = "Type")]
    pub kind: Option<String>,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EventSelector {
    pub read_write_type: Option<String>,
    pub include_management_events: Option<bool>,
    pub data_resources: Vec<DataResource>,
    /// Event sources (`kms.amazonaws.com`, `rdsdata.amazonaws.com`) whose management events this
    /// selector leaves out.
    pub exclude_management_event_sources: Vec<String>,
}

/// One field of an advanced selector, with every operator the API has: a selector records an
/// event only if every field's condition holds.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FieldSelector {
    pub field: String,
    pub equals: Vec<String>,
    pub not_equals: Vec<String>,
    pub starts_with: Vec<String>,
    pub not_starts_with: Vec<String>,
    pub ends_with: Vec<String>,
    pub not_ends_with: Vec<String>,
}

impl FieldSelector {
    /// The negative conditions (`NotEquals x`, `NotStartsWith y`): each leaves events out.
    pub fn exclusions(&self) -> Vec<String> {
        let ops = [
            ("NotEquals", &self.not_equals),
            ("NotStartsWith", &self.not_starts_with),
            ("NotEndsWith", &self.not_ends_with),
        ];
        ops.iter()
            .filter(|(_, values)| !values.is_empty())
            .map(|(op, values)| format!("{} {op} {}", self.field, values.join(",")))
            .collect()
    }

    /// `readOnly Equals true`, every operator with its values, for messages.
    pub fn describe(&self) -> String {
        let ops = [
            ("Equals", &self.equals),
            ("NotEquals", &self.not_equals),
            ("StartsWith", &self.starts_with),
            ("NotStartsWith", &self.not_starts_with),
            ("EndsWith", &self.ends_with),
            ("NotEndsWith", &self.not_ends_with),
        ];
        let parts: Vec<String> =
            ops.iter().filter(|(_, v)| !v.is_empty()).map(|(op, v)| format!("{op} {}", v.join(","))).collect();
        format!("{} {}", self.field, parts.join(" "))
    }

    /// Whether the field is `Equals` exactly these values and nothing else.
    fn equals_only(&self, values: &[&str]) -> bool {
        self.exclusions().is_empty()
            && self.starts_with.is_empty()
            && self.ends_with.is_empty()
            && self.equals.len() == values.len()
            && values.iter().all(|v| self.equals.iter().any(|e| e == v))
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdvancedEventSelector {
    pub name: Option<String>,
    pub field_selectors: Vec<FieldSelector>,
}

/// GetEventSelectors: a trail has either basic or advanced selectors, never both.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EventSelectors {
    pub event_selectors: Vec<EventSelector>,
    pub advanced_event_selectors: Vec<AdvancedEventSelector>,
}

/// Reads and writes, as management events are recorded.
const READ_WRITE: [(&str, &str); 2] = [("ReadOnly", "true"), ("WriteOnly", "false")];

impl EventSelectors {
    /// What keeps the selectors from recording every management event, reads and writes, from
    /// every event source: empty when they do. Selectors add up (an event is recorded if any
    /// selector records it), so a narrowed selector matters only if no other covers the gap.
    pub fn management_gaps(&self) -> Vec<String> {
        if !self.advanced_event_selectors.is_empty() {
            return self.advanced_management_gaps();
        }
        if self.event_selectors.is_empty() {
            return vec!["no event selectors".to_owned()];
        }
        let mut gaps = Vec::new();
        for (kind, _) in READ_WRITE {
            // The selectors that record management events of this kind.
            let covering: Vec<&EventSelector> = self
                .event_selectors
                .iter()
                .filter(|s| s.include_management_events.unwrap_or(true))
                .filter(|s| {
                    let rw = s.read_write_type.as_deref().unwrap_or("All");
                    rw == "All" || rw == kind
                })
                .collect();
            let Some(first) = covering.first() else {
                gaps.push(format!("management events of kind {kind} not recorded"));
                continue;
            };
            // A source is left out only if every covering selector excludes it.
            let excluded: Vec<&String> = first
                .exclude_management_event_sources
                .iter()
                .filter(|src| covering.iter().all(|s| s.exclude_management_event_sources.contains(src)))
                .collect();
            if !excluded.is_empty() {
                let names: Vec<&str> = excluded.iter().map(|s| s.as_str()).collect();
                gaps.push(format!("{kind} management events of {} excluded", names.join(", ")));
            }
        }
        gaps
    }

    /// `management_gaps` for advanced selectors: a selector records all management events of a
    /// kind if it is `eventCategory Equals Management` and its only other field, if any, is
    /// `readOnly` of that kind.
    fn advanced_management_gaps(&self) -> Vec<String> {
        let management: Vec<&AdvancedEventSelector> = self
            .advanced_event_selectors
            .iter()
            .filter(|s| s.field_selectors.iter().any(|f| f.field == "eventCategory" && f.equals_only(&["Management"])))
            .collect();
        let mut gaps = Vec::new();
        for (kind, read_only) in READ_WRITE {
            let covered = management.iter().any(|s| {
                s.field_selectors.iter().all(|f| match f.field.as_str() {
                    "eventCategory" => true,
                    "readOnly" => f.equals_only(&[read_only]),
                    _ => false,
                })
            });
            if !covered {
                let narrowed: Vec<String> = management
                    .iter()
                    .flat_map(|s| s.field_selectors.iter().filter(|f| f.field != "eventCategory"))
                    .map(FieldSelector::describe)
                    .collect();
                gaps.push(if narrowed.is_empty() {
                    format!("management events of kind {kind} not recorded")
                } else {
                    format!("management events of kind {kind} narrowed by {}", narrowed.join("; "))
                });
            }
        }
        gaps
    }

    /// Every negative condition of every advanced selector: each leaves resources, events or
    /// sources out of what the selector records (an excluded data-event resource, a management
    /// event source left out).
    pub fn exclusions(&self) -> Vec<String> {
        self.advanced_event_selectors
            .iter()
            .enumerate()
            .flat_map(|(i, s)| {
                let name = s.name.clone().unwrap_or_else(|| format!("selector {i}"));
                s.field_selectors.iter().flat_map(FieldSelector::exclusions).map(move |x| format!("{name}: {x}"))
            })
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.event_selectors.is_empty() && self.advanced_event_selectors.is_empty()
    }
}

fn time(t: Option<&aws_smithy_types::DateTime>) -> Option<String> {
    t.and_then(|t| t.fmt(Format::DateTime).ok())
}

/// GetTrail for one trail by name or ARN.
pub async fn trail(ct: &Client, name: &str) -> Fact<Trail> {
    let out = ct.get_trail().name(name).send().await.map_err(|e| classify("GetTrail", &e, NOT_FOUND))?;
    let t = out.trail.ok_or_else(|| FactError::Absent { what: format!("trail {name}") })?;
    Ok(Trail {
        name: t.name.unwrap_or_else(|| name.to_owned()),
        trail_arn: t.trail_arn,
        home_region: t.home_region,
        s3_bucket_name: t.s3_bucket_name,
        is_multi_region_trail: t.is_multi_region_trail.unwrap_or(false),
        include_global_service_events: t.include_global_service_events.unwrap_or(false),
        log_file_validation_enabled: t.log_file_validation_enabled.unwrap_or(false),
        kms_key_id: t.kms_key_id,
        has_custom_event_selectors: t.has_custom_event_selectors,
    })
}

/// GetTrailStatus for one trail by name or ARN.
pub async fn trail_status(ct: &Client, name: &str) -> Fact<TrailStatus> {
    let s = ct.get_trail_status().name(name).send().await.map_err(|e| classify("GetTrailStatus", &e, NOT_FOUND))?;
    Ok(TrailStatus {
        is_logging: s.is_logging.unwrap_or(false),
        latest_delivery_error: s.latest_delivery_error.filter(|e| !e.is_empty()),
        start_logging_time: time(s.start_logging_time.as_ref()),
        stop_logging_time: time(s.stop_logging_time.as_ref()),
    })
}

/// GetEventSelectors for one trail by name or ARN.
pub async fn event_selectors(ct: &Client, name: &str) -> Fact<EventSelectors> {
    let out = ct
        .get_event_selectors()
        .trail_name(name)
        .send()
        .await
        .map_err(|e| classify("GetEventSelectors", &e, NOT_FOUND))?;
    Ok(EventSelectors {
        event_selectors: out
            .event_selectors
            .unwrap_or_default()
            .into_iter()
            .map(|s| EventSelector {
                read_write_type: s.read_write_type.map(|r| r.as_str().to_owned()),
                include_management_events: s.include_management_events,
                data_resources: s
                    .data_resources
                    .unwrap_or_default()
                    .into_iter()
                    .map(|d| DataResource { kind: d.r#type, values: d.values.unwrap_or_default() })
                    .collect(),
                exclude_management_event_sources: s.exclude_management_event_sources.unwrap_or_default(),
            })
            .collect(),
        advanced_event_selectors: out
            .advanced_event_selectors
            .unwrap_or_default()
            .into_iter()
            .map(|s| AdvancedEventSelector {
                name: s.name,
                field_selectors: s
                    .field_selectors
                    .into_iter()
                    .map(|f| FieldSelector {
                        field: f.field,
                        equals: f.equals.unwrap_or_default(),
                        not_equals: f.not_equals.unwrap_or_default(),
                        starts_with: f.starts_with.unwrap_or_default(),
                        not_starts_with: f.not_starts_with.unwrap_or_default(),
                        ends_with: f.ends_with.unwrap_or_default(),
                        not_ends_with: f.not_ends_with.unwrap_or_default(),
                    })
                    .collect(),
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(selectors: &[(&str, bool, &[&str])]) -> EventSelectors {
        EventSelectors {
            event_selectors: selectors
                .iter()
                .map(|(rw, mgmt, excluded)| EventSelector {
                    read_write_type: Some((*rw).into()),
                    include_management_events: Some(*mgmt),
                    data_resources: vec![],
                    exclude_management_event_sources: excluded.iter().map(|s| s.to_string()).collect(),
                })
                .collect(),
            advanced_event_selectors: vec![],
        }
    }

    fn field(name: &str, equals: &[&str]) -> FieldSelector {
        FieldSelector {
            field: name.into(),
            equals: equals.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    fn advanced(selectors: Vec<Vec<FieldSelector>>) -> EventSelectors {
        EventSelectors {
            event_selectors: vec![],
            advanced_event_selectors: selectors
                .into_iter()
                .map(|fields| AdvancedEventSelector { name: None, field_selectors: fields })
                .collect(),
        }
    }

    #[test]
    fn management_events_must_be_recorded_read_and_write_from_every_source() {
        assert!(basic(&[("All", true, &[])]).management_gaps().is_empty());
        assert_eq!(basic(&[("WriteOnly", true, &[])]).management_gaps().len(), 1);
        assert_eq!(basic(&[("All", false, &[])]).management_gaps().len(), 2);
        assert!(
            basic(&[("ReadOnly", true, &[]), ("WriteOnly", true, &[])]).management_gaps().is_empty(),
            "selectors add up"
        );
        let kms = basic(&[("All", true, &["kms.amazonaws.com"])]).management_gaps();
        assert!(kms.len() == 2 && kms[0].contains("kms.amazonaws.com excluded"), "{kms:?}");
        // Another selector recording the excluded source closes the gap.
        assert!(basic(&[("All", true, &["kms.amazonaws.com"]), ("All", true, &[])]).management_gaps().is_empty());
        assert_eq!(
            EventSelectors { event_selectors: vec![], advanced_event_selectors: vec![] }.management_gaps(),
            ["no event selectors"]
        );
    }

    #[test]
    fn advanced_selectors_record_management_events_only_unnarrowed() {
        assert!(advanced(vec![vec![field("eventCategory", &["Management"])]]).management_gaps().is_empty());
        let writes = advanced(vec![vec![field("eventCategory", &["Management"]), field("readOnly", &["false"])]]);
        assert_eq!(writes.management_gaps().len(), 1);
        let both = advanced(vec![
            vec![field("eventCategory", &["Management"]), field("readOnly", &["false"])],
            vec![field("eventCategory", &["Management"]), field("readOnly", &["true"])],
        ]);
        assert!(both.management_gaps().is_empty());
        let no_kms = FieldSelector {
            field: "eventSource".into(),
            not_equals: vec!["kms.amazonaws.com".into()],
            ..Default::default()
        };
        let narrowed = advanced(vec![vec![field("eventCategory", &["Management"]), no_kms]]);
        assert_eq!(narrowed.management_gaps().len(), 2);
        assert_eq!(narrowed.exclusions(), ["selector 0: eventSource NotEquals kms.amazonaws.com"]);
        assert_eq!(advanced(vec![vec![field("eventCategory", &["Data"])]]).management_gaps().len(), 2);
    }

    #[test]
    fn an_excluded_data_resource_is_an_exclusion() {
        let arn = FieldSelector {
            field: "resources.ARN".into(),
            not_starts_with: vec!["arn:aws:s3:::phi/".into()],
            ..Default::default()
        };
        let s = advanced(vec![
            vec![field("eventCategory", &["Management"])],
            vec![field("eventCategory", &["Data"]), field("resources.type", &["AWS::S3::Object"]), arn],
        ]);
        assert!(s.management_gaps().is_empty());
        assert_eq!(s.exclusions(), ["selector 1: resources.ARN NotStartsWith arn:aws:s3:::phi/"]);
        assert!(basic(&[("All", true, &[])]).exclusions().is_empty());
    }
}
