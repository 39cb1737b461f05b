//! SNS topics: encryption and who is subscribed.

use aws_sdk_sns::Client;
use serde::Serialize;

use super::{Fact, FactError, classify};

/// The not-found code of SNS's query protocol.
const NOT_FOUND: &[&str] = &["NotFound"];

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Topic {
    pub topic_arn: String,
    pub display_name: Option<String>,
    /// Absent when the topic is not encrypted at rest.
    pub kms_master_key_id: Option<String>,
    /// The topic's access policy, parsed; `None` if the attribute is absent or not JSON.
    pub policy: Option<serde_json::Value>,
    pub subscriptions_confirmed: Option<String>,
    pub subscriptions_pending: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Subscription {
    /// The subscription's ARN once confirmed; `PendingConfirmation` (or another word) until then.
    pub subscription_arn: String,
    pub protocol: String,
    /// The endpoint when it is an ARN (a function, a queue, a stream): what checks compare.
    pub endpoint: Option<String>,
    /// Any other endpoint in a form that keeps only where messages go, never the path, query,
    /// user or password that webhooks carry tokens in: `https://hooks.example.com/<redacted>`,
    /// `<redacted>@example.com`, `<redacted>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint_redacted: Option<String>,
    pub topic_arn: String,
}

impl Subscription {
    /// Whether the endpoint confirmed: only then does SNS give the subscription an ARN.
    pub fn confirmed(&self) -> bool {
        self.subscription_arn.starts_with("arn:")
    }

    /// The endpoint for messages: its ARN, or its redacted form.
    pub fn endpoint_shown(&self) -> String {
        match (&self.endpoint, &self.endpoint_redacted) {
            (Some(arn), _) => arn.clone(),
            (None, Some(redacted)) => redacted.clone(),
            (None, None) => format!("a {} endpoint (not shown)", self.protocol),
        }
    }
}

/// An endpoint worth keeping whole: an ARN, never a URL, address or number.
fn arn_only(endpoint: Option<&str>) -> Option<String> {
    endpoint.filter(|e| e.starts_with("arn:")).map(str::to_owned)
}

/// What is kept of an endpoint that is not an ARN: a URL's scheme and host (without user or
/// password), an address's domain; nothing else of it.
fn redacted(endpoint: Option<&str>) -> Option<String> {
    let e = endpoint.filter(|e| !e.is_empty() && !e.starts_with("arn:"))?;
    const HIDDEN: &str = "<redacted>";
    if let Some((scheme, rest)) = e.split_once("://") {
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
        return Some(format!("{scheme}://{host}/{HIDDEN}"));
    }
    Some(match e.rsplit_once('@') {
        Some((_, domain)) if !domain.is_empty() => format!("{HIDDEN}@{domain}"),
        _ => HIDDEN.to_owned(),
    })
}

/// GetTopicAttributes for one topic by ARN.
pub async fn topic(sns: &Client, arn: &str) -> Fact<Topic> {
    let out = sns
        .get_topic_attributes()
        .topic_arn(arn)
        .send()
        .await
        .map_err(|e| classify("GetTopicAttributes", &e, NOT_FOUND))?;
    let mut attributes = out.attributes.unwrap_or_default();
    // SNS reports an unencrypted topic by leaving the attribute out; some emulators send it empty.
    let kms_master_key_id = attributes.remove("KmsMasterKeyId").filter(|k| !k.is_empty());
    Ok(Topic {
        topic_arn: attributes.remove("TopicArn").unwrap_or_else(|| arn.to_owned()),
        display_name: attributes.remove("DisplayName"),
        kms_master_key_id,
        policy: attributes.get("Policy").and_then(|p| serde_json::from_str(p).ok()),
        subscriptions_confirmed: attributes.remove("SubscriptionsConfirmed"),
        subscriptions_pending: attributes.remove("SubscriptionsPending"),
    })
}

/// ListSubscriptionsByTopic, every page.
pub async fn subscriptions(sns: &Client, topic_arn: &str) -> Fact<Vec<Subscription>> {
    let subs = sns
        .list_subscriptions_by_topic()
        .topic_arn(topic_arn)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .map_err(|e| classify("ListSubscriptionsByTopic", &e, NOT_FOUND))?;
    subs.into_iter()
        .map(|s| {
            // A subscription without its ARN or protocol is a reply that cannot be judged.
            let malformed = |field: &str| FactError::Api {
                operation: "ListSubscriptionsByTopic".into(),
                detail: format!("a subscription of {topic_arn} has no {field}"),
            };
            Ok(Subscription {
                subscription_arn: s
                    .subscription_arn
                    .filter(|a| !a.is_empty())
                    .ok_or_else(|| malformed("SubscriptionArn"))?,
                protocol: s.protocol.filter(|p| !p.is_empty()).ok_or_else(|| malformed("Protocol"))?,
                endpoint: arn_only(s.endpoint.as_deref()),
                endpoint_redacted: redacted(s.endpoint.as_deref()),
                topic_arn: s.topic_arn.unwrap_or_else(|| topic_arn.to_owned()),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arn_endpoints_are_kept_and_others_only_as_where_they_go() {
        let function = "arn:aws:lambda:eu-west-2:1:function:f";
        assert_eq!(arn_only(Some(function)).as_deref(), Some(function));
        assert_eq!(redacted(Some(function)), None);
        assert_eq!(arn_only(Some("https://ops:hunter2@hooks.example.com/x")), None);
        assert_eq!(
            redacted(Some("https://ops:hunter2@hooks.example.com/services/T0/B0/Zq8RkT3vWm6Y?token=abc#f")).as_deref(),
            Some("https://hooks.example.com/<redacted>")
        );
        assert_eq!(redacted(Some("http://10.0.0.1:8080")).as_deref(), Some("http://10.0.0.1:8080/<redacted>"));
        assert_eq!(redacted(Some("oncall@example.com")).as_deref(), Some("<redacted>@example.com"));
        assert_eq!(redacted(Some("+4915112345678")).as_deref(), Some("<redacted>"));
        let pending = Subscription {
            subscription_arn: "PendingConfirmation".into(),
            protocol: "https".into(),
            endpoint: None,
            endpoint_redacted: redacted(Some("https://hooks.example.com/T0/secret-path")),
            topic_arn: "t".into(),
        };
        assert!(!pending.confirmed());
        assert_eq!(pending.endpoint_shown(), "https://hooks.example.com/<redacted>");
        let json = serde_json::to_string(&pending).unwrap();
        assert!(!json.contains("secret-path") && !json.contains("T0"), "{json}");
    }
}
