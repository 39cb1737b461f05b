//! The disaster-recovery layout (`stacks/dr/`): a CDKTF app spanning eu-west-2 and eu-west-1.

pub mod synth;
