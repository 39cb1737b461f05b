//! Facts of rds, fetched once per run.
