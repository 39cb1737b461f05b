//! SNS topics: encryption and who is subscribed.

use aws_sdk_sns::Client;
use serde::Serialize;

use super::{Fact, classify};

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
    /// `PendingConfirmation` until the endpoint confirms.
    pub subscription_arn: String,
    pub protocol: String,
    pub endpoint: String,
    pub topic_arn: String,
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
    Ok(subs
        .into_iter()
        .map(|s| Subscription {
            subscription_arn: s.subscription_arn.unwrap_or_default(),
            protocol: s.protocol.unwrap_or_default(),
            endpoint: s.endpoint.unwrap_or_default(),
            topic_arn: s.topic_arn.unwrap_or_else(|| topic_arn.to_owned()),
        })
        .collect())
}
