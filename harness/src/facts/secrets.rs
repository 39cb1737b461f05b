//! Facts of secrets, fetched once per run.
