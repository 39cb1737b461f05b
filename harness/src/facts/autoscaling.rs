//! Facts of autoscaling, fetched once per run.
