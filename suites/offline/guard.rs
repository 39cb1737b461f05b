//! Read-only by construction: a mutating call through the harness's clients is refused before it
//! is sent, and a run describes each resource once.

use libtest_mimic::{Failed, Trial};
use stackproof_harness::aws::Clients;
use stackproof_harness::aws::Target;
use stackproof_harness::aws::guard::{Allowlist, refusal_in};
use stackproof_seed::Seeder;
use stackproof_seed::hipaa::REGION;

use crate::chain::{seed_and_check, sent_exactly_its_reads};
use crate::{Shared, needs_world};

pub fn trials(world: &Shared) -> Vec<Trial> {
    vec![
        needs_world("guard::refuses_mutating_calls_before_sending_them".into(), world, |w| {
            let (outputs, _, _) = seed_and_check(w, "guard", &[])?;
            let key = outputs["DataKeyArn"].clone();
            w.rt.block_on(async {
                let clients = Clients::new(&Target::emulator(&w.endpoint)?, &[REGION], Allowlist::everything()).await;
                let here = clients.region(REGION);
                let deletion = here.kms.schedule_key_deletion().key_id(&key).pending_window_in_days(7).send().await;
                let err = deletion.err().ok_or("ScheduleKeyDeletion was sent")?;
                let refused = refusal_in(&err).ok_or_else(|| format!("refused for another reason: {err:?}"))?;
                assert_eq!(refused.operation, "ScheduleKeyDeletion");
                let vpc = here.ec2.delete_vpc().vpc_id(&outputs["VpcId"]).send().await;
                refusal_in(&vpc.err().ok_or("DeleteVpc was sent")?).ok_or("DeleteVpc not refused by the guard")?;
                assert_eq!(clients.ledger().refused().len(), 2);
                assert_eq!(clients.ledger().total_sent(), 0, "a refused call reached the ledger of sent calls");

                // The emulator never saw them: the key is still enabled, the VPC still there.
                let seeder = Seeder::new(&w.endpoint, REGION).await?;
                let state = seeder.kms.describe_key().key_id(&key).send().await?.key_metadata.and_then(|m| m.key_state);
                assert_eq!(state.map(|s| s.as_str().to_owned()).as_deref(), Some("Enabled"));
                seeder.ec2.describe_vpcs().vpc_ids(&outputs["VpcId"]).send().await?;
                Ok::<_, Failed>(())
            })
        }),
        needs_world("guard::a_run_describes_each_resource_once".into(), world, |w| {
            let (_, session, _) = seed_and_check(w, "once", &[])?;
            let ledger = session.clients.ledger();
            let before = ledger.total_sent();
            // No identical request twice: each resource is described once per run.
            let repeated = ledger.repeated();
            if !repeated.is_empty() {
                return Err(format!("requests sent more than once: {repeated:?}").into());
            }
            for (service, operation) in
                [("sts", "GetCallerIdentity"), ("cloudformation", "DescribeStacks"), ("ec2", "DescribeVpcs")]
            {
                assert_eq!(ledger.sent_count(service, operation), 1, "{service} {operation}");
            }
            eprintln!("one run: {before} read-only API calls, {} distinct operations", ledger.sent().len());
            sent_exactly_its_reads(
                ledger,
                &stackproof::allowlist(&stackproof::hipaa::Hipaa),
                stackproof::hipaa::reads::NOT_SENT_ON_EMULATOR,
            )?;
            // Checks read facts, never the API.
            session.evaluate_all(&stackproof::hipaa::Hipaa);
            session.evaluate_all(&stackproof::hipaa::Hipaa);
            assert_eq!(ledger.total_sent(), before, "evaluating checks sent API calls");
            Ok(())
        }),
    ]
}
