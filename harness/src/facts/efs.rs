//! Facts of efs, fetched once per run.
