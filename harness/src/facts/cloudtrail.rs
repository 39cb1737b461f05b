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
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FieldSelector {
    pub field: String,
    pub equals: Vec<String>,
    pub not_equals: Vec<String>,
    pub starts_with: Vec<String>,
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

impl EventSelectors {
    /// Whether the selectors record every management event, reads and writes alike.
    pub fn all_management_events(&self) -> bool {
        let basic = self.event_selectors.iter().any(|s| {
            s.include_management_events.unwrap_or(true) && s.read_write_type.as_deref().unwrap_or("All") == "All"
        });
        // An advanced selector on the Management category records reads and writes unless a
        // readOnly field narrows it.
        let advanced = self.advanced_event_selectors.iter().any(|s| {
            s.field_selectors.iter().any(|f| f.field == "eventCategory" && f.equals.iter().any(|v| v == "Management"))
                && !s.field_selectors.iter().any(|f| f.field == "readOnly")
        });
        basic || advanced
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
                    })
                    .collect(),
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(rw: &str, mgmt: bool) -> EventSelectors {
        EventSelectors {
            event_selectors: vec![EventSelector {
                read_write_type: Some(rw.into()),
                include_management_events: Some(mgmt),
                data_resources: vec![],
            }],
            advanced_event_selectors: vec![],
        }
    }

    fn field(name: &str, equals: &[&str]) -> FieldSelector {
        FieldSelector {
            field: name.into(),
            equals: equals.iter().map(|s| s.to_string()).collect(),
            not_equals: vec![],
            starts_with: vec![],
        }
    }

    #[test]
    fn management_events_must_be_recorded_read_and_write() {
        assert!(basic("All", true).all_management_events());
        assert!(!basic("WriteOnly", true).all_management_events());
        assert!(!basic("All", false).all_management_events());
        let advanced = |fields: Vec<FieldSelector>| EventSelectors {
            event_selectors: vec![],
            advanced_event_selectors: vec![AdvancedEventSelector { name: None, field_selectors: fields }],
        };
        assert!(advanced(vec![field("eventCategory", &["Management"])]).all_management_events());
        assert!(
            !advanced(vec![field("eventCategory", &["Management"]), field("readOnly", &["false"])])
                .all_management_events()
        );
        assert!(!advanced(vec![field("eventCategory", &["Data"])]).all_management_events());
        assert!(EventSelectors { event_selectors: vec![], advanced_event_selectors: vec![] }.is_empty());
    }
}
