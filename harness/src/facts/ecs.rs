//! Facts of ecs, fetched once per run.
