//! The checks, grouped by stack and then by service. Each check is one small function over a
//! stack's facts, with its HIPAA citation and metadata beside it.

pub mod dr;
pub mod hipaa;
