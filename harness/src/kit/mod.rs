//! The judgements every suite shares, live and static alike, written once: reading policies
//! (`policy`), judging a fact or reporting it unavailable (`fact`), and judging a resource as a
//! source declares it (`source`). What looks like a secret is decided lower, in `crate::secret`,
//! because facts use it as they fetch.

pub mod fact;
pub mod policy;
pub mod source;
